"""Engine: paragraphs of Chinese, Japanese or Korean break between characters, with kinsoku.

A paragraph whose letters are mostly CJK (set in a font marked `cjk_font`) breaks its
lines as reportlab's CJK wrapping does, character by character, but no line starts
with a closing mark (。、」…), none ends with an opening one (「…), a Latin word
is never cut, and nothing is hyphenated. Other paragraphs (a German text with a Japanese
name in it) keep the usual breaking at spaces, hyphenated.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as _rl
from reportlab.rl_config import _FUZZ

_CJK: set[str] = set()

# JIS X 4051 / GB/T 15834 line-breaking rules (kinsoku shori): characters that may not
# start a line (closing brackets, stops, small kana, prolonged sound mark) and that may
# not end one (opening brackets).
CANNOT_START = frozenset(
    "!),.:;?]}、。，．・：；？！ー」』）］｝〕〉》】〙〗〟’”｠»゛゜ヽヾゝゞ々〻‐゠–〜～"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ")
CANNOT_END = frozenset("([{「『（［｛〔〈《【〘〖〝‘“｟«")


def cjk_font(name: str) -> None:
    """Break the paragraphs mostly set in the registered font `name` between characters."""
    _CJK.add(name)


def _mostly_cjk(frags: list[Any]) -> bool:
    cjk = other = 0
    for frag in frags:
        text = getattr(frag, "text", None)
        if not isinstance(text, str) or hasattr(frag, "cbDefn"):
            continue
        letters = sum(1 for c in text if not c.isspace())
        if getattr(frag, "fontName", None) in _CJK:
            cjk += letters
        else:
            other += letters
    return cjk > other


def _breakable(char: str) -> bool:
    """A Chinese or Japanese character: a line may break before or after it. (Korean
    breaks at its spaces, between words, like Latin.)"""
    return ord(char) >= 0x2E80 and not ("\uff01" <= char <= "\uff5e" or _hangul(char))


def _hangul(char: str) -> bool:
    code = ord(char)
    return 0xAC00 <= code <= 0xD7FF or 0x3130 <= code <= 0x318F or 0xA960 <= code <= 0xA97F


def kinsoku_split(frags: list[Any], max_widths: list[float], calc_bounds: Any,
                  encoding: str = "utf8") -> Any:
    """reportlab's cjkFragSplit, choosing each break by the kinsoku rules."""
    chars: list[Any] = []
    for frag in frags:
        text = frag.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        text = text.replace("\xad", "")  # nothing is hyphenated here
        if text:
            chars.extend(_rl.cjkU(t, frag, encoding) for t in text)
        else:
            chars.append(_rl.cjkU(text, frag, encoding))
    lines = []
    start = i = 0
    used = 0.0
    max_width = max_widths[0]
    count = len(chars)
    while i < count:
        char = chars[i]
        i += 1
        used += char.width
        line_break = hasattr(char.frag, "lineBreak")
        if not (line_break or (used > max_width + _FUZZ and used > 0)):
            continue
        if not line_break:
            i -= 1  # the character that overflowed starts the next line
            if not _breakable(chars[i]) and not chars[i].isspace():
                # Inside a Latin word: back to its start (a space or a CJK character).
                j = i
                while j > start and not chars[j - 1].isspace() and not _breakable(chars[j - 1]):
                    j -= 1
                if j > start:
                    i = j
            while i > start + 1 and (chars[i] in CANNOT_START or chars[i - 1] in CANNOT_END):
                i -= 1
            i = max(i, start + 1)  # a line holds one character at least
        line = chars[start:i]
        used = sum(c.width for c in line)
        lines.append(_rl.makeCJKParaLine(line, max_width, used, max_width - used, line_break,
                                         calc_bounds))
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        while i < count and chars[i] == " ":  # a space at a line's start is dropped
            i += 1
        start = i
        used = 0
    if start < count:
        line = chars[start:]
        used = sum(c.width for c in line)
        lines.append(_rl.makeCJKParaLine(line, max_width, used, max_width - used, False,
                                         calc_bounds))
    return _rl.ParaLines(kind=1, lines=lines)


def _cjk_break_lines(original: Any) -> Any:
    def breakLines(self: Paragraph, width: Any) -> Any:
        if not _CJK or not _mostly_cjk(self.frags):
            return original(self, width)
        if getattr(self, "_splitpara", 0) and hasattr(self, "blPara"):
            return self.blPara  # a part of a split paragraph keeps its lines
        widths = list(width) if isinstance(width, list | tuple) else [width]
        style = self.style
        _rl._handleBulletWidth(self.bulletText, style, widths)
        self.height = 0
        leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        return kinsoku_split(self.frags, widths, leading not in ("", "off"))

    breakLines.__dokureport_cjk__ = True  # type: ignore[attr-defined]
    return breakLines


def install() -> None:
    """Break mostly-CJK paragraphs between characters, with kinsoku (idempotent)."""
    _rl.cjkFragSplit = kinsoku_split
    if not getattr(vars(Paragraph)["breakLines"], "__dokureport_cjk__", False):
        Paragraph.breakLines = _cjk_break_lines(vars(Paragraph)["breakLines"])
