"""Word spacing within bounds (engine): loose justified lines and narrow columns drawn ragged.

reportlab justifies every line but a paragraph's last, however few spaces it has to
stretch: a line of three words beside a long link was set with gaps of several em.
Lines are broken as before; at drawing, a justified line whose word space would exceed
its style's bound, and every line of a column narrower than its style's `RAGGED_BELOW`,
is set ragged-right instead.
"""

from __future__ import annotations

import copy
from typing import Any

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import _nbspCount

# ParagraphStyle attributes (derived styles inherit them): the widest word space of a
# justified line in em of its type (0: no bound), and the column width in points below
# which a paragraph is never justified (0: always justified).
WORD_SPACE_MAX = "dokureportWordSpaceMax"
RAGGED_BELOW = "dokureportRaggedBelow"


def word_space(line: Any, kind: int, style: Any) -> tuple[float, float]:
    """A justified line's word space and its type size (points), as reportlab would draw
    it: the natural space plus the line's extra width shared among its spaces."""
    if kind == 0:
        extra, words = line
        spaces = len(words) - 1 + sum(_nbspCount(w) for w in words)
        size = style.fontSize
    else:
        extra, words = line.extraSpace, line.words
        spaces = line.wordCount - 1 + sum(_nbspCount(w.text) for w in words
                                          if not hasattr(w, "cbDefn"))
        size = getattr(line, "fontSize", style.fontSize)
    natural = stringWidth(" ", style.fontName, size)
    if spaces <= 0 or extra <= 1e-8:
        return natural, size
    return natural + extra / spaces, size


def _ragged(line: Any, kind: int) -> Any:
    # A line with no extra width is drawn as it stands: flush left.
    if kind == 0:
        return (0, line[1])
    line = copy.copy(line)
    line.extraSpace = 0
    return line


def _bounded(original: Any) -> Any:
    def drawPara(self: Paragraph, debug: int = 0) -> Any:
        style = self.style
        bound = getattr(style, WORD_SPACE_MAX, 0)
        narrow = getattr(style, RAGGED_BELOW, 0)
        lines_of = getattr(self, "blPara", None)
        if style.alignment != TA_JUSTIFY or lines_of is None or not (bound or narrow):
            return original(self, debug)
        kind = getattr(lines_of, "kind", 0)
        every = bool(narrow) and getattr(self, "width", narrow) < narrow
        lines, changed = [], False
        for line in lines_of.lines:
            loose = False
            if every:
                loose = True
            elif bound:
                space, size = word_space(line, kind, style)
                loose = space > bound * size
            lines.append(_ragged(line, kind) if loose else line)
            changed = changed or loose
        if not changed:
            return original(self, debug)
        self.blPara = copy.copy(lines_of)
        self.blPara.lines = lines
        try:
            return original(self, debug)
        finally:
            self.blPara = lines_of

    drawPara.__dokureport_bounded__ = True  # type: ignore[attr-defined]
    return drawPara


def install() -> None:
    """Keep justified word spaces within each style's bound (idempotent)."""
    if not getattr(vars(Paragraph)["drawPara"], "__dokureport_bounded__", False):
        Paragraph.drawPara = _bounded(vars(Paragraph)["drawPara"])
