"""A build that has photos to prepare starts its workers first, while it imports and
validates; a rebuild whose images are all in the cache starts none."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dokureport.assets import early, preparer
from dokureport.cli import cli
from dokureport.event import image_headers
from tests.conftest import minimal_event

NAMES = ("01.jpg", "02.jpg")


@pytest.fixture
def event(make_event) -> Path:
    items = [{"file": f"photos/{name}", "alt": f"Foto {n}"} for n, name in enumerate(NAMES, 1)]
    return make_event(minimal_event(photos={"items": items}), photos=NAMES)


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the build did, in order: workers started early or late, validation begun."""
    done: list[str] = []
    started: list[early.EarlyPool] = []
    monkeypatch.setattr(early, "started", started, raising=False)
    early_init = early.EarlyPool.__init__
    late_pool = preparer.worker_pool

    def early_pool(self: early.EarlyPool, jobs: int | None) -> None:
        done.append("workers started early")
        early_init(self, jobs)
        started.append(self)

    def late(jobs: int | None = None) -> object:
        done.append("workers started late")
        return late_pool(jobs)

    from dokureport import pipeline

    validate = pipeline.validate_event

    def validating(*args: object, **kwargs: object) -> object:
        done.append("validation")
        return validate(*args, **kwargs)

    monkeypatch.setattr(early.EarlyPool, "__init__", early_pool)
    monkeypatch.setattr(preparer, "worker_pool", late)
    monkeypatch.setattr(pipeline, "validate_event", validating)
    image_headers.forget()
    return done


def _build(runner, event: Path, tmp_path: Path, *flags: str) -> None:
    result = runner.invoke(cli, ["build", "-q", str(event), "-o", str(tmp_path / "out.pdf"),
                                 "--cache-dir", str(tmp_path / "cache"), *flags])
    assert result.exit_code == 0, result.output + result.stderr


def test_a_cold_build_starts_its_workers_before_it_validates(runner, event, tmp_path,
                                                             steps) -> None:
    _build(runner, event, tmp_path)
    # One pool, started first and used by the build: none is started when photos come.
    assert steps == ["workers started early", "validation"]


def test_a_rebuild_from_the_cache_starts_no_workers(runner, event, tmp_path, steps) -> None:
    _build(runner, event, tmp_path)
    steps.clear()
    _build(runner, event, tmp_path)
    assert steps == ["validation"]


def test_a_rebuild_after_a_photo_changed_starts_them_early_again(runner, event, tmp_path,
                                                                 steps) -> None:
    _build(runner, event, tmp_path)
    photo = event / "photos" / NAMES[0]
    stat = photo.stat()
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    steps.clear()
    _build(runner, event, tmp_path)
    assert steps == ["workers started early", "validation"]


def test_a_build_on_other_paper_starts_them_early(runner, event, tmp_path, steps) -> None:
    # A5 pages ask for other sizes of every photo: none of them is in the cache yet.
    _build(runner, event, tmp_path)
    steps.clear()
    _build(runner, event, tmp_path, "--paper", "a5")
    assert steps == ["workers started early", "validation"]


def test_a_build_that_fails_validation_stops_the_early_workers(runner, make_event, tmp_path,
                                                               steps) -> None:
    folder = make_event(minimal_event(photos={"items": [{"file": "photos/missing.jpg"}]}),
                        name="broken")
    result = runner.invoke(cli, ["build", "-q", str(folder), "-o", str(tmp_path / "x.pdf"),
                                 "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 2
    assert steps == ["workers started early", "validation"]
    (started,) = early.started  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError, match="shutdown"):
        started._pool.submit(os.getpid)  # taken by nobody: shut down by the command


def test_workers_that_cannot_start_early_are_started_when_a_photo_needs_them(
        runner, event, tmp_path, monkeypatch) -> None:
    failed: list[BaseException] = []
    monkeypatch.setattr("threading.excepthook", lambda args: failed.append(args.exc_value))

    def no_pool(jobs: int | None = None) -> object:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(early, "worker_pool", no_pool)
    image_headers.forget()
    _build(runner, event, tmp_path)
    assert failed == []  # nothing went wrong out of sight, in the starting thread
    assert (tmp_path / "out.pdf").stat().st_size > 0
