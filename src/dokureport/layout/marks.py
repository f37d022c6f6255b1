"""Crop and fold marks: where they go (outside the bleed) and how they are drawn."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm

# Room beyond the bleed for the marks (the "slug"); the MediaBox grows by it on every
# side, so the marks never reach into the bleed.
MARKS_AREA = 10 * mm
# A mark starts this far beyond the bleed edge: a cut that drifts into the bleed
# still never shows a stub of a mark on the trimmed page.
MARK_GAP = 1 * mm
MARK_LENGTH = 6 * mm
MARK_WIDTH = 0.25  # pt: a hairline, as print shops expect
# Registration colour (every plate), so the marks show on each separation.
REGISTRATION_CMYK = (1.0, 1.0, 1.0, 1.0)

Line = tuple[float, float, float, float]
Box = tuple[float, float, float, float]


def crop_mark_lines(trim: Box, bleed: float) -> list[Line]:
    """Eight marks, two per corner, on the trim lines' extensions and beyond the bleed."""
    x0, y0, x1, y1 = trim
    start, end = bleed + MARK_GAP, bleed + MARK_GAP + MARK_LENGTH
    lines: list[Line] = []
    for x in (x0, x1):
        lines.append((x, y0 - start, x, y0 - end))
        lines.append((x, y1 + start, x, y1 + end))
    for y in (y0, y1):
        lines.append((x0 - start, y, x0 - end, y))
        lines.append((x1 + start, y, x1 + end, y))
    return lines


def fold_mark_lines(x: float, trim: Box, bleed: float) -> list[Line]:
    """The fold (spine) of a printer's spread: a mark above and below, beyond the bleed."""
    _, y0, _, y1 = trim
    start, end = bleed + MARK_GAP, bleed + MARK_GAP + MARK_LENGTH
    return [(x, y0 - start, x, y0 - end), (x, y1 + start, x, y1 + end)]


def draw_marks(canvas: Any, crop: Sequence[Line], fold: Sequence[Line] = ()) -> None:
    """Draw marks on a reportlab canvas (crop marks solid, fold marks dashed)."""
    canvas.saveState()
    canvas.setStrokeColorCMYK(*REGISTRATION_CMYK)
    canvas.setLineWidth(MARK_WIDTH)
    canvas.setLineCap(0)
    for x0, y0, x1, y1 in crop:
        canvas.line(x0, y0, x1, y1)
    if fold:
        canvas.setDash(2, 1.5)
        for x0, y0, x1, y1 in fold:
            canvas.line(x0, y0, x1, y1)
    canvas.restoreState()


def marks_operators(crop: Sequence[Line], fold: Sequence[Line] = ()) -> bytes:
    """The same marks as raw PDF content-stream operators (for pages built with pikepdf)."""
    c, m, y, k = REGISTRATION_CMYK
    ops = [f"q {c:g} {m:g} {y:g} {k:g} K {MARK_WIDTH:g} w 0 J []0 d"]
    ops += [f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l S" for x0, y0, x1, y1 in crop]
    if fold:
        ops.append("[2 1.5]0 d")
        ops += [f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l S" for x0, y0, x1, y1 in fold]
    ops.append("Q")
    return ("\n".join(ops) + "\n").encode("ascii")
