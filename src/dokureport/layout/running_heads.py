"""Layout: running heads, set by markers in the story as it is laid out and drawn at the
head of every page they cover (the agenda's day; any section may set its own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import NullDraw, Spacer

F = TypeVar("F", bound=Flowable)


_UNSET = object()


class RunningHead(Flowable):
    """Zero-size: the pages from here on name `text` at their head, until the next
    head is set (None: no running head). Ends a head; to start one, let the heading
    that begins its part set it (`setting_head`): a zero-size flowable before a heading
    would part the heading's space before from the measure of what keeps with it.
    """

    role = "Artifact"
    _ZEROSIZE = True  # placed even on a full frame; never moves the frame's top
    # The space after the flowable before it still meets the space before the one after
    # it (the larger wins), as reportlab's keep-with-next measure assumes.
    _SPACETRANSFER = True
    width = height = 0

    def __init__(self, text: str | None) -> None:
        super().__init__()
        self.running_head = text

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass  # it is data: the document reads it as the marker is placed


def setting_head(flowable: F, text: str | None, *, shows_it: bool = False) -> F:
    """`flowable` (a heading), which sets the running head of its page and those after it.

    `shows_it`: the flowable says what the head would (a day's heading names the day), so
    a page it begins has no running head above it.
    """
    flowable.running_head = text  # type: ignore[attr-defined]
    flowable.shows_running_head = shows_it  # type: ignore[attr-defined]
    return flowable


@dataclass
class RunningHeads:
    """Which running head each page of one layout pass shows.

    A page shows the head in force where its content begins: a day that runs on from the
    page before names that day; a page whose first line is a new day's heading names the
    new day (the heading sets it as it is placed).
    """

    current: str | None = None
    pages: dict[int, str | None] = field(default_factory=dict)

    def placed(self, flowable: Any, page: int) -> None:
        """The document placed `flowable` on `page` (called in story order)."""
        head = getattr(flowable, "running_head", _UNSET)
        if head is not _UNSET:
            self.current = head  # type: ignore[assignment]
        if isinstance(flowable, RunningHead):
            return
        if isinstance(flowable, ActionFlowable | NullDraw | Spacer) or getattr(
                flowable, "_ZEROSIZE", False):
            return  # draws nothing: the page's content has not begun
        if page not in self.pages:
            shown = head is not _UNSET and getattr(flowable, "shows_running_head", False)
            self.pages[page] = None if shown else self.current

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
