"""Engine: a paragraph's lines put in visual order as they are drawn, after they broke.

The text reaches reportlab in logical order; lines break on it, and only the drawing of
each line reorders its words by the Unicode Bidirectional Algorithm (rules L1 and L2 at
the level of words): an Arabic phrase that wraps keeps its first words on the first line.
A shaped right-to-left word already holds its glyphs in visual order (engine/shaping);
any other word set at a right-to-left level (a bracket, a number) is reordered and
mirrored by python-bidi. reportlab's own bidi needs `rlbidi`, which is not on PyPI.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable
from typing import Any, NamedTuple

from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as _rl

from dokureport.core.writing import right_to_left
from dokureport.engine import shaping, tags

_SPACES = re.compile(r" +|[^ ]+")
# A strong right-to-left letter, standing in for a shaped word whose text is glyph codes.
_R = "\u05d0"


def _levels(text: str, base_level: int) -> list[int]:
    """The embedding level of each character (rules up to I2, python-bidi's reference code)."""
    from bidi import algorithm as uba

    storage = uba.get_empty_storage()
    storage["base_level"] = base_level
    storage["base_dir"] = ("L", "R")[base_level]
    uba.get_embedding_levels(text, storage)
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    return [char["level"] for char in storage["chars"]]


def _stand_in(glyphs: str) -> str:
    # A shaped word's text is glyph codes: it counts as right-to-left letters, but a number
    # set in the Arabic font (its digits keep their codes) keeps its own class.
    return "".join(c if c.isdigit() else _R for c in glyphs)


def visual_words(words: list[Any], base_level: int = 0) -> list[Any]:
    """A line's fragments (logical order) cut into words and spaces, in visual order."""
    tokens: list[tuple[Any, Any, bool]] = []  # (fragment, text, set right to left)
    for frag in words:
        text = getattr(frag, "text", None)
        if hasattr(frag, "cbDefn") or not isinstance(text, str) or not text:
            # A callback (the contents' page number at an entry's end) is no text: it is
            # drawn where it stands, never dropped as a space at the line's end.
            tokens.append((frag, None, False))
            continue
        rtl = getattr(frag, "fontName", None) in shaping.right_to_left_fonts()
        for match in _SPACES.finditer(text):
            tokens.append((frag, text[match.start():match.end()], rtl))
    stand_in = "".join(
        ("\ufffc" if not isinstance(t, str) else
         t if not rtl or t.startswith(" ") else _stand_in(t)) for _, t, rtl in tokens)
    char_levels = _levels(stand_in, base_level)
    levels: list[int] = []
    pieces: list[tuple[Any, Any, bool]] = []
    at = 0
    for frag, text, rtl in tokens:
        size = len(text) if isinstance(text, str) else 1
        own = char_levels[at:at + size]
        at += size
        if rtl or not isinstance(text, str) or len(set(own)) <= 1:
            pieces.append((frag, text, rtl))
            levels.append(min(own, default=base_level))
            continue
        # A word whose characters have several levels ("Deutsch." at the end of a
        # right-to-left paragraph: its full stop is right to left) is cut where they change.
        start = 0
        for k in range(1, size + 1):
            if k == size or own[k] != own[start]:
                pieces.append((frag, text[start:k], rtl))
                levels.append(own[start])
                start = k
    tokens = pieces
    # L1: spaces at the line's end take the paragraph's level. reportlab did not count
    # them in the line's width: drawn at a right-to-left line's left end, they would push
    # it a space past the right margin, so they are left out (a callback is kept: the
    # contents' page number is drawn from one at its entry's end).
    while (tokens and isinstance(tokens[-1][1], str) and not tokens[-1][1].strip()
           and not hasattr(tokens[-1][0], "cbDefn")):
        tokens.pop()
        levels.pop()
    order = list(range(len(tokens)))
    top = max(levels, default=0)
    lowest_odd = min((lv for lv in levels if lv % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):  # L2, word by word
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    phrases = _phrases([tokens[i] for i in order], [levels[i] for i in order], base_level)
    out: list[Any] = []
    previous: tuple[Any, Any] | None = None  # the last token's fragment and text, if merged
    opened = -1  # where the open phrase's first fragment is in `out`
    for position, index in enumerate(order):
        frag, text, rtl = tokens[index]
        if position in phrases.starts:
            opened = len(out)
            previous = None
        if not isinstance(text, str):
            out.append(frag)
            previous = None
        elif rtl and previous is not None and previous[0] is frag:
            # Words of one right-to-left run side by side: one piece of text to draw.
            merged = previous[1] + text
            out[-1] = frag.clone(text=merged)
            previous = (frag, merged)
        else:
            previous = (frag, text) if rtl else None
            if levels[index] % 2 and not rtl and text.strip():
                # A bracket or a number amid right-to-left words: the reference
                # implementation, which mirrors brackets (python-bidi's fast one leaves them).
                from bidi.algorithm import get_display

                text = get_display(text, base_dir="R")
            out.append(frag.clone(text=text))
        if position in phrases.ends and opened >= 0:
            drawn = "".join(shaping.drawn_text(f.text, f.fontName) for f in out[opened:]
                            if not hasattr(f, "cbDefn") and isinstance(f.text, str))
            out.insert(opened, _mark(out[opened], f"{_LRM}{drawn}{_LRM}"))
            out.append(_mark(out[-1], None))
            opened = -1
            previous = None
    return out


class _Phrases(NamedTuple):
    starts: frozenset[int]
    ends: frozenset[int]


def _phrases(tokens: list[tuple[Any, Any, bool]], levels: list[int], base_level: int
             ) -> _Phrases:
    """Where each right-to-left phrase of a left-to-right line starts and ends (token
    positions in visual order).

    Each is drawn inside one span whose /ActualText is its text as drawn, between two LRM
    marks. PDFium, reading glyphs, reverses each word of such a phrase but not their order
    ("A talk by يوسف الحسيني" read "… الحسيني يوسف"); poppler reads the space after
    it, or a closing quote, as part of it. With the span both read the phrase as one
    piece, reversed as a whole, and the marks end it where the Arabic or Hebrew ends. (In a
    right-to-left line, PDFium reverses a Latin phrase's words with or without a span,
    and poppler reads it right without one: none is drawn.)
    """
    starts: set[int] = set()
    ends: set[int] = set()
    position = 0
    while base_level == 0 and position < len(tokens):
        if levels[position] == 0:
            position += 1
            continue
        end = position
        while end + 1 < len(tokens) and levels[end + 1] > 0:
            end += 1
        if any(isinstance(text, str) and text.strip() for _, text, _ in tokens[position:end + 1]):
            starts.add(position)
            ends.add(end)
        position = end + 1
    return _Phrases(frozenset(starts), frozenset(ends))


_PHRASE = "dokureport-phrase"
# Around a phrase's text: the run of right-to-left text ends there for every reader, and
# the space or the closing quote after it stays with the left-to-right text.
_LRM = "\u200e"


def _mark(frag: Any, drawn: str | None) -> Any:
    """A fragment that draws nothing: where a phrase's span begins (with the text it is
    read as) or ends (None)."""
    from reportlab.lib.abag import ABag

    mark = frag.clone(text="")
    mark.cbDefn = ABag(kind=_PHRASE, name=_PHRASE, label=drawn)
    return mark


def _phrase_mark(canvas: Any, kind: str, drawn: str | None) -> None:
    tx = canvas._curr_tx_info["tx"]
    if drawn is None:
        shaping.end_actual_text(tx)
    else:
        shaping.begin_actual_text(tx, drawn)


def _needs_order(line: Any, fonts: frozenset[str]) -> bool:
    return any(getattr(f, "fontName", None) in fonts for f in getattr(line, "words", ()))


def _pieces(frags: list[Any]) -> Any:
    """(fragment, text) of a paragraph's fragments, or of its words once its lines broke
    (reportlab then keeps frag words: [width, (fragment, text), ...])."""
    for frag in frags:
        if isinstance(frag, list):
            yield from (piece for piece in frag[1:] if isinstance(piece, tuple))
        else:
            yield frag, getattr(frag, "text", None)


def base_level(frags: list[Any], fonts: frozenset[str]) -> int:
    """The paragraph's direction (rules P2, P3): 1 when its first strong letter is
    right to left, else 0 (also when it has no right-to-left font at all)."""
    for frag, text in _pieces(frags):
        if not isinstance(text, str) or hasattr(frag, "cbDefn"):
            continue
        if getattr(frag, "fontName", None) in fonts:
            # Its text may be shaped already (glyph codes): any letter in it is one of the
            # font's right-to-left letters.
            if any(not (c.isspace() or c.isdigit() or unicodedata.category(c)[0] in "PZ")
                   for c in text):
                return 1
            continue
        for char in text:
            kind = unicodedata.bidirectional(char)
            if kind == "L":
                return 0
            if kind in ("R", "AL"):
                return 1
    return 0


def _any_right_to_left(frags: list[Any], fonts: frozenset[str]) -> bool:
    """Whether a paragraph has a right-to-left letter (in a right-to-left font, or one
    whose bidirectional class is R or AL)."""
    for frag, text in _pieces(frags):
        if not isinstance(text, str) or hasattr(frag, "cbDefn"):
            continue
        if getattr(frag, "fontName", None) in fonts and any(
                not (c.isspace() or c.isdigit() or unicodedata.category(c)[0] in "PZ")
                for c in text):
            return True
        if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
            return True
    return False


# The direction of the paragraph being drawn (drawing is one paragraph at a time).
_drawing: list[int] = [0]
# 1 while a brochure in a right-to-left language (lang: ar, he) is laid out.
_brochure: list[int] = [0]
# Where each alignment goes in a right-to-left brochure: mirrored; justified text is set
# flush right (reportlab's Tw does not stretch shaped runs).
_MIRRORED = {TA_LEFT: TA_RIGHT, TA_RIGHT: TA_LEFT, TA_JUSTIFY: TA_RIGHT}


def brochure_direction(right_to_left: bool) -> None:
    """Set every paragraph right to left, its alignment mirrored (a brochure in Arabic or
    Hebrew), or each by its own first letter (any other)."""
    _brochure[0] = int(right_to_left)


def _drawing_in_visual_order(draw: Callable[..., Any]) -> Callable[..., Any]:
    def _putFragLine(cur_x: Any, tx: Any, line: Any, last: Any, pKind: Any) -> Any:
        fonts = shaping.right_to_left_fonts()
        if _drawing[-1] or (fonts and _needs_order(line, fonts)):
            line = copy.copy(line)
            line.words = visual_words(line.words, _drawing[-1])
            canvas = tx._canvas
            if canvas.getNamedCB(_PHRASE) is None:
                canvas.setNamedCB(_PHRASE, _phrase_mark)
        return draw(cur_x, tx, line, last, pKind)

    _putFragLine.__dokureport_bidi__ = True  # type: ignore[attr-defined]
    return _putFragLine


def _drawn(paragraph: Paragraph, draw: Callable[..., Any], level: int, style: Any,
           *args: Any, **kwargs: Any) -> Any:
    kept = paragraph.style
    paragraph.style = style
    _drawing.append(level)
    try:
        return draw(paragraph, *args, **kwargs)
    finally:
        _drawing.pop()
        paragraph.style = kept


def _left_to_right_language(paragraph: Paragraph) -> bool:
    """The paragraph is tagged in a language written left to right (a LanguageMark's)."""
    lang = tags.language(getattr(paragraph, "canv", None))
    return lang is not None and not right_to_left(lang)


def _in_its_direction(original: Callable[..., Any]) -> Callable[..., Any]:
    def drawPara(self: Paragraph, *args: Any, **kwargs: Any) -> Any:
        fonts = shaping.right_to_left_fonts()
        style = self.style
        if _brochure[0]:
            # Its indents mirrored too: the start indent at the right. A first line's
            # indent is the start's, which a line set flush right does not move: its
            # extra space (measured with it) already places the line.
            mirrored = {"leftIndent": style.rightIndent, "rightIndent": style.leftIndent,
                        "firstLineIndent": 0}
            if _left_to_right_language(self):
                # A talk in Japanese or English amid Arabic: its own direction, at the
                # brochure's side (justified text stays justified).
                return _drawn(self, original, 0, style.clone(
                    f"{style.name}+ltr", alignment=TA_RIGHT if style.alignment == TA_LEFT
                    else style.alignment, **mirrored), *args, **kwargs)
            # A paragraph with no right-to-left letter at all (an English abstract) keeps
            # its words in their order, its full stop at its end: only its alignment is
            # the page's.
            level = 1 if _any_right_to_left(self.frags, fonts) else 0
            return _drawn(self, original, level, style.clone(
                f"{style.name}+rtl", alignment=_MIRRORED.get(style.alignment, style.alignment),
                **mirrored), *args, **kwargs)
        level = base_level(self.frags, fonts) if fonts else 0
        if (level and style.alignment in (TA_LEFT, TA_JUSTIFY)
                and len(self.blPara.lines) > 1):
            # A right-to-left paragraph of several lines starts each at the right, ragged
            # at the left: reportlab's word spacing (Tw) cannot stretch shaped runs, whose
            # spaces are not the byte 32. (One line, a title or a name, keeps the page's
            # alignment: columns stay columns.)
            style = style.clone(f"{style.name}+rtl", alignment=TA_RIGHT)
        return _drawn(self, original, level, style, *args, **kwargs)

    drawPara.__dokureport_bidi__ = True  # type: ignore[attr-defined]
    return drawPara


def install() -> None:
    """Draw each line with right-to-left text in visual order (after reportlab_fixes)."""
    if not getattr(_rl._putFragLine, "__dokureport_bidi__", False):
        _rl._putFragLine = _drawing_in_visual_order(_rl._putFragLine)
    if not getattr(vars(Paragraph)["drawPara"], "__dokureport_bidi__", False):
        Paragraph.drawPara = _in_its_direction(vars(Paragraph)["drawPara"])
