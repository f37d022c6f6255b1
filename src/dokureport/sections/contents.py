"""The table of contents: sections and talks with their page numbers, linked."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, PageBreak, TableStyle
from reportlab.platypus.doctemplate import NextPageTemplate

from dokureport.engine.contents import Contents
from dokureport.layout.context import LayoutContext
from dokureport.layout.document import CONTENT
from dokureport.layout.flowables import Heading, OutlineEntry


def flowables(ctx: LayoutContext) -> list[Flowable]:
    toc = Contents(dotsMinLevel=-1, rightColumnWidth=ctx.geometry.body_size * 3)
    toc.levelStyles = [ctx.styles.toc_level0, ctx.styles.toc_level1]
    # reportlab's cell default is Helvetica (unembedded): the theme's font instead.
    toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), ctx.styles.body.fontName),
                                 ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    # In the outline (a reader jumps back to it), but not listed in itself.
    title = ctx.labels.contents
    shown = title.upper() if ctx.design.type.headings == "uppercase" else title
    start = ([NextPageTemplate(CONTENT), PageBreak()] if ctx.design.starts_page("contents")
             else [NextPageTemplate(CONTENT), CondPageBreak(ctx.geometry.frame_height * 0.4)])
    return [
        *start,
        Heading(ctx.text.plain(shown, hyphenate=False), ctx.styles.h1,
                OutlineEntry(title, "contents", level=0, in_toc=False)),
        toc,
    ]
