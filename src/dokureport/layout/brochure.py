"""Assemble the sections in brochure order and lay them out into a PDF file."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable

from dokureport.errors import Problem
from dokureport.layout.context import LayoutContext
from dokureport.layout.document import BrochureDocument
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


def story(ctx: LayoutContext) -> list[Flowable]:
    """Every flowable of the brochure, cover first."""
    flowables = cover.flowables(ctx) + contents.flowables(ctx)
    for section in SECTIONS:
        flowables += section.flowables(ctx)
    return flowables


def lay_out(ctx: LayoutContext, path: Path) -> int:
    """Write the brochure to `path`; returns its page count."""
    doc = BrochureDocument(str(path), ctx, cover.page_drawer(ctx))
    doc.multiBuild(story(ctx), maxPasses=6)
    if ctx.text.missing_glyphs:
        chars = "".join(sorted(ctx.text.missing_glyphs))
        codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(ctx.text.missing_glyphs))
        ctx.warnings.append(Problem(f"no font has these characters, left out: {chars} ({codes})"))
    return doc.page
