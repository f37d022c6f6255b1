"""Layout: a booklet's notes page, what page planning adds rather than a blank page."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from dokureport.layout.context import LayoutContext
from dokureport.layout.flowables import Heading, OutlineEntry


class RuledLines(Flowable):
    """Writing lines filling the rest of the frame, a line's distance apart."""

    role = "Artifact"  # lines to write on, not content

    def __init__(self, pitch: float, colour: str) -> None:
        super().__init__()
        self.pitch = pitch
        self.colour = colour
        self.width = self.height = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = avail_width, max(0.0, avail_height - 1)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self.colour)
        canvas.setLineWidth(0.4)
        y = self.height - self.pitch
        while y >= 0:
            canvas.line(0, y, self.width, y)
            y -= self.pitch
        canvas.restoreState()


def notes_page(ctx: LayoutContext) -> list[Flowable]:
    """A page headed with the notes label, ruled for writing; listed in the outline only."""
    title = ctx.labels.notes
    shown = title.upper() if ctx.design.type.headings == "uppercase" else title
    heading = Heading(ctx.text.plain(shown, hyphenate=False), ctx.styles.h1,
                      OutlineEntry(title=title, key="notes", level=0, in_toc=False))
    return [PageBreak(), heading, RuledLines(ctx.geometry.body_leading * 1.6, ctx.colour("rule"))]
