"""Pieces every section uses: the section heading and rich-text paragraphs."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph
from reportlab.platypus.doctemplate import NextPageTemplate

from dokureport.layout.context import LayoutContext
from dokureport.layout.document import CONTENT
from dokureport.layout.flowables import Heading, OutlineEntry


def section_heading(ctx: LayoutContext, title: str, key: str, *, new_page: bool = True
                    ) -> list[Flowable]:
    """A section's first flowables: a page break (or a conditional one) and its heading."""
    start: list[Flowable] = [NextPageTemplate(CONTENT)]
    if new_page:
        start.append(PageBreak())
    else:
        # Start on this page only if a good part of it is still free.
        start.append(CondPageBreak(ctx.geometry.frame_height * 0.4))
    heading = Heading(ctx.text.plain(title, hyphenate=False), ctx.styles.h1,
                      OutlineEntry(title=title, key=key, level=0))
    return [*start, heading]


def paragraphs(ctx: LayoutContext, text: str | None, style: object = None) -> list[Flowable]:
    """The paragraphs of a rich-text field (intro, abstract, description)."""
    if not text:
        return []
    return [Paragraph(markup, style or ctx.styles.body) for markup in ctx.text.rich(text)]
