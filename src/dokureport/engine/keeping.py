"""Layout: what keeps with the next flowable (a heading, a talk's speakers) keeps with the
first lines of a long paragraph or the first rows of a table, not with the whole of it;
what keeps with a text's end (a talk's slides and photos) keeps with its last lines."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import KeepTogether, Paragraph, Table
from reportlab.platypus.flowables import _ContainerSpace, _listWrapOn

_FUZZ = 1.0  # points kept in hand: the frame's own arithmetic must agree with ours


# A table's first rows that may stand at a page's foot under what keeps with it.
_MIN_ROWS = 2


class KeepWithFirstLines(KeepTogether):
    """reportlab's keepWithNext group, except when its last member is a paragraph or a
    table that does not fit below the rest: then it is split there, if two of its lines
    (or rows) fit, instead of the whole group moving on and leaving the page's foot
    empty (an agenda day's heading with its first rows, a heading with its first lines)."""

    def split(self, aW: float, aH: float) -> list[Any]:
        ends = [i for i, f in enumerate(self._content) if getattr(f, "keeps_last_lines", False)]
        parts = (self._with_last_lines(ends[-1], aW, aH) if ends
                 else self._after_first_lines(aW, aH))
        return parts if parts is not None else super().split(aW, aH)

    def _with_last_lines(self, at: int, width: float, height: float) -> list[Any] | None:
        """The group's member `at` is a text that what follows it keeps with: when they do
        not all fit, the text is split so that at least its last two lines go on with
        what follows (the styles' widow control), and what is before it stays."""
        heads, text, tails = self._content[:at], self._content[at], self._content[at + 1:]
        if not isinstance(text, Paragraph) or not tails:
            return None
        if getattr(self, "_wrapInfo", None) != (width, height):
            self.wrap(width, height)
        if height >= self._H:
            return None  # it all fits: nothing to decide
        obj = _Spaces()
        heads_height = _listWrapOn(heads, width, self.canv, obj=obj)[1] if heads else 0.0
        gap = max(obj._spaceAfter, text.getSpaceBefore()) if heads else 0.0
        text.canv = self.canv
        try:
            text_height = text.wrap(width, height)[1]
            # At most what fits here stays, and at least the last line goes on.
            room = min(height - heads_height - gap, text_height - 1.0) - _FUZZ
            pieces = text.split(width, room) if room > 0 else []
        finally:
            del text.canv
        if len(pieces) < 2:
            return None  # not two lines fit here (allowOrphans=0): the group moves on
        first, *rest = pieces
        return [*heads, first, KeepTogether([*rest, *tails])]

    def _after_first_lines(self, width: float, height: float) -> list[Any] | None:
        *heads, last = self._content
        if not heads or not isinstance(last, Paragraph | Table):
            return None
        if getattr(self, "_wrapInfo", None) != (width, height):
            self.wrap(width, height)
        if height >= self._H:
            return None  # it all fits: nothing to decide
        obj = _Spaces()
        heads_height = _listWrapOn(heads, width, self.canv, obj=obj)[1]
        # The frame puts the larger of the two spaces between neighbours (attached space).
        gap = max(obj._spaceAfter, last.getSpaceBefore())
        room = height - heads_height - gap - _FUZZ
        if room <= 0:
            return None
        last.canv = self.canv
        try:
            pieces = last.split(width, room)
        finally:
            del last.canv
        if len(pieces) < 2:
            # The styles forbid a lone first line (allowOrphans=0): no split means not
            # even two lines fit, and the group moves on together.
            return None
        if isinstance(last, Table) and len(pieces[0]._cellvalues) < _MIN_ROWS:
            return None  # a lone first row under a heading: the group moves on
        return [*heads, *pieces]


class _Spaces:
    """Receives the space before and after a list of flowables from `_listWrapOn`."""

    _spaceBefore: float = 0.0
    _spaceAfter: float = 0.0


def keep_with_last_lines(text: list[Any], after: list[Any]) -> list[Any]:
    """`text` then `after`, `after` kept with the last lines of `text`'s last block.

    Flags, not a container: what keeps with the text's first lines (a heading) still
    finds it (reportlab's keepWithNext groups take no KeepTogether), and the document's
    keepWithNext group (KeepWithFirstLines) then splits the text, not the group.
    """
    if not text or not after:
        return [*text, *after]
    last = len(text) - 1
    while last > 0 and getattr(text[last], "_ZEROSIZE", False):
        last -= 1  # a language's end mark stays after the text, and keeps too
    if isinstance(text[last], _ContainerSpace):
        # A list: reportlab's keepWithNext groups leave containers out, so the list and
        # what follows it are kept together explicitly (the list moves on whole).
        return [*text[:last], KeepTogether([*text[last:], *after])]
    text[last].keeps_last_lines = True
    for flowable in [*text[last:], *after[:-1]]:
        flowable.keepWithNext = 1
    return [*text, *after]
