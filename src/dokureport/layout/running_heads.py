"""Layout: running heads, set by markers in the story as it is laid out and drawn at the
head of every page they cover (the agenda's day; any section may set its own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import NullDraw, Spacer


class RunningHead(Flowable):
    """Zero-size: the pages from here on name `text` at their head, until the next marker
    (None: no running head).

    A marker keeps with what follows it: placed before a heading, it moves to the next
    page along with the heading, so a page that begins with a new day names that day.
    """

    role = "Artifact"
    _ZEROSIZE = True  # placed even on a full frame; never moves the frame's top
    width = height = 0

    def __init__(self, text: str | None, *, keep_with_next: bool = True) -> None:
        super().__init__()
        self.text = text
        # The marker that ends a head must not tie the section's end to what follows.
        self.keepWithNext = int(keep_with_next)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass  # it is data: the document reads it as the marker is placed


@dataclass
class RunningHeads:
    """Which running head each page of one layout pass shows.

    A page shows the head in force where its content begins: a day that runs on from the
    page before names that day; a page whose first line is a new day's heading names the
    new day (its marker is placed before the heading).
    """

    current: str | None = None
    pages: dict[int, str | None] = field(default_factory=dict)

    def placed(self, flowable: Any, page: int) -> None:
        """The document placed `flowable` on `page` (called in story order)."""
        if isinstance(flowable, RunningHead):
            self.current = flowable.text
            return
        if isinstance(flowable, ActionFlowable | NullDraw | Spacer) or getattr(
                flowable, "_ZEROSIZE", False):
            return  # draws nothing: the page's content has not begun
        self.pages.setdefault(page, self.current)

    def on(self, page: int) -> str | None:
        """The running head of `page` (a page with no content of its own: the one in force)."""
        return self.pages.get(page, self.current)


def draw(canvas: Any, text: str, style: Any, x: float, top: float, width: float,
         *, mirrored: bool = False) -> None:
    """Draw a running head on one line whose top is `top`, at the outer edge of the column
    [x, x + width] (the left edge on a booklet's left-hand page)."""
    aligned = ParagraphStyle("running_head", parent=style,
                             alignment=TA_LEFT if mirrored else TA_RIGHT)
    head = Paragraph(text, aligned)
    _, height = head.wrap(width, style.leading * 2)
    head.drawOn(canvas, x, top - height)
