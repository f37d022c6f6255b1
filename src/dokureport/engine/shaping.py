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

import re
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapeData as _ShapeData
from reportlab.pdfbase.ttfonts import ShapedFragWord, ShapedStr, makeShapedFragWord
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

    `actual` is the text the glyphs extract as (default: `text`).
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
    glyphs: list[_Glyph] = []
    width = 0.0
    for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        gid = info.codepoint
        owners = face.glyphToChar.get(gid)
        # A glyph no character maps to (a conjunct, a joined form) gets a private-use code
        # in this font, as reportlab's own shaping does; its text comes from /ActualText.
        # Its width is the glyph's own advance (what the embedded font says), not HarfBuzz's
        # positioned one: PDF/UA checks the two agree, and the TJ adjustment adds the rest.
        code = owners[0] if owners else font.hbAddPrivate(
            hb_font.glyph_to_string(gid), gid,
            font.pdfScale(hb_font.get_glyph_h_advance(gid)))
        advance = font.pdfScale(pos.x_advance)
        glyph = _Glyph(info.cluster, advance, font.pdfScale(pos.y_advance),
                       font.pdfScale(pos.x_offset), font.pdfScale(pos.y_offset),
                       face.charWidths[code])
        glyph.actual = "" if glyphs else text if actual is None else actual
        glyphs.append(glyph)
        chars.append(chr(code))
        width += advance * font_size / 1000
    return ShapedStr("".join(chars), shapeData=glyphs), width


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


def _with_actual_text(original: Any) -> Any:
    def _formatText(self: PDFTextObject, text: Any) -> Any:
        code = original(self, text)
        if type(text) is str:  # almost all text: never shaped
            return code
        glyphs = getattr(text, "__shapeData__", None)
        if not glyphs or not any(isinstance(g, _Glyph) for g in glyphs):
            return code
        actual = "".join(g.actual if isinstance(g, _Glyph) else char
                         for char, g in zip(text, glyphs, strict=False))
        return f"/Span <</ActualText {_pdf_text_string(actual)}>> BDC {code} EMC"

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


def install() -> None:
    """Shape runs in shaped fonts and give them /ActualText (idempotent; needs uharfbuzz)."""
    _paragraph.shapeFragWord = _shape_frag_word
    if not getattr(vars(Paragraph)["breakLines"], "__dokureport_shaping__", False):
        Paragraph.breakLines = _shaping_break_lines(vars(Paragraph)["breakLines"])
    if not getattr(vars(PDFTextObject)["_formatText"], "__dokureport_shaping__", False):
        PDFTextObject._formatText = _with_actual_text(vars(PDFTextObject)["_formatText"])
    if not getattr(vars(PDFTextObject)["setRise"], "__dokureport_shaping__", False):
        PDFTextObject.setRise = _rise_at_start(vars(PDFTextObject)["setRise"])
