"""The chapters: Markdown under a section heading (a welcome note, results, an outlook)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from dokureport.i18n.language import pdf_language
from dokureport.layout.context import LayoutContext
from dokureport.layout.flowables import in_language
from dokureport.layout.source import from_key
from dokureport.sections.common import paragraphs, section_heading


def anchor(index: int) -> str:
    """The link destination of the chapter at `index` (0-based) in the event's order."""
    return f"chapter-{index + 1}"


def chapter_flowables(ctx: LayoutContext, index: int) -> list[Flowable]:
    """One chapter: its title in the contents and outline, its Markdown below."""
    chapter = ctx.event.chapters[index]
    key = anchor(index)
    # A chapter in another language is set (hyphenation, quotation marks) and tagged in it.
    own = ctx.in_language(chapter.lang)
    lang = pdf_language(chapter.lang) if own is not ctx and chapter.lang else None
    # Its `#` headings are listed in the contents, one level under the chapter's title.
    body = paragraphs(own, chapter.text, level=1, anchor=key, in_toc=True)
    *start, heading = from_key(section_heading(own, chapter.title, key, section="chapters"),
                               ("chapters", index, "title"))
    # The language begins at the heading, after the page break: a mark kept with the
    # page-template switch would tie that into a KeepTogether.
    return [*start, *in_language(
        [heading, *from_key(body, ("chapters", index, "file" if chapter.file else "text"))],
        lang)]


def flowables(ctx: LayoutContext) -> list[Flowable]:
    """Every chapter that names no section to follow (the theme's `chapters` place)."""
    out: list[Flowable] = []
    for index, chapter in enumerate(ctx.event.chapters):
        if chapter.after is None:
            out += chapter_flowables(ctx, index)
    return out
