"""Turn input text into safe reportlab markup: escaped, typographic, hyphenated, font-routed.

Input text never becomes markup by itself. Everything is escaped; the only
markup that reaches reportlab is what this module builds: the contract's
`*emphasis*`, `**strong**` and `[text](https://…)`, and font switches for
characters the main family lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr, unescape

import arabic_reshaper
from bidi import get_display
from reportlab.pdfbase.pdfmetrics import stringWidth

from dokureport.layout.fonts import FontSet, split_runs
from dokureport.layout.hyphenation import hyphenator
from dokureport.layout.quotes import quotation_marks

# `**strong**`, `*emphasis*`, `[text](url)`: the contract's whole inline markup.
_INLINE = re.compile(
    r"\*\*(?P<strong>.+?)\*\*|\*(?P<em>[^*\s](?:[^*]*?[^*\s])?)\*|\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)",
    re.DOTALL,
)
# Words worth hyphenating. Longer "words" (codes, hashes, keyboard mashing) are cut by
# reportlab's splitLongWords instead: its soft-hyphen search is quadratic in their length.
_WORD = re.compile(r"\b\w{7,64}\b")
# Hebrew, Arabic and their presentation forms: reportlab sets text left to right only.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
# The spaces before a dash: a no-break space there keeps the dash off a line's start
# (reportlab breaks lines at whitespace but not at U+00A0).
_SPACE_BEFORE_DASH = re.compile(r"(?<=\S)[ \t\n]+(?=[–—]|-[ \t\n])")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def is_safe_url(url: str) -> bool:
    """A web address with a host, or a mailto: address: the only links the brochure makes."""
    if url.lower().startswith("mailto:"):
        return True
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


@dataclass
class Typesetter:
    """Prepares text for one brochure; collects the characters no font could print."""

    lang: str = "de"
    hyphenate: bool = True
    missing_glyphs: set[str] = field(default_factory=set)
    fonts: FontSet | None = None  # None: the default theme's family
    link_colour: str = "#00576b"

    # -- plain text -------------------------------------------------------
    def typographic(self, text: str) -> str:
        """Straight quotes and spaced hyphens as a typesetter would set them."""
        open_q, close_q = quotation_marks(self.lang)
        text = re.sub(r'(^|[\s(\[/–-])"', lambda m: m.group(1) + open_q, text)
        text = text.replace('"', close_q)
        text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
        return re.sub(r"(?<=[ \xa0])-(?= )", "–", bind_dashes(text))

    def _soft_hyphens(self, text: str, *, ends_paragraph: bool = True) -> str:
        if not self.hyphenate:
            return text
        dic = hyphenator(self.lang)
        # The paragraph's last word stays whole: a last line of "ten." looks broken.
        last = re.search(r"\w+\W*$", text) if ends_paragraph else None
        end = last.start() if last else len(text)
        return _WORD.sub(
            lambda m: dic.inserted(m.group(0), hyphen="\xad") if m.start() < end else m.group(0),
            text,
        )

    def _fonted(self, text: str) -> str:
        """Escape text and wrap characters the family lacks in a fallback font."""
        out = []
        for run in split_runs(text, self.missing_glyphs, self.fonts):
            piece = escape(run.text)
            out.append(piece if run.font is None else f'<font face="{run.font}">{piece}</font>')
        return "".join(out)

    def _prepare(self, text: str, *, hyphenate: bool = True, ends_paragraph: bool = True) -> str:
        text = self.typographic(visual_order(text))
        if hyphenate:
            text = self._soft_hyphens(text, ends_paragraph=ends_paragraph)
        return self._fonted(text)

    def plain(self, text: str, *, hyphenate: bool = True) -> str:
        """Markup for a plain-text field: printed literally, nothing interpreted."""
        return self._prepare(_collapse(text), hyphenate=hyphenate)

    def heading(self, text: str, style: Any, width: float) -> str:
        """Markup for a heading: hyphenated only where a word is wider than the line."""
        dic = hyphenator(self.lang) if self.hyphenate else None

        def fit(match: re.Match[str]) -> str:
            word = match.group(0)
            if dic and stringWidth(word, style.fontName, style.fontSize) > width:
                return dic.inserted(word, hyphen="\xad")
            return word

        return self._fonted(_WORD.sub(fit, self.typographic(visual_order(_collapse(text)))))

    def literal(self, text: str) -> str:
        """Markup for text that must print exactly as given (phones, URLs, codes)."""
        return self._fonted(visual_order(_collapse(text)))

    # -- rich text ----------------------------------------------------------
    def rich(self, text: str) -> list[str]:
        """Markup for each paragraph of an intro, abstract or description."""
        # Dashes are bound before the markup splits the text: `*x* – y` too.
        return [self._inline(bind_dashes(_collapse(p)))
                for p in _PARAGRAPH_BREAK.split(text) if p.strip()]

    def _inline(self, text: str) -> str:
        out: list[str] = []
        position = 0
        for match in _INLINE.finditer(text):
            out.append(self._prepare(text[position : match.start()], ends_paragraph=False))
            last = not text[match.end() :].strip()
            if match.group("strong") is not None:
                out.append(f"<b>{self._prepare(match.group('strong'), ends_paragraph=last)}</b>")
            elif match.group("em") is not None:
                out.append(f"<i>{self._prepare(match.group('em'), ends_paragraph=last)}</i>")
            else:
                out.append(self.link(match.group("text"), match.group("url")))
            position = match.end()
        out.append(self._prepare(text[position:]))
        return "".join(out)

    def link(self, label: str, url: str) -> str:
        """A clickable link, or the literal source text when the URL is not http(s)/mailto."""
        if not is_safe_url(url):
            return self._prepare(f"[{label}]({url})", hyphenate=False)
        return (
            f"<a href={quoteattr(url)} color={quoteattr(self.link_colour)}>"
            f"{self._prepare(label, hyphenate=False)}</a>"
        )


def outline_text(markup: str) -> str:
    """The text a reader shows for markup (a bookmark): as printed, without tags or soft hyphens."""
    text = unescape(re.sub(r"<[^>]*>", "", markup))
    return " ".join(text.replace("\xad", "").split())


def bind_dashes(text: str) -> str:
    """A no-break space before each spaced dash, so that no line begins with one."""
    return _SPACE_BEFORE_DASH.sub("\xa0", text)


def visual_order(text: str) -> str:
    """Right-to-left runs (a Hebrew or Arabic name) in the order reportlab must draw them.

    Arabic letters are joined into their contextual forms first; the line stays
    left-to-right. A right-to-left run that wraps over lines keeps its words' order
    per line only: good for names and titles, not for Arabic or Hebrew prose.
    """
    if not _RIGHT_TO_LEFT.search(text):
        return text
    return get_display(arabic_reshaper.reshape(text), base_dir="L")


def _collapse(text: str) -> str:
    return " ".join(text.split())
