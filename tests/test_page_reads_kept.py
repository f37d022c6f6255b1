"""A one-shot build keeps what its pages draw (the layout check's read-back) in the cache
folder: the next one-shot build of the same brochure reads back only the pages drawn
otherwise, and its layout check finds what a build with an empty cache finds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dokureport.core.options import BuildOptions
from dokureport.output import page_reads
from dokureport.pipeline import BuildResult, build_brochure
from tests.conftest import SAMPLE
from tests.helpers import count_page_reads

EPOCH = "1700000000"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per page content stream this process parses."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return count_page_reads(monkeypatch)


def _kept_files(cache: Path) -> list[Path]:
    return sorted((cache / "page-reads").glob("*.pickle"))


def _same_check(a: BuildResult, b: BuildResult) -> None:
    assert a.layout is not None and b.layout is not None
    assert a.layout.pages == b.layout.pages
    assert a.layout.defects == b.layout.defects
    assert a.warnings == b.warnings


def test_a_warm_one_shot_build_parses_no_page_the_last_one_measured(
        tmp_path: Path, reads: list[int]) -> None:
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    options = BuildOptions(cache_dir=tmp_path / "cache")
    first = build_brochure(folder, tmp_path / "first.pdf", options)
    assert len(reads) == first.pages  # an empty cache: every page read

    reads.clear()
    again = build_brochure(folder, tmp_path / "again.pdf", options)
    assert reads == []
    assert len(_kept_files(tmp_path / "cache")) == 1
    assert not page_reads._kept  # in the cache folder, not in the process
    _same_check(first, again)
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "again.pdf").read_bytes()

    # One word more in the intro: only the pages it changes are read back, and the check
    # is the one a build with an empty cache makes.
    event = folder / "event.yaml"
    text = event.read_text(encoding="utf-8")
    assert "Im Folgenden finden Sie" in text
    event.write_text(text.replace("Im Folgenden finden Sie", "Im Folgenden finden Sie hier",
                                  1), encoding="utf-8")
    reads.clear()
    edited = build_brochure(folder, tmp_path / "edited.pdf", options)
    assert 0 < len(reads) < edited.pages
    reads.clear()
    fresh = build_brochure(folder, tmp_path / "fresh.pdf",
                           BuildOptions(cache_dir=tmp_path / "empty"))
    assert len(reads) == fresh.pages
    _same_check(edited, fresh)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "foreign"])
def test_a_damaged_kept_file_is_measured_anew_without_a_word(
        tmp_path: Path, reads: list[int], damage: str) -> None:
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    options = BuildOptions(cache_dir=tmp_path / "cache")
    first = build_brochure(folder, tmp_path / "first.pdf", options)
    [kept] = _kept_files(tmp_path / "cache")
    data = kept.read_bytes()
    kept.write_bytes({"truncated": data[: len(data) // 2],
                      "garbage": b"\x80\x05not a pickle at all",
                      # plain data of another shape: a page key that is no digest
                      "foreign": page_reads.plain_cache.dumps((1, [], [(7, [], None)])),
                      }[damage])
    reads.clear()
    again = build_brochure(folder, tmp_path / "again.pdf", options)
    assert len(reads) == again.pages
    _same_check(first, again)
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "again.pdf").read_bytes()
    # The file is whole again, for the build after.
    reads.clear()
    build_brochure(folder, tmp_path / "third.pdf", options)
    assert reads == []
