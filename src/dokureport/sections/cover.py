"""The cover: photo across the top edge, kind, title, subtitle, dates, venue and logo."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph

from dokureport.assets import ImageRequest, oriented_size
from dokureport.layout.context import LayoutContext
from dokureport.layout.dates import date_range
from dokureport.layout.document import PageDrawer
from dokureport.layout.flowables import draw_image
from dokureport.layout.theme import ACCENT, COVER_PHOTO_SHARE, LOGO_HEIGHT_MM


def _photo_request(ctx: LayoutContext) -> ImageRequest | None:
    photo = ctx.event.photos.cover
    if photo is None:
        return None
    g, bleed = ctx.geometry, ctx.bleed
    # The photo runs off the top, left and right edges: into the bleed when printing.
    return ImageRequest(
        source=ctx.event.resolve(photo.file),
        width_pt=g.page_width + 2 * bleed,
        height_pt=g.page_height * COVER_PHOTO_SHARE + bleed,
        crop=True,
        focus=photo.focus,
    )


def _logo_request(ctx: LayoutContext) -> ImageRequest | None:
    organiser = ctx.event.organiser
    if organiser is None or organiser.logo is None:
        return None
    source = ctx.event.resolve(organiser.logo)
    width_px, height_px = oriented_size(source)
    height = LOGO_HEIGHT_MM * mm
    width = min(height * width_px / height_px, ctx.geometry.frame_width / 3)
    return ImageRequest(source=source, width_pt=width, height_pt=width * height_px / width_px)


def page_drawer(ctx: LayoutContext) -> PageDrawer:
    """Draws what sits at fixed places on the cover page, behind the text frame."""
    photo = _photo_request(ctx)
    logo = _logo_request(ctx)
    for request in (photo, logo):
        if request is not None:
            ctx.images.submit(request)
    g, bleed = ctx.geometry, ctx.bleed

    def draw(canvas: Canvas, doc: object) -> None:
        canvas.saveState()
        top = bleed + g.page_height + bleed
        if photo is not None:
            draw_image(canvas, ctx.images, photo, 0, top - photo.height_pt,
                       photo.width_pt, photo.height_pt)
            band_y = top - photo.height_pt
        else:
            band_y = bleed + g.page_height * (1 - COVER_PHOTO_SHARE)
            canvas.setFillColor(ACCENT)
            canvas.rect(0, band_y, g.page_width + 2 * bleed, top - band_y, stroke=0, fill=1)
        canvas.setFillColor(ACCENT)
        canvas.rect(0, band_y - 2 * mm, g.page_width + 2 * bleed, 2 * mm, stroke=0, fill=1)
        if logo is not None:
            x = bleed + g.page_width - g.margin_outer - logo.width_pt
            draw_image(canvas, ctx.images, logo, x, bleed + g.footer_offset,
                       logo.width_pt, logo.height_pt)
        canvas.restoreState()

    return draw


def flowables(ctx: LayoutContext) -> list[Flowable]:
    event, s, t = ctx.event, ctx.styles, ctx.text
    parts: list[Flowable] = []
    if event.event.kind:
        parts.append(Paragraph(t.plain(event.event.kind, hyphenate=False), s.cover_kind))
    parts.append(Paragraph(t.heading(event.title, s.cover_title, ctx.geometry.frame_width),
                           s.cover_title))
    if event.subtitle:
        parts.append(Paragraph(t.plain(event.subtitle), s.cover_subtitle))
    when = date_range(event.event.start, event.event.end, event.lang)
    parts.append(Paragraph(f"<b>{t.plain(when, hyphenate=False)}</b>", s.cover_meta))
    venue = event.event.venue
    if venue:
        lines = [venue.name] if venue.name else []
        lines += list(venue.address)
        parts.append(Paragraph("<br/>".join(t.plain(x, hyphenate=False) for x in lines),
                               s.cover_meta))
    if event.organiser:
        parts.append(Paragraph(t.plain(event.organiser.name, hyphenate=False), s.cover_meta))
    # Long titles shrink rather than spill onto a second cover page.
    return [KeepInFrame(0, 0, parts, mode="shrink")]
