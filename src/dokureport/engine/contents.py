"""reportlab's table of contents, its entries reserved before layout and each page number
drawn after its title; and the children of a KeepTogether, which reportlab keeps private."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table
from reportlab.platypus.tableofcontents import TableOfContents


def reserve_entries(toc: TableOfContents, entries: Sequence[tuple[int, str, Any]]) -> None:
    """Make `entries` the ones the first pass draws (reportlab's beforeBuild keeps them)."""
    toc._entries = list(entries)


def kept_content(group: KeepTogether) -> list[Any]:
    """The flowables a KeepTogether holds, in order."""
    return list(group._content)


class _Entry(Paragraph):
    """A contents entry that draws its page number after its title, not before it."""

    page_numbers: list[Callable[[], None]]

    def draw(self) -> None:
        super().draw()
        while self.page_numbers:
            self.page_numbers.pop(0)()


class Contents(TableOfContents):
    """reportlab's table of contents, each entry's page number drawn after its title.

    reportlab draws the number from a callback at the end of the title's last line,
    while the title's text object is still open: the number lands in the content stream,
    and so in the entry's structure text, before the title ("3Einführung"). Here the
    callback keeps the number for the entry to draw once its title is drawn.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._page_numbers: list[Callable[[], None]] = []
        # The PDF language of each entry in another language than the document's, by its
        # link key (set by the document before layout): its TOCI carries that /Lang.
        self.languages: dict[str, str] = {}

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        size = super().wrap(availWidth, availHeight)
        draw_number = self.canv.getNamedCB("drawTOCEntryEnd")
        numbers = self._page_numbers

        def later(canvas: Any, kind: str, label: str) -> None:
            where = dict(canvas._curr_tx_info)  # the end of the title: reportlab's own place

            def draw() -> None:
                canvas._curr_tx_info = where
                try:
                    draw_number(canvas, kind, label)
                finally:
                    del canvas._curr_tx_info

            numbers.append(draw)

        self.canv.setNamedCB("drawTOCEntryEnd", later)
        # One paragraph per entry, in the order of the entries reportlab drew them from.
        keys = iter(key for _, _, _, key in self._lastEntries)
        for row in self._table._cellvalues:
            for cell in row:
                # A laid-out table keeps each cell's flowables in a tuple.
                for entry in cell if isinstance(cell, list | tuple) else (cell,):
                    if type(entry) is Paragraph:
                        entry.__class__ = _Entry
                        entry.page_numbers = numbers
                        entry.lang = self.languages.get(next(keys, None) or "")
        return size

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
