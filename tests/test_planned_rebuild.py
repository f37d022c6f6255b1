"""The page planner in watch mode: a rebuild whose last build kept a plan that shortens a
page lays out with that plan first, and when its page breaks settle back into the last
build's before the shortened page, knows what the first plan's layout would give without
laying it out: one layout where the planner took two, and the PDF a one-shot build
writes, byte for byte."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import dokureport.pipeline as pipeline
from dokureport.layout import restart
from dokureport.layout.plan import Laid, PagePlan, SectionStartRecord, shortening_only, spliced
from tests.helpers import watch_session
from tests.test_incremental import EPOCH, _one_shot

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from bench_photos import make_logo
from bench_text import event_yaml

# The benchmarks' generated programme at this size is planned twice: its last talks' page
# (60 of 63) ends early to give the page after it its lines.
TALKS = 115


def _start(key: str, page: int, broke: bool) -> SectionStartRecord:
    return SectionStartRecord(key=key, page=page, used=0.5, broke=broke)


def test_a_layout_read_is_the_new_one_before_a_page_and_the_old_one_from_it_on() -> None:
    new = Laid(pages=5, starts=(_start("intro", 3, False), _start("agenda", 4, True),
                                _start("talks", 5, True)),
               used=(None, 100.0, 200.0, 300.0, 400.0), line=14.0, frame_height=700.0)
    old = Laid(pages=6, starts=(_start("intro", 3, False), _start("agenda", 5, True),
                                _start("talks", 6, False)),
               used=(None, 10.0, 20.0, 30.0, 40.0, 50.0), line=14.0, frame_height=700.0)
    read = spliced(new, old, 4)
    assert read.pages == 6
    assert read.used == (None, 100.0, 200.0, 30.0, 40.0, 50.0)
    # The agenda's start broke to page 4 from page 3: it is of the pages before page 4.
    assert read.starts == (_start("intro", 3, False), _start("agenda", 4, True),
                           _start("agenda", 5, True), _start("talks", 6, False))


def test_only_a_plan_that_differs_in_its_shortened_pages_alone_is_shortening_only() -> None:
    assert shortening_only(PagePlan(), PagePlan(shorten=((60, 27.6),)))
    assert not shortening_only(PagePlan(), PagePlan(shorten=((60, 27.6),), blank=1))
    assert not shortening_only(PagePlan(), PagePlan(starts=frozenset({"videos"})))


@pytest.fixture
def programme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = tmp_path / "programme"
    folder.mkdir()
    (folder / "event.yaml").write_text(event_yaml(TALKS), encoding="utf-8")
    make_logo(folder / "logo.png")
    restart.keep_between_builds(False)  # nothing kept from another test's builds
    yield folder
    restart.keep_between_builds(False)


def _abstract_edit(event: Path, last: bool = False) -> None:
    """One word more at the start of the first (or the last) talk's abstract."""
    text = event.read_text(encoding="utf-8")
    find = text.rindex if last else text.index
    at = find("    abstract: |\n") + len("    abstract: |\n      ")
    event.write_text(text[:at] + "Neue " + text[at:], encoding="utf-8")


@pytest.mark.slow  # a 63-page programme built four times, twice in fresh processes
def test_a_rebuild_lays_out_once_with_the_plan_it_kept_and_is_the_one_shot_build(
        programme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plans: list[PagePlan] = []
    real = pipeline.lay_out

    def counted(ctx, *args, **kwargs):  # type: ignore[no-untyped-def]
        plans.append(ctx.plan)
        return real(ctx, *args, **kwargs)

    monkeypatch.setattr(pipeline, "lay_out", counted)
    out = tmp_path / "watch.pdf"
    session, _ = watch_session(programme, out, tmp_path / "cache")
    assert session.build()[0] is not None
    # The first build is planned twice: the theme's plan, then one page ended early.
    first, kept = plans
    assert first == PagePlan() and kept.shorten and shortening_only(first, kept)
    [(shortened, _)] = kept.shorten

    # An edit on a talks page well before the shortened one: one layout.
    plans.clear()
    _abstract_edit(programme / "event.yaml")
    results = session.build()[0]
    assert results is not None
    assert plans == [kept]
    assert 0 < results[0].pages_laid_out < shortened
    pdf, _ = _one_shot(programme, tmp_path / "one-shot.pdf", tmp_path / "fresh")
    assert out.read_bytes() == pdf

    # An edit of the last talk, whose pages do not settle before the shortened page: the
    # first plan is laid out after all, and the layout with the kept plan is the one kept.
    plans.clear()
    _abstract_edit(programme / "event.yaml", last=True)
    assert session.build()[0] is not None
    assert plans == [kept, first]
    pdf, _ = _one_shot(programme, tmp_path / "one-shot-2.pdf", tmp_path / "fresh-2")
    assert out.read_bytes() == pdf
