"""The page machinery: page size and boxes, page templates, running footer, outline and TOC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from dokureport import __version__
from dokureport.layout.context import LayoutContext
from dokureport.layout.flowables import Heading
from dokureport.layout.theme import COVER_PHOTO_SHARE, LOGO_HEIGHT_MM

COVER = "cover"
CONTENT = "content"

PageDrawer = Callable[[Canvas, BaseDocTemplate], None]


class BrochureDocument(BaseDocTemplate):
    """A4/A5/Letter pages, trimmed size plus bleed, with a cover and content template."""

    def __init__(self, filename: str, ctx: LayoutContext, draw_cover: PageDrawer) -> None:
        g, bleed = ctx.geometry, ctx.bleed
        event = ctx.event
        media = (g.page_width + 2 * bleed, g.page_height + 2 * bleed)
        trim = (bleed, bleed, bleed + g.page_width, bleed + g.page_height)
        boxes: dict[str, Any] = {}
        if bleed:
            boxes = {"trimBox": trim, "bleedBox": (0, 0, *media), "cropBox": (0, 0, *media)}
        super().__init__(
            filename,
            pagesize=media,
            leftMargin=bleed + g.margin_inner,
            rightMargin=bleed + g.margin_outer,
            topMargin=bleed + g.margin_top,
            bottomMargin=bleed + g.margin_bottom,
            title=event.title,
            author=event.organiser.name if event.organiser else "dokureport",
            subject=event.subtitle or event.event.kind or event.title,
            keywords=", ".join(k for k in (event.event.kind, event.organiser and
                                           event.organiser.name) if k),
            creator=f"dokureport {__version__}",
            producer=f"dokureport {__version__} (ReportLab)",
            lang={"de": "de-DE", "en": "en-GB"}[event.lang],
            invariant=1,
            displayDocTitle=1,
            **boxes,
        )
        self.ctx = ctx
        content_frame = Frame(
            self.leftMargin, self.bottomMargin, g.frame_width, g.frame_height,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body",
        )
        # The cover's text sits between the photo (with air below it) and the logo.
        cover_bottom = self.bottomMargin + LOGO_HEIGHT_MM * mm * 0.5
        cover_top = bleed + g.page_height * (1 - COVER_PHOTO_SHARE) - g.body_leading * 2
        cover_frame = Frame(
            self.leftMargin, cover_bottom, g.frame_width, cover_top - cover_bottom,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
            id="cover",
        )
        self.addPageTemplates([
            PageTemplate(COVER, [cover_frame], onPage=draw_cover, autoNextPageTemplate=CONTENT),
            PageTemplate(CONTENT, [content_frame], onPage=self._draw_footer),
        ])

    def beforeDocument(self) -> None:
        # The file's dates are the build date, never the clock time: reproducible output.
        stamp = self.canv._doc._timeStamp
        moment = dt.datetime.combine(self.ctx.build_date, dt.time(), tzinfo=dt.UTC)
        stamp.t = moment.timestamp()
        stamp.lt = moment.timetuple()
        stamp.YMDhms = tuple(stamp.lt)[:6]
        stamp.dhh = stamp.dmm = 0
        stamp.tzname = "UTC"

    def _draw_footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        g, s, bleed = self.ctx.geometry, self.ctx.styles, self.ctx.bleed
        y = bleed + g.footer_offset
        left = Paragraph(self.ctx.text.plain(self.ctx.event.title, hyphenate=False), s.footer)
        number = Paragraph(str(doc.page), s.footer_right)
        width = g.frame_width
        _, h = left.wrap(width * 0.8, g.margin_bottom)
        left.drawOn(canvas, self.leftMargin, y)
        number.wrap(width, g.margin_bottom)
        number.drawOn(canvas, self.leftMargin, y)
        del h

    def afterFlowable(self, flowable: Any) -> None:
        if isinstance(flowable, Heading) and flowable.outline.in_toc:
            entry = flowable.outline
            text = self.ctx.text.plain(entry.title, hyphenate=False)
            self.notify("TOCEntry", (entry.level, text, self.page, entry.key))
