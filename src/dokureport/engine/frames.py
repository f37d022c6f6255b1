"""The frame every page flows into: while a pass only drafts, it places without drawing.

It overrides reportlab's private `Frame._add`, so it lives in the engine.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame

from dokureport.engine import linebreaks


def _no_drawing(*args: Any, **kwargs: Any) -> None:
    pass


class DraftFrame(Frame):
    """A frame that, while `drafting`, places flowables without drawing them.

    A draft pass is thrown away: only where things land (page numbers for the contents
    and the index) is kept, and the drawing is what costs. The next pass draws afresh,
    on a new canvas, everything that drawing records (tags, links, bookmarks).
    """

    drafting = False

    def _add(self, flowable: Any, canv: Canvas, trySplit: int = 0) -> int:
        if not self.drafting or "drawOn" in vars(flowable):
            added = int(super()._add(flowable, canv, trySplit))
        else:
            flowable.drawOn = _no_drawing
            try:
                added = int(super()._add(flowable, canv, trySplit))
            finally:
                del flowable.drawOn
        if added:
            # Placed for good in this pass: its line breaks go unless kept for the next.
            linebreaks.placed(flowable)
        return added

    add = _add  # reportlab's documents call `add`, an alias bound to Frame._add
