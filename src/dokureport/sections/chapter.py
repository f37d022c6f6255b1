"""The chapters: Markdown under a section heading (a welcome note, results, an outlook)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from dokureport.layout.context import LayoutContext
from dokureport.layout.source import from_key
from dokureport.sections.common import paragraphs, section_heading


def anchor(index: int) -> str:
    """The link destination of the chapter at `index` (0-based) in the event's order."""
    return f"chapter-{index + 1}"


def chapter_flowables(ctx: LayoutContext, index: int) -> list[Flowable]:
    """One chapter: its title in the contents and outline, its Markdown below."""
    chapter = ctx.event.chapters[index]
    key = anchor(index)
    # Its `#` headings are listed in the contents, one level under the chapter's title.
    body = paragraphs(ctx, chapter.text, level=1, anchor=key, in_toc=True)
    return [*from_key(section_heading(ctx, chapter.title, key, section="chapters"),
                      ("chapters", index, "title")),
            *from_key(body, ("chapters", index, "file" if chapter.file else "text"))]


def flowables(ctx: LayoutContext) -> list[Flowable]:
    """Every chapter that names no section to follow (the theme's `chapters` place)."""
    out: list[Flowable] = []
    for index, chapter in enumerate(ctx.event.chapters):
        if chapter.after is None:
            out += chapter_flowables(ctx, index)
    return out
