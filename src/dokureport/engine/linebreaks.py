"""A paragraph's line breaks kept per width, so later layout passes do not break it again.

Broken lines are the layout's largest data (a word object per word, most of them
soft-hyphenated): kept for every paragraph of a 1,000-talk brochure they took about
100 MiB. So they are kept for a bounded share of the story only (`budget`), enough for
a brochure of about 160 talks; later paragraphs break their lines anew in the next pass,
and let go of them once placed (`placed`).
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Paragraph

_KEPT = "_dokureport_lines"  # on the paragraph: {key: (lines, state after breaking)}
_SPLIT = "_dokureport_split"  # on the paragraph: it was split once, so never kept
_UNKEPT = "_dokureport_unkept"  # on the paragraph: beyond the story's budget, never kept
# Characters of paragraph text (markup included) whose lines are kept, in story order:
# a 60-talk brochure has about 150,000, so brochures up to about 160 talks keep them all.
KEPT_CHARACTERS = 400_000
# What breakLines leaves on the paragraph besides its result: restored on a kept hit.
STATE = ("frags", "_width_max", "height", "_splitLongWordCount", "_hyphenations")


def _kept_break_lines(original: Any) -> Any:
    def breakLines(self: Paragraph, width: Any) -> Any:
        if vars(self).get(_SPLIT) or vars(self).get(_UNKEPT):
            return original(self, width)
        key = (tuple(width) if isinstance(width, list | tuple) else width,
               id(self.style), self.bulletText)
        kept = vars(self).setdefault(_KEPT, {})
        if key in kept:
            lines, state = kept[key]
            for name, value in zip(STATE, state, strict=True):
                setattr(self, name, value)
            return lines
        lines = original(self, width)
        kept[key] = (lines, tuple(getattr(self, name, None) for name in STATE))
        return lines

    breakLines.__dokureport_kept__ = True  # type: ignore[attr-defined]
    return breakLines


def _forgetting_split(original: Any) -> Any:
    def split(self: Paragraph, avail_width: float, avail_height: float) -> Any:
        # reportlab's split rewrites words of the broken lines in place (a space added,
        # a hyphen's class changed): lines kept from before would no longer be fresh.
        vars(self).pop(_KEPT, None)
        self.__dict__[_SPLIT] = True
        parts = original(self, avail_width, avail_height)
        if len(parts) > 1:
            # Its parts go on in its place: the lines they were cut from are not needed
            # (a later wrap breaks them anew, as it does for every split paragraph).
            vars(self).pop("blPara", None)
        return parts

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


def budget(story: list[Any], characters: int | None = None) -> None:
    """Keep the lines of the story's paragraphs (in KeepTogether groups too) only while
    their text, in story order, is within `characters` (KEPT_CHARACTERS); mark the rest
    never kept."""
    from reportlab.platypus import KeepTogether

    left = KEPT_CHARACTERS if characters is None else characters

    def walk(flowables: list[Any]) -> None:
        nonlocal left
        for flowable in flowables:
            if isinstance(flowable, Paragraph):
                left -= len(getattr(flowable, "text", "") or "")
                if left < 0:
                    flowable.__dict__[_UNKEPT] = True
            elif isinstance(flowable, KeepTogether):
                walk(flowable._content)

    walk(story)


def placed(flowable: Any) -> None:
    """A frame has placed (and maybe drawn) `flowable`: its lines go unless kept.

    Lines not kept would be broken anew by the next pass anyway; kept ones are what the
    next pass reuses.
    """
    if not isinstance(flowable, Paragraph):
        return
    attributes = flowable.__dict__
    # A split's first part (`_splitpara`) has only the lines the split gave it.
    if _KEPT not in attributes and not attributes.get("_splitpara"):
        attributes.pop("blPara", None)


def forget(paragraph: Any) -> None:
    """`paragraph`'s text changed (a page reference learnt its page): its kept lines are
    stale."""
    vars(paragraph).pop(_KEPT, None)
