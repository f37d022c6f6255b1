"""Page planning, read back from the PDF: no page but the cover and the back is nearly
empty, a talk's slides and QR code stay with the talk, a booklet reaches a multiple of
four pages without a run of blank pages, a photo row shrinks a little to stay (issue 20)."""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from dokureport.assets import ImageRequest
from dokureport.core.options import BuildOptions
from dokureport.core.resources import sample_event_dir
from dokureport.layout.flowables import PhotoCell
from dokureport.layout.photos import FittingPhotoRow
from dokureport.layout.plan import (
    Laid,
    PagePlan,
    SectionStartRecord,
    first_change,
    next_booklet_plan,
    next_plan,
)
from dokureport.pipeline import build_brochure
from tests.helpers import invoke, near_empty_pages, page_fill, pdftotext

THEMES = ("default", "classic", "bold")
PAPERS = ("a4", "a5")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, bool], Path]:
    """The sample in every bundled theme on A4 and A5 (and A5 booklets), built once each."""
    folder = tmp_path_factory.mktemp("planning")
    cache: dict[tuple[str, str, bool], Path] = {}

    def build(theme: str, paper: str, booklet: bool = False) -> Path:
        key = (theme, paper, booklet)
        if key not in cache:
            out = folder / f"{theme}-{paper}{'-booklet' if booklet else ''}.pdf"
            build_brochure(sample_event_dir(), out,
                           BuildOptions(theme=theme, paper=paper, booklet=booklet, jobs=2))
            cache[key] = out
        return cache[key]

    return build  # type: ignore[return-value]


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("theme", THEMES)
def test_no_page_but_the_covers_has_fewer_than_six_lines(built, theme: str, paper: str
                                                         ) -> None:
    pdf = built(theme, paper)
    assert near_empty_pages(pdf) == []


def _lines_above(page: pdfplumber.page.Page, top: float) -> int:
    """Body text lines (not the footer or running head) on `page` above `top`."""
    bottoms = sorted({round(c["bottom"]) for c in page.chars
                      if c.get("tag") != "Artifact" and c["bottom"] <= top and c["text"].strip()})
    return sum(1 for i, y in enumerate(bottoms) if i == 0 or y - bottoms[i - 1] > 1.5)


def _qr_codes(page: pdfplumber.page.Page) -> list[float]:
    """The tops of the QR codes on `page`: a square of many small filled modules."""
    modules = [r for r in page.rects if r["fill"] and r["width"] < 4 and r["height"] < 4]
    return [min(r["top"] for r in modules)] if len(modules) > 50 else []


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("theme", THEMES)
def test_a_talks_slides_and_qr_code_stay_with_its_last_lines(built, theme: str, paper: str
                                                             ) -> None:
    with pdfplumber.open(built(theme, paper)) as pdf:
        found = []
        for page in pdf.pages:
            labels = [w for w in page.extract_words() if w["text"] == "Präsentation:"]
            for label in labels:
                found.append(label)
                # The QR code is on the line's page, beside it ...
                assert any(abs(top - label["top"]) < 60 for top in _qr_codes(page))
                # ... under the talk's last lines (at least two), not alone at a page's top.
                assert _lines_above(page, label["top"]) >= 2
        assert len(found) == 1  # the sample has slides for one talk


@pytest.mark.slow  # a booklet is laid out until its plan reaches four pages
@pytest.mark.parametrize("theme", THEMES)
def test_an_a5_booklet_is_planned_to_four_pages_with_at_most_one_blank(built, theme: str
                                                                       ) -> None:
    pdf = built(theme, "a5", True)
    fills = page_fill(pdf)
    assert len(fills) % 4 == 0
    assert sum(1 for f in fills if f.blank) <= 1
    with pdfplumber.open(pdf) as doc:
        texts = [(page.extract_text() or "").strip() for page in doc.pages]
    notes = [i + 1 for i, text in enumerate(texts)
             if text.split("\n")[0].lower() == "notizen"]
    assert len(notes) <= 1  # at most one notes page, and it is the only short one
    assert [f for f in near_empty_pages(pdf) if not f.blank] == [
        f for f in fills if f.number in notes]
    assert "impressum" in texts[-1].lower().splitlines()  # the imprint stays on the back


def test_a_theme_may_keep_every_section_start_on_a_new_page(make_event, build) -> None:
    # A short introduction leaves most of its page free: the agenda (a section the
    # default theme starts on a new page) runs on below it, unless the theme says
    # run_on_below: 0.
    data = {"title": "Fachtag", "event": {"start": "2024-03-05"},
            "intro": "Ein Tag über Wege aus der Kinderarmut.",
            "agenda": [{"date": "2024-03-05", "items": [
                {"time": "10:00", "title": "Begrüßung"}, {"time": "11:00", "title": "Pause"}]}]}
    theme = make_event(data).parent / "strict.yaml"
    theme.write_text("extends: default\npages: {run_on_below: 0}\n", encoding="utf-8")
    for chosen, runs_on in ((None, True), (str(theme), False)):
        out, _ = build(make_event(data, name=f"run-on-{runs_on}"), theme=chosen, paper="a4")
        with pdfplumber.open(out) as pdf:
            texts = [(page.extract_text() or "").splitlines() for page in pdf.pages]
        page = next(lines for lines in texts if "Programm" in lines[1:] or
                    lines[:1] == ["Programm"])
        assert (page[0] != "Programm") is runs_on, page


def _start(key: str, used: float, broke: bool, page: int = 3) -> SectionStartRecord:
    return SectionStartRecord(key, page, used, broke)


def test_the_booklet_planner_starts_sections_before_it_adds_a_notes_or_blank_page() -> None:
    starts = [_start("intro", 0.9, True), _start("agenda", 0.2, False),
              _start("videos", 0.6, False), _start("contacts", 0.45, False),
              _start("imprint", 0.3, True)]
    plan = next_booklet_plan(PagePlan(), 14, starts, {PagePlan()})
    # Two pages short: the two sections that ran on after the fullest pages start a page;
    # the one after a page a fifth full is left running on.
    assert plan == PagePlan(starts=frozenset({"videos", "contacts"}))
    tried = {PagePlan(), plan}
    assert next_booklet_plan(PagePlan(), 14, starts, tried) == PagePlan(
        starts=frozenset({"videos"}))
    tried.add(PagePlan(starts=frozenset({"videos"})))
    assert next_booklet_plan(PagePlan(), 14, starts, tried) == PagePlan(notes=True)
    tried.add(PagePlan(notes=True))
    assert next_booklet_plan(PagePlan(), 14, starts, tried) == PagePlan(blank=1)
    assert next_booklet_plan(PagePlan(), 16, starts, tried) is None


def test_three_pages_short_a_booklet_runs_a_section_on_rather_than_pad() -> None:
    starts = [_start("intro", 0.9, True), _start("gallery", 0.35, True),
              _start("talks", 0.6, True)]
    assert next_booklet_plan(PagePlan(), 13, starts, {PagePlan()}) == PagePlan(
        run_ons=frozenset({"gallery"}))


def test_when_planning_runs_out_the_booklet_is_padded() -> None:
    tried = {PagePlan(blank=n) for n in range(6)}
    assert next_booklet_plan(PagePlan(), 13, [], tried) == PagePlan(blank=3)


def _row(min_scale: float) -> FittingPhotoRow:
    photo = sample_event_dir() / "photos" / "01.jpg"
    cells = [PhotoCell(ImageRequest(source=photo, width_pt=w, height_pt=100.0), w, 100.0,
                       Paragraph("Caption of the photo", getSampleStyleSheet()["Normal"]), None)
             for w in (150.0, 120.0)]
    row = FittingPhotoRow(cells, 10.0, None, caption_gap=4.0, max_height=600.0,
                          min_scale=min_scale)
    row.canv = Canvas(io.BytesIO())  # what a frame gives a flowable before its wrap
    return row


def test_a_photo_row_shrinks_to_stay_on_the_page_within_its_limit() -> None:
    row = _row(0.8)
    width, height = row.wrap(400, 500)
    assert (width, row.scale) == (280.0, 1.0)  # room enough: its own size
    # A little short of room: smaller, aspect kept, within the row's limit.
    w, h = row.wrap(400, height * 0.9)
    assert h <= height * 0.9 and 0.8 <= row.scale < 1
    assert [c.width / c.height for c in row.cells] == pytest.approx([1.5, 1.2])
    assert w == pytest.approx(row.cells[0].width + row.cells[1].width + 10.0)
    # Far short: its full size, for the next page.
    assert row.wrap(400, height * 0.5) == (width, height) and row.scale == 1.0
    # A theme that does not shrink figures (figure_shrink: 1).
    assert _row(1.0).wrap(400, height * 0.9) == (width, height)


def _laid(used: list[float | None]) -> Laid:
    return Laid(pages=len(used), starts=(), used=tuple(used), line=15.0, frame_height=600.0)


def test_the_page_before_a_nearly_empty_page_ends_early_to_give_it_lines() -> None:
    # Page 4 holds two lines (30 pt) between full pages: page 3 ends early by six lines,
    # so that page 4 has eight (two to spare for breaks at a line's boundary).
    laid = _laid([None, 500.0, 590.0, 30.0, 580.0, 40.0])
    plan = next_plan(PagePlan(), laid, {PagePlan()})
    assert plan == PagePlan(shorten=((3, 8 * 15.0 - 30.0),))
    assert plan.shortened(3) == 90.0 and plan.shortened(4) == 0.0
    # The last page (the back) may be short; a page after a half-empty one is left alone.
    assert next_plan(PagePlan(), _laid([None, 200.0, 30.0, 590.0, 40.0]), {PagePlan()}) is None
    # Still short after that: the page before gives more, up to a third of its frame.
    again = next_plan(plan, _laid([None, 500.0, 520.0, 60.0, 580.0, 40.0]), {PagePlan(), plan})
    assert again == PagePlan(shorten=((3, 90.0 + 120.0 - 60.0),))
    too_much = _laid([None, 500.0, 520.0, 5.0, 580.0, 40.0])
    assert next_plan(PagePlan(shorten=((3, 150.0),)), too_much, set()) is None


@pytest.mark.slow  # an imported programme of 37 talks, laid out more than once
def test_an_imported_programme_has_no_nearly_empty_page(tmp_path: Path) -> None:
    # On A5 in the classic theme it had a contents page, an agenda page and a talk's page
    # with two or three lines each.
    source = Path(__file__).parent / "imports" / "indico" / "xdc2021-event.json"
    code, _, err = invoke("import", str(source), str(tmp_path / "xdc"))
    assert code == 0, err
    out = tmp_path / "xdc.pdf"
    build_brochure(tmp_path / "xdc", out, BuildOptions(theme="classic", paper="a5", jobs=2))
    assert near_empty_pages(out) == []


def test_a_planned_notes_page_is_ruled_and_stands_before_the_imprint(tmp_path: Path) -> None:
    import datetime as dt

    from dokureport.assets import ImagePreparer
    from dokureport.compose import lay_out
    from dokureport.layout.context import LayoutContext
    from dokureport.validate import validate_event

    event = validate_event(sample_event_dir()).event
    pages = {}
    for notes in (False, True):
        out = tmp_path / f"notes-{notes}.pdf"
        with ImagePreparer(dpi=72) as preparer:
            ctx = LayoutContext(event=event, options=BuildOptions(paper="a5"), images=preparer,
                                build_date=dt.date(2026, 12, 7))
            ctx.plan = PagePlan(notes=True, blank=1) if notes else PagePlan()
            pages[notes] = lay_out(ctx, out)
    # The notes page and one blank page (and the imprint then a page of its own).
    assert pages[True] >= pages[False] + 2
    with pdfplumber.open(out) as pdf:
        texts = [(page.extract_text() or "").splitlines() for page in pdf.pages]
        notes_page = pdf.pages[-3]
        ruled = [line for line in notes_page.lines if line["width"] > notes_page.width / 2]
    assert texts[-3][0] == "Notizen" and len(ruled) >= 20  # lines to write on
    assert texts[-2] == []  # blank: no page number either
    assert "Impressum" in texts[-1]  # the imprint stays on the back
    assert not any("Notizen" in line for line in texts[1])  # not in the contents


def test_a_new_plan_names_the_first_page_it_changes() -> None:
    laid = Laid(pages=20, starts=(_start("videos", 0.6, False, page=9),
                                  _start("contacts", 0.45, True, page=14),
                                  _start("imprint", 0.3, True, page=19)),
                used=(), line=15.0, frame_height=600.0)
    # A page that ends early changes from itself on; an unchanged shortening is no change.
    assert first_change(PagePlan(shorten=((4, 30.0),)),
                        PagePlan(shorten=((4, 30.0), (12, 90.0))), laid) == 12
    assert first_change(PagePlan(shorten=((12, 90.0),)),
                        PagePlan(shorten=((12, 120.0),)), laid) == 12
    # A section start is decided where its SectionStart was met: on the heading's page
    # when it ran on, on the page before when it broke.
    assert first_change(PagePlan(), PagePlan(starts=frozenset({"videos"})), laid) == 9
    assert first_change(PagePlan(), PagePlan(run_ons=frozenset({"contacts"})), laid) == 13
    # A starts change also drops the shortening of the pages after it.
    assert first_change(PagePlan(shorten=((16, 40.0),)),
                        PagePlan(starts=frozenset({"videos"})), laid) == 9
    # The notes page and blank pages go before the imprint.
    assert first_change(PagePlan(), PagePlan(notes=True), laid) == 18
    assert first_change(PagePlan(notes=True), PagePlan(notes=True, blank=1), laid) == 18
    # Without an imprint, after the last page; a start never recorded: from the first.
    bare = dataclasses.replace(laid, starts=())
    assert first_change(PagePlan(), PagePlan(blank=1), bare) == 20
    assert first_change(PagePlan(), PagePlan(starts=frozenset({"videos"})), bare) == 1


@pytest.mark.parametrize("paper", PAPERS)
def test_the_pages_before_a_plans_first_change_are_laid_out_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paper: str) -> None:
    # The sample's booklets are re-planned (a section made to start a page, a notes page):
    # each layout's pages before the page the planner names are those of the layout before.
    import dokureport.pipeline as pipeline

    layouts: list[tuple[int, list[str]]] = []
    real = pipeline.lay_out

    def recording(ctx, path, blank_pages=0, *, same_until=0, save=True):  # type: ignore[no-untyped-def]
        # Each layout written, to be read (the pipeline writes only the one it keeps).
        pages = real(ctx, path, blank_pages, same_until=same_until)
        layouts.append((same_until, pdftotext(path, "-layout").split("\f")[:pages]))
        return pages

    monkeypatch.setattr(pipeline, "lay_out", recording)
    build_brochure(sample_event_dir(), tmp_path / "b.pdf",
                   BuildOptions(paper=paper, booklet=True, jobs=2))
    assert len(layouts) >= 2
    assert layouts[0][0] == 0
    for (_, before), (same_until, after) in itertools.pairwise(layouts):
        assert 2 <= same_until < min(len(before), len(after))
        # The contents prints the later pages' numbers: lines are compared without
        # the number that ends them.
        def unnumbered(pages: list[str]) -> list[list[str]]:
            return [[re.sub(r"\s*\d+\s*$", "", line) for line in page.splitlines()]
                    for page in pages]

        assert unnumbered(before[:same_until]) == unnumbered(after[:same_until])
