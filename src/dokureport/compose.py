"""Compose stage: the theme's `sections:` list becomes the brochure's flowables, then a PDF."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from types import ModuleType
from typing import Any

from reportlab.platypus import Flowable, PageBreak, Spacer
from reportlab.platypus.doctemplate import NextPageTemplate

from dokureport.core import memo
from dokureport.core.errors import InputError
from dokureport.engine import parsed
from dokureport.layout import restart, reuse, source
from dokureport.layout.context import LayoutContext
from dokureport.layout.document import BLANK, CONTENT, BrochureDocument
from dokureport.layout.notes import notes_page
from dokureport.sections import (
    agenda,
    chapter,
    contacts,
    contents,
    cover,
    gallery,
    imprint,
    intro,
    partners,
    speakers,
    talks,
    videos,
)

# The section contract: `flowables(ctx) -> list[Flowable]` (nothing when the event has no
# data for it), plus, for the cover, `page_drawer(ctx)`.
SECTIONS: dict[str, ModuleType] = {
    "cover": cover, "contents": contents, "intro": intro, "agenda": agenda, "talks": talks,
    "gallery": gallery, "videos": videos, "contacts": contacts, "imprint": imprint,
    "chapters": chapter, "speakers": speakers, "partners": partners,
}
# The input key each section shows, for messages about content that cannot be laid out;
# sections mark finer keys (a talk, an agenda day) themselves.
SECTION_KEYS: dict[str, source.KeyPath] = {
    "cover": ("title",), "contents": ("talks",), "intro": ("intro",), "agenda": ("agenda",),
    "talks": ("talks",), "gallery": ("photos", "items"), "videos": ("videos",),
    "contacts": ("contacts",), "imprint": ("organiser",), "chapters": ("chapters",),
    "speakers": ("talks",), "partners": ("partners",),
}
# Where chapters that name no place go when the theme's order has no `chapters`: before
# the first of these, else at the end.
CHAPTERS_BEFORE = ("gallery", "videos", "contacts", "speakers", "imprint", "partners")


def story(ctx: LayoutContext, blank_pages: int = 0) -> list[Flowable]:
    """Every flowable of the brochure, in the theme's order.

    `blank_pages` and the page plan's notes page and blank pages (a booklet's padding) go
    before the imprint (or at the end without one): the imprint then stays on the back
    cover, and no section is split by a blank page.
    """
    # Paragraphs of unchanged texts take the markup parsed for the last story (a watch
    # rebuild, the page planner's next layout).
    memo.next_story()
    parsed.next_story()
    flowables: list[Flowable] = []
    order = chapter_order(ctx)
    padding = _padding(ctx, blank_pages + ctx.plan.blank)
    for name in order:
        if isinstance(name, int):
            flowables += chapter.chapter_flowables(ctx, name)
            continue
        if name == "imprint":
            flowables += padding
            if padding:
                flowables += [PageBreak()]  # the imprint never shares a padding page
        flowables += source.from_key(_section(ctx, name), SECTION_KEYS[name])
    if "imprint" not in order:
        flowables += padding
    if ctx.text.missing_glyphs:
        # Which entry reported them is not known: the next story makes every one anew.
        reuse.forget()
    return flowables


def _section(ctx: LayoutContext, name: str) -> list[Flowable]:
    """The section's flowables; a watch session's next story is handed those of a section
    whose input is as it was (layout.reuse)."""
    reads = REUSED.get(name)
    if reads is None or not restart.keeping():
        return SECTIONS[name].flowables(ctx)  # type: ignore[no-any-return]
    # Its start reads the page plan (layout.document.section_start) besides its input.
    return reuse.made(ctx, (name, ctx.plan.forced(name), reads(ctx)),
                      lambda: SECTIONS[name].flowables(ctx))


def _talks_but_abstracts(ctx: LayoutContext) -> tuple[Any, ...]:
    """Every talk's fields but its abstract, in order: what the agenda and the speakers'
    index read of the talks (taken once per event: the page planner's layouts share it)."""
    event = ctx.event
    if _but_abstracts[0] is not event:
        _but_abstracts[:] = [event, tuple(
            tuple(item for item in vars(talk).items() if item[0] != "abstract")
            for talk in event.talks)]
    return _but_abstracts[1]  # type: ignore[no-any-return]


_but_abstracts: list[Any] = [None, ()]


# The large sections a watch rebuild hands over whole when what they read of the event is
# as it was (the talks are handed over talk by talk: sections.talks).
REUSED: dict[str, Callable[[LayoutContext], Hashable]] = {
    "agenda": lambda ctx: (ctx.event.agenda, _talks_but_abstracts(ctx)),
    "speakers": _talks_but_abstracts,
}


def _padding(ctx: LayoutContext, blank: int) -> list[Flowable]:
    """The planned notes page, then `blank` blank pages."""
    notes = [NextPageTemplate(CONTENT), *notes_page(ctx)] if ctx.plan.notes else []
    return notes + _blank(blank)


def chapter_order(ctx: LayoutContext) -> list[str | int]:
    """The theme's sections with each chapter (by index) in its place.

    A chapter follows the section its `after:` names; without one (or when the theme
    drops that section) it goes where the theme says `chapters`, else before the gallery.
    """
    sections = list(ctx.design.sections)
    chapters = ctx.event.chapters
    placed = {i for i, c in enumerate(chapters) if c.after in sections and c.after != "chapters"}
    loose = [i for i in range(len(chapters)) if i not in placed]
    if loose and "chapters" not in sections:
        at = next((sections.index(n) for n in CHAPTERS_BEFORE if n in sections), len(sections))
        sections.insert(at, "chapters")
    order: list[str | int] = []
    for name in sections:
        order += loose if name == "chapters" else [name]
        order += [i for i in sorted(placed) if chapters[i].after == name]
    return order


def _blank(pages: int) -> list[Flowable]:
    # The empty spacer makes the page exist: a page break alone on an empty page is dropped.
    out: list[Flowable] = []
    for _ in range(pages):
        out += [NextPageTemplate(BLANK), PageBreak(), Spacer(0, 0), NextPageTemplate(CONTENT)]
    return out


def _submit_gallery(ctx: LayoutContext) -> None:
    """The gallery's photos to the photo workers before the story is built: building the
    pages before it (the talks) takes a while, and the workers would wait for it. The
    preparer still prepares first whatever the layout waits for (the cover's photo)."""
    try:
        requests = gallery.requests(ctx)
    except (InputError, ValueError):
        return  # the gallery meets the same when the story builds it, and says so there
    for request in requests:
        ctx.images.submit(request)


def lay_out(ctx: LayoutContext, path: Path, blank_pages: int = 0, *, same_until: int = 0,
            save: bool = True) -> int:
    """Write the brochure to `path`, `blank_pages` before the imprint; returns the page count.

    `same_until`: pages 1 to it hold what the last lay_out of this brochure put there (the
    page planner's promise, layout.plan.first_change), only their references to later
    pages may differ; a layout that restarts may go on from the page after it. This one
    lays out every page.

    `save=False`: the PDF is written only by `write_laid_out(ctx)`, which a layout the page
    planner replaces never needs (its records are what the planner reads).
    """
    with_cover = "cover" in ctx.design.sections
    doc = BrochureDocument(str(path), ctx, cover.page_drawer(ctx) if with_cover else None)
    doc.deferred = not save
    ctx.unwritten = doc if not save else None
    if "gallery" in ctx.design.sections:
        _submit_gallery(ctx)
    doc.build_settled(story(ctx, blank_pages))
    ctx.tags = getattr(doc.canv, "tags", None)
    if ctx.tags is not None:
        ctx.tags.laid_out()
    return doc.page


def write_laid_out(ctx: LayoutContext) -> None:
    """Write the PDF of the layout `ctx` was last used for, if `lay_out` left it unsaved."""
    if ctx.unwritten is not None:
        doc, ctx.unwritten = ctx.unwritten, None
        doc.write()
