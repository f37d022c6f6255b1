"""The table of contents: sections and talks with their page numbers, linked; a large
programme's talks by day and track."""

from __future__ import annotations

from collections import defaultdict

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, TableStyle
from reportlab.platypus.doctemplate import NextPageTemplate

from dokureport.engine.contents import Contents
from dokureport.i18n.dates import long_date
from dokureport.layout.context import LayoutContext
from dokureport.layout.document import CONTENT
from dokureport.layout.flowables import Heading, OutlineEntry


def talk_groups(ctx: LayoutContext) -> dict[str, tuple[str, ...]]:
    """Each talk's place in a grouped contents, by its link key: (day, track).

    The day only when the programme has more than one; the track is the talk's topic,
    with its room when the track is held in one room that day, else its room. A talk
    the agenda does not name, without a topic, keeps its own entry.
    """
    event = ctx.event
    slots = event.talk_slots()
    days = {day for day, _ in slots.values()}
    rooms: dict[tuple[object, str], set[str]] = defaultdict(set)
    for talk in event.talks:
        day, item = slots.get(talk.id or "", (None, None))
        if talk.topic and item is not None and item.place:
            rooms[day, talk.topic].add(item.place)
    out: dict[str, tuple[str, ...]] = {}
    for number, talk in enumerate(event.talks, start=1):
        day, item = slots.get(talk.id or "", (None, None))
        place = item.place if item is not None else None
        track = talk.topic or place
        if track and talk.topic and len(rooms.get((day, talk.topic), ())) == 1:
            track = f"{talk.topic} · {next(iter(rooms[day, talk.topic]))}"
        path = [long_date(day, event.lang)] if day is not None and len(days) > 1 else []
        path += [track] if track else []
        if path:
            out[ctx.talk_anchor(number)] = tuple(ctx.text.plain(x, hyphenate=False)
                                                 for x in path)
    return out


def flowables(ctx: LayoutContext) -> list[Flowable]:
    s, g, design = ctx.styles, ctx.geometry, ctx.design.contents
    large = len(ctx.event.talks) > design.talks_listed_up_to
    toc = Contents(dotsMinLevel=-1, number_gap=design.number_gap * mm,
                   hanging_indent=design.hanging_indent * mm,
                   groups=talk_groups(ctx) if large else None,
                   right_to_left=ctx.direction.right_to_left)
    track = ParagraphStyle("toc2", parent=s.toc_level1,
                           leftIndent=s.toc_level1.leftIndent + g.body_size * 1.5)
    # In a grouped contents the second level is the days: headings of the tracks under them.
    day = ParagraphStyle("toc1-day", parent=s.toc_level1, fontName=s.toc_level0.fontName,
                         spaceBefore=g.body_leading * 0.3)
    toc.levelStyles = [s.toc_level0, day if large else s.toc_level1, track]
    # reportlab's cell default is Helvetica (unembedded): the theme's font instead.
    cells = [("FONTNAME", (0, 0), (-1, -1), s.body.fontName),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("RIGHTPADDING", (0, 0), (-1, -1), 0),
             ("LEFTPADDING", (0, 0), (-1, -1), 0)]
    if large:
        # Days and tracks are one line each: set close, as a list, not apart as titles.
        cells += [("TOPPADDING", (0, 0), (-1, -1), g.body_leading * 0.08),
                  ("BOTTOMPADDING", (0, 0), (-1, -1), g.body_leading * 0.08)]
    toc.tableStyle = TableStyle(cells)
    # In the outline (a reader jumps back to it), but not listed in itself.
    title = ctx.labels.contents
    shown = title.upper() if ctx.design.type.headings == "uppercase" else title
    start = ([NextPageTemplate(CONTENT), PageBreak()] if ctx.design.starts_page("contents")
             else [NextPageTemplate(CONTENT), CondPageBreak(g.frame_height * 0.4)])
    return [
        *start,
        Heading(ctx.text.plain(shown, hyphenate=False), s.h1,
                OutlineEntry(title, "contents", level=0, in_toc=False)),
        toc,
    ]
