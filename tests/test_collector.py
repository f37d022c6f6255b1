"""The garbage collector during a build: what existed before the build is frozen for
its duration and handed back after it, whatever way the build ends."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from collections.abc import Iterator

import pdfplumber
import pikepdf
import pytest

from dokureport.core import collector
from dokureport.core.collector import (
    COMMAND_LINE_THRESHOLDS,
    DROPPED_HELD,
    between_builds,
    drop_between_builds,
    long_lived_frozen,
)
from dokureport.core.errors import InputError
from dokureport.core.options import BuildOptions
from dokureport.pipeline import BuildTrace, Progress, build_brochures
from tests.conftest import minimal_event
from tests.helpers import watch_session


@pytest.fixture(autouse=True)
def _nothing_frozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_objects_made_before_the_block_are_out_of_the_collectors_sight_inside_it() -> None:
    before = [1, 2]
    with long_lived_frozen():
        assert gc.get_freeze_count() > 0
        assert not any(o is before for o in gc.get_objects())
        made_inside = [3, 4]
        assert gc.is_tracked(made_inside)
        assert any(o is made_inside for o in gc.get_objects())
    assert gc.get_freeze_count() == 0
    assert any(o is before for o in gc.get_objects())


def test_garbage_from_before_the_block_is_collected_after_it() -> None:
    class Cycle:
        pass

    first, second = Cycle(), Cycle()
    first.other, second.other = second, first  # type: ignore[attr-defined]
    alive = weakref.ref(first)
    del first, second
    with long_lived_frozen():
        gc.collect()
        # Frozen, so neither seen nor collected: the cycle outlives a full collection.
        assert alive() is not None
    gc.collect()
    assert alive() is None


def test_a_callers_own_freeze_is_left_as_it_was() -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    with long_lived_frozen():
        pass
    assert gc.get_freeze_count() == frozen


def test_a_disabled_collector_is_left_alone() -> None:
    gc.disable()
    try:
        with long_lived_frozen():
            assert gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_a_build_runs_frozen_and_hands_everything_back(make_event, tmp_path) -> None:
    seen: list[int] = []
    trace = BuildTrace(progress=lambda _step: seen.append(gc.get_freeze_count()))
    folder = make_event(minimal_event(intro="Ein Absatz."))
    build_brochures(folder, tmp_path / "out.pdf", BuildOptions(), ("screen",), trace)
    assert seen and all(count > 0 for count in seen)
    assert gc.get_freeze_count() == 0


def test_a_failed_build_hands_everything_back_too(make_event, tmp_path) -> None:
    seen: list[int] = []

    def refuse(step: Progress) -> None:
        seen.append(gc.get_freeze_count())
        if step.stage == "layout":
            raise InputError([])

    folder = make_event(minimal_event(intro="Ein Absatz."))
    with pytest.raises(InputError):
        build_brochures(folder, tmp_path / "out.pdf", BuildOptions(), ("screen",),
                        BuildTrace(progress=refuse))
    assert seen and all(count > 0 for count in seen)
    assert gc.get_freeze_count() == 0


_EXIT_PROBE = """
import gc, os, sys
from dokureport import cli

def seen(phase, info):
    if phase == "start" and info["generation"] == 2:
        os.write(2, f"full collection, frozen {gc.get_freeze_count()}\\n".encode())

gc.callbacks.append(seen)
cli.main(sys.argv[1:])
"""


def _run_command_line(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _EXIT_PROBE, *args], capture_output=True,
                          text=True, timeout=300)


def _last_full_collection(stderr: str) -> int:
    counts = [int(line.rsplit(" ", 1)[1]) for line in stderr.splitlines()
              if line.startswith("full collection, frozen ")]
    assert counts, stderr
    return counts[-1]


def test_the_command_line_leaves_nothing_for_the_collection_at_exit(make_event,
                                                                     tmp_path) -> None:
    folder = make_event(minimal_event(intro="Ein Absatz über den Fachtag."))
    out = tmp_path / "out.pdf"
    done = _run_command_line("build", str(folder), "-o", str(out), "-q", "--no-cache")
    assert done.returncode == 0, done.stderr
    # The objects alive at exit (thousands: modules, fonts, dictionaries) are out of
    # the last collection's sight.
    assert _last_full_collection(done.stderr) > 10_000
    with pikepdf.open(out) as pdf:  # written whole before the process went
        assert len(pdf.pages) >= 2  # the cover, then sections that run on (page planning)
        assert "/StructTreeRoot" in pdf.Root
    with pdfplumber.open(out) as pdf:  # down to the imprint, the brochure's last section
        assert "Ein Absatz über den Fachtag." in pdf.pages[-1].extract_text()
        assert "Impressum" in pdf.pages[-1].extract_text()


def test_bad_input_still_exits_2_with_its_message(make_event, tmp_path) -> None:
    folder = make_event({"title": "Fachtag", "event": {"start": "kein Datum"}})
    done = _run_command_line("build", str(folder), "-o", str(tmp_path / "out.pdf"))
    assert done.returncode == 2
    assert "event.yaml:" in done.stderr and "event.start" in done.stderr
    assert "Traceback" not in done.stderr
    assert _last_full_collection(done.stderr) > 10_000
    assert not (tmp_path / "out.pdf").exists()


def test_the_command_line_collects_young_objects_less_often() -> None:
    threshold = subprocess.run(
        [sys.executable, "-c", "import gc; from dokureport import cli\n"
         "try:\n    cli.main(['--version'])\nexcept SystemExit:\n    print(gc.get_threshold())"],
        capture_output=True, text=True, timeout=60).stdout
    assert threshold.splitlines()[-1] == str(COMMAND_LINE_THRESHOLDS)


class _Costly:
    """Something whose freeing is worth putting off (a finished PDF's object graph)."""


def test_what_a_build_drops_is_freed_while_the_next_edit_is_awaited() -> None:
    between_builds()
    dropped = _Costly()
    alive = weakref.ref(dropped)
    drop_between_builds(dropped)
    del dropped
    gc.collect()
    assert alive() is not None  # held, not freed in the build
    between_builds()
    assert alive() is None


def test_a_process_that_never_waits_holds_only_the_latest_few() -> None:
    between_builds()
    held = [_Costly() for _ in range(DROPPED_HELD + 2)]
    alive = [weakref.ref(o) for o in held]
    for obj in held:
        drop_between_builds(obj)
    del held, obj
    assert [ref() is not None for ref in alive] == [False, False] + [True] * DROPPED_HELD
    between_builds()
    assert not any(ref() for ref in alive)


def _dropped_by(build: object, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    dropped: list[object] = []
    monkeypatch.setattr(collector, "drop_between_builds", dropped.append)
    build()  # type: ignore[operator]
    return dropped


def test_a_watch_build_leaves_freeing_its_finished_pdf_to_the_wait(
        make_event, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_event(minimal_event(intro="Ein Absatz."))
    session, lines = watch_session(folder, tmp_path / "out.pdf", tmp_path / "cache")
    dropped = _dropped_by(session.build, monkeypatch)
    assert lines[-1].startswith("Wrote ")
    # The finished PDF's objects (qpdf frees 24,000 of them for 1,000 talks, 0.07 s).
    assert [type(o) for o in dropped] == [pikepdf.Pdf]
    with pikepdf.open(tmp_path / "out.pdf") as pdf:  # written whole before that
        assert "/StructTreeRoot" in pdf.Root


def test_a_one_shot_build_frees_its_finished_pdf_itself(
        make_event, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_event(minimal_event(intro="Ein Absatz."))
    dropped = _dropped_by(lambda: build_brochures(folder, tmp_path / "out.pdf",
                                                  BuildOptions(), ("screen",)), monkeypatch)
    assert dropped == []
