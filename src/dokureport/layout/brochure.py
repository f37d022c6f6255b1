"""Assemble the sections in brochure order and lay them out into a PDF file."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, PageBreak, Spacer
from reportlab.platypus.doctemplate import NextPageTemplate

from dokureport.errors import Problem
from dokureport.layout import source
from dokureport.layout.context import LayoutContext
from dokureport.layout.document import BLANK, BrochureDocument
from dokureport.sections import (
    agenda,
    contacts,
    contents,
    cover,
    gallery,
    imprint,
    intro,
    talks,
    videos,
)

# The brochure's order; each section returns nothing when the event has no data for it.
SECTIONS = (intro, agenda, talks, gallery, videos, contacts, imprint)
# The input key each section shows, for messages about content that cannot be laid out;
# sections mark finer keys (a talk, an agenda day) themselves.
SECTION_KEYS: dict[str, source.KeyPath] = {
    "cover": ("title",), "contents": ("talks",), "intro": ("intro",), "agenda": ("agenda",),
    "talks": ("talks",), "gallery": ("photos", "items"), "videos": ("videos",),
    "contacts": ("contacts",), "imprint": ("organiser",),
}


def _section(module: object, ctx: LayoutContext) -> list[Flowable]:
    name = module.__name__.rsplit(".", 1)[-1]  # type: ignore[attr-defined]
    return source.from_key(module.flowables(ctx), SECTION_KEYS[name])  # type: ignore[attr-defined]


def story(ctx: LayoutContext, blank_pages: int = 0) -> list[Flowable]:
    """Every flowable of the brochure, cover first.

    `blank_pages` (a booklet's padding) go between the last section and the imprint:
    the imprint then stays on the back cover, and no section is split by a blank page.
    """
    flowables = _section(cover, ctx) + _section(contents, ctx)
    for section in SECTIONS:
        if section is imprint:
            for _ in range(blank_pages):
                # The empty spacer makes the page exist: a page break alone on an
                # empty page is dropped.
                flowables += [NextPageTemplate(BLANK), PageBreak(), Spacer(0, 0)]
        flowables += _section(section, ctx)
    return flowables


def lay_out(ctx: LayoutContext, path: Path, blank_pages: int = 0) -> int:
    """Write the brochure to `path`, `blank_pages` before the imprint; returns the page count."""
    doc = BrochureDocument(str(path), ctx, cover.page_drawer(ctx))
    doc.build_settled(story(ctx, blank_pages))
    if ctx.text.missing_glyphs:
        chars = "".join(sorted(ctx.text.missing_glyphs))
        codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(ctx.text.missing_glyphs))
        ctx.warnings.append(Problem(f"no font has these characters, left out: {chars} ({codes})",
                                    code="missing-glyph"))
    return doc.page
