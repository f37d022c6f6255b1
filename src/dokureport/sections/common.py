"""Pieces every section uses: the section heading and rich-text paragraphs."""

from __future__ import annotations

from reportlab.platypus import Flowable
from reportlab.platypus.doctemplate import NextPageTemplate

from dokureport.layout import markdown
from dokureport.layout.context import LayoutContext
from dokureport.layout.document import CONTENT, section_start
from dokureport.layout.flowables import Heading, OutlineEntry


def section_heading(ctx: LayoutContext, title: str, key: str, *, section: str | None = None,
                    new_page: bool | None = None) -> list[Flowable]:
    """A section's first flowables: where it starts (see layout.document.section_start)
    and its heading.

    Whether the section starts a new page is the theme's `new_page:` unless said here.
    """
    if new_page is None:
        new_page = ctx.design.starts_page(section or key)
    start: list[Flowable] = [NextPageTemplate(CONTENT), section_start(ctx, key, new_page)]
    shown = title.upper() if ctx.design.type.headings == "uppercase" else title
    # A word wider than the measure ("ANSPRECHPERSONEN") makes the heading smaller.
    heading = Heading(ctx.text.heading(shown, ctx.styles.h1, ctx.geometry.frame_width),
                      ctx.styles.h1, OutlineEntry(title=title, key=key, level=0))
    return [*start, heading]


def paragraphs(ctx: LayoutContext, text: str | None, style: object = None, *, level: int = 1,
               anchor: str = "text", in_toc: bool = False) -> list[Flowable]:
    """The blocks of a rich-text field (intro, abstract, description, chapter): Markdown.

    `level` is the outline level of its `#` headings, `anchor` the unique prefix of
    their destinations.
    """
    setting = markdown.Setting(style=style, level=level, anchor=anchor,  # type: ignore[arg-type]
                               in_toc=in_toc)
    return markdown.flowables(ctx, text, setting)
