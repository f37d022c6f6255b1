"""A paragraph's markup is parsed once per text, style and font families, and kept for the
next story (engine.parsed): a watch rebuild parses only the texts that changed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reportlab.lib import colors
from reportlab.lib import fonts as rl_fonts
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus.paraparser import ParaParser

from dokureport import engine
from dokureport.core import memo
from dokureport.engine import parsed


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The markup reportlab's parser reads, in order; the cache starts empty."""
    engine.install()
    memo.clear()
    parsed.next_story()
    seen: list[str] = []
    real = ParaParser.parse

    def counting(self: ParaParser, text: str, style: object) -> object:
        seen.append(text)
        return real(self, text, style)

    monkeypatch.setattr(ParaParser, "parse", counting)
    yield seen
    memo.clear()
    parsed.next_story()  # the families as they are again


def _style(**values: object) -> ParagraphStyle:
    return ParagraphStyle("body", **{"fontName": "Helvetica", "fontSize": 10, "leading": 14,
                                     **values})


def test_the_same_markup_in_the_same_style_is_parsed_once(parses: list[str]) -> None:
    style = _style()
    first = Paragraph("Ein <b>fetter</b> Satz.", style)
    again = Paragraph("Ein <b>fetter</b> Satz.", _style())  # another object, same values
    assert parses == ["Ein <b>fetter</b> Satz."]
    assert [(f.text, f.fontName) for f in again.frags] == \
        [(f.text, f.fontName) for f in first.frags] == \
        [("Ein ", "Helvetica"), ("fetter", "Helvetica-Bold"), (" Satz.", "Helvetica")]
    assert again.style is not first.style  # each paragraph keeps its own style
    # Each paragraph has fragments of its own: changing one's leaves the other's.
    first.frags[1].text = "changed"
    assert again.frags[1].text == "fetter"
    assert Paragraph("Ein <b>fetter</b> Satz.", style).frags[1].text == "fetter"


def test_an_edited_text_is_parsed_again(parses: list[str]) -> None:
    Paragraph("Ein Satz.", _style())
    edited = Paragraph("Ein neuer Satz.", _style())
    assert parses == ["Ein Satz.", "Ein neuer Satz."]
    assert edited.frags[0].text == "Ein neuer Satz."


def test_a_style_of_other_values_is_parsed_again(parses: list[str]) -> None:
    # A theme colour changed: the fragments carry the new colour.
    Paragraph("Ein Satz.", _style(textColor=colors.HexColor("#00576b")))
    recoloured = Paragraph("Ein Satz.", _style(textColor=colors.HexColor("#7a1f5c")))
    assert len(parses) == 2
    assert recoloured.frags[0].textColor == colors.HexColor("#7a1f5c")
    larger = Paragraph("Ein Satz.", _style(fontSize=12))
    assert len(parses) == 3 and larger.frags[0].fontSize == 12


def test_other_font_families_parse_bold_again(parses: list[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # A theme whose bold face is another font: <b> names that font from then on.
    before = Paragraph("<b>fett</b>", _style())
    assert before.frags[0].fontName == "Helvetica-Bold"
    monkeypatch.setitem(rl_fonts._tt2ps_map, ("helvetica", 1, 0), "Courier-Bold")
    parsed.next_story()  # the families are read once a story
    after = Paragraph("<b>fett</b>", _style())
    assert len(parses) == 2
    assert after.frags[0].fontName == "Courier-Bold"


def test_a_parse_is_kept_for_the_next_story_only(parses: list[str]) -> None:
    Paragraph("Erster Satz.", _style())
    Paragraph("Zweiter Satz.", _style())
    memo.next_story()
    parsed.next_story()
    Paragraph("Erster Satz.", _style())  # used again: kept
    assert len(parses) == 2
    memo.next_story()
    parsed.next_story()
    Paragraph("Erster Satz.", _style())
    Paragraph("Zweiter Satz.", _style())  # unused for a story: dropped
    assert parses == ["Erster Satz.", "Zweiter Satz.", "Zweiter Satz."]


def test_markup_whose_parse_counts_is_parsed_every_time(parses: list[str]) -> None:
    first = Paragraph("Abb. <seq id='fig'/>", _style())
    second = Paragraph("Abb. <seq id='fig'/>", _style())
    assert len(parses) == 2
    assert first.frags[-1].text != second.frags[-1].text  # 1, then 2


def test_a_kept_parse_gives_the_fragments_a_fresh_parse_gives(parses: list[str]) -> None:
    markup = ('Die <b>Kommune</b> plant, <i>die <font color="#7a1f5c">Stadt</font></i> '
              'lenkt: <a href="https://example.org/" color="#00576b">Bericht</a>.')
    plain = "Ein Absatz ohne Auszeichnung, in einem Stück."
    for text in (markup, plain):
        fresh = Paragraph(text, _style())
        kept = Paragraph(text, _style())
        assert parses.count(text) == 1
        assert [type(f) for f in kept.frags] == [type(f) for f in fresh.frags]
        assert [vars(f) for f in kept.frags] == [vars(f) for f in fresh.frags]
        assert kept.text == fresh.text
    assert len(Paragraph(markup, _style()).frags) > 3  # of several pieces


def test_a_family_registered_while_a_story_is_built_parses_bold_again(
        parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # A fallback font is registered on the first text that needs it, amid a story.
    for name in ("_tt2ps_map", "_ps2tt_map"):  # restored after the test
        monkeypatch.setattr(rl_fonts, name, dict(getattr(rl_fonts, name)))
    rl_fonts.addMapping("FallbackSans", 0, 0, "FallbackSans")
    rl_fonts.addMapping("FallbackSans", 1, 0, "FallbackSans")
    assert Paragraph("<b>fett</b>", _style(fontName="FallbackSans")
                     ).frags[0].fontName == "FallbackSans"
    rl_fonts.addMapping("FallbackSans", 1, 0, "FallbackSans-Bold")
    again = Paragraph("<b>fett</b>", _style(fontName="FallbackSans"))
    assert len(parses) == 2
    assert again.frags[0].fontName == "FallbackSans-Bold"
