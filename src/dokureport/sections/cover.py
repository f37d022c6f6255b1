"""The cover: photo (top, full page or none, as the theme says), title, dates, venue, logo."""

from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer

from dokureport.assets import ImageRequest, oriented_size
from dokureport.engine.tags import tagged
from dokureport.i18n.dates import date_range
from dokureport.layout.context import LayoutContext
from dokureport.layout.document import (
    PageDrawer,
    cover_panel,
    cover_panel_padding,
    cover_text_bottom,
)
from dokureport.layout.flowables import draw_image

# A full-photo cover's panel takes at least this share of the page, from the bottom.
FULL_PANEL_SHARE = 0.42


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
    # Right to left, the page mirrored: "left" is the line's start, at the right.
    x = bleed + ctx.direction.x(x - bleed, logo.width_pt, g.page_width)
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
    if cover_panel(ctx) is not None:
        # The typographic panel reaches down to hold the title block at full size.
        head, facts = _parts(ctx)
        ctx.cover_text = (_height(head, g.cover_width), _height(facts, g.cover_width))
    primary, panel = ctx.colour("primary"), ctx.colour("cover_panel")
    full_width = g.page_width + 2 * bleed
    cover_photo, organiser = ctx.event.photos.cover, ctx.event.organiser
    photo_alt = (cover_photo.alt or cover_photo.caption or ctx.event.title) if cover_photo else ""
    logo_alt = f"Logo: {organiser.name}" if organiser else "Logo"
    panel_box = cover_panel(ctx)
    full_top = full_panel_top(ctx) if design.photo == "full" else 0.0

    def draw(canvas: Canvas, doc: object) -> None:
        canvas.saveState()
        top = bleed + g.page_height + bleed
        if panel_box is not None:
            # A typographic cover: the title stands on the panel, in the photo's place.
            canvas.setFillColor(panel)
            canvas.rect(0, panel_box[0], full_width, panel_box[1] - panel_box[0], stroke=0,
                        fill=1)
            if design.band:
                canvas.rect(0, 0, full_width, bleed + 4 * mm, stroke=0, fill=1)
        elif design.photo == "top":
            if photo is not None:
                with tagged(canvas, "Figure", Alt=photo_alt):
                    draw_image(canvas, ctx.images, photo, 0, top - photo.height_pt,
                               photo.width_pt, photo.height_pt)
                band_y = top - photo.height_pt
            if design.band:
                canvas.setFillColor(primary)
                canvas.rect(0, band_y - 2 * mm, full_width, 2 * mm, stroke=0, fill=1)
        elif design.photo == "full":
            if photo is not None:
                with tagged(canvas, "Figure", Alt=photo_alt):
                    draw_image(canvas, ctx.images, photo, 0, 0, photo.width_pt,
                               photo.height_pt)
            # The text stands on a solid panel: readable on any photo, and checked for
            # contrast like every other text colour.
            canvas.setFillColor(panel)
            canvas.rect(0, 0, full_width, full_top, stroke=0, fill=1)
        if logo is not None:
            x, y = _logo_place(ctx, logo)
            with tagged(canvas, "Figure", Alt=logo_alt):
                draw_image(canvas, ctx.images, logo, x, y, logo.width_pt, logo.height_pt)
        canvas.restoreState()

    return draw


class _OnPanel(Flowable):
    """The panel's text block, at the foot of the panel's fixed height (shrunk if too tall)."""

    def __init__(self, height: float, parts: list[Flowable]) -> None:
        super().__init__()
        self.height = height
        self._block = KeepInFrame(0, height, parts, mode="shrink")

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        self._block.wrapOn(self.canv, self.width, self.height)
        self._block.drawOn(self.canv, 0, 0)


def _unbroken(style: ParagraphStyle, **changes: object) -> ParagraphStyle:
    """A cover style that never breaks a word: no hyphen, no split long word, anywhere."""
    return ParagraphStyle(f"{style.name}_cover", parent=style, hyphenationLang="",
                          embeddedHyphenation=0, splitLongWords=0, uriWasteReduce=0,
                          **changes)


def _title_style(ctx: LayoutContext, style: ParagraphStyle, title: str) -> ParagraphStyle:
    """The title's style, set smaller where its longest word would not fit the line."""
    words = title.split() or [title]
    widest = max(stringWidth(w, style.fontName, style.fontSize) for w in words)
    width = ctx.geometry.cover_width
    if widest <= width:
        return style
    size = style.fontSize * width / widest
    return ParagraphStyle(f"{style.name}_fitted", parent=style, fontSize=size,
                          leading=style.leading * size / style.fontSize)


def full_panel_top(ctx: LayoutContext) -> float:
    """The top of a full-photo cover's panel (in the bleed box's coordinates): the theme's
    share of the page, raised until the cover's text fits on it at full size, though
    never into the top margin (or a logo at the top).

    The document's cover frame takes its top from here (ctx.cover_panel_top).
    """
    g, bleed, cover = ctx.geometry, ctx.bleed, ctx.design.cover
    head, meta = _parts(ctx)
    text = _height([*head, *meta], g.cover_width)
    bottom = cover_text_bottom(ctx)
    needed = bottom + text + g.body_leading * 2
    highest = bleed + g.page_height - g.margin_top
    if cover.logo.position.startswith("top") and ctx.event.organiser is not None \
            and ctx.event.organiser.logo is not None:
        highest -= cover.logo.height * mm + g.body_leading
    top = min(max(bleed + g.page_height * FULL_PANEL_SHARE, needed), highest)
    ctx.cover_panel_top = top
    return top


def _height(parts: list[Flowable], width: float) -> float:
    """The height `parts` take in a frame `width` wide (the first one's space before aside)."""
    total = 0.0
    for n, part in enumerate(parts):
        _, height = part.wrap(width, 1e6)
        total += height + part.getSpaceAfter() + (part.getSpaceBefore() if n else 0)
    return total


def flowables(ctx: LayoutContext) -> list[Flowable]:
    head, meta = _parts(ctx)
    panel = cover_panel(ctx)
    if panel is None:
        # Long titles shrink rather than spill onto a second cover page (a full photo's
        # panel grew to hold them at full size: there, only past the top margin).
        return [KeepInFrame(0, 0, head + meta, mode="shrink")]
    padding = cover_panel_padding(ctx, panel)
    below = ctx.geometry.body_leading * 2
    # The panel's own bottom space is the text's last paragraph's spaceAfter plus this.
    on_panel = _OnPanel(panel[1] - padding - panel[0] - below, head)
    return [on_panel, Spacer(0, below * 2), KeepInFrame(0, 0, meta, mode="shrink")]


def _parts(ctx: LayoutContext) -> tuple[list[Flowable], list[Flowable]]:
    """The cover's text: the head (kind, title, subtitle) and the facts (dates, venue,
    organiser)."""
    event, s, t = ctx.event, ctx.styles, ctx.text
    panel = cover_panel(ctx)
    ink = {"textColor": HexColor(ctx.colour("cover_text"))} if panel is not None else {}
    kind_style = _unbroken(s.cover_kind, **ink)
    title_style = _title_style(ctx, _unbroken(s.cover_title, **ink), event.title)
    subtitle_style = _unbroken(s.cover_subtitle, **ink)
    off_panel = {"textColor": HexColor(ctx.colour("text"))} if panel is not None else {}
    meta_style = _unbroken(s.cover_meta, **off_panel)
    head: list[Flowable] = []
    if event.event.kind:
        head.append(Paragraph(t.plain(event.event.kind, hyphenate=False), kind_style))
    title = Paragraph(t.plain(event.title, hyphenate=False), title_style)
    title.role = "H1"  # the document's title: the first heading a reader meets
    head.append(title)
    if event.subtitle:
        head.append(Paragraph(t.plain(event.subtitle, hyphenate=False), subtitle_style))
    meta: list[Flowable] = []
    when = date_range(event.event.start, event.event.end, event.lang)
    meta.append(Paragraph(f"<b>{t.plain(when, hyphenate=False)}</b>", meta_style))
    venue = event.event.venue
    if venue:
        lines = [venue.name] if venue.name else []
        lines += list(venue.address)
        meta.append(Paragraph("<br/>".join(t.plain(x, hyphenate=False) for x in lines),
                              meta_style))
    if event.organiser:
        meta.append(Paragraph(t.plain(event.organiser.name, hyphenate=False), meta_style))
    return head, meta
