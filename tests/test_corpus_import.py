"""The hostile corpus of `import` (issue 24): schedules nested 100,000 levels deep,
compressed bombs, absurd numbers, inert HTML, impossible times and duplicate slots.

Each case is a folder of tests/corpus/import with its source (`schedule.json`, …) and an
expect.yaml, or is generated here (what is too large to commit):

    exit: 0 or 2                # `dokureport import SOURCE FOLDER`
    contains: [...]             # fragments of lines of standard error (warnings, errors)
    lacks: [...] / has: [...]   # text the written event.yaml must not / must contain

What an import writes must validate, and build (the slow test), as it is.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_hostile_input import run_cli

IMPORTS = Path(__file__).parent / "corpus" / "import"


def gen_nested_json(folder: Path) -> dict[str, Any]:
    (folder / "schedule.json").write_text('{"schedule": ' + "[" * 100_000 + "]" * 100_000
                                          + "}", encoding="utf-8")
    return {"exit": 2, "contains": ["schedule.json", "nested"]}


def gen_nested_xml(folder: Path) -> dict[str, Any]:
    (folder / "schedule.xml").write_text("<schedule><day>" + "<room>" * 100_000
                                         + "</room>" * 100_000 + "</day></schedule>",
                                         encoding="utf-8")
    return {"exit": 2, "contains": ["schedule.xml", "nested"]}


def gen_gzip_bomb(folder: Path) -> dict[str, Any]:
    zeros = bytes(1 << 20)
    with gzip.open(folder / "schedule.json.gz", "wb", compresslevel=9) as out:
        for _ in range(200):  # 200 MB inflated, 200 kB on disk
            out.write(zeros)
    return {"exit": 2, "contains": ["schedule.json.gz", "MB"]}


def gen_named_pipe(folder: Path) -> dict[str, Any]:
    import os

    os.mkfifo(folder / "schedule.json")  # read, it would block for ever
    return {"exit": 2, "contains": ["schedule.json", "not a regular file"]}


GENERATED: dict[str, Callable[[Path], dict[str, Any]]] = {
    "nested-json": gen_nested_json, "nested-xml": gen_nested_xml,
    "gzip-bomb": gen_gzip_bomb, "named-pipe": gen_named_pipe}
COMMITTED = sorted(p.name for p in IMPORTS.iterdir() if (p / "expect.yaml").is_file())
CASES = [*COMMITTED, *sorted(GENERATED)]


def _case(name: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The case's source file (in a fresh folder) and its expected outcome."""
    folder = tmp_path / "source"
    folder.mkdir()
    if name in GENERATED:
        expect = GENERATED[name](folder)
    else:
        expect = yaml.safe_load((IMPORTS / name / "expect.yaml").read_text(encoding="utf-8"))
        for source in (IMPORTS / name).iterdir():
            if source.name != "expect.yaml":
                (folder / source.name).write_bytes(source.read_bytes())
    (source,) = list(folder.iterdir())
    return source, expect


def _imported(name: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    source, expect = _case(name, tmp_path)
    event = tmp_path / "event"
    code, out, err = run_cli("import", str(source), str(event))
    assert "Traceback" not in out + err and "internal error" not in err, err
    assert code == expect["exit"], err
    for fragment in expect.get("contains", []):
        assert any(fragment in line for line in err.splitlines()), f"{fragment!r} not in {err}"
    if code != 0:
        assert not (event / "event.yaml").exists(), "a refused import writes nothing"
    return event, expect


@pytest.mark.parametrize("name", CASES)
def test_corpus_import(name: str, tmp_path: Path) -> None:
    event, expect = _imported(name, tmp_path)
    if expect["exit"] != 0:
        return
    written = (event / "event.yaml").read_text(encoding="utf-8")
    for text in expect.get("lacks", []):
        assert text not in written
    for text in expect.get("has", []):
        assert text in written
    code, _, err = run_cli("validate", str(event))
    assert code == 0, err  # what import writes validates as it is


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in COMMITTED])
def test_corpus_import_builds(name: str, tmp_path: Path) -> None:
    event, _ = _imported(name, tmp_path)
    code, _, err = run_cli("build", str(event), "-o", str(tmp_path / "out.pdf"), "--no-cache",
                           "-q")
    assert code == 0, err
    assert (tmp_path / "out.pdf").stat().st_size > 0


def test_the_import_corpus_has_every_class() -> None:
    assert set(CASES) >= {"nested-json", "nested-xml", "gzip-bomb", "named-pipe",
                          "absurd-durations", "inert-html", "many-slots-one-id",
                          "ends-before-it-starts"}
