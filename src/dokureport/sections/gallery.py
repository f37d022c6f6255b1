"""The photo gallery: justified rows that keep each photo's aspect, numbered captions under."""

from __future__ import annotations

from reportlab.platypus import Flowable

from dokureport.design.geometry import GALLERY_MAX_ROW_SHARE
from dokureport.layout.context import LayoutContext
from dokureport.layout.photos import photo_rows
from dokureport.sections.common import section_heading


def flowables(ctx: LayoutContext) -> list[Flowable]:
    # Photos shown with their talk are not shown again, unless they say `gallery: true`;
    # each keeps its number (its place in `photos.items`), which the credits cite.
    shown = [(n, p) for n, p in enumerate(ctx.event.photos.items, start=1)
             if ctx.event.photos.in_gallery(p)]
    if not shown:
        return []
    g = ctx.geometry
    return [*section_heading(ctx, ctx.labels.gallery, "gallery", section="gallery"),
            *photo_rows(ctx, shown, g.frame_width, g.gallery_columns,
                        g.frame_height * GALLERY_MAX_ROW_SHARE)]
