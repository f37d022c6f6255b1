"""reportlab's table of contents, its entries reserved before layout, each page number in
a column of its own after its title, talks grouped by day and track; and the children of
a KeepTogether, which reportlab keeps private."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table
from reportlab.platypus.tableofcontents import TableOfContents

Entry = tuple[int, str, int, str | None]  # level, text (markup), page, link key

# The named canvas callback at the end of each entry's title.
_ENTRY_END = "dokureport-contents-entry-end"
# A column of page numbers is as wide as this many digits, or more if a number has more:
# its width then does not change between passes as pages are found.
NUMBER_DIGITS = 3


def reserve_entries(toc: TableOfContents, entries: Sequence[tuple[int, str, Any]]) -> None:
    """Make `entries` the ones the first pass draws (reportlab's beforeBuild keeps them)."""
    toc._entries = list(entries)


def kept_content(group: KeepTogether) -> list[Any]:
    """The flowables a KeepTogether holds, in order."""
    return list(group._content)


def grouped(entries: Sequence[Entry], groups: Mapping[str, tuple[str, ...]]) -> list[Entry]:
    """`entries` with those in `groups` (by link key) replaced by their groups.

    A group path (day, track) becomes one entry per level under the level of the entries
    it replaces, each with the page and link of its first entry; the groups stand where
    the first grouped entry stood, in the order they first appear.
    """
    out: list[Entry] = []
    tree: dict[tuple[str, ...], Entry] = {}  # path → its entry; dicts keep first-seen order
    at: int | None = None
    for level, text, page, key in entries:
        path = groups.get(key) if key else None
        if not path:
            out.append((level, text, page, key))
            continue
        if at is None:
            at = len(out)
        for depth in range(1, len(path) + 1):
            tree.setdefault(path[:depth], (level + depth - 1, path[depth - 1], page, key))
    if at is not None:
        # Children under their parent, each level in the order it was first seen.
        def below(parent: tuple[str, ...]) -> list[Entry]:
            rows: list[Entry] = []
            for path, entry in tree.items():
                if len(path) == len(parent) + 1 and path[:-1] == parent:
                    rows.append(entry)
                    rows.extend(below(path))
            return rows

        out[at:at] = below(())
    return out


class _Entry(Paragraph):
    """A contents entry that draws its page number after its title, not before it."""

    page_numbers: list[Callable[[float], None]]

    def draw(self) -> None:
        super().draw()
        while self.page_numbers:
            self.page_numbers.pop(0)(self.width)


class Contents(TableOfContents):
    """reportlab's table of contents, each page number in a right-aligned column of its own.

    The number is set in its entry's style, never shrunk: the entry's lines end
    `number_gap` before the column (its `rightIndent`), and wrap with a hanging indent.
    It is drawn after the title, at its last line: reportlab would draw it from a callback
    while the title's text object is still open, so that the number lands in the content
    stream, and in the entry's structure text, before the title ("3Einführung").

    `groups` maps a talk's link key to the path (day, track) it is listed under instead
    of its own entry: a large programme's contents list sections, days and tracks.
    `right_to_left`: the numbers' column is at the left (the entries' indents are
    mirrored as they are drawn, see engine/bidi_lines).
    """

    def __init__(self, *, number_gap: float = 8.0, hanging_indent: float = 12.0,
                 groups: Mapping[str, tuple[str, ...]] | None = None,
                 right_to_left: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.right_to_left = right_to_left
        self.number_gap = number_gap
        self.hanging_indent = hanging_indent
        self.groups: dict[str, tuple[str, ...]] = dict(groups or {})
        self._page_numbers: list[Callable[[float], None]] = []
        self._rows: list[Entry] = []
        # The PDF language of each entry in another language than the document's, by its
        # link key (set by the document before layout): its TOCI carries that /Lang.
        self.languages: dict[str, str] = {}

    def shown_entries(self) -> list[Entry]:
        """The rows the contents draw: the last pass's entries, talks grouped if asked."""
        return self.shown(self._lastEntries or [(0, "Placeholder for table of contents", 0,
                                                 None)])

    def shown(self, entries: Sequence[Entry]) -> list[Entry]:
        """The rows `entries` are drawn as: talks grouped if asked."""
        return grouped(entries, self.groups) if self.groups else list(entries)

    def isSatisfied(self) -> bool:
        # What the contents draw, not every entry reported: a grouped talk's own title is
        # not drawn, and a new one asks for no pass more (engine.settled reads the same).
        return self.shown(self._entries) == self.shown(self._lastEntries)

    def number_column(self, rows: Sequence[Entry]) -> float:
        """The width of the page-number column, its gap included."""
        digits = max(NUMBER_DIGITS, *(len(self._page_text(page)) for _, _, page, _ in rows))
        widest = max(stringWidth("0" * digits, style.fontName, style.fontSize)
                     for style in {self.getLevelStyle(level) for level, _, _, _ in rows})
        return self.number_gap + widest

    def _page_text(self, page: int) -> str:
        return str(self.formatter(page) if self.formatter else page)

    def _entry_style(self, level: int, column: float) -> ParagraphStyle:
        style = self.getLevelStyle(level)
        return ParagraphStyle(f"{style.name}-entry", parent=style, rightIndent=column,
                              leftIndent=style.leftIndent + self.hanging_indent,
                              firstLineIndent=style.firstLineIndent - self.hanging_indent)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        rows = self._rows = self.shown_entries()
        column = self.number_column(rows)
        numbers = self._page_numbers

        def entry_end(canvas: Any, kind: str, label: str) -> None:
            # The end of the title's last line: where its number's baseline is.
            y = canvas._curr_tx_info["cur_y"]
            numbers.append(lambda width: self._draw_number(canvas, rows[int(label)], y, width))

        self.canv.setNamedCB(_ENTRY_END, entry_end)
        data: list[list[Flowable]] = []
        for number, (level, text, _, key) in enumerate(rows):
            style = self._entry_style(level, column)
            markup = f'<a href="#{key}">{text}</a>' if key else text
            entry = _Entry(f'{markup}<onDraw name="{_ENTRY_END}" label="{number}"/>', style)
            entry.page_numbers = numbers
            # A group's row (a day, a track) links to its first talk but is not its title.
            entry.lang = None if key in self.groups else self.languages.get(key or "")
            if style.spaceBefore:
                data.append([Spacer(1, style.spaceBefore)])
            data.append([entry])
        self._table = Table(data, colWidths=(availWidth,), style=self.tableStyle)
        self.width, self.height = self._table.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height

    def _draw_number(self, canvas: Any, row: Entry, y: float, right: float) -> None:
        """The page number of `row`, right-aligned at `right` (left-aligned at 0 when
        right to left), in its entry's type."""
        level, _, page, key = row
        style = self.getLevelStyle(level)
        text = self._page_text(page)
        width = stringWidth(text, style.fontName, style.fontSize)
        x = 0.0 if self.right_to_left else right - width
        tx = canvas.beginText(x, y)
        tx.setFont(style.fontName, style.fontSize)
        tx.setFillColor(style.textColor)
        tx.textLine(text)
        canvas.drawText(tx)
        if key:
            # The number's glyphs, descenders to capitals, are what a reader clicks.
            size = style.fontSize
            canvas.linkRect("", key, (x, y - size * 0.25, x + width, y + size), relative=1)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        # The parts on each page are reportlab tables: each is a TOC of its own.
        parts = super().split(availWidth, availHeight)
        for part in parts:
            if type(part) is Table:
                part.__class__ = _ContentsPart
        return parts


class _ContentsPart(Table):
    """The part of the contents on one page, when they run over pages: a TOC of its own.

    A table splits into tables of its own class, so every later part is one too.
    """

    role = "TOC"
