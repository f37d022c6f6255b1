"""The speaker index: every speaker by family name, organisation, and the linked pages of
their talks (see i18n/names.py for how names are sorted)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus.tableofcontents import IndexingFlowable

from dokureport.i18n.names import IndexName, index_name, initial, sort_key
from dokureport.layout.context import LayoutContext
from dokureport.sections.common import section_heading


@dataclass(frozen=True)
class Entry:
    """One speaker in the index: the name, the organisation, the talks' destinations."""

    name: IndexName
    organisation: str | None
    talks: tuple[str, ...]  # link destinations of the talk headings, in the event's order


def entries(ctx: LayoutContext) -> list[Entry]:
    """Every speaker once (the same name in several talks is one person), sorted."""
    found: dict[str, tuple[str, list[str | None], list[str]]] = {}
    for number, talk in enumerate(ctx.event.talks, start=1):
        for speaker in talk.speakers:
            if not speaker.name.strip():
                continue
            same = " ".join(speaker.name.split()).casefold()
            _, organisations, talks = found.setdefault(same, (speaker.name, [], []))
            organisations.append(speaker.organisation)
            if ctx.talk_anchor(number) not in talks:
                talks.append(ctx.talk_anchor(number))
    out = [Entry(index_name(name), next((o for o in orgs if o), None), tuple(talks))
           for name, orgs, talks in found.values()]
    return sorted(out, key=lambda e: sort_key(e.name))


class SpeakerIndex(IndexingFlowable):
    """The index as a table whose page numbers come from the previous layout pass.

    Like the table of contents, it hears each talk heading's page (TOCEntry) and asks
    for another pass until the pages it printed are the pages the talks landed on.
    """

    role = "Index"

    def __init__(self, ctx: LayoutContext, index: list[Entry]) -> None:
        super().__init__()
        self.ctx = ctx
        self.index = index
        self._seen: dict[str, int] = {}
        self._pages: dict[str, int] = {}
        self._table: Table | None = None
        # The table for a width, made once a pass until it is split: its rows depend on
        # nothing else, and the wrap before a split need not make it twice.
        self._tables: dict[float, Table] = {}

    def notify(self, kind: str, stuff: Any) -> None:
        if kind == "TOCEntry":
            _, _, page, key = stuff
            self._seen.setdefault(key, page)

    def beforeBuild(self) -> None:
        self._pages, self._seen = self._seen, {}
        self._tables = {}

    def isSatisfied(self) -> bool:
        return self._seen == self._pages

    def settled_pages(self) -> dict[str, int]:
        """The talks' pages the last pass found (engine.settled keeps them)."""
        return dict(self._seen)

    def seed_pages(self, pages: dict[str, int]) -> None:
        """Start from `pages`, a guess the first pass checks (engine.settled)."""
        self._seen = dict(pages)

    def _rows(self, width: float) -> Table:
        ctx, t, s = self.ctx, self.ctx.text, self.ctx.styles
        right = ParagraphStyle("index_pages", parent=s.agenda_item, alignment=TA_RIGHT)
        letter_style = ParagraphStyle("index_letter", parent=s.agenda_time,
                                      fontSize=s.h3.fontSize, leading=s.h3.leading)
        rows: list[list[Flowable | str]] = []
        letters: list[int] = []
        for entry in self.index:
            letter = initial(entry.name)
            if not letters or rows[letters[-1]][0].getPlainText() != letter:  # type: ignore[union-attr]
                letters.append(len(rows))
                rows.append([Paragraph(t.plain(letter, hyphenate=False), letter_style), ""])
            name = f"<b>{t.plain(entry.name.family, hyphenate=False)}</b>"
            if entry.name.rest:
                name += ", " + t.plain(entry.name.rest, hyphenate=False)
            if entry.organisation:
                name += (f'<br/><font color="{ctx.colour("muted")}">'
                         f"{t.plain(entry.organisation)}</font>")
            pages = sorted({(self._pages.get(k), k) for k in entry.talks if k in self._pages})
            links = ", ".join(f'<a href="#{key}" color="{ctx.colour("primary")}">{page}</a>'
                              for page, key in dict((p, k) for p, k in pages).items())
            rows.append([Paragraph(name, s.agenda_item), Paragraph(links, right)])
        pages_width = ctx.geometry.body_size * 6
        table = Table(rows, colWidths=(width - pages_width, pages_width), splitInRow=1,
                      hAlign="LEFT")
        style = [
            ("FONTNAME", (0, 0), (-1, -1), s.body.fontName),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        for row in letters:
            style += [("SPAN", (0, row), (1, row)),
                      ("TOPPADDING", (0, row), (-1, row), ctx.geometry.body_leading * 0.6),
                      ("LINEBELOW", (0, row), (-1, row), 0.5, ctx.colour("rule"))]
        table.setStyle(TableStyle(style))
        return table

    def _table_for(self, width: float) -> Table:
        if width not in self._tables:
            self._tables[width] = self._rows(width)
        return self._tables[width]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._table = self._table_for(avail_width)
        self.width, self.height = self._table.wrapOn(self.canv, avail_width, avail_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        # Split the table the last wrap measured, as reportlab does any flowable, and
        # forget it: splitting may change its cells, so a later wrap makes a fresh one.
        self._table = self._tables.pop(avail_width, None) or self._rows(avail_width)
        return self._table.splitOn(self.canv, avail_width, avail_height)

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        assert self._table is not None
        self._table.drawOn(canvas, x, y, _sW)


def flowables(ctx: LayoutContext) -> list[Flowable]:
    index = entries(ctx)
    if not index:
        return []
    return [*section_heading(ctx, ctx.labels.speakers, "speakers", section="speakers"),
            SpeakerIndex(ctx, index)]
