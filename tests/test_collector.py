"""The garbage collector during a build: what existed before the build is frozen for
its duration and handed back after it, whatever way the build ends."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from dokureport.collector import long_lived_frozen
from dokureport.errors import InputError
from dokureport.options import BuildOptions
from dokureport.pipeline import BuildTrace, Progress, build_brochures
from tests.conftest import minimal_event


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
