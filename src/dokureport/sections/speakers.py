"""The speaker index: every speaker once by family name, organisation, and the linked pages
of their talks, in as many columns as its entries fit (see i18n/names.py for how names are
taken apart, grouped and sorted)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.tableofcontents import IndexingFlowable

from dokureport.engine.tags import artifact
from dokureport.i18n.names import (
    PARTICLES,
    IndexName,
    identity,
    index_name,
    initial,
    sort_key,
)
from dokureport.layout.context import LayoutContext
from dokureport.layout.direction import LEFT_TO_RIGHT, Direction
from dokureport.sections.common import section_heading

NBSP = "\u00a0"


@dataclass(frozen=True)
class Entry:
    """One speaker in the index: the name, the organisation, the talks' destinations."""

    name: IndexName
    organisation: str | None
    talks: tuple[str, ...]  # link destinations of the talk headings, in the event's order


def entries(ctx: LayoutContext) -> list[Entry]:
    """Every speaker once, sorted: names that are the same person (i18n/name_parts.identity:
    case, spaces, pronouns, nicknames and titles aside) are one entry with all their talks."""
    found: dict[str, tuple[list[IndexName], list[str | None], list[str], list[str]]] = {}
    for number, talk in enumerate(ctx.event.talks, start=1):
        for speaker in talk.speakers:
            same = identity(speaker.name)
            if not same:
                continue
            name = index_name(speaker.name)
            names, organisations, talks, extras = found.setdefault(same, ([], [], [], []))
            names.append(name)
            organisations.append(speaker.organisation)
            extras.extend(e for e in name.extras if e not in extras)
            if ctx.talk_anchor(number) not in talks:
                talks.append(ctx.talk_anchor(number))
    out = []
    for names, orgs, talks, extras in found.values():
        name = _spelling(names)
        out.append(Entry(IndexName(name.family, name.given, name.titles, name.suffix,
                                   tuple(extras)),
                         next((o for o in orgs if o), None), tuple(talks)))
    return sorted(out, key=lambda e: sort_key(e.name))


def _spelling(names: list[IndexName]) -> IndexName:
    """The spelling an entry prints of the ways one person's name is written: a capitalised
    one before one in lower case, then the most frequent, then the first."""
    plain = [IndexName(n.family, n.given, n.titles, n.suffix) for n in names]
    return max(plain, key=lambda n: (n.family[:1].isupper(), plain.count(n),
                                     -plain.index(n)))


def name_markup(ctx: LayoutContext, name: IndexName) -> str:
    """ "<b>Family</b>, Given von Prof., Jr. (nickname)" as paragraph markup."""
    t = ctx.text
    out = f"<b>{_tied(t, name.family.split(), family=True)}</b>"
    if name.rest:
        out += ", " + _tied(t, name.rest.split())
    if name.suffix:
        out += ", " + t.plain(name.suffix, hyphenate=False)
    if name.extras:
        # A short addition is one unit ("(Дмитрий Волков)"); a long one may break.
        extras = ", ".join(name.extras)
        glue = NBSP if len(extras) <= 24 else " "
        out += " (" + glue.join(t.plain(w, hyphenate=False) for w in extras.split()) + ")"
    return out


def _tied(t: Any, words: list[str], family: bool = False) -> str:
    """Words as markup, a family name's words ("Di Maio", "Ó Súilleabháin") and a particle
    with the word before it ("Richard von") tied by no-break spaces: never split."""
    out = ""
    for i, word in enumerate(words):
        if i:
            out += NBSP if family or word.casefold() in PARTICLES else " "
        out += t.plain(word, hyphenate=False)
    return out


class _Head(Flowable):
    """A group's letter over a hairline; kept with the entry under it."""

    def __init__(self, paragraph: Paragraph, rule: str, space: float,
                 repeated: bool = False, direction: Direction = LEFT_TO_RIGHT) -> None:
        super().__init__()
        self.paragraph, self.rule, self.space = paragraph, rule, space
        self.repeated = repeated
        self.direction = direction

    def again(self) -> _Head:
        """The head repeated over a group that goes on on the next page: drawn as page
        furniture (an artifact), so the letter is read once."""
        return _Head(Paragraph(self.paragraph.text, self.paragraph.style), self.rule,
                     self.space, repeated=True, direction=self.direction)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _, h = self.paragraph.wrap(avail_width, avail_height)
        self.width, self.height = avail_width, self.space + h + 3
        return self.width, self.height

    def draw(self) -> None:
        if self.repeated and self.direction.right_to_left:
            # Its letter may be shaped (glyph codes, not text): set by its paragraph,
            # untagged (the letter is read once, where its group begins).
            with artifact(self.canv):
                self.paragraph.drawOn(self.canv, 0, 3)
        elif self.repeated:
            self._draw_letters()
        else:
            self.paragraph.drawOn(self.canv, 0, 3)
        self.canv.saveState()
        self.canv.setStrokeColor(self.rule)
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 1, self.width, 1)
        self.canv.restoreState()

    def _draw_letters(self) -> None:
        # Where the paragraph would set them: its first baseline, each piece in its font.
        para = self.paragraph
        baseline = 3 + para.height - getattr(para.blPara, "ascent", para.style.fontSize)
        x = 0.0
        self.canv.saveState()
        for frag in para.frags:
            text = getattr(frag, "text", "")
            self.canv.setFont(frag.fontName, frag.fontSize)
            self.canv.setFillColor(frag.textColor)
            self.canv.drawString(x, baseline, text)
            x += stringWidth(text, frag.fontName, frag.fontSize)
        self.canv.restoreState()


class _Line(Flowable):
    """One entry: the name (and organisation) left, its page numbers right on the first line;
    a page list too long for that line goes whole onto a line of its own, never broken."""

    def __init__(self, name: Paragraph, pages: Paragraph, pages_width: float,
                 gap: float, longest_word: float, direction: Direction = LEFT_TO_RIGHT
                 ) -> None:
        super().__init__()
        self.name, self.pages, self.pages_width, self.gap = name, pages, pages_width, gap
        self.longest_word = longest_word
        self.direction = direction
        self._below = False

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        room = avail_width - self.pages_width - self.gap
        # Below the name when they would squeeze it: a word of it would not fit beside.
        self._below = self.pages_width > avail_width * 0.45 or self.longest_word > room
        _, h = self.name.wrap(avail_width if self._below else room, avail_height)
        _, ph = self.pages.wrap(max(self.pages_width, 1) + 0.5, avail_height)
        self.width = avail_width
        self.height = h + ph if self._below else max(h, ph)
        self.height += 4  # the space between entries
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """An entry taller than a page (a hostile organisation's name): its name split over
        pages, the page numbers with the first part."""
        self.wrap(avail_width, avail_height)
        room = avail_width if self._below else avail_width - self.pages_width - self.gap
        below = self.pages.height if self._below else 0.0
        parts = self.name.splitOn(self.canv, room, avail_height - 4 - below)
        if len(parts) < 2:
            return []
        empty = Paragraph("", self.pages.style)
        return [_Line(parts[0], self.pages, self.pages_width, self.gap, self.longest_word,
                      self.direction),
                *(_Line(p, empty, 0.0, self.gap, self.longest_word, self.direction)
                  for p in parts[1:])]

    def draw(self) -> None:
        top = self.height - 2
        # The name at the line's start, its pages at the end: mirrored right to left.
        room = self.width if self._below else self.width - self.pages_width - self.gap
        self.name.drawOn(self.canv, self.direction.x(0.0, room, self.width),
                         top - self.name.height)
        x = self.direction.x(self.width - self.pages_width - 0.5, self.pages_width + 0.5,
                             self.width)
        y = top - (self.name.height if self._below else 0) - self.pages.height
        self.pages.drawOn(self.canv, x, y)


class Columns(Flowable):
    """Rows (group heads and entries) in `count` columns, filled in turn, balanced on the
    last page; a group head never ends a column. Split between pages like any flowable."""

    def __init__(self, rows: list[Flowable], heads: frozenset[int], count: int, gap: float,
                 balance: bool = True, extra: float = 0.0,
                 direction: Direction = LEFT_TO_RIGHT) -> None:
        super().__init__()
        # The first column is filled first: the right one when right to left.
        self.direction = direction
        self.booklet = False  # a booklet's pages alternate their outer margin's side
        self.rows, self.heads, self.count, self.gap = rows, heads, count, gap
        self.balance = balance
        # Width beyond the frame's the columns take (into the outer margin the measure
        # widened): an index's short lines are no running text.
        self.extra = extra
        self.row_heights: list[float] = []
        self.column_width = -1.0
        self._cols: list[tuple[int, int]] = []

    def _measure(self, avail_width: float) -> float:
        width = (avail_width - self.gap * (self.count - 1)) / self.count
        if width != self.column_width:
            self.row_heights = [row.wrap(width, 1e6)[1] for row in self.rows]
            self.column_width = width
        return width

    def _fill(self, height: float) -> list[tuple[int, int]]:
        """Rows start:end in each column for columns `height` high, first filled first."""
        cols, at, n = [], 0, len(self.rows)
        for _ in range(self.count):
            start, used = at, 0.0
            while at < n and used + self.row_heights[at] <= height + 0.01:
                used += self.row_heights[at]
                at += 1
            # A head (or a run of heads) at the foot of a column goes to the next one.
            while at > start + 1 and at < n and (at - 1) in self.heads:
                at -= 1
            cols.append((start, at))
        return cols

    def _balanced(self, height: float) -> list[tuple[int, int]] | None:
        """The shortest columns no higher than `height` that hold every row, or None."""
        if not self.rows:
            return []
        if self._fill(height)[-1][1] < len(self.rows):
            return None
        if not self.balance:
            return self._fill(height)
        low, high = max(self.row_heights), height
        low = max(low, sum(self.row_heights) / self.count)
        for _ in range(18):
            middle = (low + high) / 2
            if self._fill(middle)[-1][1] >= len(self.rows):
                high = middle
            else:
                low = middle
        return self._fill(high)

    def _column_height(self, cols: list[tuple[int, int]]) -> float:
        return max((sum(self.row_heights[a:b]) for a, b in cols), default=0.0)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        avail_width += self.extra
        self._measure(avail_width)
        cols = self._balanced(avail_height)
        if cols is None:  # more than fits: the page takes what split gives it
            cols = self._balanced(sum(self.row_heights)) or []
        self._cols = cols
        self.width, self.height = avail_width, self._column_height(cols)
        return self.width, self.height

    def _cut_tall_rows(self, width: float, avail_height: float) -> None:
        """Rows taller than the column (only a hostile entry is) split into parts that fit;
        the next page splits what is still too tall."""
        at = 0
        while at < len(self.rows):
            if self.row_heights[at] > avail_height and at not in self.heads:
                parts = self.rows[at].splitOn(self.canv, width, avail_height)
                if len(parts) > 1:
                    self.rows[at:at + 1] = parts
                    self.row_heights[at:at + 1] = [p.wrap(width, 1e6)[1] for p in parts]
                    self.heads = frozenset(h + len(parts) - 1 if h > at else h
                                           for h in self.heads)
            at += 1

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        width = self._measure(avail_width + self.extra)
        if self._balanced(avail_height) is not None:
            return [self]
        # Room for an entry under its group's head.
        room = avail_height - max((self.row_heights[h] for h in self.heads), default=0.0)
        if max(self.row_heights, default=0.0) > room > 0:
            self.rows, self.row_heights = list(self.rows), list(self.row_heights)
            self._cut_tall_rows(width, room)
        taken = self._fill(avail_height)[-1][1]
        while taken and (taken - 1) in self.heads:  # a head is never a page's last row
            taken -= 1
        if taken == 0:
            return []
        first = Columns(self.rows[:taken], self.heads, self.count, self.gap, balance=False,
                        extra=self.extra, direction=self.direction)
        rows, heights = self.rows[taken:], self.row_heights[taken:]
        heads = frozenset(h - taken for h in self.heads if h >= taken)
        group = max((h for h in self.heads if h < taken), default=None)
        if taken not in self.heads and group is not None:
            # The group goes on over the page: its letter again at the top.
            head = self.rows[group]
            assert isinstance(head, _Head)
            again = head.again()
            rows = [again, *rows]
            heights = [again.wrap(self.column_width, 1e6)[1], *heights]
            heads = frozenset({0, *(h + 1 for h in heads)})
        rest = Columns(rows, heads, self.count, self.gap, self.balance, self.extra,
                       self.direction)
        # The rows keep their heights at this width: the parts need not measure them again.
        for part, kept in ((first, self.row_heights[:taken]), (rest, heights)):
            part.row_heights, part.column_width = kept, self.column_width
            part.booklet = self.booklet
        return [first, rest]

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        if self.direction.right_to_left and self.direction.binding_at_right(
                canvas.getPageNumber(), booklet=self.booklet):
            x -= self.extra  # the outer margin the columns widen into is at the left
        super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        width = self.column_width
        for column, (start, end) in enumerate(self._cols):
            x = self.direction.x(column * (width + self.gap), width, self.width)
            y = self.height
            if start in self.heads:  # a head at a column's top: no space above it
                y += getattr(self.rows[start], "space", 0.0)
            for at in range(start, end):
                y -= self.row_heights[at]
                # Wrapped again: a split tried on another page may have taken its lines.
                self.rows[at].wrapOn(self.canv, width, self.row_heights[at] + 1e6)
                self.rows[at].drawOn(self.canv, x, y)


class SpeakerIndex(IndexingFlowable):
    """The index as columns of entries whose page numbers come from the previous layout pass.

    Like the table of contents, it hears each talk heading's page (TOCEntry) and asks
    for another pass until the pages it printed are the pages the talks landed on.
    """

    role = "Index"
    prints_itself = True  # its pages are its own parts (engine.settled)

    def __init__(self, ctx: LayoutContext, index: list[Entry]) -> None:
        super().__init__()
        self.ctx = ctx
        self.index = index
        self._seen: dict[str, int] = {}
        self._pages: dict[str, int] = {}
        self._table: Columns | None = None
        # The columns for a width, made once a pass until they are split: their rows depend
        # on nothing else, and the wrap before a split need not make them twice.
        self._tables: dict[float, Columns] = {}

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

    def printed_pages(self) -> dict[str, int]:
        """The talks' pages this pass prints (engine.settled)."""
        return dict(self._pages)

    def seed_pages(self, pages: dict[str, int]) -> None:
        """Start from `pages`, a guess the first pass checks (engine.settled)."""
        self._seen = dict(pages)

    def _rows(self, width: float) -> Columns:
        ctx, t, s = self.ctx, self.ctx.text, self.ctx.styles
        right = ParagraphStyle("index_pages", parent=s.agenda_item, alignment=TA_RIGHT)
        # Turnover lines (a long name, the organisation) hang under the first one.
        hang = ctx.geometry.body_size
        entry_style = ParagraphStyle("index_entry", parent=s.agenda_item, leftIndent=hang,
                                     firstLineIndent=-hang)
        letter_style = ParagraphStyle("index_letter", parent=s.agenda_time,
                                      fontSize=s.h3.fontSize, leading=s.h3.leading)
        gap = ctx.geometry.body_size
        bold = s.agenda_time.fontName
        rows: list[Flowable] = []
        heads: list[int] = []
        natural: list[float] = []  # each entry's width on one line: name, gap, pages
        widest = 0.0  # the widest word or page list: no column is narrower
        last = None
        for entry in self.index:
            letter = initial(entry.name)
            if letter != last:
                heads.append(len(rows))
                rows.append(_Head(Paragraph(t.plain(letter, hyphenate=False), letter_style),
                                  ctx.colour("rule"), ctx.geometry.body_leading * 0.6,
                                  direction=ctx.direction))
                last = letter
            name = name_markup(ctx, entry.name)
            name_text = Paragraph(name, s.agenda_item)
            if entry.organisation:
                name += (f'<br/><font color="{ctx.colour("muted")}">'
                         f"{t.plain(entry.organisation)}</font>")
            found = sorted({(self._pages[k], k) for k in entry.talks if k in self._pages})
            numbers = dict((p, k) for p, k in found)
            # Numbers tied with no-break spaces: the list moves as a whole, never wraps;
            # only one wider than the page (someone on dozens of talks) breaks, at commas.
            pages_width = stringWidth(f",{NBSP}".join(map(str, numbers)) or "0",
                                      right.fontName, right.fontSize)
            tie = NBSP if pages_width <= width else " "
            links = f",{tie}".join(f'<a href="#{key}" color="{ctx.colour("primary")}">'
                                   f"{page}</a>" for page, key in numbers.items())
            pages_width = min(pages_width, width)
            natural.append(self._one_line(name_text, width) + gap + pages_width)
            # Measured in the bold face, the widest: the family name is bold.
            longest = max((stringWidth(word, bold, s.agenda_item.fontSize)
                           for word in name_text.getPlainText().split(" ")), default=0.0)
            widest = max(widest, pages_width, longest)
            rows.append(_Line(Paragraph(name, entry_style), Paragraph(links, right),
                              pages_width, gap, longest, ctx.direction))
        count = self._columns(width, natural, len(rows), widest)
        return Columns(rows, frozenset(heads), count, gap * 1.5, direction=ctx.direction)

    @staticmethod
    def _one_line(paragraph: Paragraph, width: float) -> float:
        """How wide `paragraph` sets on one line (at most `width`)."""
        frags = getattr(paragraph, "frags", [])
        text = "".join(getattr(f, "text", "") for f in frags)
        style = paragraph.style
        return min(width, stringWidth(text, style.fontName, style.fontSize) * 1.04)

    def _columns(self, width: float, natural: list[float], rows: int, widest: float) -> int:
        """As many columns as hold most entries on one line (nine in ten) and every word
        and page list unbroken, up to the theme's `index.columns`; one when they are long."""
        most = self.ctx.design.index.columns
        if not natural or most <= 1:
            return 1
        ordered = sorted(natural)
        typical = max(widest, ordered[min(len(ordered) - 1, math.ceil(len(ordered) * 0.9) - 1)])
        gap = self.ctx.geometry.body_size * 1.5
        fits = int((width + gap) // (typical + gap))
        # A short index is not spread thin: a column holds at least six rows.
        return max(1, min(most, fits, math.ceil(rows / 6)))

    def _table_for(self, width: float) -> Columns:
        if width not in self._tables:
            extra = self._extra(width)
            self._tables[width] = table = self._rows(width + extra)
            table.extra = extra
            table.booklet = self.ctx.options.booklet
        return self._tables[width]

    def _extra(self, width: float) -> float:
        """The outer margin's share the measure added, for columns the frame's width: the
        index's columns are set to the type area, as the cover is (geometry.cover_width)."""
        g = self.ctx.geometry
        return g.spare_outer if abs(width - g.frame_width) < 0.5 else 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._table = self._table_for(avail_width)
        self.width, self.height = self._table.wrapOn(self.canv, avail_width, avail_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        # Split the columns the last wrap measured, as reportlab does any flowable, and
        # forget them: a later wrap makes fresh ones.
        self._table = self._tables.pop(avail_width, None)
        if self._table is None:
            self._table = self._table_for(avail_width)
            self._tables.pop(avail_width)
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
