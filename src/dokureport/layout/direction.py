"""Layout: the brochure's writing direction, and the geometry it mirrors (table columns,
page sides, rows of boxes) when the event's language is written right to left.

Paragraph alignment is logical throughout the layout (TA_LEFT is where a line starts):
the engine sets every paragraph of a right-to-left brochure mirrored as it draws it
(engine/bidi_lines). What this module mirrors is what sits beside something else: the
columns of a table, a photo next to a photo, a page number next to a title, the side of
the page a folio or a binding is on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from dokureport.i18n.language import right_to_left

T = TypeVar("T")

# Style commands that name a side, and their mirror images.
_SIDES = {"LEFTPADDING": "RIGHTPADDING", "RIGHTPADDING": "LEFTPADDING",
          "LINEBEFORE": "LINEAFTER", "LINEAFTER": "LINEBEFORE"}
_ALIGNS = {"LEFT": "RIGHT", "RIGHT": "LEFT"}


@dataclass(frozen=True)
class Direction:
    """Which way a brochure reads: left to right, or right to left (ar, he, fa, ur, …)."""

    right_to_left: bool = False

    @classmethod
    def of_language(cls, lang: str) -> Direction:
        """The direction a brochure in `lang` is set in (i18n.language.right_to_left)."""
        return cls(right_to_left(lang))

    # -- along a line ------------------------------------------------------------------
    def in_order(self, items: Sequence[T]) -> list[T]:
        """Items in reading order, as they stand from left to right on the page."""
        return list(reversed(items)) if self.right_to_left else list(items)

    def x(self, x: float, width: float, span: float) -> float:
        """The left edge of a box [x, x + width] laid out from the start of a line
        `span` wide: the same box at the line's other end when right to left."""
        return span - x - width if self.right_to_left else x

    def h_align(self, align: str) -> str:
        """A table's or an image's horizontal alignment ("LEFT" is the line's start)."""
        return _ALIGNS.get(align, align) if self.right_to_left else align

    def bullets(self, indent: float, dedent: float) -> dict[str, Any]:
        """A reportlab list's indent and bullet side: bullets at the line's start."""
        if not self.right_to_left:
            return {"leftIndent": indent, "bulletDedent": dedent}
        return {"leftIndent": 0, "rightIndent": indent, "bulletDedent": dedent,
                "bulletDir": "rtl", "bulletAlign": "right"}

    # -- tables --------------------------------------------------------------------------
    def rows(self, rows: Sequence[Sequence[T]]) -> list[list[T]]:
        """A table's rows, each in reading order, as its columns stand on the page."""
        return [self.in_order(row) for row in rows]

    def table_style(self, commands: Sequence[tuple[Any, ...]], columns: int
                    ) -> list[tuple[Any, ...]]:
        """A TableStyle's commands for the table's columns reversed (see `rows`): cell
        ranges mirrored, left and right padding, lines before and after, and a cell's
        text alignment swapped."""
        if not self.right_to_left:
            return list(commands)
        return [self._mirrored(command, columns) for command in commands]

    @staticmethod
    def _mirrored(command: tuple[Any, ...], columns: int) -> tuple[Any, ...]:
        op, (c0, r0), (c1, r1), *rest = command
        first, last = (columns - 1 - (c if c >= 0 else columns + c) for c in (c0, c1))
        if op == "ALIGN" and rest:
            rest = [_ALIGNS.get(str(rest[0]).upper(), rest[0]), *rest[1:]]
        return (_SIDES.get(op, op), (min(first, last), r0), (max(first, last), r1), *rest)

    # -- pages -----------------------------------------------------------------------------
    def binding_at_right(self, page: int, *, booklet: bool) -> bool:
        """Whether `page` (1-based) is bound (or, single-sided, has its wider margin) at
        its right edge. A left-to-right booklet's left-hand pages are the even ones; a
        right-to-left book opens the other way, its odd pages (rectos) on the left."""
        left_hand = booklet and page % 2 == 0
        return left_hand != self.right_to_left

    def outer_at_start(self, page: int, *, booklet: bool) -> bool:
        """Whether `page`'s outer edge is where its lines start (logically): a folio or
        running head set at the outer edge is then aligned to the start (TA_LEFT)."""
        return booklet and page % 2 == 0


def table(direction: Direction, rows: Sequence[Sequence[Any]], widths: Sequence[float],
          commands: Sequence[tuple[Any, ...]] = (), *, cls: Any = None, **kwargs: Any) -> Any:
    """A reportlab Table of `rows` (cells in reading order) with `widths` and style
    `commands` given for reading order, its columns set from the line's start: from the
    right when `direction` is right to left. `cls`: a Table subclass (a role of its own).

    A table of header columns (`header_columns`) knows they are at its right
    (`right_to_left`), for the structure tree's TH cells (engine.tags)."""
    from reportlab.platypus import Table, TableStyle

    columns = len(widths)
    if "hAlign" in kwargs:
        kwargs["hAlign"] = direction.h_align(kwargs["hAlign"])
    cells = direction.rows(rows)
    if direction.right_to_left:
        # A spanned cell is drawn from its range's top left cell: the one at its start
        # was at the left, and is now at the range's right end.
        for op, (c0, r0), (c1, _), *_ in commands:
            if op == "SPAN":
                start, end = (c if c >= 0 else columns + c for c in (c0, c1))
                for row in cells[r0:r0 + 1] if r0 >= 0 else cells[r0:][:1]:
                    here, there = columns - 1 - start, columns - 1 - end
                    row[there], row[here] = row[here], row[there]
    made = (cls or Table)(cells, colWidths=direction.in_order(widths), **kwargs)
    if commands:
        made.setStyle(TableStyle(direction.table_style(commands, columns)))
    made.right_to_left = direction.right_to_left
    return made


LEFT_TO_RIGHT = Direction(False)
