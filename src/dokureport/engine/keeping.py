"""Layout: what keeps with the next flowable (a heading, a talk's speakers) keeps with the
first lines of a long paragraph, not with the whole of it."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import KeepTogether, Paragraph, Table
from reportlab.platypus.flowables import _listWrapOn

_FUZZ = 1.0  # points kept in hand: the frame's own arithmetic must agree with ours


# A table's first rows that may stand at a page's foot under what keeps with it.
_MIN_ROWS = 2


class KeepWithFirstLines(KeepTogether):
    """reportlab's keepWithNext group, except when its last member is a paragraph or a
    table that does not fit below the rest: then it is split there, if two of its lines
    (or rows) fit, instead of the whole group moving on and leaving the page's foot
    empty (an agenda day's heading with its first rows, a heading with its first lines)."""

    def split(self, aW: float, aH: float) -> list[Any]:
        parts = self._after_first_lines(aW, aH)
        return parts if parts is not None else super().split(aW, aH)

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


class KeepWithLastLines(KeepTogether):
    """What follows a text (a talk's slides line and QR code) kept with the text's last
    lines: when it does not fit below the text, the text is split so that at least its
    last two lines move on with it, instead of the links standing alone on the next page.

    `content` is the text's last block, then what keeps with it; a last block that is no
    paragraph keeps whole with what follows (reportlab's KeepTogether).
    """

    def split(self, aW: float, aH: float) -> list[Any]:
        text, *after = self._content
        if not isinstance(text, Paragraph) or not after:
            return super().split(aW, aH)
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if aH >= self._H:
            return list(self._content)  # it all fits: nothing to decide
        text.canv = self.canv
        try:
            _, text_height = text.wrap(aW, aH)
            # At least the last line goes with what follows (the styles' widow control
            # then takes a second one along); at most what fits here stays.
            room = min(aH, text_height - 1.0) - _FUZZ
            pieces = text.split(aW, room) if room > 0 else []
        finally:
            del text.canv
        if len(pieces) < 2:
            return super().split(aW, aH)  # no two lines fit here: all of it moves on
        first, *rest = pieces
        return [first, KeepTogether([*rest, *after])]


def keep_with_last_lines(text: list[Any], after: list[Any]) -> list[Any]:
    """`text` then `after`, `after` kept with the last lines of `text`'s last block.

    Zero-size marks at the end of `text` (a language's end) stay in order, inside.
    """
    if not text or not after:
        return [*text, *after]
    last = len(text) - 1
    while last > 0 and getattr(text[last], "_ZEROSIZE", False):
        last -= 1
    return [*text[:last], KeepWithLastLines([*text[last:], *after])]
