"""Line breaks are kept per width across layout passes, for a split paragraph and its parts too."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph

from dokureport.engine import linebreaks

TEXT = " ".join(["Die <b>Präventionskette</b> verbindet Jugendhilfe und Schule."] * 12)


def paragraph() -> Paragraph:
    linebreaks.install()
    return Paragraph(TEXT, getSampleStyleSheet()["BodyText"])


def test_a_second_wrap_at_the_same_width_reuses_the_broken_lines() -> None:
    p = paragraph()
    first_height = p.wrap(200, 1000)[1]
    first = p.blPara
    assert p.wrap(200, 1000)[1] == first_height
    assert p.blPara is first


def test_another_width_breaks_the_lines_anew_and_both_are_kept() -> None:
    p = paragraph()
    p.wrap(200, 1000)
    narrow = p.blPara
    p.wrap(300, 1000)
    wide = p.blPara
    assert wide is not narrow and len(wide.lines) < len(narrow.lines)
    p.wrap(200, 1000)
    assert p.blPara is narrow


def test_kept_lines_are_the_lines_a_fresh_paragraph_gets() -> None:
    p = paragraph()
    p.wrap(200, 1000)
    p.wrap(300, 1000)
    p.wrap(200, 1000)
    fresh = paragraph()
    fresh.wrap(200, 1000)
    assert ([line.words and [w.text for w in line.words] for line in p.blPara.lines]
            == [line.words and [w.text for w in line.words] for line in fresh.blPara.lines])


def _words(lines: Any) -> list[list[tuple[str, str]]]:
    return [[(type(w).__name__, w.text) for w in line.words] for line in lines.lines]


STYLE = getSampleStyleSheet()["BodyText"].clone("justified", alignment=4, embeddedHyphenation=1)
HYPHENATED = " ".join(["Die <b>Prä\xadven\xadtions\xadket\xadte</b> ver\xadbin\xaddet "
                       "Ju\xadgend\xadhil\xadfe und Schu\xadle."] * 12)


# Compounds longer than a line: lines on end close hyphenated, so a cut falls after a
# hyphen also where the engine moves a page's last hyphenated line on (engine.pageends
# goes back two lines at most: here it finds none to go back to).
COMPOUNDS = " ".join(["Die <b>Prä\xadven\xadtions\xadket\xadten\xadver\xadbin\xaddungs\xadstel"
                      "\xadle</b>\xadju\xadgend\xadhil\xadfe\xadschul\xadsozi\xadal\xadar"
                      "\xadbeits\xadzen\xadtrum."] * 12)


def test_a_split_paragraph_keeps_its_lines_as_they_were_broken() -> None:
    linebreaks.install()
    style, hyphenated = STYLE, COMPOUNDS
    p = Paragraph(hyphenated, style)
    height = p.wrap(200, 1000)[1]
    broken, kinds = p.blPara, [type(f) for f in p.frags]
    first, rest = p.split(200, height / 2)
    assert first.getPlainText() and rest.getPlainText()
    # reportlab's split changed the class of the word hyphenated where it cut, in place.
    assert [type(f) for f in p.frags] != kinds
    assert p.wrap(200, 1000)[1] == height
    assert p.blPara is broken and [type(f) for f in p.frags] == kinds
    fresh = Paragraph(hyphenated, style)
    fresh.wrap(200, 1000)
    assert _words(p.blPara) == _words(fresh.blPara)


def _counting_breaks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lines of each break reportlab made (not those given kept lines), in order."""
    kept = vars(Paragraph)["breakLines"]
    (cell,) = [c for c in kept.__closure__ if callable(c.cell_contents)]
    original = cell.cell_contents
    broken: list[int] = []

    def counted(self: Paragraph, width: Any) -> Any:
        lines = original(self, width)
        broken.append(len(lines.lines))
        return lines

    monkeypatch.setattr(cell, "cell_contents", counted)
    return broken


def test_the_next_passes_split_parts_take_up_the_lines_their_predecessors_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    p = paragraph()
    broken = _counting_breaks(monkeypatch)
    height = p.wrap(200, 1000)[1]
    first, rest = p.split(200, height / 2)
    first.wrap(200, 1000)
    rest.wrap(200, 1000)
    # The whole, the first part's last line (its others are the whole's), the rest.
    assert len(broken) == 3 and broken[1] == 1
    drawn = [_words(first.blPara), _words(rest.blPara)]
    # The next pass: the whole again, split at the same place, its parts wrapped.
    p.wrap(200, 1000)
    again = p.split(200, height / 2)
    for part in again:
        part.wrap(200, 1000)
    assert len(broken) == 3
    assert [_words(part.blPara) for part in again] == drawn
    assert again[1].blPara is rest.blPara


def test_a_split_elsewhere_breaks_its_parts_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    p = paragraph()
    broken = _counting_breaks(monkeypatch)
    height = p.wrap(200, 1000)[1]
    for part in p.split(200, height / 2):
        part.wrap(200, 1000)
    p.wrap(200, 1000)
    parts = p.split(200, height / 3)
    for part in parts:
        part.wrap(200, 1000)
    assert len(broken) == 5  # the first part's last line and the rest, for each split
    fresh = paragraph()
    fresh.wrap(200, 1000)
    expected = fresh.split(200, height / 3)
    expected[1].wrap(200, 1000)
    assert _words(parts[1].blPara) == _words(expected[1].blPara)


def test_paragraphs_beyond_the_budget_break_their_lines_anew() -> None:
    first, second = paragraph(), paragraph()
    linebreaks.budget([first, second], characters=len(first.text))
    for p in (first, second):
        p.wrap(200, 1000)
    kept, unkept = first.blPara, second.blPara
    first.wrap(200, 1000)
    second.wrap(200, 1000)
    assert first.blPara is kept
    assert second.blPara is not unkept


def test_a_placed_paragraph_lets_go_of_lines_that_are_not_kept() -> None:
    kept, unkept = paragraph(), paragraph()
    linebreaks.budget([kept, unkept], characters=len(kept.text))
    for p in (kept, unkept):
        p.wrap(200, 1000)
        linebreaks.placed(p)
    assert hasattr(kept, "blPara")
    assert not hasattr(unkept, "blPara")


def test_a_split_paragraph_lets_go_of_the_lines_its_parts_were_cut_from() -> None:
    p = paragraph()
    height = p.wrap(200, 1000)[1]
    first, rest = p.split(200, height / 2)
    assert not hasattr(p, "blPara")
    assert first.blPara.lines and rest.getPlainText()


def test_a_space_is_measured_once_per_font_and_size_and_anew_for_a_new_font(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.platypus import paragraph as rl_paragraph

    linebreaks.install()
    measured: list[tuple[str, float]] = []
    font = pdfmetrics.getFont("Helvetica")

    class Counted(type(font)):  # type: ignore[misc]
        def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
            measured.append((text, size))
            return float(super().stringWidth(text, size, encoding))

    def counted() -> Any:
        fresh = copy.copy(font)
        fresh.__class__ = Counted
        return fresh

    monkeypatch.setitem(pdfmetrics._fonts, "Helvetica", counted())
    width = rl_paragraph.stringWidth
    space = font.stringWidth(" ", 10)
    assert [width(" ", "Helvetica", 10) for _ in range(3)] == [space] * 3
    assert width(" ", "Helvetica", 12) == pytest.approx(3.336)
    assert width("Wort", "Helvetica", 10) == font.stringWidth("Wort", 10)
    assert measured == [(" ", 10), (" ", 12), ("Wort", 10)]
    # A font registered anew under the same name (another theme's) is measured anew.
    monkeypatch.setitem(pdfmetrics._fonts, "Helvetica", counted())
    assert width(" ", "Helvetica", 10) == space
    assert measured[3:] == [(" ", 10)]


def _lines(lines: Any) -> list[tuple[Any, ...]]:
    return [(round(line.extraSpace, 6), line.wordCount, line.sFW,
             [(type(w).__name__, w.text) for w in line.words]) for line in lines.lines]


@pytest.mark.parametrize("share", [2, 3, 5])
def test_the_first_part_takes_the_whole_s_lines_and_breaks_only_its_last(
        monkeypatch: pytest.MonkeyPatch, share: int) -> None:
    linebreaks.install()
    p = Paragraph(HYPHENATED, STYLE)
    height = p.wrap(200, 1000)[1]
    first, _ = p.split(200, height / share)
    # What reportlab gives the first part when it breaks it afresh, at the same width.
    fresh = Paragraph(None, STYLE, frags=list(first.frags))  # type: ignore[arg-type]
    fresh.__dict__["_dokureport_unkept"] = True
    fresh.wrap(200, 1000)
    broken = _counting_breaks(monkeypatch)
    first.wrap(200, 1000)
    assert broken == []  # no break: the whole's lines and the last line's, kept
    assert _lines(first.blPara) == _lines(fresh.blPara)


@pytest.mark.parametrize("share", [2, 3, 5])
def test_the_first_part_of_a_paragraph_of_one_font_takes_the_whole_s_lines(
        monkeypatch: pytest.MonkeyPatch, share: int) -> None:
    linebreaks.install()
    text = HYPHENATED.replace("<b>", "").replace("</b>", "")  # one font: lines of kind 0
    p = Paragraph(text, STYLE)
    height = p.wrap(200, 1000)[1]
    assert p.blPara.kind == 0
    first, _ = p.split(200, height / share)
    fresh = Paragraph(None, STYLE, frags=[f.clone() for f in first.frags])  # type: ignore[arg-type]
    fresh.__dict__["_dokureport_unkept"] = True
    fresh.wrap(200, 1000)
    broken = _counting_breaks(monkeypatch)
    first.wrap(200, 1000)
    assert broken == []  # no break of the part: the whole's lines and the last line's, kept
    assert [(round(space, 6), [str(w) for w in words]) for space, words in first.blPara.lines] \
        == [(round(space, 6), [str(w) for w in words]) for space, words in fresh.blPara.lines]
