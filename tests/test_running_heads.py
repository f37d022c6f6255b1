"""Running heads are data: what the story sets as it is placed, each page shows."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Spacer

from dokureport.layout.running_heads import RunningHead, RunningHeads, setting_head

STYLE = ParagraphStyle("p")


def _paragraph(text: str) -> Paragraph:
    return Paragraph(text, STYLE)


def test_a_page_shows_the_head_in_force_where_its_content_begins() -> None:
    heads = RunningHeads()
    story = [
        (1, _paragraph("Introduction")),  # before any head
        (2, setting_head(_paragraph("Saturday"), "Saturday", shows_it=True)),
        (2, _paragraph("item")),
        (3, _paragraph("item, continued")),  # a day runs on: named at the head
        (3, setting_head(_paragraph("Room 2"), "Saturday · Room 2")),
        (4, Spacer(1, 10)),  # draws nothing: content has not begun
        (4, setting_head(_paragraph("Room 3"), "Saturday · Room 3")),
        (4, RunningHead(None)),
        (5, _paragraph("Talks")),
    ]
    for page, flowable in story:
        heads.placed(flowable, page)
    assert heads.on(1) is None
    assert heads.on(2) is None, "a page that begins with the heading saying it repeats nothing"
    assert heads.on(3) == "Saturday"
    assert heads.on(4) == "Saturday · Room 3"
    assert heads.on(5) is None
