"""Line breaks are kept per width across layout passes, and forgotten once a paragraph splits."""

from __future__ import annotations

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


def test_a_split_paragraph_breaks_its_lines_anew_every_time() -> None:
    p = paragraph()
    height = p.wrap(200, 1000)[1]
    first, rest = p.split(200, height / 2)
    assert first.getPlainText() and rest.getPlainText()
    p.wrap(200, 1000)
    again = p.blPara
    p.wrap(200, 1000)
    assert p.blPara is not again


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
