"""Funders and partners ("Gefördert von"): each group's logos on a grid at one optical height.

Logos differ in shape: at one height a wide word mark looks far bigger than a square
emblem. Each logo's height is the group's height divided by its aspect ratio to a power
below one, so that wide logos get lower and tall ones higher, and all look alike in weight.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether

from dokureport.assets import ImageRequest, oriented_size
from dokureport.assets.svg import is_svg, load_drawing
from dokureport.event.model import PartnerLogo
from dokureport.layout import direction
from dokureport.layout.blocks import LogoMark
from dokureport.layout.context import LayoutContext
from dokureport.layout.flowables import Heading, OutlineEntry
from dokureport.layout.source import from_key

COLUMNS = 4
OPTICAL_POWER = 0.4  # 0: one height for all; 0.5: one area for all
HEIGHT_IN_BODY_SIZES = 3.4  # a square logo's height


def optical_size(aspect: float, height: float, max_width: float) -> tuple[float, float]:
    """Width and height of a logo of `aspect` (width / height) at the group's `height`."""
    h = height / aspect**OPTICAL_POWER
    w = h * aspect
    if w > max_width:
        w, h = max_width, max_width / aspect
    return w, h


def _logo(ctx: LayoutContext, logo: PartnerLogo, cell_width: float) -> LogoMark | None:
    path = ctx.event.resolve(logo.file)
    height = ctx.geometry.body_size * HEIGHT_IN_BODY_SIZES
    if is_svg(path):
        drawing = load_drawing(path)
        if drawing is None:
            return None
        w, h = optical_size(drawing.width / drawing.height, height, cell_width)
        return LogoMark(w, h, alt=logo.name, url=logo.url, drawing=drawing,
                        font=ctx.styles.body.fontName)
    width_px, height_px = oriented_size(path)
    w, h = optical_size(width_px / height_px, height, cell_width)
    request = ImageRequest(source=path, width_pt=w, height_pt=h)
    ctx.images.submit(request)
    return LogoMark(w, h, alt=logo.name, url=logo.url, image=request, images=ctx.images)


def flowables(ctx: LayoutContext) -> list[Flowable]:
    g, s, t = ctx.geometry, ctx.styles, ctx.text
    out: list[Flowable] = []
    for number, group in enumerate(ctx.event.partners):
        if not group.logos:
            continue
        columns = min(COLUMNS, len(group.logos))
        cell = g.frame_width / COLUMNS
        marks = [_logo(ctx, logo, cell - g.body_size) for logo in group.logos]
        cells: list[Flowable | str] = [m if m is not None else "" for m in marks]
        rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
        rows[-1] += [""] * (columns - len(rows[-1]))
        # The first logo at the line's start: at the right when right to left.
        grid = direction.table(ctx.direction, rows, [cell] * columns, [
            ("FONTNAME", (0, 0), (-1, -1), s.body.fontName),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 0), (-1, -1), "LEFT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), g.body_size),
            ("TOPPADDING", (0, 0), (-1, -1), g.body_leading * 0.4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), g.body_leading * 0.4),
        ], hAlign="LEFT")
        title = Heading(t.plain(group.title, hyphenate=False), s.meta,
                        OutlineEntry(title=group.title, key=f"partners-{number + 1}", level=0,
                                     in_toc=False))
        title.spaceBefore = g.body_leading * 1.5
        out += from_key([KeepTogether([title, grid])], ("partners", number))
    return out
