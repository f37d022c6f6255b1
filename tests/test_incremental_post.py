"""Post-processing in watch mode: a rebuild keeps, between the builds of one process, the
per-page work whose result depends only on the page, keyed by what the page draws, never
by its number alone. Pages drawn as before are not measured again; an edited page is, and
its defects are reported as a fresh check reports them; the PDF stays a one-shot build's,
byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4

from dokureport.engine.canvas import BrochureCanvas
from dokureport.engine.tags import tagged
from dokureport.output import layout_check, page_reads
from dokureport.output.layout_check import check_layout
from tests.conftest import SAMPLE
from tests.helpers import watch_session
from tests.test_incremental import EPOCH, _edit, _one_shot
from tests.test_layout_check import SENTENCE, _paragraphs

AREA = (62.0, 68.0)


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pages the layout check measures, as they are measured (a spy)."""
    pages: list[int] = []
    original = layout_check._page_check

    def counted(number: int, *args: object) -> layout_check.PageCheck:
        pages.append(number)
        return original(number, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(layout_check, "_page_check", counted)
    page_reads.keep_between_builds()  # as watch mode asks
    yield pages
    page_reads.keep_between_builds(False)


def test_a_rebuilds_layout_check_measures_only_the_pages_drawn_anew(
        tmp_path: Path, measured: list[int]) -> None:
    path = tmp_path / "a.pdf"
    canvas = _paragraphs(path, [(10, 60), (10, 70), (10, 60), (10, 70)])
    first = check_layout(path, canvas.tags, type_area=AREA)
    assert measured == [1, 2, 3, 4] and first.defects == ()

    measured.clear()
    again = check_layout(path, canvas.tags, type_area=AREA)
    assert measured == []  # drawn as before: nothing measured again
    assert again.pages == first.pages

    # Page 3 now has 90-character lines: it alone is measured, and its defect is found.
    canvas = _paragraphs(path, [(10, 60), (10, 70), (9, 90), (10, 70)])
    measured.clear()
    edited = check_layout(path, canvas.tags, type_area=AREA)
    assert measured == [3]
    assert [(d.code, d.page) for d in edited.defects] == [("layout-long-lines", 3)]
    assert edited.pages[2].long_lines == 12
    assert edited.pages[:2] == first.pages[:2] and edited.pages[3] == first.pages[3]

    # The check of a fresh process finds the same.
    page_reads.keep_between_builds(False)
    fresh = check_layout(path, canvas.tags, type_area=AREA)
    assert fresh.pages == edited.pages and fresh.defects == edited.defects


def _unnumbered(path: Path, pages: list[tuple[float, int]]) -> BrochureCanvas:
    """As `_paragraphs`, with a footer that is the same on every page: a page moved to
    another number is drawn the same."""
    canvas = BrochureCanvas(str(path), pagesize=A4)
    for size, chars in pages:
        with tagged(canvas, "P"):
            canvas.setFont("Helvetica", size)
            for i in range(12):
                canvas.drawString(40, 760 - i * size * 1.4, (SENTENCE * 20)[i * chars:][:chars])
        with tagged(canvas, "Artifact"):
            canvas.setFont("Helvetica", 7.4)
            canvas.drawString(40, 40, "Fachtag")
        canvas.showPage()
    canvas.save()
    return canvas


def test_a_page_drawn_as_before_at_another_number_is_numbered_anew(
        tmp_path: Path, measured: list[int]) -> None:
    path = tmp_path / "a.pdf"
    canvas = _unnumbered(path, [(10, 60), (10, 70), (6, 60)])
    check_layout(path, canvas.tags, type_area=AREA)
    # A page put in front: every page after it is drawn as before, one number later.
    canvas = _unnumbered(path, [(10, 50), (10, 60), (10, 70), (6, 60)])
    measured.clear()
    moved = check_layout(path, canvas.tags, type_area=AREA)
    assert measured == [1]
    assert [p.page for p in moved.pages] == [1, 2, 3, 4]
    assert [(d.code, d.page) for d in moved.defects] == [("layout-small-type", 4)]
    page_reads.keep_between_builds(False)
    fresh = check_layout(path, canvas.tags, type_area=AREA)
    assert fresh.pages == moved.pages and fresh.defects == moved.defects


@pytest.mark.slow
def test_a_watch_rebuild_measures_the_pages_drawn_anew_and_writes_a_one_shot_builds_pdf(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, measured: list[int]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    out = tmp_path / "watch.pdf"
    session, lines = watch_session(folder, out, tmp_path / "watch-cache")
    first = session.build()[0]
    assert first is not None, lines
    assert sorted(measured) == list(range(1, first[0].pages + 1))

    for number, (old, new) in enumerate([
            ("Präventionsketten und Bildungslandschaften sind",
             "Präventionsketten und kommunale Bildungslandschaften sind"),
            ("Beim Stadtspaziergang durch", "Unterwegs beim Stadtspaziergang durch")]):
        _edit(folder / "event.yaml", old, new)
        measured.clear()
        results = session.build()[0]
        assert results is not None, lines
        [result] = results
        # Only pages drawn anew are measured: fewer than were laid out again (a page laid
        # out as before is drawn as before), none of the pages taken over.
        assert 0 < len(measured) <= result.pages_laid_out < result.pages
        one_shot, warned = _one_shot(folder, tmp_path / f"one-shot-{number}.pdf",
                                     tmp_path / f"one-shot-cache-{number}")
        assert out.read_bytes() == one_shot
        assert result.layout is not None
        assert [f"warning: {w}" for w in dict.fromkeys(
            [*result.warnings, *result.layout.problems()])] == warned
