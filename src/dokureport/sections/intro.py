"""The introduction section: the event's intro paragraphs as lead text."""

from __future__ import annotations

from reportlab.platypus import Flowable

from dokureport.layout.context import LayoutContext
from dokureport.sections.common import paragraphs, section_heading


def flowables(ctx: LayoutContext) -> list[Flowable]:
    if not ctx.event.intro:
        return []
    return [
        *section_heading(ctx, ctx.labels.introduction, "introduction", section="intro"),
        *paragraphs(ctx, ctx.event.intro, ctx.styles.lead, anchor="intro"),
    ]
