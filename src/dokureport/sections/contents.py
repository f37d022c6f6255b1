"""The table of contents: sections and talks with their page numbers, linked."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak, Paragraph
from reportlab.platypus.doctemplate import NextPageTemplate
from reportlab.platypus.tableofcontents import TableOfContents

from dokureport.layout.context import LayoutContext
from dokureport.layout.document import CONTENT


def flowables(ctx: LayoutContext) -> list[Flowable]:
    toc = TableOfContents(dotsMinLevel=-1, rightColumnWidth=ctx.geometry.body_size * 3)
    toc.levelStyles = [ctx.styles.toc_level0, ctx.styles.toc_level1]
    # A heading that is not itself in the outline: the TOC page needs no bookmark to itself.
    return [
        NextPageTemplate(CONTENT),
        PageBreak(),
        Paragraph(ctx.text.plain(ctx.labels.contents, hyphenate=False), ctx.styles.h1),
        toc,
    ]
