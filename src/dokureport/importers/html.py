"""Schedule texts (HTML, escaped HTML, Markdown, plain) as the contract's markup."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from dokureport.event.markdown import typed_links
from dokureport.importers.common import clean, https_url

# Elements whose content a browser never shows as text (HTML's "inert" and fallback
# content: templates, scripts, styles, frames, embedded media's fallback): dropped with
# everything inside them.
_DROP = {"script", "style", "head", "title", "iframe", "object", "svg", "noscript",
         "template", "noembed", "noframes", "datalist", "canvas", "video", "audio"}
_DROPPED = "|".join(sorted(_DROP))
# A real tag of the kinds schedules use; a lone "<3" or "a < b" is not one.
_TAG = re.compile(r"</?(?:p|br|a|em|i|strong|b|u|ul|ol|li|div|span|h[1-6]|blockquote|pre|code"
                  rf"|table|tr|td|th|img|hr|small|sup|sub|{_DROPPED})\b[^>]*>", re.I)
_ESCAPED_TAG = re.compile(rf"&lt;/?(?:p|br|a|em|i|strong|b|ul|ol|li|div|h[1-6]|{_DROPPED})\b",
                          re.I)
_BLOCKS = {"p", "div", "blockquote", "pre", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
           "ul", "ol", "hr", "section", "article", "header", "footer", "dl", "dt", "dd"}
# The validator refuses these schemes anywhere in a text, even unlinked.
_SCRIPT = re.compile(r"(?<![\w.+-])(javascript|vbscript|file)\s*:(?=\S)", re.I)


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text) or _ESCAPED_TAG.search(text))


def to_markup(text: object, base_url: str | None = None) -> str | None:
    """The contract's markup for a description: HTML converted, Markdown and plain text kept.

    Paragraphs are separated by a blank line, list items start with "- ", and no tag
    survives. Links that are not web addresses keep only their text.
    """
    if not isinstance(text, str):
        return None
    text = clean(text)
    if looks_like_html(text):
        if not _TAG.search(text):
            text = html.unescape(text)  # FOSDEM-style escaped HTML, escaped once more
        out = _HtmlToMarkup(base_url).convert(text)
    else:
        out = html.unescape(text)
        out = "\n".join(part.rstrip() for part in out.split("\n"))
    out = _links_replaced(out, base_url)
    out = _SCRIPT.sub(lambda m: f"{m[1]} :", out)
    out = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", out).strip()
    return out or None


def _links_replaced(text: str, base_url: str | None) -> str:
    """Each `[label](target)` as `_link` writes it (found in linear time: `typed_links`)."""
    out: list[str] = []
    position = 0
    for link in typed_links(text):
        out += [text[position : link.start], _link(link.label, link.target, base_url)]
        position = link.end
    out.append(text[position:])
    return "".join(out)


def _link(label: str, target: str, base_url: str | None) -> str:
    url = https_url(target, base_url)
    if target.lower().startswith("mailto:"):
        return label  # an address is personal data a brochure need not print
    return f"[{label}]({url})" if url and label.strip() else label


class _HtmlToMarkup(HTMLParser):
    """One pass over the HTML: text with markers for paragraphs, emphasis and links."""

    def __init__(self, base_url: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.parts: list[str] = []
        self.drop = 0
        self.pre = 0
        self.lists: list[list[int]] = []  # one counter per open list: [ordered, number]
        self.links: list[tuple[str | None, int]] = []

    def convert(self, text: str) -> str:
        self.feed(text)
        self.close()
        joined = "".join(self.parts)
        paragraphs = [self._tidy(p) for p in joined.split("\x00")]
        return "\n\n".join(p for p in paragraphs if p)

    @staticmethod
    def _tidy(paragraph: str) -> str:
        lines = [" ".join(ln.split()) for ln in paragraph.split("\x01")]
        return "\n".join(ln for ln in lines if ln).strip()

    def _break(self) -> None:
        self.parts.append("\x00")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self.drop += 1
            return
        if self.drop:
            return  # inside a dropped element: no list marker, emphasis or link either
        if tag in _BLOCKS:
            self._break()
        if tag == "pre":
            self.pre += 1
        if tag in ("ul", "ol"):
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            self._break()
            if self.lists:
                self.lists[-1][1] += 1
                ordered, number = self.lists[-1]
                self.parts.append(f"{number}. " if ordered else "- ")
            else:
                self.parts.append("- ")
        elif tag == "br":
            filled = [p for p in self.parts if p.strip()]
            # Two breaks in a row are how many editors separate paragraphs.
            self.parts.append("\x00" if filled and filled[-1] == "\x01" else "\x01")
        elif tag in ("em", "i"):
            self.parts.append("\x02*")
        elif tag in ("strong", "b") or tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.parts.append("\x02**")
        elif tag == "a":
            href = dict(attrs).get("href")
            self.links.append((https_url(href, self.base_url), len(self.parts)))
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.handle_data(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.drop = max(0, self.drop - 1)
            return
        if self.drop:
            return
        if tag in ("em", "i"):
            self._close_marker("*")
        elif tag in ("strong", "b") or tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._close_marker("**")
        elif tag == "a" and self.links:
            url, at = self.links.pop()
            label = "".join(self.parts[at:])
            clean_label = " ".join(label.replace("[", "(").replace("]", ")").split())
            if url and clean_label and "\x00" not in label:
                self.parts[at:] = [f"[{clean_label}]({url})"]
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in _BLOCKS or tag == "li":
            self._break()

    def _close_marker(self, marker: str) -> None:
        """Close emphasis: empty emphasis vanishes; spaces move outside the markers."""
        for i in range(len(self.parts) - 1, -1, -1):
            if self.parts[i] == "\x02" + marker:
                inner = "".join(self.parts[i + 1:])
                stripped = inner.strip()
                if not stripped or "\x00" in inner or "*" in stripped:
                    self.parts[i:] = [inner]
                else:
                    lead = " " if inner[:1].isspace() else ""
                    trail = " " if inner[-1:].isspace() else ""
                    self.parts[i:] = [f"{lead}{marker}{stripped}{marker}{trail}"]
                return

    def handle_data(self, data: str) -> None:
        if self.drop:
            return
        if self.pre:
            self.parts.append(data.replace("\n", "\x01"))
        else:
            self.parts.append(re.sub(r"\s+", " ", data))

    def close(self) -> None:
        super().close()
        # An emphasis never closed prints as its text.
        self.parts = [p for p in self.parts if not p.startswith("\x02")]
