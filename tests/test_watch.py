"""`build --watch`: a rebuild per change, one line each, byte-identical to a one-shot build;
bad input is reported as a one-shot build reports it, and the watcher stays up."""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from dokureport.cli import cli
from dokureport.core.options import BuildOptions
from dokureport.pipeline import build_brochure
from dokureport.watch import watch_builds
from tests.conftest import minimal_event

ABSTRACT = "Kommunale Präventionsketten verbinden Angebote für Familien über Jahre hinweg."


def _event(abstract: str) -> dict:
    return minimal_event(talks=[{"id": "t1", "title": "Präventionsketten",
                                 "speakers": [{"name": "Dana Berg"}], "abstract": abstract}])


class _Watcher:
    def __init__(self, source: Path, output: Path) -> None:
        self.lines: queue.Queue[tuple[str, bool]] = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=watch_builds, daemon=True, args=(
            source, output, BuildOptions(cache_dir=None), ["screen"],
            lambda line, err: self.lines.put((line, err)), self.stop))
        self.thread.start()

    def until(self, wanted: Callable[[str], bool], timeout: float = 60) -> list[str]:
        """Every line up to and including the first that `wanted` accepts."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line, _ = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if wanted(line):
                return seen
        raise AssertionError(f"no such line in time; saw {seen}")


def test_a_change_rebuilds_and_an_error_is_survived(
        make_event: Callable[..., Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = make_event(_event(ABSTRACT))
    out = folder / "brochure.pdf"  # inside the watched folder: its writes are no change
    watcher = _Watcher(folder, out)
    try:
        first = watcher.until(lambda line: line.startswith("Wrote"))
        assert re.fullmatch(r"Wrote .*brochure\.pdf \(\d+ pages\), \d+ warnings?, [\d.]+ s",
                            first[-1])
        watcher.until(lambda line: line.startswith("Watching"))

        (folder / "event.yaml").write_text(
            yaml.safe_dump(_event(ABSTRACT.replace("Familien", "Kinder")), allow_unicode=True),
            encoding="utf-8")
        watcher.until(lambda line: line.startswith("Wrote"))
        one_shot = tmp_path / "one-shot.pdf"
        build_brochure(folder, one_shot, BuildOptions(cache_dir=None))
        assert out.read_bytes() == one_shot.read_bytes()

        (folder / "event.yaml").write_text("title: [unclosed\n", encoding="utf-8")
        failed = watcher.until(lambda line: line.startswith("Build failed"))
        assert any(line.startswith("error: ") and "event.yaml:" in line for line in failed)
        assert watcher.thread.is_alive()

        (folder / "event.yaml").write_text(yaml.safe_dump(_event(ABSTRACT),
                                                          allow_unicode=True), encoding="utf-8")
        watcher.until(lambda line: line.startswith("Wrote"))
    finally:
        watcher.stop.set()
        watcher.thread.join(timeout=10)
    assert not watcher.thread.is_alive()


def test_the_error_lines_match_a_one_shot_build(make_event: Callable[..., Path],
                                                 runner) -> None:
    folder = make_event(minimal_event())
    (folder / "event.yaml").write_text("title: Fachtag\nevent: {start: 2024-13-05}\n",
                                       encoding="utf-8")
    one_shot = runner.invoke(cli, ["build", str(folder), "-o", str(folder / "x.pdf")])
    assert one_shot.exit_code == 2
    lines: list[str] = []
    stop = threading.Event()
    stop.set()  # build once, then leave at once
    watch_builds(folder, folder / "x.pdf", BuildOptions(cache_dir=None), ["screen"],
                 lambda line, err: lines.append(line), stop)
    errors = [line for line in lines if line.startswith("error: ")]
    assert errors and errors == [line for line in one_shot.output.splitlines()
                                 if line.startswith("error: ")]
