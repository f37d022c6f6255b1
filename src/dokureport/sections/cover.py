"""The cover: photo (top, full page or none, as the theme says), title, dates, venue, logo."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph

from dokureport.assets import ImageRequest, oriented_size
from dokureport.engine.tags import tagged
from dokureport.i18n.dates import date_range
from dokureport.layout.context import LayoutContext
from dokureport.layout.document import PageDrawer
from dokureport.layout.flowables import draw_image


def _photo_request(ctx: LayoutContext) -> ImageRequest | None:
    photo = ctx.event.photos.cover
    design = ctx.design.cover
    if photo is None or design.photo == "none":
        return None
    g, bleed = ctx.geometry, ctx.bleed
    share = design.photo_share if design.photo == "top" else 1.0
    # The photo runs off the top, left and right edges (all four when full): into the
    # bleed when printing.
    return ImageRequest(
        source=ctx.event.resolve(photo.file),
        width_pt=g.page_width + 2 * bleed,
        height_pt=g.page_height * share + bleed * (1 if share < 1 else 2),
        crop=True,
        focus=photo.focus,
    )


def _logo_request(ctx: LayoutContext) -> ImageRequest | None:
    organiser = ctx.event.organiser
    if organiser is None or organiser.logo is None:
        return None
    source = ctx.event.resolve(organiser.logo)
    width_px, height_px = oriented_size(source)
    height = ctx.design.cover.logo.height * mm
    width = min(height * width_px / height_px, ctx.geometry.cover_width / 3)
    return ImageRequest(source=source, width_pt=width, height_pt=width * height_px / width_px)


def _logo_place(ctx: LayoutContext, logo: ImageRequest) -> tuple[float, float]:
    """The logo's lower left corner, by the theme's logo position."""
    g, bleed = ctx.geometry, ctx.bleed
    position = ctx.design.cover.logo.position
    left = position.endswith("left")
    x = bleed + (g.margin_inner if left else g.page_width - g.cover_margin_outer - logo.width_pt)
    if position.startswith("top"):
        y = bleed + g.page_height - g.margin_top - logo.height_pt
    else:
        y = bleed + g.footer_offset
    return x, y


def page_drawer(ctx: LayoutContext) -> PageDrawer:
    """Draws what sits at fixed places on the cover page, behind the text frame."""
    photo = _photo_request(ctx)
    logo = _logo_request(ctx)
    for request in (photo, logo):
        if request is not None:
            ctx.images.submit(request)
    g, bleed, design = ctx.geometry, ctx.bleed, ctx.design.cover
    primary, panel = ctx.colour("primary"), ctx.colour("cover_panel")
    full_width = g.page_width + 2 * bleed
    cover_photo, organiser = ctx.event.photos.cover, ctx.event.organiser
    photo_alt = (cover_photo.alt or cover_photo.caption or ctx.event.title) if cover_photo else ""
    logo_alt = f"Logo: {organiser.name}" if organiser else "Logo"

    def draw(canvas: Canvas, doc: object) -> None:
        canvas.saveState()
        top = bleed + g.page_height + bleed
        if design.photo == "top":
            if photo is not None:
                with tagged(canvas, "Figure", Alt=photo_alt):
                    draw_image(canvas, ctx.images, photo, 0, top - photo.height_pt,
                               photo.width_pt, photo.height_pt)
                band_y = top - photo.height_pt
            else:
                band_y = bleed + g.page_height * (1 - design.photo_share)
                canvas.setFillColor(primary)
                canvas.rect(0, band_y, full_width, top - band_y, stroke=0, fill=1)
            if design.band:
                canvas.setFillColor(primary)
                canvas.rect(0, band_y - 2 * mm, full_width, 2 * mm, stroke=0, fill=1)
        elif design.photo == "full":
            if photo is not None:
                with tagged(canvas, "Figure", Alt=photo_alt):
                    draw_image(canvas, ctx.images, photo, 0, 0, photo.width_pt,
                               photo.height_pt)
            else:
                canvas.setFillColor(primary)
                canvas.rect(0, 0, full_width, top, stroke=0, fill=1)
            # The text stands on a solid panel: readable on any photo, and checked for
            # contrast like every other text colour.
            canvas.setFillColor(panel)
            canvas.rect(0, 0, full_width, bleed + g.page_height * 0.42, stroke=0, fill=1)
        else:
            rule_y = bleed + g.page_height - g.margin_top - design.logo.height * mm \
                - g.body_leading * 2
            canvas.setStrokeColor(primary)
            canvas.setLineWidth(1.5)
            x = bleed + g.margin_inner
            canvas.line(x, rule_y, x + g.cover_width, rule_y)
            if design.band:
                canvas.setFillColor(primary)
                canvas.rect(0, 0, full_width, bleed + 4 * mm, stroke=0, fill=1)
        if logo is not None:
            x, y = _logo_place(ctx, logo)
            with tagged(canvas, "Figure", Alt=logo_alt):
                draw_image(canvas, ctx.images, logo, x, y, logo.width_pt, logo.height_pt)
        canvas.restoreState()

    return draw


def flowables(ctx: LayoutContext) -> list[Flowable]:
    event, s, t = ctx.event, ctx.styles, ctx.text
    parts: list[Flowable] = []
    if event.event.kind:
        parts.append(Paragraph(t.plain(event.event.kind, hyphenate=False), s.cover_kind))
    title = Paragraph(t.heading(event.title, s.cover_title, ctx.geometry.cover_width),
                      s.cover_title)
    title.role = "H1"  # the document's title: the first heading a reader meets
    parts.append(title)
    if event.subtitle:
        parts.append(Paragraph(t.plain(event.subtitle, hyphenate=False), s.cover_subtitle))
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
