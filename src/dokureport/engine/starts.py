"""Layout: where a section starts, decided on the page as it is: on a new page, or running
on after some space when the page before would be left nearly empty."""

from __future__ import annotations

from typing import Any

from reportlab.platypus.doctemplate import FrameBreak
from reportlab.platypus.flowables import CondPageBreak, PageBreak

_TOP = 0.5  # points: a frame this little used is at its top, where no break is needed


class SectionStart(CondPageBreak):
    """A section's page break, decided where it is placed.

    A section the theme starts on a new page (`new_page`) still runs on when less than
    `run_on_below` of the page before is used: a page left with a few lines of the
    section before is worse than a section that does not start a page. A section that
    does not start a page starts one all the same when less than `min_free` of the page
    is free. `forced` (the page planner's) overrides both: True starts a page, False runs
    on wherever the heading and a few lines fit. On the templates in `always_on` (the
    cover, a booklet's blank page) it always breaks.

    What it decided is kept (`used`, `broke`) for the document to record.
    """

    def __init__(self, key: str, *, new_page: bool, run_on_below: float, min_free: float,
                 frame_height: float, gap: float, forced: bool | None = None,
                 always_on: tuple[str, ...] = ()) -> None:
        super().__init__(0)
        self.key = key
        self.new_page = new_page
        self.run_on_below = run_on_below
        self.min_free = min_free
        self.frame_height = frame_height
        self.gap = gap
        self.forced = forced
        self.always_on = always_on
        self.used = 0.0  # the share of the frame used before the section
        self.broke = False

    def __repr__(self) -> str:
        return f"SectionStart({self.key!r}, new_page={self.new_page}, forced={self.forced})"

    def _breaks(self, avail_height: float) -> bool:
        template = self._doctemplateAttr("pageTemplate")
        if template is not None and getattr(template, "id", None) in self.always_on:
            return True
        if self.frame_height - avail_height <= _TOP:
            return False
        free = avail_height / self.frame_height
        if self.forced is True:
            return True
        if self.forced is False:
            return free < min(self.min_free, 0.2)
        if self.new_page:
            return 1 - free >= self.run_on_below
        return free < self.min_free

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.used = max(0.0, 1 - availHeight / self.frame_height)
        self.broke = self._breaks(availHeight)
        if self.broke:
            frame = self._doctemplateAttr("frame")
            if frame is None:
                return availWidth, availHeight
            # On a page of columns a frame break would only end the column.
            template = self._doctemplateAttr("pageTemplate")
            columns = len(getattr(template, "frames", ())) > 1
            frame.add_generated_content(PageBreak() if columns else FrameBreak)
            return 0, 0
        if self.used * self.frame_height <= _TOP:
            return 0, 0
        # Running on: air between the sections, on top of the heading's own space.
        return availWidth, min(self.gap, availHeight)


def frame_used(frame: Any) -> float:
    """How much of `frame`'s height the flowables placed so far take, in points."""
    return float(frame._y2 - frame._topPadding - frame._y)
