"""The photo gallery: justified rows that keep each photo's aspect, numbered captions under."""

from __future__ import annotations

from reportlab.platypus import Flowable

from dokureport.assets import ImageRequest
from dokureport.design.geometry import GALLERY_MAX_ROW_SHARE
from dokureport.event.model import Photo
from dokureport.layout.context import LayoutContext
from dokureport.layout.photos import photo_rows, placed_rows
from dokureport.sections.common import section_heading


def _shown(ctx: LayoutContext) -> list[tuple[int, Photo]]:
    # Photos shown with their talk are not shown again, unless they say `gallery: true`;
    # each keeps its number (its place in `photos.items`), which the credits cite.
    return [(n, p) for n, p in enumerate(ctx.event.photos.items, start=1)
            if ctx.event.photos.in_gallery(p)]


def flowables(ctx: LayoutContext) -> list[Flowable]:
    shown = _shown(ctx)
    if not shown:
        return []
    g = ctx.geometry
    return [*section_heading(ctx, ctx.labels.gallery, "gallery", section="gallery"),
            *photo_rows(ctx, shown, g.frame_width, g.gallery_columns,
                        g.frame_height * GALLERY_MAX_ROW_SHARE)]


def requests(ctx: LayoutContext) -> list[ImageRequest]:
    """The images the gallery will ask for, as `flowables` places them: submitted before
    the pages that come first are built, the photo workers start on them early."""
    g = ctx.geometry
    rows = placed_rows(ctx, [p for _, p in _shown(ctx)], g.frame_width, g.gallery_columns,
                       g.frame_height * GALLERY_MAX_ROW_SHARE)
    return [request for row in rows for _, request in row]
