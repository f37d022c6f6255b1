"""Repairs to reportlab: spaces next to soft-hyphenated words, and the outline's count.

reportlab (checked on 5.1) keeps, per word, whether a space follows it
("hanging space"). For a word that contains a soft hyphen it gets this wrong in
two places, both in `reportlab.platypus.paragraph`:

- `_getFragWords` drops the space when such a word ends a markup fragment
  (`<b>Net\\xadwork </b>summit`, or `regel\\xadmäßige <b>Bericht</b>`): the
  words print glued together.
- `_SHYWord.shyphenate` marks the part after a line-end hyphen as followed by
  a space even when the whole word was not (`<i>Berufs\\xadeinstieg</i> an`):
  the space after it is then set twice.

And `PDFOutlines.prepare` reuses its `count` (the root's /Count: the number of
visible bookmarks) as a counter while it builds the tree, so the root's /Count
is too high by the number of entries that have children.

And `BaseDocTemplate.multiBuild` records, for the next pass, how to undo what a pass
did to a flowable, holding every such flowable till the pass ends (WeakMultiBuildEdits).

All four are private internals; `check()` names the one that is gone when
reportlab changes, and tests/test_reportlab_internals.py calls it.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from string import whitespace
from typing import Any

from reportlab.pdfbase import pdfdoc as _pdfdoc
from reportlab.pdfbase import pdfmetrics as _pdfmetrics
from reportlab.platypus import doctemplate as _doctemplate
from reportlab.platypus import paragraph as _rl

_SHY = "\xad"
_NEEDED = ("_getFragWords", "_SHYWord", "_SHYWordHS", "_HSFrag", "_SplitFrag",
           "_processed_frags")


def check() -> None:
    """Raise if a reportlab internal these repairs rely on is gone or changed shape."""
    for name in _NEEDED:
        if not hasattr(_rl, name):
            raise RuntimeError(f"reportlab changed: reportlab.platypus.paragraph.{name} is gone")
    if not callable(getattr(_rl._SHYWord, "shyphenate", None)):
        raise RuntimeError("reportlab changed: paragraph._SHYWord.shyphenate is gone")
    if not issubclass(_rl._SHYWordHS, (_rl._SHYWord, _rl._HSFrag)):
        raise RuntimeError("reportlab changed: paragraph._SHYWordHS is no hanging-space _SHYWord")
    for name in ("PDFOutlines", "count"):
        if not hasattr(_pdfdoc, name):
            raise RuntimeError(f"reportlab changed: reportlab.pdfbase.pdfdoc.{name} is gone")
    outlines = _pdfdoc.PDFOutlines()
    for name in ("prepare", "mydestinations", "closedict"):
        if not hasattr(outlines, name):
            raise RuntimeError(f"reportlab changed: pdfdoc.PDFOutlines.{name} is gone")
    import inspect

    if "self._multiBuildEdits = " not in inspect.getsource(_doctemplate.BaseDocTemplate):
        raise RuntimeError("reportlab changed: BaseDocTemplate.multiBuild records no "
                           "_multiBuildEdits")


def _undo_if_alive(undo: Callable[..., Any], ref: weakref.ref[Any], *args: Any) -> None:
    flowable = ref()
    if flowable is not None:
        undo(flowable, *args)


class WeakMultiBuildEdits:
    """A document whose multiBuild holds the flowables it may undo edits on weakly.

    reportlab's multiBuild records, for the next pass, how to undo what a pass did to a
    flowable (`_postponed` set, `keepWithNext` cleared) and holds the flowables till the
    pass ends. Most are a split's parts, made afresh each pass: a long contents table's
    remainders, page after page, held a 1,000-talk brochure's rows many times over. An
    edit holds its flowable weakly: on one nothing else holds, there is nothing to undo.
    """

    @property
    def _multiBuildEdits(self) -> Callable[[tuple[Any, ...]], None]:
        try:
            return self.__dict__["_weak_edits"]  # type: ignore[no-any-return]
        except KeyError:
            raise AttributeError("_multiBuildEdits") from None

    @_multiBuildEdits.setter
    def _multiBuildEdits(self, record: Callable[[tuple[Any, ...]], None]) -> None:
        self.undo_last_edits()  # a multiBuild given up (engine.splice.Unrestorable)
        def weakly(edit: tuple[Any, ...]) -> None:
            undo, flowable, *args = edit
            try:
                ref = weakref.ref(flowable)
            except TypeError:  # not weakly referable: held, as reportlab would
                record(edit)
                return
            record((_undo_if_alive, undo, ref, *args))

        self.__dict__["_weak_edits"] = weakly
        # multiBuild's own list: its last pass's edits are left done (`undo_last_edits`).
        self.__dict__["_edit_list"] = getattr(record, "__self__", None)

    def undo_pass_edits(self) -> None:
        """Undo what the pass so far did to the story's flowables, as multiBuild does
        before its next pass: the pass is laid out again (layout.document)."""
        edits = self.__dict__.get("_edit_list")
        while edits:
            undo, *args = edits.pop(0)
            undo(*args)

    def undo_last_edits(self) -> None:
        """Undo what multiBuild's last pass did to the story's flowables (reportlab
        undoes a pass's edits only before the next pass): a later layout may lay the
        same flowables out again (layout.reuse)."""
        edits = self.__dict__.pop("_edit_list", None)
        while edits:
            undo, *args = edits.pop(0)
            undo(*args)

    @_multiBuildEdits.deleter
    def _multiBuildEdits(self) -> None:
        self.__dict__.pop("_weak_edits", None)


class _SHYTail(_rl._SHYWord, _rl._SplitFrag):
    """The part of a soft-hyphenated word after the line break, with no space after it."""


def _words_keeping_hanging_spaces(frags: Any, maxWidth: Any = None) -> Any:
    words = _original_get_frag_words(frags, maxWidth)
    if not frags or _rl._processed_frags(frags):
        return words
    # Fragments whose text ends in a space after a word with a soft hyphen: the last
    # word built from each of them is followed by a space.
    ends_in_space = set()
    for frag in frags:
        text = getattr(frag, "text", "")
        if text and text[-1] in whitespace and text.split() and _SHY in text.split()[-1]:
            ends_in_space.add(id(frag))
    if not ends_in_space:
        return words
    last_word_of: dict[int, Any] = {}
    for word in words:
        if len(word) > 1 and id(word[-1][0]) in ends_in_space:
            last_word_of[id(word[-1][0])] = word
    for word in last_word_of.values():
        if isinstance(word, _rl._SHYWord) and not isinstance(word, _rl._HSFrag):
            word.__class__ = _rl._SHYWordHS
    return words


def _shyphenate_keeping_hanging_space(self: Any, newWidth: float, maxWidth: float) -> Any:
    parts = _original_shyphenate(self, newWidth, maxWidth)
    if parts:
        head, tail = parts
        # The head's width is measured already: the mark changes no layout.
        style, text = head[-1]
        head[-1] = (style, _rl._SHYIndexedStr(text + _BREAK_MARK, text._shyIndices))
        if not isinstance(self, _rl._HSFrag):
            tail.__class__ = _SHYTail
    return parts


def _prepare_counting_visible_entries(self: Any, document: Any, canvas: Any) -> None:
    _original_prepare(self, document, canvas)
    if self.mydestinations is not None and self.ready == 1:
        self.count = _pdfdoc.count(self.mydestinations, self.closedict)


_original_prepare = _pdfdoc.PDFOutlines.prepare
_original_get_frag_words = _rl._getFragWords
_original_shyphenate = _rl._SHYWord.shyphenate


def apply() -> None:
    """Install the repairs (idempotent)."""
    check()
    _rl._getFragWords = _words_keeping_hanging_spaces
    _rl._SHYWord.shyphenate = _shyphenate_keeping_hanging_space
    _pdfdoc.PDFOutlines.prepare = _prepare_counting_visible_entries
    _rl._SHYStr.__shysplit__ = _shysplit_marking_the_head
    _rl._putFragLine = _frag_line
    _rl._shyUnsplit = _unsplit_without_mark
    for name, draw in _SIMPLE_LINES.items():
        setattr(_rl, name, _simple_line(draw))


# -- line ends: what text extraction and the structure tree read ---------------------
# reportlab draws the hyphen of a soft-hyphen break as a plain "-" and nothing between a
# line's last word and the next line's first, so a reader of the structure tree glues
# words ("desGroß…"). Each line therefore ends in a space (invisible at a line end),
# except after the hyphen of a soft-hyphen break (marked while the line is broken).
_BREAK_MARK = _SHY  # follows the "-" of a break in a frag line's text until it is drawn


class _LineEnd:
    """Replaces a text object's _textOut while one paragraph line is drawn."""

    def __init__(self, tx: Any, breaks: bool) -> None:
        self.tx, self.breaks, self.original = tx, breaks, tx._textOut

    def __call__(self, text: str, TStar: int = 0) -> None:
        out = self.original
        if _BREAK_MARK in text or (TStar and self.breaks and text.endswith("-")):
            # A break hyphen: no space after it, and drawn as U+00AD where the font can
            # show the hyphen's glyph for it, so that it reads as a soft hyphen.
            text, self.breaks = text.replace(_BREAK_MARK, ""), True
            if text.endswith("-") and _soft_hyphen_prints(self.tx._fontname):
                text = text[:-1] + _SHY
            if not text and not TStar:
                return
        if TStar and not self.breaks:
            text = _real_hyphen_at_end(text, self.tx._fontname)
            if not text[-1:].isspace():
                text += " "
        out(text, TStar)


# A real hyphen that ends a line ("Kinder- / und Jugendhilfe"): drawn as U+002D, poppler
# takes it for a break hyphen and joins the lines ("Kinderund"), and PDFium drops it (it
# treats a line-end U+002D as a soft hyphen). Under U+2010 HYPHEN, which neither reads as
# a break, every reader keeps the hyphen and the word after it.
_HYPHEN = "\u2010"
# A word's hyphen: a letter before it (not a number range, a code or a lone "-").
_WORD_HYPHEN_AT_END = re.compile(r"[^\W\d_]-$")


def _real_hyphen_at_end(text: str, font_name: str) -> str:
    """The line's text with a last "-" as U+2010, where the font prints that as its "-"."""
    body = text.rstrip()
    if not _WORD_HYPHEN_AT_END.search(body) or not _prints_as(font_name, 0x2010, 0x2D):
        return text
    return body[:-1] + _HYPHEN + text[len(body):]


def _prints_as(font_name: str, char: int, like: int) -> bool:
    face = getattr(_pdfmetrics.getFont(font_name), "face", None)
    glyphs = getattr(face, "charToGlyph", None)
    return isinstance(glyphs, dict) and like in glyphs and glyphs.get(char) == glyphs[like]


def hyphen_prints_as_hyphen_minus(font: Any) -> None:
    """Give a TrueType font's U+2010 HYPHEN the glyph and width of its "-" (U+002D).

    A real hyphen at a line end is drawn as U+2010 (see `_real_hyphen_at_end`): it must
    look and measure exactly like the hyphen beside it mid-line (Inter's own U+2010 is a
    narrower glyph). Done when a font is registered, before anything is measured or drawn
    with it, so that every build in a process sets a typed U+2010 alike (byte-identical).
    """
    face = getattr(font, "face", None)
    glyphs = getattr(face, "charToGlyph", None)
    widths = getattr(face, "charWidths", None)
    if not isinstance(glyphs, dict) or not isinstance(widths, dict) or 0x2D not in glyphs:
        return
    glyphs[0x2010] = glyphs[0x2D]
    widths[0x2010] = widths.get(0x2D, face.defaultWidth)


def _soft_hyphen_prints(font_name: str) -> bool:
    """Let a TrueType font draw U+00AD with its hyphen's glyph (as reportlab does U+00A0).

    A font's own U+00AD glyph is empty. Drawn with the hyphen's glyph under a subset code
    of its own, the break hyphen prints as "-" and its ToUnicode entry says U+00AD,
    while a real hyphen stays U+002D. (A Span with /ActualText would do the same, but
    poppler 22.12 ends a structure element's text at the nested EMC.)
    """
    font = _pdfmetrics.getFont(font_name)
    face = getattr(font, "face", None)
    glyphs = getattr(face, "charToGlyph", None)
    widths = getattr(face, "charWidths", None)
    if not isinstance(glyphs, dict) or not isinstance(widths, dict) or 0x2D not in glyphs:
        return False
    if glyphs.get(0xAD) != glyphs[0x2D]:
        glyphs[0xAD] = glyphs[0x2D]
        widths[0xAD] = widths.get(0x2D, face.defaultWidth)
    return True


def _with_line_end(tx: Any, breaks: bool, draw: Any, *args: Any) -> Any:
    tx._textOut = _LineEnd(tx, breaks)
    try:
        return draw(*args)
    finally:
        del tx._textOut


def _simple_line(draw: Any) -> Any:
    def line(tx: Any, offset: Any, extraspace: Any, words: Any, last: Any = 0) -> Any:
        breaks = bool(words) and getattr(words[-1], "_break_hyphen", False)
        return _with_line_end(tx, breaks, draw, tx, offset, extraspace, words, last)

    return line


def _frag_line(cur_x: Any, tx: Any, line: Any, last: Any, pKind: Any) -> Any:
    return _with_line_end(tx, False, _original_put_frag_line, cur_x, tx, line, last, pKind)


def _unsplit_without_mark(s: Any, ss: Any = None) -> Any:
    # reportlab rejoins a split word (a new wrap) by stripping the "-": the mark first.
    if isinstance(s, _rl._SHYIndexedStr) and s.endswith(_BREAK_MARK):
        s = _rl._SHYIndexedStr(s[:-1], s._shyIndices)
    return _original_unsplit(s, ss)


def _shysplit_marking_the_head(self: Any, *args: Any, **kwargs: Any) -> Any:
    parts = _original_shysplit(self, *args, **kwargs)
    if parts:
        parts[0]._break_hyphen = True
    return parts


_original_put_frag_line = _rl._putFragLine
_original_unsplit = _rl._shyUnsplit
_original_shysplit = _rl._SHYStr.__shysplit__
_SIMPLE_LINES = {name: getattr(_rl, name) for name in (
    "_leftDrawParaLine", "_centerDrawParaLine", "_rightDrawParaLine", "_justifyDrawParaLine")}
