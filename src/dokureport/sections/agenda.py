"""Sections: the agenda, day by day: a time list, a room × time grid, or a listing per room;
on paper each item with a talk gives that talk's page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table
from reportlab.platypus.tableofcontents import IndexingFlowable

from dokureport.engine import linebreaks
from dokureport.event.model import AgendaDay, AgendaItem
from dokureport.i18n.dates import long_date, time_span
from dokureport.i18n.language import pdf_language
from dokureport.layout import direction
from dokureport.layout.context import LayoutContext
from dokureport.layout.flowables import Heading, OutlineEntry
from dokureport.layout.running_heads import RunningHead, setting_head
from dokureport.layout.source import from_key
from dokureport.sections.common import section_heading
from dokureport.text.fonts import split_runs

Setting = Literal["list", "grid", "rooms"]
KEPT_ROWS = 2  # a day's or room's heading goes to the next page unless this many items fit


def parallel(items: Sequence[AgendaItem]) -> int:
    """The most items that run at the same time (an item without an end lasts a minute)."""
    edges: list[tuple[int, int]] = []
    for item in items:
        start = item.time.hour * 60 + item.time.minute
        end = item.end.hour * 60 + item.end.minute if item.end else start + 1
        edges += [(start, 1), (max(end, start + 1), -1)]
    running = most = 0
    for _, step in sorted(edges):  # an end sorts before a start at the same minute
        running += step
        most = max(most, running)
    return most



def _set_width(text: str, style: ParagraphStyle, ctx: LayoutContext) -> float:
    """How wide `text` sets in `style`, each run in the font that prints it: an Arabic
    "ص" (a.m.) in a time is set in the fallback font, not measured in the family's."""
    runs = split_runs(text, family=ctx.fonts)
    if all(run.font is None for run in runs):
        return stringWidth(text, style.fontName, style.fontSize)
    return sum(stringWidth(run.text, run.font or style.fontName, style.fontSize)
               for run in runs)

def rooms(items: Sequence[AgendaItem]) -> list[str]:
    """The day's places, in the order a reader looks them up (numbers in number order)."""
    def key(place: str) -> list[Any]:
        return [(0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                for part in re.split(r"(\d+)", place) if part]

    return sorted({item.place for item in items if item.place}, key=key)


def setting(day: AgendaDay, grid_rooms: int, grid_fits: bool) -> Setting:
    """How a day is set: one time list unless sessions run in parallel in several rooms;
    then a grid of up to `grid_rooms` rooms if its columns fit, else a listing per room."""
    places = rooms(day.items)
    if len(places) < 2 or parallel(day.items) < 2:
        return "list"
    if len(places) <= grid_rooms and grid_fits:
        return "grid"
    return "rooms"


class TalkPages(IndexingFlowable):
    """Takes no room: hears each talk heading's page, and asks for another layout pass
    until the pages the agenda printed are the pages the talks landed on."""

    role = "Artifact"
    _ZEROSIZE = True
    _SPACETRANSFER = True  # see layout.running_heads.RunningHead

    def __init__(self, keys: set[str]) -> None:
        super().__init__()
        self.keys = keys
        self._seen: dict[str, int] = {}
        self._pages: dict[str, int] = {}
        self.width = self.height = 0

    def notify(self, kind: str, stuff: Any) -> None:
        if kind == "HeadingPage":
            key, page = stuff
            if key in self.keys:
                self._seen.setdefault(key, page)

    def beforeBuild(self) -> None:
        self._pages, self._seen = self._seen, {}

    def isSatisfied(self) -> bool:
        return self._seen == self._pages

    def page(self, key: str) -> int | None:
        """The talk's page as the previous pass found it (None in the first pass)."""
        return self._pages.get(key)

    def settled_pages(self) -> dict[str, int]:
        """The talks' pages the last pass found (engine.settled keeps them)."""
        return dict(self._seen)

    def printed_pages(self) -> dict[str, int]:
        """The talks' pages this pass prints (engine.settled)."""
        return dict(self._pages)

    def seed_pages(self, pages: dict[str, int]) -> None:
        """Start from `pages`, a guess the first pass checks (engine.settled)."""
        self._seen = dict(pages)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class PageReference(Paragraph):
    """"→ S. 6": where a talk stands, one line in a column of fixed width; its text is
    the page the previous layout pass found, so its size never depends on the number."""

    def __init__(self, ctx: LayoutContext, key: str, pages: TalkPages, style: Any) -> None:
        self._key, self._pages = key, pages
        # What it is given, digested (layout.restart): the label and its colour. The
        # typesetter is the brochure's (its language and fonts are a rebuild's key): a
        # `_dokureport_` attribute, which the digest leaves out.
        self._label, self._colour = ctx.labels.page_reference, ctx.colour("primary")
        self._dokureport_text = ctx.text
        self._shown: int | bool | None = False  # False: not wrapped yet
        super().__init__("", style)

    def _markup(self, page: int | None) -> str:
        if page is None:
            # Not heard of yet (a first pass): a line as high as the reference will be.
            return "\u00a0"
        label = self._label.format(page=page)
        return (f'<a href="#{self._key}" color="{self._colour}">'
                f"{self._dokureport_text.plain(label, hyphenate=False)}</a>")

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        page = self._pages.page(self._key)
        if page != self._shown:
            Paragraph.__init__(self, self._markup(page), self.style)
            linebreaks.forget(self)
            self._shown = page
        return super().wrap(avail_width, avail_height)


@dataclass(frozen=True)
class _Columns:
    """The widths of a listing's time, item and page columns."""

    time: float
    item: float
    page: float


class _Agenda:
    """The agenda of one build: styles, column widths and the talk pages, shared by days."""

    def __init__(self, ctx: LayoutContext) -> None:
        self.ctx = ctx
        s = ctx.styles
        self.on_paper = ctx.options.target == "print"
        self.talk_keys = {talk.id: ctx.talk_anchor(number)
                          for number, talk in enumerate(ctx.event.talks, start=1) if talk.id}
        linked = {self.talk_keys[i.talk] for day in ctx.event.agenda for i in day.items
                  if i.talk in self.talk_keys}
        # An item of a talk held in another language is tagged in it, as its contents row.
        self.talk_languages = {talk.id: pdf_language(talk.lang) for talk in ctx.event.talks
                               if talk.id and talk.lang and talk.lang != ctx.event.lang}
        # A large programme sets its time lists as closely as its listings per room.
        items = sum(len(day.items) for day in ctx.event.agenda)
        self.large = items >= ctx.design.agenda.dense_from > 0
        # Only talks the brochure prints have a page.
        shown = "talks" in ctx.design.sections
        self.pages = TalkPages(linked) if self.on_paper and linked and shown else None
        g = ctx.geometry
        size = g.size(ctx.design.agenda.listing_step)  # type: ignore[arg-type]
        # The listing per room: items one step smaller and set close.
        self.dense_item_style = ParagraphStyle("agenda_dense_item", parent=s.agenda_item,
                                               fontSize=size, leading=size * 1.3)
        self.dense_time_style = ParagraphStyle("agenda_dense_time", parent=s.agenda_time,
                                               fontSize=size, leading=size * 1.3)
        self.room_style = ParagraphStyle(
            "agenda_room", parent=s.h3, fontSize=s.agenda_item.fontSize,
            leading=s.agenda_item.fontSize * 1.3, spaceBefore=g.body_leading * 0.7,
            spaceAfter=g.body_leading * 0.15, keepWithNext=1)

    def page_style(self, dense: bool) -> ParagraphStyle:
        parent = self.dense_item_style if dense else self.ctx.styles.agenda_item
        return ParagraphStyle("agenda_page", parent=parent, alignment=TA_RIGHT)

    def page_width(self, dense: bool) -> float:
        """Room for the widest page reference (a brochure of up to 999 pages)."""
        if self.pages is None:
            return 0.0
        style = self.page_style(dense)
        widest = self.ctx.labels.page_reference.format(page="888")
        return stringWidth(widest, style.fontName, style.fontSize) + style.fontSize

    def key(self, item: AgendaItem) -> str | None:
        return self.talk_keys.get(item.talk) if item.talk else None

    def item(self, text: str, style: ParagraphStyle, item: AgendaItem) -> Paragraph:
        """An item's paragraph, with the /Lang of its talk's language."""
        paragraph = Paragraph(text, style)
        lang = self.talk_languages.get(item.talk or "")
        if lang:
            paragraph.lang = lang  # type: ignore[attr-defined]
        return paragraph

    def title(self, item: AgendaItem) -> str:
        """The item's title in bold: a link on screen; on paper in ink (its page is given)."""
        title = f"<b>{self.ctx.text.plain(item.title)}</b>"
        key = self.key(item)
        if key and not self.on_paper:
            title = f'<a href="#{key}" color="{self.ctx.colour("primary")}">{title}</a>'
        elif key:
            title = f'<a href="#{key}">{title}</a>'
        return title

    def people(self, item: AgendaItem) -> str:
        return (self.ctx.text.plain(", ".join(item.people), hyphenate=False)
                if item.people else "")

    def page_cell(self, item: AgendaItem, *, dense: bool = False) -> Flowable | str:
        key = self.key(item)
        if self.pages is None or key is None:
            return ""
        return PageReference(self.ctx, key, self.pages, self.page_style(dense))

    def columns(self, time_width: float, *, dense: bool) -> _Columns:
        width, page = self.ctx.geometry.frame_width, self.page_width(dense)
        return _Columns(time_width, width - time_width - page, page)

    def time_width(self, items: Sequence[AgendaItem], *, dense: bool = False) -> float:
        """The widest time of `items`, with a gap to the title."""
        s = self.dense_time_style if dense else self.ctx.styles.agenda_time
        lang = self.ctx.event.lang
        widest = max(_set_width(time_span(i.time, i.end, lang), s, self.ctx)
                     for i in items)
        return widest + s.fontSize

    def tables(self, rows: list[list[Any]], columns: _Columns, *, dense: bool
               ) -> list[Flowable]:
        """The rows as a table, its first rows a table of their own: a heading keeps with
        what follows it, and should keep with a few items, not with a whole room's list."""
        if len(rows) <= KEPT_ROWS + 1:
            return [self.table(rows, columns, dense=dense)]
        return [self.table(rows[:KEPT_ROWS], columns, dense=dense),
                self.table(rows[KEPT_ROWS:], columns, dense=dense)]

    def table(self, rows: list[list[Any]], columns: _Columns, *, dense: bool) -> Table:
        g = self.ctx.geometry
        widths = (columns.time, columns.item, *((columns.page,) if columns.page else ()))
        if not columns.page:
            rows = [row[:2] for row in rows]
        above, below = (0.12, 0.2) if dense else (0.35, 0.45)
        # The time at the line's start: at the right of a right-to-left brochure.
        table = direction.table(self.ctx.direction, rows, widths, [
            ("FONTNAME", (0, 0), (-1, -1), self.ctx.styles.body.fontName),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), g.body_leading * above),
            ("BOTTOMPADDING", (0, 0), (-1, -1), g.body_leading * below),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5 if not dense else 0.3, self.ctx.colour("rule")),
        ], splitInRow=1, hAlign="LEFT")
        # A data table: each row's time is its header cell (TH, scope row).
        table.role, table.header_columns = "Table", 1
        return table

    def time(self, item: AgendaItem, *, dense: bool = False) -> Paragraph:
        return Paragraph(self.ctx.text.literal(time_span(item.time, item.end,
                                                         self.ctx.event.lang)),
                         self.dense_time_style if dense else self.ctx.styles.agenda_time)

    # -- the three settings -------------------------------------------------

    def time_list(self, items: Sequence[AgendaItem]) -> list[Flowable]:
        """Title, then place and people on a line of their own (a day in one room); in a
        large programme the dense setting, place and people run on after the title."""
        if self.large:
            columns = self.columns(self.time_width(items, dense=True), dense=True)
            rows = [self.dense_row(item, place=True) for item in items]
            return self.tables(rows, columns, dense=True)
        muted = self.ctx.colour("muted")
        rows = []
        for item in items:
            details = [self.ctx.text.plain(item.place)] if item.place else []
            if item.people:
                details.append(self.people(item))
            lines = [self.title(item)]
            if details:
                lines.append(f'<font color="{muted}">{" · ".join(details)}</font>')
            rows.append([self.time(item),
                         self.item("<br/>".join(lines), self.ctx.styles.agenda_item, item),
                         self.page_cell(item)])
        columns = self.columns(self.ctx.geometry.body_size * 7, dense=False)
        return self.tables(rows, columns, dense=False)

    def dense_item(self, item: AgendaItem, *, place: bool = False) -> Paragraph:
        """Title and people (and the place) run on: most items take one or two lines."""
        text = self.title(item)
        details = [self.ctx.text.plain(item.place)] if place and item.place else []
        if item.people:
            details.append(self.people(item))
        if details:
            text += f'<font color="{self.ctx.colour("muted")}"> · {" · ".join(details)}</font>'
        return self.item(text, self.dense_item_style, item)

    def dense_row(self, item: AgendaItem, *, place: bool = False) -> list[Any]:
        return [self.time(item, dense=True), self.dense_item(item, place=place),
                self.page_cell(item, dense=True)]

    def by_room(self, items: Sequence[AgendaItem], day_title: str, day_key: str
                ) -> list[Flowable]:
        """A heading per room (and its tracks), its items in time order under it; items in
        no room (breaks, plenaries) first."""
        out: list[Flowable] = []
        columns = self.columns(self.time_width(items, dense=True), dense=True)
        everywhere = [i for i in items if not i.place]
        if everywhere:
            out += self.tables([self.dense_row(i) for i in everywhere], columns, dense=True)
        for number, room in enumerate(rooms(items), start=1):
            in_room = sorted((i for i in items if i.place == room),
                             key=lambda i: (i.time, i.end or i.time))
            tracks = self.tracks(in_room)
            title = room + (f" · {tracks}" if tracks else "")
            plain = self.ctx.text.plain(title, hyphenate=False)
            head = self.ctx.text.plain(f"{day_title} · {room}", hyphenate=False)
            out.append(setting_head(Heading(plain, self.room_style,
                                            OutlineEntry(title=title,
                                                         key=f"{day_key}-room-{number}",
                                                         level=2, in_toc=False)), head))
            out += self.tables([self.dense_row(i) for i in in_room], columns, dense=True)
        return out

    def tracks(self, items: Sequence[AgendaItem]) -> str:
        """The topics of the room's talks, each once, when there are at most two."""
        by_id = {talk.id: talk for talk in self.ctx.event.talks if talk.id}
        topics: list[str] = []
        for item in items:
            talk = by_id.get(item.talk) if item.talk else None
            if talk and talk.topic and talk.topic not in topics:
                topics.append(talk.topic)
        return " / ".join(topics) if len(topics) <= 2 else ""

    def grid_fits(self, day: AgendaDay) -> bool:
        g = self.ctx.geometry
        places = rooms(day.items)
        room = (g.frame_width - self.time_width(day.items)) / max(len(places), 1)
        return room >= self.ctx.design.agenda.grid_column * g.body_size

    def grid(self, items: Sequence[AgendaItem]) -> list[Flowable]:
        """A row per start time, a column per room; an item in no room spans them all."""
        ctx, s, g = self.ctx, self.ctx.styles, self.ctx.geometry
        places = rooms(items)
        time_width = self.time_width(items)
        room_width = (g.frame_width - time_width) / len(places)
        head_style = ParagraphStyle("agenda_grid_room", parent=s.agenda_item,
                                    fontName=s.agenda_time.fontName)
        rows: list[list[Any]] = [[""] + [Paragraph(ctx.text.plain(p, hyphenate=False),
                                                   head_style) for p in places]]
        spans: list[int] = []
        starts = sorted({i.time for i in items})
        for start in starts:
            at = [i for i in items if i.time == start]
            ends = {i.end for i in at}
            shown = time_span(start, next(iter(ends)) if len(ends) == 1 else None,
                              ctx.event.lang)
            row: list[Any] = [Paragraph(ctx.text.literal(shown), s.agenda_time)]
            row += [self.cell([i for i in at if i.place == p], len(ends) > 1) for p in places]
            everywhere = [i for i in at if not i.place]
            if everywhere:
                # A break or plenary is the whole row: no parallel session at that time.
                row = [row[0], self.cell(everywhere, len(ends) > 1)] + [""] * (len(places) - 1)
                spans.append(len(rows))
            rows.append(row)
        widths = (time_width, *([room_width] * len(places)))
        # A grid row is never split: a part row under a repeated row of room names can
        # land on the same page as the rows before it.
        style = [
            ("FONTNAME", (0, 0), (-1, -1), s.body.fontName),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("LEFTPADDING", (2, 0), (-1, -1), 6),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), g.body_leading * 0.25),
            ("BOTTOMPADDING", (0, 0), (-1, -1), g.body_leading * 0.35),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, ctx.colour("rule")),
            ("LINEBEFORE", (2, 0), (-1, -1), 0.5, ctx.colour("rule")),
        ]
        style += [("SPAN", (1, r), (-1, r)) for r in spans]
        # Times at the line's start, the rooms in reading order after them: from the
        # right in a right-to-left brochure.
        table = direction.table(ctx.direction, rows, widths, style, repeatRows=1,
                                hAlign="LEFT")
        table.role, table.header_columns = "Table", 1
        # The room names and the first rows: what the day's heading keeps with.
        start = direction.table(ctx.direction, rows[:1 + KEPT_ROWS], widths,
                                [c for c in style if c[0] != "SPAN" or c[1][1] <= KEPT_ROWS],
                                hAlign="LEFT")
        self.grid_start = start.wrap(g.frame_width, g.frame_height)[1]
        return [table]

    def cell(self, items: Sequence[AgendaItem], own_times: bool) -> list[Flowable] | str:
        """A grid cell: each item's title and people (and its time, when the row's items
        end at different times), and on paper its page."""
        out: list[Flowable] = []
        muted = self.ctx.colour("muted")
        for item in items:
            text = self.title(item)
            if item.people:
                text += f'<br/><font color="{muted}">{self.people(item)}</font>'
            if own_times and item.end:
                span = time_span(item.time, item.end, self.ctx.event.lang)
                text = f'<font color="{muted}">{self.ctx.text.literal(span)}</font><br/>{text}'
            out.append(self.item(text, self.ctx.styles.agenda_item, item))
            page = self.page_cell(item)
            if isinstance(page, Flowable):
                page.style = ParagraphStyle("agenda_grid_page", parent=page.style,
                                            alignment=0)
                out.append(page)
        return out or ""

    def day(self, number: int, day: AgendaDay) -> list[Flowable]:
        ctx, s = self.ctx, self.ctx.styles
        title = long_date(day.date, ctx.event.lang)
        key = f"agenda-{number}"
        plain = ctx.text.plain(title, hyphenate=False)
        out: list[Flowable] = [setting_head(
            Heading(plain, s.h2, OutlineEntry(title=title, key=key, level=1, in_toc=False)),
            plain, shows_it=True)]
        if not day.items:
            return out
        chosen = setting(day, ctx.design.agenda.grid_rooms, self.grid_fits(day))
        if chosen == "grid":
            body = self.grid(day.items)
            # A grid splits over pages with its room names repeated; kept with its heading
            # as a whole it would leave the foot of the page empty. So the heading keeps
            # with the grid's first rows by asking for their room, and keeps with nothing.
            heading = out[-1]
            heading.keepWithNext = 0
            needed = (heading.wrap(ctx.geometry.frame_width, ctx.geometry.frame_height)[1]
                      + s.h2.spaceBefore + s.h2.spaceAfter + self.grid_start)
            out.insert(0, CondPageBreak(needed))
        elif chosen == "rooms":
            body = self.by_room(day.items, title, key)
        else:
            body = self.time_list(day.items)
        return out + from_key(body, ("agenda", number - 1, "items"))


def flowables(ctx: LayoutContext) -> list[Flowable]:
    event = ctx.event
    if not event.agenda:
        return []
    agenda = _Agenda(ctx)
    # The talks' pages are heard from before the agenda's page break: a zero-size
    # flowable between a heading and what keeps with it would part them.
    out: list[Flowable] = [agenda.pages] if agenda.pages is not None else []
    out += section_heading(ctx, ctx.labels.agenda, "agenda", section="agenda")
    for number, day in enumerate(event.agenda, start=1):
        out += agenda.day(number, day)
    # The pages after the agenda name no day.
    out.append(RunningHead(None))
    return out
