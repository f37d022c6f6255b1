"""Numbered photos as justified rows that keep each aspect, captions and credits under.

The gallery's rows and a talk's own photos are set the same way.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable, Paragraph

from dokureport.assets import ImageRequest, oriented_size
from dokureport.design.geometry import GALLERY_ASPECT_RANGE
from dokureport.event.model import Photo
from dokureport.layout.context import LayoutContext
from dokureport.layout.direction import LEFT_TO_RIGHT, Direction
from dokureport.layout.flowables import PhotoCell, PhotoRow


@dataclass(frozen=True)
class Slot:
    """Where one photo of a row goes: its index in the event and its placed size."""

    index: int
    width: float
    height: float


def justified_rows(aspects: Sequence[float], width: float, gutter: float, columns: int,
                   max_height: float) -> list[list[Slot]]:
    """Group photos into rows of equal height that fill the width, keeping each aspect.

    Rows hold up to `columns` photos; a row is never taller than `max_height` (a lone
    portrait photo is then narrower than the column rather than a page tall).
    """
    rows: list[list[Slot]] = []
    for start in range(0, len(aspects), columns):
        chunk = list(range(start, min(start + columns, len(aspects))))
        # Avoid a lone last photo: the previous row gives one away, or (two columns)
        # takes it in as a third.
        if len(chunk) == 1 and rows and len(rows[-1]) == columns:
            moved = rows.pop()
            if columns > 2:
                chunk = [moved[-1].index, *chunk]
                rows.append(_row([s.index for s in moved[:-1]], aspects, width, gutter,
                                 max_height))
            else:
                chunk = [*(s.index for s in moved), *chunk]
        rows.append(_row(chunk, aspects, width, gutter, max_height))
    return rows


def _row(indices: list[int], aspects: Sequence[float], width: float, gutter: float,
         max_height: float) -> list[Slot]:
    usable = width - gutter * (len(indices) - 1)
    height = min(usable / sum(aspects[i] for i in indices), max_height)
    return [Slot(i, height * aspects[i], height) for i in indices]


def credited_once(ctx: LayoutContext) -> bool:
    """Whether every photo shares one credit that the imprint prints: then it is said
    there once, not under each photo (nine "© Studio" lines read as noise)."""
    photos = ctx.event.photos
    credits = {photos.credit_of(p) for p in photos.items}
    return len(credits) == 1 and None not in credits and "imprint" in ctx.design.sections


def _texts(ctx: LayoutContext, number: int, photo: Photo, once: bool
           ) -> tuple[Paragraph | None, Paragraph | None]:
    """The lines under a photo: its number (what the imprint's credits cite), caption, credit.

    The number opens the first line; without a caption it stands before the credit.
    `once`: the imprint credits every photo (`credited_once`), none is credited here.
    """
    t, s = ctx.text, ctx.styles
    mark = f'<font color="{ctx.colour("primary")}"><b>{number}</b></font>\u2002'
    credit_text = None if once else ctx.event.photos.credit_of(photo)
    credit = t.plain(credit_text, hyphenate=False) if credit_text else None
    if photo.caption:
        caption = Paragraph(mark + t.plain(photo.caption), s.caption)
        return caption, Paragraph(credit, s.credit) if credit else None
    if credit:
        size = s.credit.fontSize
        return Paragraph(f'{mark}<font size="{size}" color="{ctx.colour("muted")}">{credit}</font>',
                         s.caption), None
    return Paragraph(mark, s.caption), None


def _alt(ctx: LayoutContext, number: int, photo: Photo) -> str:
    """The photo's text description for the accessible PDF: `alt`, else its caption
    (validation warned), else its place in the gallery."""
    if photo.alt:
        return " ".join(photo.alt.split())
    if photo.caption:
        return " ".join(photo.caption.split())
    return f"{ctx.labels.gallery} {number}"


def placed_rows(ctx: LayoutContext, photos: Sequence[Photo], width: float, columns: int,
                max_height: float) -> list[list[tuple[Slot, ImageRequest]]]:
    """Where `photos` go as justified rows of `width`, and the image each slot asks for."""
    # Slivers and strips are cropped to a shape a gallery can show (focus kept in view).
    sources = [ctx.event.resolve(p.file) for p in photos]
    natural = [w / h for w, h in (oriented_size(src) for src in sources)]
    low, high = GALLERY_ASPECT_RANGE
    aspects = [min(max(a, low), high) for a in natural]
    return [[(slot, ImageRequest(source=sources[slot.index], width_pt=slot.width,
                                 height_pt=slot.height,
                                 crop=aspects[slot.index] != natural[slot.index],
                                 focus=photos[slot.index].focus))
             for slot in row]
            for row in justified_rows(aspects, width, ctx.geometry.gallery_gutter, columns,
                                      max_height)]


def photo_rows(ctx: LayoutContext, numbered: list[tuple[int, Photo]], width: float,
               columns: int, max_height: float) -> list[Flowable]:
    """Numbered photos as justified rows of `width` (the gallery's and a talk's)."""
    g = ctx.geometry
    # Asked once, not per photo: it looks at every photo of the event.
    once = credited_once(ctx)
    out: list[Flowable] = []
    for row in placed_rows(ctx, [p for _, p in numbered], width, columns, max_height):
        cells = []
        for slot, request in row:
            ctx.images.submit(request)
            number, photo = numbered[slot.index]
            caption, credit = _texts(ctx, number, photo, once)
            cells.append(PhotoCell(request, slot.width, slot.height, caption, credit,
                                   alt=_alt(ctx, number, photo)))
        out.append(FittingPhotoRow(cells, g.gallery_gutter, ctx.images,
                                   caption_gap=g.body_size * 0.4, max_height=g.frame_height,
                                   min_scale=ctx.design.pages.figure_shrink,
                                   direction=ctx.direction))
        out.append(_RowGap(g.body_leading))
    return out[:-1]


class FittingPhotoRow(PhotoRow):
    """A photo row that shrinks, down to `min_scale` of its size, to stay on the page
    with the text before it rather than move on and leave the page's foot empty.

    Its photos keep their aspect and their prepared pixels: a smaller print has a higher
    effective resolution, so shrinking never goes below the resolution the photo was
    checked for. At a page's top (nothing to stay with) it keeps its full size.
    """

    def __init__(self, cells: list[PhotoCell], gutter: float, images: Any,
                 caption_gap: float, max_height: float, min_scale: float,
                 direction: Direction = LEFT_TO_RIGHT) -> None:
        super().__init__(cells, gutter, images, caption_gap, max_height, direction)
        self.full_cells = list(cells)
        self.min_scale = min_scale
        self.scale = 1.0
        # The scale and canvas of the last measurement, until the row is drawn: a row
        # that did not fit at a page's foot is measured again at the next page's top,
        # at the size its captions were just wrapped to (300 photos: ~15 rows).
        self._measured: tuple[float, weakref.ref[Any]] | None = None

    def _at(self, scale: float, avail_width: float, avail_height: float
            ) -> tuple[float, float]:
        last = self._measured
        if last is not None and last[0] == scale and last[1]() is self.canv:
            # What the row's wrap does not depend on (the room left, the width) aside,
            # nothing changed: its captions still hold their lines at this size.
            return self.width, self.height
        self._measured = (scale, weakref.ref(self.canv))
        self.scale = scale
        self.cells = [dataclasses.replace(c, width=c.width * scale, height=c.height * scale)
                      for c in self.full_cells]
        return super().wrap(avail_width, avail_height)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width, height = self._at(1.0, avail_width, avail_height)
        if height <= avail_height or avail_height >= self.max_height - 1 or self.min_scale >= 1:
            return width, height
        # Captions get taller as their photos narrow: aim at the photos' share, then
        # check the whole row again.
        scale = 1.0
        for _ in range(3):
            text = height - self.photo_height - self.caption_gap
            room = avail_height - self.caption_gap - text
            photos = self.photo_height / scale
            scale = min(scale, room / photos) if photos > 0 else 0.0
            if scale < self.min_scale:
                return self._at(1.0, avail_width, avail_height)
            width, height = self._at(scale, avail_width, avail_height)
            if height <= avail_height:
                return width, height
            scale *= 0.98
        return self._at(1.0, avail_width, avail_height)

    def draw(self) -> None:
        self._measured = None  # measured anew next time, as ever before a drawing
        super().draw()


class _RowGap(Flowable):
    """Space between gallery rows that disappears at a page top."""

    def __init__(self, height: float) -> None:
        super().__init__()
        self.height = height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return avail_width, min(self.height, avail_height)

    def draw(self) -> None:
        pass
