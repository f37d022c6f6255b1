"""Engine: HarfBuzz shapes the runs set in complex-script fonts; their text extracts as typed.

Only a paragraph with a run in such a font (Arabic, Hebrew, Indic: `shaped_font`) is
shaped, and in it only those runs, each with its own font: Latin text keeps reportlab's
fast path. reportlab's own shaping (`style.shaping`) shapes every word of a paragraph with
its first fragment's font, which draws .notdef boxes for a word mixing fonts.

A shaped run draws glyphs (a conjunct, a joined Arabic form) that the font's ToUnicode
cannot map back to the characters typed, nor in their order (a Devanagari vowel sign
drawn before its consonant): each shaped run is drawn inside a Span whose /ActualText is
its text in logical order, which PDF/UA asks for and text extraction reads.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Any

from bidi.mirror import MIRRORED as _MIRRORED
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase import ttfonts as _ttfonts
from reportlab.pdfbase.ttfonts import ShapeData as _ShapeData
from reportlab.pdfbase.ttfonts import ShapedFragWord, ShapedStr, TTFont, makeShapedFragWord
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as _paragraph

# Registered font names whose runs are shaped, and those among them set right to left.
_SHAPED: set[str] = set()
_RIGHT_TO_LEFT: set[str] = set()
_RIGHT_TO_LEFT_NOW: frozenset[str] = frozenset()
_FEATURES = {"kern": True, "liga": True}
_DIGITS = re.compile(r"\d+(?:[.,٫٬]\d+)*")


class _Glyph(_ShapeData):
    """reportlab's per-glyph shaping record, with the text the glyph stands for: the whole
    run's on its first glyph, "" on the others."""

    actual: str


def shaped_font(name: str, *, right_to_left: bool = False) -> None:
    """Shape every run set in the registered font `name` (its script needs it)."""
    global _RIGHT_TO_LEFT_NOW
    _SHAPED.add(name)
    if right_to_left:
        _RIGHT_TO_LEFT.add(name)
        _RIGHT_TO_LEFT_NOW = frozenset(_RIGHT_TO_LEFT)


def right_to_left_fonts() -> frozenset[str]:
    """The registered fonts whose shaped runs are set right to left (asked per line drawn)."""
    return _RIGHT_TO_LEFT_NOW


def shape(text: str, font_name: str, font_size: float, *, right_to_left: bool = False,
          actual: str | None = None) -> tuple[ShapedStr, float]:
    """`text` (logical order) shaped by HarfBuzz in its font: (glyphs in drawing order, width).

    A left-to-right run (Devanagari, Tamil: glyphs reordered, conjuncts) is read as
    `actual` (default: `text`) from its span's /ActualText. A right-to-left run is drawn
    in visual order, each glyph's ToUnicode entry the text it stands for, as readers
    expect of Arabic or Hebrew: they reverse the run themselves. Only where that cannot
    be (a vowel mark, which readers split from its letter; a letter drawn as several
    glyphs) is it read as `actual` too, a word at a time.
    """
    import uharfbuzz as hb

    font = pdfmetrics.getFont(font_name)
    hb_font = font.hbFont(font_size)
    buffer = hb.Buffer()
    buffer.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buffer.add_str(text)
    buffer.guess_segment_properties()
    if right_to_left:
        buffer.direction = "rtl"
    hb.shape(hb_font, buffer, _FEATURES)
    face = font.face
    chars: list[str] = []
    glyphs: list[_ShapeData] = []
    width = 0.0
    infos = buffer.glyph_infos
    codes = _codes_for_meanings(font, hb_font, text, infos) if right_to_left else None
    spanned = codes is None or any(unicodedata.category(c) == "Mn" for c in text)
    for index, (info, pos) in enumerate(zip(infos, buffer.glyph_positions, strict=True)):
        gid = info.codepoint
        if codes is not None:
            code = codes[index]
        else:
            owners = face.glyphToChar.get(gid)
            # A glyph no character maps to (a conjunct, a joined form) gets a private-use
            # code in this font, as reportlab's own shaping does; its text comes from
            # /ActualText. Its width is the glyph's own advance (what the embedded font
            # says), not HarfBuzz's positioned one: PDF/UA checks the two agree, and the TJ
            # adjustment adds the rest.
            code = owners[0] if owners else font.hbAddPrivate(
                hb_font.glyph_to_string(gid), gid,
                font.pdfScale(hb_font.get_glyph_h_advance(gid)))
        advance = font.pdfScale(pos.x_advance)
        data = (info.cluster, advance, font.pdfScale(pos.y_advance),
                font.pdfScale(pos.x_offset), font.pdfScale(pos.y_offset), face.charWidths[code])
        if not spanned:
            glyphs.append(_ShapeData(*data))
        else:
            glyph = _Glyph(*data)
            glyph.actual = "" if glyphs else text if actual is None else actual
            glyphs.append(glyph)
        chars.append(chr(code))
        width += advance * font_size / 1000
    return ShapedStr("".join(chars), shapeData=glyphs), width


def _codes_for_meanings(font: Any, hb_font: Any, text: str, infos: Any) -> list[int] | None:
    """The code of each glyph of a right-to-left run, whose ToUnicode entry is the text the
    glyph stands for: its own character where the font maps it (a letter, a mark, a
    mirrored bracket), else a private-use code for this glyph and this text (a joined form,
    a ligature). None where a character is drawn as several glyphs."""
    face = font.face
    ends = sorted({info.cluster for info in infos} | {len(text)})
    end_of = dict(itertools.pairwise(ends))
    codes: list[int] = []
    taken: dict[int, set[int]] = {}
    for info in infos:  # first the glyphs that are one of their cluster's characters
        cluster = text[info.cluster:end_of[info.cluster]]
        mirrored = _MIRRORED.get(cluster, "") if len(cluster) == 1 else ""
        own = next((c for c in face.glyphToChar.get(info.codepoint, ())
                    if chr(c) in cluster or chr(c) == mirrored), None)
        codes.append(-1 if own is None else own)
        if own is not None:
            taken.setdefault(info.cluster, set()).add(own)
    given: set[int] = set()
    for index, info in enumerate(infos):
        if codes[index] >= 0:
            continue
        rest = "".join(c for c in text[info.cluster:end_of[info.cluster]]
                       if ord(c) not in taken.get(info.cluster, ()))
        if info.cluster in given or not rest:
            return None
        given.add(info.cluster)
        # Readers reverse a right-to-left run glyph by glyph, and a ligature's letters
        # with it: they are given in visual order too.
        codes[index] = _meaning_code(font, hb_font, info.codepoint, rest[::-1])
    return codes


def _meaning_code(font: Any, hb_font: Any, gid: int, meaning: str) -> int:
    """The private-use code, in this font, of glyph `gid` read as `meaning`."""
    face = font.face
    own: dict[tuple[int, str], int] = face.__dict__.setdefault("_dokureport_codes", {})
    code = own.get((gid, meaning))
    if code is None:
        code = 0xE000
        while code in face.charToGlyph:  # reportlab's own private codes are there too
            code += 1
        if code > 0xF8FF:
            raise ValueError(f"{font.fontName}: no private-use code left for a glyph")
        face.charToGlyph[code] = gid
        face.glyphToChar.setdefault(gid, []).append(code)
        face.charWidths[code] = font.pdfScale(hb_font.get_glyph_h_advance(gid))
        own[(gid, meaning)] = code
        face.__dict__.setdefault("_dokureport_meanings", {})[code] = meaning
    return code


def drawn_text(text: str, font_name: str) -> str:
    """What a reader takes a fragment's `text`, as drawn, for: each glyph's ToUnicode text,
    or a shaped run's /ActualText (in the order drawn)."""
    glyphs = getattr(text, "__shapeData__", None)
    if not glyphs:
        return str(text)
    meanings = getattr(pdfmetrics.getFont(font_name).face, "_dokureport_meanings", {})
    return "".join(g.actual if isinstance(g, _Glyph) else meanings.get(ord(char), char)
                   for char, g in zip(text, glyphs, strict=False))


def _shape_frag_word(word: Any, features: Any = None, force: bool = False) -> Any:
    """A paragraph's word with its runs in shaped fonts shaped, each in its own font."""
    if isinstance(word, ShapedFragWord) or not any(
            getattr(f, "fontName", None) in _SHAPED for f, _ in word[1:]):
        return word
    pieces: list[Any] = []
    width = 0.0
    for frag, text in word[1:]:
        if hasattr(frag, "cbDefn") or frag.fontName not in _SHAPED or not text:
            pieces.append((frag, text))
            width += (getattr(frag, "width", 0) if hasattr(frag, "cbDefn") else
                      pdfmetrics.stringWidth(text, frag.fontName, frag.fontSize))
            continue
        rtl = frag.fontName in _RIGHT_TO_LEFT
        # HarfBuzz gives a right-to-left word's glyphs in visual order (engine/bidi_lines
        # orders the words). Its /ActualText is visual too: pdftotext and PDFium read a
        # page's characters left to right and reverse each right-to-left run themselves,
        # substituted text included.
        # Digits read left to right amid right-to-left letters: reversed here, HarfBuzz's
        # right-to-left order puts them back.
        typed = _DIGITS.sub(lambda m: m.group(0)[::-1], text) if rtl else text
        glyphs, advance = shape(typed, frag.fontName, frag.fontSize, right_to_left=rtl,
                                actual=typed[::-1] if rtl else text)
        pieces.append((frag, glyphs))
        width += advance
    return makeShapedFragWord(word)([width, *pieces])


def _shaping_break_lines(original: Any) -> Any:
    def breakLines(self: Paragraph, width: Any) -> Any:
        style = self.style
        # A brochure without a shaped font registered pays one set test per paragraph.
        if not _SHAPED or style.shaping or not any(getattr(f, "fontName", None) in _SHAPED
                                                   for f in self.frags):
            return original(self, width)
        shaped = style.clone(f"{style.name}+shaped", shaping=1)
        self.style = shaped
        try:
            return original(self, width)
        finally:
            self.style = style

    breakLines.__dokureport_shaping__ = True  # type: ignore[attr-defined]
    return breakLines


def _pdf_text_string(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def begin_actual_text(tx: PDFTextObject, text: str) -> None:
    """Open a span in a text object that readers take as `text` (shaped runs inside it
    give none of their own: a reader reads the innermost)."""
    tx._code.append(f"/Span <</ActualText {_pdf_text_string(text)}>> BDC")
    tx._dokureport_actual = True  # type: ignore[attr-defined]


def end_actual_text(tx: PDFTextObject) -> None:
    """Close the span of `begin_actual_text`."""
    tx._code.append("EMC")
    tx._dokureport_actual = False  # type: ignore[attr-defined]


def _with_actual_text(original: Any) -> Any:
    def _formatText(self: PDFTextObject, text: Any) -> Any:
        if type(text) is str or getattr(self, "_dokureport_actual", False):
            return original(self, text)  # almost all text: never shaped
        glyphs = getattr(text, "__shapeData__", None)
        if not glyphs or not any(isinstance(g, _Glyph) for g in glyphs):
            return original(self, text)
        # One span per shaped run read from /ActualText (the text drawn may hold several
        # runs: words of a line, and spaces, drawn as one piece).
        code: list[str] = []
        start = 0
        while start < len(glyphs):
            end = start + 1
            if isinstance(glyphs[start], _Glyph):
                while end < len(glyphs) and isinstance(glyphs[end], _Glyph) and \
                        not glyphs[end].actual:
                    end += 1
                actual = glyphs[start].actual
                # The space after a run is its span's too: PDFium loses a space drawn
                # after a run that ends in a mark (Hindi "में").
                while end < len(glyphs) and text[end] == " " and \
                        not isinstance(glyphs[end], _Glyph):
                    end += 1
                    actual += " "
                drawn = original(self, text[start:end])
                code.append(f"/Span <</ActualText {_pdf_text_string(actual)}>> "
                            f"BDC {drawn} EMC")
            else:
                while end < len(glyphs) and not isinstance(glyphs[end], _Glyph):
                    end += 1
                code.append(original(self, text[start:end]))
            start = end
        return " ".join(code)

    _formatText.__dokureport_shaping__ = True  # type: ignore[attr-defined]
    return _formatText


def _rise_at_start(original: Any) -> Any:
    def setRise(self: PDFTextObject, rise: float) -> Any:
        # reportlab's shaped drawing raises a glyph (an Arabic vowel mark drawn first)
        # before it has written anything, and setRise reads the last code written.
        if not self._code:
            self._code.append("")
        return original(self, rise)

    setRise.__dokureport_shaping__ = True  # type: ignore[attr-defined]
    return setRise


# The font whose PDF objects reportlab is writing (its ToUnicode maps are made then).
_writing: list[Any] = []


def _objects_with_meanings(original: Any) -> Any:
    def addObjects(self: Any, doc: Any) -> Any:
        _writing.append(self)
        try:
            return original(self, doc)
        finally:
            _writing.pop()

    addObjects.__dokureport_shaping__ = True  # type: ignore[attr-defined]
    return addObjects


def _to_unicode_with_meanings(original: Any) -> Any:
    def makeToUnicodeCMap(fontname: str, subset: list[int]) -> str:
        cmap = original(fontname, subset)
        meanings = getattr(_writing[-1].face, "_dokureport_meanings", None) if _writing else None
        if not meanings:
            return cmap
        for i, code in enumerate(subset):
            if code in meanings:
                text = meanings[code].encode("utf-16-be").hex().upper()
                cmap = cmap.replace(f"<{i:02X}> <{code:04X}>", f"<{i:02X}> <{text}>", 1)
        return cmap

    makeToUnicodeCMap.__dokureport_shaping__ = True  # type: ignore[attr-defined]
    return makeToUnicodeCMap


def install() -> None:
    """Shape runs in shaped fonts and give them /ActualText (idempotent; needs uharfbuzz)."""
    _paragraph.shapeFragWord = _shape_frag_word
    if not getattr(vars(Paragraph)["breakLines"], "__dokureport_shaping__", False):
        Paragraph.breakLines = _shaping_break_lines(vars(Paragraph)["breakLines"])
    if not getattr(vars(PDFTextObject)["_formatText"], "__dokureport_shaping__", False):
        PDFTextObject._formatText = _with_actual_text(vars(PDFTextObject)["_formatText"])
    if not getattr(_ttfonts.makeToUnicodeCMap, "__dokureport_shaping__", False):
        _ttfonts.makeToUnicodeCMap = _to_unicode_with_meanings(_ttfonts.makeToUnicodeCMap)
    if not getattr(vars(TTFont)["addObjects"], "__dokureport_shaping__", False):
        TTFont.addObjects = _objects_with_meanings(vars(TTFont)["addObjects"])
    if not getattr(vars(PDFTextObject)["setRise"], "__dokureport_shaping__", False):
        PDFTextObject.setRise = _rise_at_start(vars(PDFTextObject)["setRise"])
