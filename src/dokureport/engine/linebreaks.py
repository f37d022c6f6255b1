"""A paragraph's line breaks kept per width, so later layout passes do not break it again.

Broken lines are the layout's largest data (a word object per word, most of them
soft-hyphenated): kept for every paragraph of a 1,000-talk brochure they took about
100 MiB. So they are kept for a bounded share of the story only (`budget`), enough for
a brochure of about 160 talks; later paragraphs break their lines anew in the next pass,
and let go of them once placed (`placed`).

A paragraph split over pages keeps its lines too, and so do its parts: the next pass
splits it the same way and its parts take up the breaks their predecessors kept; the
first part takes the whole's lines but its last. So a paragraph is broken once whole
and the rest of each split once, however many passes; it was broken anew in every
pass, and each part once more after each split (issue 24: a paragraph over three pages
was broken about seven times its length, tests/test_linear_text.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.platypus import Paragraph
from reportlab.rl_config import _FUZZ

_KEPT = "_dokureport_lines"  # on the paragraph: {key: Kept}
_SPLIT = "_dokureport_split"  # on the paragraph: split lines that were not kept: never kept
_UNKEPT = "_dokureport_unkept"  # on the paragraph: beyond the story's budget, never kept
# Characters of paragraph text (markup included) whose lines are kept, in story order:
# a 60-talk brochure has about 150,000, so brochures up to about 160 talks keep them all.
KEPT_CHARACTERS = 400_000
# What breakLines leaves on the paragraph besides its result: restored on a kept hit.
STATE = ("frags", "_width_max", "height", "_splitLongWordCount", "_hyphenations")
_NO_TEXT = object()


@dataclass(eq=False)
class Kept:
    """One break of a paragraph's lines at one width, and what splitting them changed."""

    lines: Any
    state: tuple[Any, ...]
    # reportlab's split rewrites words of the lines it cuts in place (a space added to a
    # line's last word, a hyphenated word's class changed): each word as it was broken,
    # taken before the first split, put back whenever the lines are used again.
    words: list[tuple[Any, type, Any]] | None = None
    # The kept breaks of the two parts each split of these lines made, by the number of
    # lines of the first part: the next pass's split makes the same parts anew.
    parts: dict[int, tuple[tuple[dict[Any, Kept], int], ...]] = field(default_factory=dict)

    def fresh(self, paragraph: Paragraph) -> Any:
        """The lines, with the words and the paragraph's state as the break left them."""
        for word, kind, text in self.words or ():
            if word.__class__ is not kind:
                word.__class__ = kind
            if text is not _NO_TEXT and word.text is not text:
                word.text = text
        for name, value in zip(STATE, self.state, strict=True):
            setattr(paragraph, name, value)
        return self.lines


def _words(paragraph: Paragraph, lines: Any) -> list[tuple[Any, type, Any]]:
    """Every word a split may rewrite: the paragraph's fragments and its lines' words."""
    words = list(paragraph.frags)
    for line in lines.lines:
        words.extend(line[1] if isinstance(line, tuple) else getattr(line, "words", ()))
    return [(w, w.__class__, getattr(w, "text", _NO_TEXT)) for w in words]


def _key(paragraph: Paragraph, width: Any) -> tuple[Any, ...]:
    return (tuple(width) if isinstance(width, list | tuple) else width,
            id(paragraph.style), paragraph.bulletText)


def _kept_break_lines(original: Any) -> Any:
    def breakLines(self: Paragraph, width: Any) -> Any:
        attributes = vars(self)
        if attributes.get(_SPLIT) or attributes.get(_UNKEPT):
            return original(self, width)
        key = _key(self, width)
        kept = attributes.setdefault(_KEPT, {})
        if key in kept:
            return kept[key].fresh(self)
        lines = original(self, width)
        kept[key] = Kept(lines, tuple(getattr(self, name, None) for name in STATE))
        return lines

    breakLines.__dokureport_kept__ = True  # type: ignore[attr-defined]
    return breakLines


def _current(paragraph: Paragraph) -> Kept | None:
    """The kept break whose lines the paragraph holds now, if any."""
    lines = vars(paragraph).get("blPara")
    for kept in vars(paragraph).get(_KEPT, {}).values():
        if kept.lines is lines:
            return kept
    return None


def _adopt(part: Paragraph, before: tuple[dict[Any, Kept], int]) -> dict[Any, Kept]:
    """The part takes the breaks its predecessor (the same split, a pass before) kept."""
    kept, style = before
    mine = {(width, id(part.style), bullet) if style_id == style else (width, style_id, bullet):
            entry for (width, style_id, bullet), entry in kept.items()}
    part.__dict__[_KEPT] = mine
    return mine


def _seed_first(first: Paragraph, avail_width: float, lines: list[Any]) -> None:
    """The first part of a split keeps the whole's lines it was cut from, for the width it
    was cut at, but its last line: that one is broken anew (a paragraph's last line ends
    otherwise than a line the paragraph goes on after). Its wrap there would break all
    of them anew, for the same lines."""
    from reportlab.platypus.paragraph import ParaLines

    last = lines[-1]
    style = first.style
    widths = [avail_width - (style.leftIndent + style.firstLineIndent) - style.rightIndent,
              avail_width - style.leftIndent - style.rightIndent]
    if len(lines) >= 2 and isinstance(last, tuple):
        _seed_first_simple(first, widths, lines)
        return
    if len(lines) < 2 or getattr(last, "sFW", None) is None or not hasattr(last, "maxWidth"):
        return  # of fragments not broken into words
    # reportlab's own breaking (subclasses change what they draw, not how lines break).
    tail = Paragraph(None, style, frags=first.frags[last.sFW:])  # type: ignore[arg-type]
    tail.__dict__[_UNKEPT] = True
    broken = tail.breakLines([last.maxWidth])
    if broken.kind != 1 or len(broken.lines) != 1:
        return
    (line,) = broken.lines
    line.sFW += last.sFW
    state = {"frags": first.frags, "_width_max": max(widths), "height": first.height,
             "_splitLongWordCount": 0, "_hyphenations": 0}
    first.__dict__.setdefault(_KEPT, {})[_key(first, widths)] = Kept(
        ParaLines(kind=1, lines=[*lines[:-1], line]), tuple(state[name] for name in STATE))


def _seed_first_simple(first: Paragraph, widths: list[float], lines: list[Any]) -> None:
    """`_seed_first` for lines of one font (kind 0: `(extra space, words)`): the part's one
    fragment holds the words of its lines, a word hyphenated over two lines joined again."""
    from reportlab.platypus.paragraph import ParaLines, _SplitWord, _yieldBLParaWords

    if len(first.frags) != 1 or not hasattr(first.frags[0], "words") \
            or not lines[-1][1] or isinstance(lines[-1][1][0], _SplitWord):
        return  # a word hyphenated into the last line: that line is not its words alone
    whole = ParaLines(kind=0, lines=lines)
    before = sum(1 for _ in _yieldBLParaWords(whole, 0, len(lines) - 1))
    frag = first.frags[0].clone()
    frag.words = first.frags[0].words[before:]
    tail = Paragraph(None, first.style, frags=[frag])  # type: ignore[arg-type]
    tail.__dict__[_UNKEPT] = True
    broken = tail.breakLines([widths[1]])
    if broken.kind != 0 or len(broken.lines) != 1:
        return
    broken.lines = [*lines[:-1], *broken.lines]
    state = {"frags": first.frags, "_width_max": max(widths), "height": first.height,
             "_splitLongWordCount": 0, "_hyphenations": 0}
    first.__dict__.setdefault(_KEPT, {})[_key(first, widths)] = Kept(
        broken, tuple(state[name] for name in STATE))


def _keeping_split(original: Any) -> Any:
    def split(self: Paragraph, avail_width: float, avail_height: float) -> Any:
        attributes = vars(self)
        if attributes.get(_UNKEPT):
            parts = original(self, avail_width, avail_height)
            for part in parts:
                part.__dict__[_UNKEPT] = True
            return parts
        if ("blPara" not in attributes and self.frags and avail_width >= _FUZZ
                and avail_height >= _FUZZ):
            self.wrap(avail_width, avail_height)  # as reportlab's split would: kept now
        kept = _current(self)
        if kept is None:
            # Lines a split gave (a first part's) or broken while not kept: they are
            # rewritten below, so never kept.
            attributes.pop(_KEPT, None)
            attributes[_SPLIT] = True
            parts = original(self, avail_width, avail_height)
        else:
            if kept.words is None:
                kept.words = _words(self, kept.lines)
            parts = original(self, avail_width, avail_height)
            if len(parts) == 2:
                lines = len(parts[0].blPara.lines)
                if not kept.parts.get(lines):
                    _seed_first(parts[0], avail_width, kept.lines.lines[:lines])
                before = kept.parts.get(lines)
                kept.parts[lines] = tuple(
                    (_adopt(part, old) if before else part.__dict__.setdefault(_KEPT, {}),
                     id(part.style))
                    for part, old in zip(parts, before or (None, None), strict=True))
        if len(parts) > 1:
            # Its parts go on in its place: the lines they were cut from are not needed
            # now (kept ones are back on the next pass's wrap).
            attributes.pop("blPara", None)
        return parts

    split.__dokureport_kept__ = True  # type: ignore[attr-defined]
    return split


def _spaces_measured_once(original: Any) -> Any:
    """reportlab's stringWidth for paragraph.py, with a space's width kept per font and size.

    breakLines measures a space for every word it adds to a line and, to let spaces
    shrink, again for every word already on it: half its time in a paragraph of many
    short fragments. The widths are the font's own (the font is looked up each time, so
    a font registered anew under the same name is measured anew).
    """
    from reportlab.pdfbase import pdfmetrics

    fonts = pdfmetrics._fonts  # the registry getFont reads: looked up without a call
    spaces: dict[tuple[str, float, str], tuple[Any, float]] = {}

    def stringWidth(text: str, fontName: str, fontSize: float,
                    encoding: str = "utf8") -> float:
        if text != " ":
            return original(text, fontName, fontSize, encoding)  # type: ignore[no-any-return]
        key = (fontName, fontSize, encoding)
        kept = spaces.get(key)
        if kept is None or fonts.get(fontName) is not kept[0]:
            font = pdfmetrics.getFont(fontName)
            kept = spaces[key] = (font, font.stringWidth(text, fontSize, encoding=encoding))
        return kept[1]

    stringWidth.__dokureport_kept__ = True  # type: ignore[attr-defined]
    return stringWidth


def install() -> None:
    """Keep every Paragraph's line breaks per width and style, and its parts' (idempotent).

    A brochure is laid out two or three times (the contents and the index settle their
    page numbers); most paragraphs meet the same width every time.
    """
    if not getattr(vars(Paragraph)["breakLines"], "__dokureport_kept__", False):
        Paragraph.breakLines = _kept_break_lines(vars(Paragraph)["breakLines"])
    if not getattr(vars(Paragraph)["split"], "__dokureport_kept__", False):
        Paragraph.split = _keeping_split(vars(Paragraph)["split"])
    from reportlab.platypus import paragraph

    if not getattr(paragraph.stringWidth, "__dokureport_kept__", False):
        paragraph.stringWidth = _spaces_measured_once(paragraph.stringWidth)


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
                else:  # a paragraph an earlier story had further on (layout.reuse)
                    flowable.__dict__.pop(_UNKEPT, None)
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
