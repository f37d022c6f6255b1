"""Turn input text into safe reportlab markup: escaped, typographic, hyphenated, font-routed.

Input text never becomes markup by itself. Everything is escaped; the only
markup that reaches reportlab is what this module builds: emphasis, strong, safe
links and line breaks from parsed Markdown (`inline`), and font switches for
characters the main family lacks.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from dokureport.core.memo import StoryMemo, text_key
from dokureport.core.urls import is_safe_url, names_its_address, short_address
from dokureport.core.xmltext import escape, quoteattr, unescape
from dokureport.event.markdown import paragraph_inlines
from dokureport.i18n.labels import spaced_punctuation
from dokureport.i18n.quotes import curled
from dokureport.text.fonts import FontSet, split_runs
from dokureport.text.hyphenation import hyphenator

if TYPE_CHECKING:
    from markdown_it.token import Token

# The contract's `**strong**` and `*emphasis*` as the regular expression of format 1 read
# them. CommonMark leaves some of these as text (`**Wort **danach`, pasted from HTML):
# text that CommonMark did not format goes through this too, so old events print the same.
_EMPHASIS = re.compile(
    r"\*\*(?P<strong>.+?)\*\*|\*(?P<em>[^*\s](?:[^*]*?[^*\s])?)\*", re.DOTALL,
)
# Runs of spaces collapse to one, but a narrow no-break space (U+202F, French before
# ": ; ! ?" and inside « ») is a deliberate character, kept as given.
_SPACES = re.compile(r"[^\S\u202f]+")
# The last word, read from the end of the reversed text: trailing non-word characters,
# then the word.
_LAST_WORD_REVERSED = re.compile(r"\W*(\w+)")
_LEADING_DASH = re.compile(r"^[ \t\n]+(?=[–—]|-[ \t\n])")
# Words worth hyphenating. Longer "words" (codes, hashes, keyboard mashing) are cut by
# reportlab's splitLongWords instead: its soft-hyphen search is quadratic in their length.
_WORD = re.compile(r"\b\w{7,64}\b")
# A heading shrinks to fit its widest word down to this share of its size, before that
# word is hyphenated.
HEADING_LEAST_SCALE = 0.6
# The spaces before a dash: a no-break space there keeps the dash off a line's start
# (reportlab breaks lines at whitespace but not at U+00A0).
_SPACE_BEFORE_DASH = re.compile(r"(?<=\S)[ \t\n]+(?=[–—]|-[ \t\n])")
# A short word and the space after it, before a word: an initial or a name particle
# whose space becomes a no-break space ("Zoë Ó Súilleabháin" never breaks after "Ó").
_SHORT_WORD_SPACE = re.compile(r"(?<![\w.’'-])(\w{1,5}\.?) (?=\w)")
# Particles that are part of a family name. Capitalised ones are tied everywhere; the
# lowercase ones only in fields that hold names (in German prose "von", "der" are words).
_PARTICLES = frozenset({"Ó", "Ní", "Nic", "Mac", "Mc", "Di", "De", "Da", "Du", "Del", "Dos",
                        "Das", "Van", "Von", "Ten", "Ter", "Le", "La", "Al", "El", "Ben", "Bin",
                        "Abu", "St.", "Dr.", "Prof."})
_LOWER_PARTICLES = frozenset({"von", "van", "der", "den", "de", "di", "da", "du", "del",
                              "della", "dos", "das", "le", "la", "ten", "ter", "zu", "vom",
                              "zum", "bin", "ibn", "al", "el", "y"})
# Link text that is an address (a URL, a domain, an e-mail) is never hyphenated: a
# hyphen would read as part of it.
_ADDRESS = re.compile(r"://|@|^\s*www\.|/|\w\.[a-z]{2,}\b")
# Plain text as set by the last stories: markup and the characters no font had.
_prepared = StoryMemo()
# Paragraphs of Markdown as set by the last stories (`inline`): markup and missing characters.
_inlines = StoryMemo()
_headings = StoryMemo()  # headings as set by the last stories (`heading`)
_settings: dict[tuple[Any, ...], int] = {}  # a typesetter's setting → its number


@dataclass
class Typesetter:
    """Prepares text for one brochure; collects the characters no font could print."""

    lang: str = "de"
    hyphenate: bool = True
    missing_glyphs: set[str] = field(default_factory=set)
    fonts: FontSet | None = None  # None: the default theme's family
    link_colour: str = "#00576b"
    # Print: a link whose text is not its address is followed by the address, short, in
    # this colour ("Landschaftsverband (lvr.de)"); None on screen, where links are links.
    address_colour: str | None = None
    # See _setting: computed on first use, not copied by in_language.
    _setting_id: int | None = field(default=None, init=False, repr=False, compare=False)

    def in_language(self, lang: str) -> Typesetter:
        """A typesetter for text in `lang` (hyphenation, quotation marks) that reports the
        missing characters into the same set as this one."""
        return dataclasses.replace(self, lang=lang)

    # -- plain text -------------------------------------------------------
    def typographic(self, text: str) -> str:
        """Straight quotes and spaced hyphens as a typesetter would set them."""
        if '"' in text or "'" in text:
            text = curled([(text, True)], self.lang)[0]
        text = spaced_punctuation(text, self.lang)
        return tie_names(re.sub(r"(?<=[ \xa0])-(?= )", "–", bind_dashes(text)))

    def _soft_hyphens(self, text: str, *, ends_paragraph: bool = True) -> str:
        if not self.hyphenate:
            return text
        dic = hyphenator(self.lang)
        # The paragraph's last word stays whole: a last line of "ten." looks broken.
        end = last_word_start(text) if ends_paragraph else len(text)
        def breaks(m: re.Match[str]) -> str:
            # A name after a tied initial or particle ("Ó\xa0Súilleabháin") stays whole.
            if m.start() >= end or (m.start() and text[m.start() - 1] == "\xa0"):
                return m.group(0)
            return dic.inserted(m.group(0), hyphen="\xad")

        return _WORD.sub(breaks, text)

    def _fonted(self, text: str, missing: set[str] | None = None) -> str:
        """Escape text and wrap characters the family lacks in a fallback font (those
        no font has go to `missing`, else to the typesetter's missing_glyphs)."""
        out = []
        for run in split_runs(text, self.missing_glyphs if missing is None else missing,
                              self.fonts):
            piece = escape(run.text)
            out.append(piece if run.font is None else f'<font face="{run.font}">{piece}</font>')
        return "".join(out)

    def _prepare(self, text: str, *, hyphenate: bool = True, ends_paragraph: bool = True) -> str:
        # The same text set the same way by the last story (a watch rebuild, the next
        # layout): its markup, and the characters no font had, are the same.
        key = (text_key(text), hyphenate, ends_paragraph, self._setting())
        kept = _prepared.get(key)
        if kept is None:
            missing: set[str] = set()
            kept = (self._prepared(text, hyphenate, ends_paragraph, missing), frozenset(missing))
            _prepared.put(key, kept)
        self.missing_glyphs.update(kept[1])
        return kept[0]

    def _setting(self) -> int:
        """What sets a plain text besides the text (language, hyphenation, family), as a
        number the same for equal settings in every build of the process: hashing the
        family (its characters, its fallback chain) for every text cost more than
        typesetting short ones."""
        if self._setting_id is None:
            setting = (self.lang, self.hyphenate, self.fonts)
            self._setting_id = _settings.setdefault(setting, len(_settings))
        return self._setting_id

    def _prepared(self, text: str, hyphenate: bool, ends_paragraph: bool, missing: set[str]
                  ) -> str:
        text = self.typographic(text)
        if hyphenate:
            text = self._soft_hyphens(text, ends_paragraph=ends_paragraph)
        else:  # names, titles, labels: their lowercase particles are tied too
            text = tie_names(text, lowercase=True)
        return self._fonted(text, missing)

    def plain(self, text: str, *, hyphenate: bool = True) -> str:
        """Markup for a plain-text field: printed literally, nothing interpreted."""
        return self._prepare(_collapse(text), hyphenate=hyphenate)

    def heading(self, text: str, style: Any, width: float) -> str:
        """Markup for a heading: never hyphenated. A word wider than the line makes the
        heading smaller until it fits (down to HEADING_LEAST_SCALE of its size); only a
        word too wide even then is hyphenated."""
        # The same heading set the same way by the last story: the same markup and
        # missing characters.
        key = (text_key(text), style.fontName, style.fontSize, width, self._setting())
        kept = _headings.get(key)
        if kept is None:
            alone = dataclasses.replace(self, missing_glyphs=set())
            kept = (alone._heading(text, style, width), frozenset(alone.missing_glyphs))
            _headings.put(key, kept)
        self.missing_glyphs.update(kept[1])
        return kept[0]

    def _heading(self, text: str, style: Any, width: float) -> str:
        text = self.typographic(_collapse(text))
        widest = max((stringWidth(w, style.fontName, style.fontSize) for w in text.split()),
                     default=0.0)
        if widest <= width:
            return self._fonted(text)
        size = math.floor(style.fontSize * width / widest * 10) / 10
        if size >= style.fontSize * HEADING_LEAST_SCALE:
            return f'<font size="{size}">{self._fonted(text)}</font>'
        dic = hyphenator(self.lang) if self.hyphenate else None

        def fit(match: re.Match[str]) -> str:
            word = match.group(0)
            if dic and stringWidth(word, style.fontName, style.fontSize) > width:
                return dic.inserted(word, hyphen="\xad")
            return word

        return self._fonted(_WORD.sub(fit, text))

    def literal(self, text: str) -> str:
        """Markup for text that must print exactly as given (phones, URLs, codes)."""
        return self._fonted(_collapse(text))

    # -- rich text ----------------------------------------------------------
    def rich(self, text: str) -> list[str]:
        """Markup for each paragraph of a Markdown text (what its paragraphs print)."""
        return [self.inline(tokens) for tokens in paragraph_inlines(text)]

    def inline(self, tokens: Sequence[Token], *, hyphenate: bool = True) -> str:
        """Markup for one paragraph's inline tokens (markdown-it): escaped, typographic.

        Text between markup keeps the typography of plain text; the paragraph's last
        word is never hyphenated (no word is, without `hyphenate`: a heading); a spaced
        dash is bound to what precedes it, across markup.
        """
        # The same paragraph set the same way by the last story (a watch rebuild, the
        # next layout): its markup and the characters no font had are the same. The key
        # is what is read of each token below, and what sets it besides.
        key = (tuple((t.type, t.content, t.markup, _attr(t, "href"), _attr(t, "src"))
                     for t in tokens), hyphenate, self._setting(), self.link_colour,
               self.address_colour)
        kept = _inlines.get(key)
        if kept is None:
            alone = dataclasses.replace(self, missing_glyphs=set())
            kept = (alone._inline(tokens, hyphenate), frozenset(alone.missing_glyphs))
            _inlines.put(key, kept)
        self.missing_glyphs.update(kept[1])
        return kept[0]

    def _inline(self, tokens: Sequence[Token], hyphenate: bool) -> str:
        items: list[tuple[str, str]] = []  # ("text", plain) or ("markup", built here)
        links: list[tuple[bool, str, int]] = []  # open links: linked or as typed, url, start
        for token in tokens:
            kind = token.type
            if kind == "text":
                items.append(("text", token.content))
            elif kind == "softbreak":
                items.append(("text", " "))
            elif kind == "hardbreak":
                items.append(("markup", "<br/>"))
            elif kind in ("em_open", "em_close", "strong_open", "strong_close"):
                tag = "i" if kind.startswith("em") else "b"
                items.append(("markup", f"<{tag}>" if kind.endswith("open") else f"</{tag}>"))
            elif kind == "link_open":
                url = str(token.attrs.get("href", ""))
                safe = is_safe_url(url)
                links.append((safe, url, len(items)))
                items.append(("markup", self._link_open(url)) if safe else ("text", "["))
            elif kind == "link_close":
                safe, url, start = links.pop() if links else (True, "", len(items))
                items.append(("markup", "</a>") if safe else ("text", f"]({url})"))
                label = "".join(v for k, v in items[start + 1:-1] if k == "text")
                if safe and url:
                    items.append(("markup", self._address(label, url)))
            elif kind == "image":
                # An image amid text: the "!" and its address as a link, as format 1 printed it.
                src = str(token.attrs.get("src", ""))
                items.append(("text", "!"))
                if is_safe_url(src):
                    items += [("markup", self._link_open(src)), ("text", token.content),
                              ("markup", "</a>")]
                else:
                    items.append(("text", f"[{token.content}]({src})"))
            elif kind == "code_inline":  # code: as typed, no typography, never hyphenated
                items.append(("code", f"{token.markup}{token.content}{token.markup}"))
            else:  # anything else: as typed
                items.append(("text", f"{token.markup}{token.content}{token.markup}"))
        return self._render(_merged(_curled(items, self.lang)), hyphenate=hyphenate)

    def _render(self, items: list[tuple[str, str]], *, hyphenate: bool = True) -> str:
        last_text = max((i for i, (k, v) in enumerate(items) if k == "text" and v.strip()),
                        default=-1)
        out: list[str] = []
        in_link = 0
        for i, (kind, value) in enumerate(items):
            if kind == "code":
                out.append(self._fonted(_SPACES.sub(" ", value)))
                continue
            if kind == "markup":
                in_link += value.startswith("<a ") - (value == "</a>")
                out.append(value)
                continue
            value = _SPACES.sub(" ", value)
            if i and out and _LEADING_DASH.match(value):
                value = _LEADING_DASH.sub("\xa0", value)  # `*x* – y`: the dash stays on x's line
            value = bind_dashes(value)
            if in_link:
                # Linked words hyphenate like the rest: unbroken, they left loose lines.
                out.append(self._prepare(value, ends_paragraph=i >= last_text,
                                         hyphenate=hyphenate and not _ADDRESS.search(value)))
            else:
                out.append(self._emphasis(value, ends_paragraph=i >= last_text,
                                          hyphenate=hyphenate))
        return "".join(out)

    def _emphasis(self, text: str, *, ends_paragraph: bool, hyphenate: bool = True) -> str:
        out: list[str] = []
        position = 0
        for match in _EMPHASIS.finditer(text):
            out.append(self._prepare(text[position : match.start()], ends_paragraph=False,
                                     hyphenate=hyphenate))
            last = ends_paragraph and not text[match.end() :].strip()
            tag = "b" if match.group("strong") is not None else "i"
            inner = match.group("strong") if tag == "b" else match.group("em")
            inner = self._prepare(inner, ends_paragraph=last, hyphenate=hyphenate)
            out.append(f"<{tag}>{inner}</{tag}>")
            position = match.end()
        out.append(self._prepare(text[position:], ends_paragraph=ends_paragraph,
                                 hyphenate=hyphenate))
        return "".join(out)

    def _link_open(self, url: str) -> str:
        return f"<a href={quoteattr(url)} color={quoteattr(self.link_colour)}>"

    def _address(self, label: str, url: str) -> str:
        """What follows a link's text: on print its short address, unless the text says it."""
        if self.address_colour is None or names_its_address(label, url):
            return ""
        return (f" <font color={quoteattr(self.address_colour)}>"
                f"({self.literal(short_address(url))})</font>")

    def link(self, label: str, url: str) -> str:
        """A clickable link, or the literal source text when the URL is not http(s)/mailto."""
        if not is_safe_url(url):
            return self._prepare(f"[{label}]({url})", hyphenate=False)
        shown = self._prepare(label, hyphenate=not _ADDRESS.search(label))
        return f"{self._link_open(url)}{shown}</a>" + self._address(label, url)


def _attr(token: Token, name: str) -> str | None:
    value = token.attrs.get(name) if token.attrs else None
    return None if value is None else str(value)


def outline_text(markup: str) -> str:
    """The text a reader shows for markup (a bookmark): as printed, without tags or soft hyphens."""
    text = unescape(re.sub(r"<[^>]*>", "", markup))
    return " ".join(text.replace("\xad", "").split())


def last_word_start(text: str) -> int:
    r"""Where the text's last word begins (len(text) without a word): what
    re.search(r"\w+\W*$", text).start() finds, in linear time (that search is quadratic
    in the length of the paragraph: 50 ms for sixty abstracts)."""
    found = _LAST_WORD_REVERSED.match(text[::-1])
    return len(text) - found.end(1) if found else len(text)


def tie_names(text: str, *, lowercase: bool = False) -> str:
    """A no-break space after each initial and name particle before a capitalised word
    ("Zoë Ó\xa0Súilleabháin", "Bradley M.\xa0Kühn"); with `lowercase`, after "von",
    "van der" and the like too."""
    def tie(match: re.Match[str]) -> str:
        word = match.group(1)
        if lowercase and word in _LOWER_PARTICLES:
            return word + "\xa0"  # "von der Leyen": the particles go with the name
        if not text[match.end()].isupper():
            return match.group(0)
        initial = word[0].isupper() and (len(word) == 1 or word[1:] == ".")
        return word + "\xa0" if initial or word in _PARTICLES else match.group(0)

    return _SHORT_WORD_SPACE.sub(tie, text)


def bind_dashes(text: str) -> str:
    """A no-break space before each spaced dash, so that no line begins with one."""
    return _SPACE_BEFORE_DASH.sub("\xa0", text)


def _curled(items: list[tuple[str, str]], lang: str) -> list[tuple[str, str]]:
    """The paragraph's straight quotes made typographic across its markup, code untouched
    (a quote opened before `*` closes after it)."""
    if not any(k != "markup" and ('"' in v or "'" in v) for k, v in items):
        return items
    texts = [(k, v) for k, v in items if k != "markup"]
    curled_texts = iter(curled([(v, k == "text") for k, v in texts], lang))
    return [(k, v if k == "markup" else next(curled_texts)) for k, v in items]


def _merged(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Adjacent text items as one: typography and hyphenation see whole runs of text.

    Each run is joined once (adding item to item copied the run each time: quadratic in
    a paragraph of many `[` or unmatched `*`, which markdown-it leaves as separate texts).
    """
    runs: list[tuple[str, list[str]]] = []
    for kind, value in items:
        if kind == "text" and runs and runs[-1][0] == "text":
            runs[-1][1].append(value)
        else:
            runs.append((kind, [value]))
    return [(kind, "".join(values)) for kind, values in runs]


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()
