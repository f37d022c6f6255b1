"""What a story computes from its texts alone is kept for the next story (core.memo): an
unchanged text is neither typeset nor parsed as Markdown again, an edited one is, and
so is one set in another language or family."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from dokureport.assets import ImagePreparer
from dokureport.core import memo
from dokureport.core.options import BuildOptions
from dokureport.event.markdown import references
from dokureport.event.model import Event
from dokureport.layout import markdown
from dokureport.layout.context import LayoutContext
from dokureport.text.fonts import default_fonts
from dokureport.text.typesetter import Typesetter


@pytest.fixture
def typeset(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The texts the typesetter makes typographic, in order (each time it sets one)."""
    memo.clear()
    seen: list[str] = []
    real = Typesetter.typographic

    def counting(self: Typesetter, text: str) -> str:
        seen.append(text)
        return real(self, text)

    monkeypatch.setattr(Typesetter, "typographic", counting)
    yield seen
    memo.clear()


def test_an_unchanged_text_is_typeset_once(typeset: list[str]) -> None:
    first = Typesetter().plain("Die Bildungslandschaft im Quartier")
    memo.next_story()  # a rebuild: a new story, a new typesetter
    again = Typesetter().plain("Die Bildungslandschaft im Quartier")
    assert again == first and "\xad" in first
    assert typeset == ["Die Bildungslandschaft im Quartier"]
    # Set another way, it is set again: without hyphenation, or not as a paragraph's end.
    assert "\xad" not in Typesetter().plain("Die Bildungslandschaft im Quartier",
                                            hyphenate=False)
    assert len(typeset) == 2


def test_an_edited_text_is_typeset_again(typeset: list[str]) -> None:
    Typesetter().plain("Die Kommune plant")
    assert Typesetter().plain("Die Kommune plant neu") == "Die Kom\xadmune plant neu"
    assert typeset == ["Die Kommune plant", "Die Kommune plant neu"]


def test_another_language_sets_the_same_text_again(typeset: list[str]) -> None:
    # An event's `lang:` changed: its quotation marks and hyphenation follow.
    assert Typesetter(lang="de").plain('"Wirkung"') == "„Wirkung“"
    assert Typesetter(lang="en").plain('"Wirkung"') == "“Wirkung”"
    assert len(typeset) == 2


def test_another_family_sets_the_same_text_again(typeset: list[str]) -> None:
    # A theme whose font lacks a character: it falls back (or is missing) in that family.
    fonts = default_fonts()
    no_a = type(fonts)(fonts.regular, fonts.bold, fonts.italic, fonts.bold_italic,
                       fonts.codepoints - {ord("a")})
    assert Typesetter(fonts=fonts, hyphenate=False).plain("Tag") == "Tag"
    assert Typesetter(fonts=no_a, hyphenate=False).plain("Tag") != "Tag"
    assert len(typeset) == 2


def test_characters_no_font_has_are_reported_by_every_story(typeset: list[str]) -> None:
    first = Typesetter(hyphenate=False)
    first.plain("Danke 😀")
    memo.next_story()
    second = Typesetter(hyphenate=False)  # the rebuild's: its warning names them too
    second.plain("Danke 😀")
    assert len(typeset) == 1
    assert first.missing_glyphs == second.missing_glyphs == {"😀"}


def test_markdown_is_parsed_once_for_validation_layout_and_the_next_build(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    memo.clear()
    parses: list[str] = []
    real = MarkdownIt.parse

    def counting(self: MarkdownIt, text: str, env: object = None) -> object:
        parses.append(text)
        return real(self, text, env)

    monkeypatch.setattr(MarkdownIt, "parse", counting)
    event = Event.model_validate({"title": "Fachtag", "event": {"start": "2024-03-05"}}
                                 ).model_copy(update={"folder": tmp_path})
    text, edited = "Ein *Absatz*.\n\nNoch einer.", "Ein *Absatz*.\n\nNoch einer, neu."
    set_as = []
    with ImagePreparer(dpi=150) as images:
        for source in (text, text, edited):
            references(source)  # validation's look at it
            memo.next_story()
            ctx = LayoutContext(event=event, options=BuildOptions(), images=images,
                                build_date=dt.date(2024, 3, 5))
            set_as.append([p.text for p in markdown.flowables(ctx, source)])
    assert parses == [text, edited]
    # What validation parsed, the layout reads: the edited text was parsed once.
    assert references(edited) == []
    assert parses == [text, edited]
    assert set_as[0] == set_as[1] == ["Ein <i>Absatz</i>.", "Noch einer."]
    assert set_as[2] == ["Ein <i>Absatz</i>.", "Noch einer, neu."]
    memo.clear()


@pytest.fixture
def set_inline(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The Markdown paragraphs the typesetter sets (each time it sets one), by their text."""
    memo.clear()
    seen: list[str] = []
    real = Typesetter._inline

    def counting(self: Typesetter, tokens: list, hyphenate: bool) -> str:
        seen.append("".join(t.content for t in tokens))
        return real(self, tokens, hyphenate)

    monkeypatch.setattr(Typesetter, "_inline", counting)
    yield seen
    memo.clear()


def _paragraph(text: str) -> list:
    from dokureport.event.markdown import paragraph_inlines
    return paragraph_inlines(text)[0]


def test_an_unchanged_markdown_paragraph_is_set_once(set_inline: list[str]) -> None:
    text = "Die *Kommune* plant [neu](https://example.org/plan) – mit `Code`"
    first = Typesetter().inline(_paragraph(text))
    memo.next_story()  # a rebuild: a new story, a new typesetter, the text parsed anew
    assert Typesetter().inline(_paragraph(text)) == first
    assert len(set_inline) == 1
    assert "<i>Kom\xadmune</i>" in first and 'href="https://example.org/plan"' in first


def test_an_edited_markdown_paragraph_or_link_is_set_again(set_inline: list[str]) -> None:
    Typesetter().inline(_paragraph("Die Kommune plant [neu](https://example.org/a)"))
    # Another word, another address, emphasis, hyphenation, colour, or language: set again.
    assert "plant jetzt" in Typesetter().inline(
        _paragraph("Die Kommune plant jetzt [neu](https://example.org/a)"))
    assert "example.org/b" in Typesetter().inline(
        _paragraph("Die Kommune plant [neu](https://example.org/b)"))
    assert "<b>Kom\xadmune</b>" in Typesetter().inline(
        _paragraph("Die **Kommune** plant [neu](https://example.org/a)"))
    assert "\xad" not in Typesetter().inline(
        _paragraph("Die Kommune plant [neu](https://example.org/a)"), hyphenate=False)
    assert "#ff0000" in Typesetter(link_colour="#ff0000").inline(
        _paragraph("Die Kommune plant [neu](https://example.org/a)"))
    assert "(example.org/a)" in Typesetter(address_colour="#777777").inline(
        _paragraph("Die Kommune plant [neu](https://example.org/a)"))
    assert "“neu”" in Typesetter(lang="en").inline(_paragraph('Die Kommune plant "neu"'))
    assert "„neu“" in Typesetter(lang="de").inline(_paragraph('Die Kommune plant "neu"'))
    assert len(set_inline) == 9


def test_characters_no_font_has_in_a_kept_markdown_paragraph_are_reported_again(
        set_inline: list[str]) -> None:
    first = Typesetter(hyphenate=False)
    first.inline(_paragraph("Danke *sehr* 😀"))
    memo.next_story()
    second = Typesetter(hyphenate=False)  # the rebuild's: its warning names them too
    second.inline(_paragraph("Danke *sehr* 😀"))
    assert len(set_inline) == 1
    assert first.missing_glyphs == second.missing_glyphs == {"😀"}


def test_an_unchanged_heading_is_set_once_and_again_when_it_or_its_measure_changes(
        typeset: list[str]) -> None:
    from reportlab.lib.styles import ParagraphStyle

    style = ParagraphStyle("h", fontName="Helvetica-Bold", fontSize=18)
    first = Typesetter().heading("Bildungslandschaften", style, 400)
    memo.next_story()
    assert Typesetter().heading("Bildungslandschaften", style, 400) == first == \
        "Bildungslandschaften"
    assert typeset == ["Bildungslandschaften"]
    # Narrower, or in a larger size: the word no longer fits, and the heading is set smaller.
    assert Typesetter().heading("Bildungslandschaften", style, 150).startswith("<font size=")
    bigger = ParagraphStyle("h", fontName="Helvetica-Bold", fontSize=40)
    assert Typesetter().heading("Bildungslandschaften", bigger, 400).startswith("<font size=")
    assert Typesetter().heading("Bildungslandschaft", style, 400) == "Bildungslandschaft"
    assert len(typeset) == 4


def test_a_kept_heading_reports_the_characters_no_font_has(typeset: list[str]) -> None:
    from reportlab.lib.styles import ParagraphStyle

    style = ParagraphStyle("h", fontName="Helvetica-Bold", fontSize=18)
    first, second = Typesetter(), Typesetter()
    first.heading("Danke 😀", style, 400)
    memo.next_story()
    second.heading("Danke 😀", style, 400)
    assert len(typeset) == 1
    assert first.missing_glyphs == second.missing_glyphs == {"😀"}


def test_a_long_date_is_formatted_once_and_is_the_one_of_its_day_and_language(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dokureport.i18n import dates
    from dokureport.i18n.dates import long_date

    formatted: list[object] = []
    real = dates.format_date

    def counting(day: dt.date, *args: object, **kwargs: object) -> str:
        formatted.append(day)
        return real(day, *args, **kwargs)

    dates.long_date.cache_clear()
    monkeypatch.setattr(dates, "format_date", counting)
    day = dt.date(2019, 10, 29)
    assert long_date(day, "de") == "Dienstag, 29. Oktober 2019"
    assert long_date(day + dt.timedelta(days=1), "de") == "Mittwoch, 30. Oktober 2019"
    assert long_date(day, "en") == "Tuesday, 29 October 2019"
    assert long_date(day, "de") == "Dienstag, 29. Oktober 2019"
    assert formatted == [day, day + dt.timedelta(days=1), day]
    dates.long_date.cache_clear()


def test_a_names_sort_key_is_computed_once_and_is_the_one_of_its_parts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dokureport.i18n import names
    from dokureport.i18n.names import IndexName, sort_key

    real = names._collator()
    collated: list[str] = []

    class Counting:
        def sort_key(self, text: str) -> object:
            collated.append(text)
            return real.sort_key(text)

    names._sort_key.cache_clear()
    monkeypatch.setattr(names, "_collator", Counting)
    müller = sort_key(IndexName("Müller", "Anna"))
    assert sort_key(IndexName("Müller", "Anna")) == müller
    assert len(collated) == 4  # family, given, suffix, both: once
    # Another family name, given name or suffix sorts elsewhere.
    assert sort_key(IndexName("Mueller", "Anna")) != müller
    assert sort_key(IndexName("Müller", "Anne")) > müller
    assert sort_key(IndexName("Müller", "Anna", suffix="Jr.")) > müller
    assert sort_key(IndexName("Maier", "Anna")) < müller
    assert len(collated) == 20
    names._sort_key.cache_clear()


def test_a_one_shot_build_lets_go_of_its_stories_before_post_processing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Post-processing is a build's peak of memory (1,000 talks: about 300 MB); a build
    # with no next story keeps nothing for one. A watch session keeps its memos.
    from dokureport.layout import restart
    from dokureport.output import postprocess
    from dokureport.pipeline import build_brochure
    from tests.conftest import SAMPLE

    seen: list[int] = []
    finish = postprocess.finish

    def counting_finish(*args: object, **kwargs: object) -> None:
        seen.append(memo.kept())
        finish(*args, **kwargs)

    monkeypatch.setattr("dokureport.pipeline.finish", counting_finish)
    restart.keep_between_builds(False)  # as a one-shot build runs (a watch test may not)
    build_brochure(SAMPLE, tmp_path / "one.pdf", BuildOptions(cache_dir=None))
    restart.keep_between_builds()
    try:
        build_brochure(SAMPLE, tmp_path / "watch.pdf", BuildOptions(cache_dir=None))
    finally:
        restart.keep_between_builds(False)
    assert seen[0] == 0
    assert seen[1] > 100


def test_a_one_shot_build_lets_go_of_its_laid_out_document_before_post_processing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The document, its canvas and its story hold one another; left to the command
    # line's collector they would still be alive at post-processing, the build's peak of
    # memory (1,000 talks: 283 MiB with them, 264 MiB without).
    import weakref

    from dokureport import pipeline
    from dokureport.layout import restart
    from dokureport.pipeline import build_brochure
    from tests.conftest import SAMPLE

    documents: list[weakref.ref] = []
    alive_at_finish: list[bool] = []
    write, finish = pipeline.write_laid_out, pipeline.finish

    def remembering_write(ctx: object) -> None:
        documents.append(weakref.ref(ctx.unwritten))  # type: ignore[attr-defined]
        write(ctx)

    def checking_finish(*args: object, **kwargs: object) -> None:
        alive_at_finish.append(documents[-1]() is not None)
        finish(*args, **kwargs)

    monkeypatch.setattr(pipeline, "write_laid_out", remembering_write)
    monkeypatch.setattr(pipeline, "finish", checking_finish)
    restart.keep_between_builds(False)
    build_brochure(SAMPLE, tmp_path / "one.pdf", BuildOptions(cache_dir=None))
    assert alive_at_finish == [False]
