"""A paragraph's line breaks kept per width, so later layout passes do not break it again."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Paragraph

_KEPT = "_dokureport_lines"  # on the paragraph: {key: (lines, state after breaking)}
_SPLIT = "_dokureport_split"  # on the paragraph: it was split once, so never kept
# What breakLines leaves on the paragraph besides its result: restored on a kept hit.
_STATE = ("frags", "_width_max", "height", "_splitLongWordCount", "_hyphenations")


def _kept_break_lines(original: Any) -> Any:
    def breakLines(self: Paragraph, width: Any) -> Any:
        if vars(self).get(_SPLIT):
            return original(self, width)
        key = (tuple(width) if isinstance(width, list | tuple) else width,
               id(self.style), self.bulletText)
        kept = vars(self).setdefault(_KEPT, {})
        if key in kept:
            lines, state = kept[key]
            for name, value in zip(_STATE, state, strict=True):
                setattr(self, name, value)
            return lines
        lines = original(self, width)
        kept[key] = (lines, tuple(getattr(self, name, None) for name in _STATE))
        return lines

    breakLines.__dokureport_kept__ = True  # type: ignore[attr-defined]
    return breakLines


def _forgetting_split(original: Any) -> Any:
    def split(self: Paragraph, avail_width: float, avail_height: float) -> Any:
        # reportlab's split rewrites words of the broken lines in place (a space added,
        # a hyphen's class changed): lines kept from before would no longer be fresh.
        vars(self).pop(_KEPT, None)
        self.__dict__[_SPLIT] = True
        return original(self, avail_width, avail_height)

    split.__dokureport_kept__ = True  # type: ignore[attr-defined]
    return split


def install() -> None:
    """Keep every Paragraph's line breaks per width and style until it is split (idempotent).

    A brochure is laid out two or three times (the contents and the index settle their
    page numbers); most paragraphs meet the same width every time.
    """
    if not getattr(vars(Paragraph)["breakLines"], "__dokureport_kept__", False):
        Paragraph.breakLines = _kept_break_lines(vars(Paragraph)["breakLines"])
    if not getattr(vars(Paragraph)["split"], "__dokureport_kept__", False):
        Paragraph.split = _forgetting_split(vars(Paragraph)["split"])
