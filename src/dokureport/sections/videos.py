"""The videos: title, description, a clickable link and a QR code for paper readers."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from dokureport.design.geometry import QR_SIZE_MM
from dokureport.event.model import fits_qr_code
from dokureport.i18n.labels import with_colon
from dokureport.layout import direction
from dokureport.layout.context import LayoutContext
from dokureport.layout.flowables import QrCode
from dokureport.sections.common import paragraphs, section_heading


def flowables(ctx: LayoutContext) -> list[Flowable]:
    videos = ctx.event.videos
    if not videos:
        return []
    s, t, g = ctx.styles, ctx.text, ctx.geometry
    out = section_heading(ctx, ctx.labels.videos, "videos", section="videos")
    # The heading goes with the first video as one block: a video's row (text and QR
    # code) may split inside, and a heading kept with a splittable row was left alone at
    # a page's foot.
    heading: Flowable | None = out.pop()

    def kept(flowables: list[Flowable]) -> KeepTogether:
        nonlocal heading
        if heading is None:
            return KeepTogether(flowables)
        first, heading = heading, None
        return KeepTogether([first, *flowables])

    size = QR_SIZE_MM * mm
    text_width = g.frame_width - size - 6 * mm
    for number, video in enumerate(videos, start=1):
        block: list[Flowable] = [Paragraph(t.heading(video.title, s.h3, text_width), s.h3)]
        block += paragraphs(ctx, video.description, anchor=f"video-{number}")
        watch = t.plain(with_colon(ctx.labels.watch, ctx.event.lang), hyphenate=False)
        block.append(Paragraph(f"<b>{watch}</b> " + t.link(video.url, video.url), s.small))
        if not fits_qr_code(video.url):  # validation warned: the link alone
            out.append(kept(block))
            continue
        # The code at the line's end: at the left when right to left.
        table = direction.table(ctx.direction, [[block, QrCode(video.url, size)]],
                                (text_width, size + 6 * mm), [
            ("FONTNAME", (0, 0), (-1, -1), s.body.fontName),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, -1), 6 * mm),
            ("RIGHTPADDING", (1, 0), (1, -1), 0),
            ("TOPPADDING", (1, 0), (1, -1), g.body_leading),
        ], splitInRow=1)
        out.append(kept([table]))
    return out
