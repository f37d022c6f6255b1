"""Markdown (CommonMark with tables) parsed: paragraphs' inline tokens, images and links.

The one parser of intro, abstracts, video descriptions and chapters. Validation reads
their references here; the typesetter and the layout read the same tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.token import Token

from dokureport.core.memo import StoryMemo, text_key
from dokureport.event.textmemo import TextMemo

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

# A table has at most this many columns: validation refuses a wider one. At 12, every
# column keeps 2 em of 7 pt type (the table's smallest size: three digits) beside its
# padding on A5 in each bundled theme, the narrowest frame being classic's (300 pt);
# the layout sets a table that needs it in smaller type (docs/contents.md).
MAX_TABLE_COLUMNS = 12


@cache
def parser() -> MarkdownIt:
    """CommonMark plus tables; raw HTML off, and `&amp;` stays as typed (format 1 did so)."""
    return MarkdownIt("commonmark", {"html": False}).enable("table").disable("entity")


# Each text's tokens, for validation and the layout of this build and the next (a watch
# rebuild parses only the texts that changed): read, never changed.
_tokens = StoryMemo()


def parsed(text: str) -> list[Token]:
    """The tokens of a Markdown text (shared: read them, never change them)."""
    key = text_key(text)
    tokens = _tokens.get(key)
    if tokens is None:
        tokens = parser().parse(text)
        _tokens.put(key, tokens)
    return tokens


def paragraph_inlines(text: str) -> list[list[Token]]:
    """The inline tokens of every paragraph of text, at any depth."""
    return [list(t.children or []) for t in _inline_tokens(text)]


def printed_paragraphs(text: str) -> list[tuple[int, str]]:
    """Each paragraph, heading and code block of text as it prints (its text, without
    markup), with the 0-based line it starts on: what the size limits measure. Table
    cells are not paragraphs here."""
    found = []
    tokens = parsed(text)
    for before, token in zip([None, *tokens], tokens, strict=False):
        if token.type in ("fence", "code_block"):
            found.append((token.map[0] if token.map else 0, token.content))
            continue
        if token.type != "inline" or before is None or before.type not in (
                "paragraph_open", "heading_open"):
            continue
        printed = "".join(" " if child.type in ("softbreak", "hardbreak") else child.content
                          for child in token.children or [])
        found.append((token.map[0] if token.map else 0, printed))
    return found


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_TABLE_ROW = re.compile(r"[ \t]*\|")


def typed_paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(0-based line, length) of each run of lines up to a blank line, as typed, table rows
    left out: what a paragraph can be at most, found without parsing (linear time)."""
    line = 0
    for block in _BLANK_LINE.split(text):
        rows = block.split("\n")
        yield line, sum(len(row) + 1 for row in rows if not _TABLE_ROW.match(row))
        line += len(rows) + 1


def _inline_tokens(text: str) -> Iterator[Token]:
    tokens = parsed(text)
    for before, token in zip([None, *tokens], tokens, strict=False):
        if token.type == "inline" and before is not None and before.type == "paragraph_open":
            yield token


@dataclass(frozen=True)
class Reference:
    """An image or link target in a text, and the 0-based line of the text it is on."""

    kind: str  # "image" or "link"
    target: str
    line: int
    text: str  # alt text or label


_references = TextMemo()
_tables = TextMemo()


def references(text: str) -> list[Reference]:
    """Every image and link of a Markdown text, for validation (files, safe links); shared:
    read it, never change it."""
    return _references.get(text, lambda: _find_references(text))


def _find_references(text: str) -> list[Reference]:
    found = []
    for token in parsed(text):
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] if token.map else 0
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "image":
                found.append(Reference("image", str(child.attrs.get("src", "")), line,
                                       child.content))
            elif child.type == "link_open":
                found.append(Reference("link", str(child.attrs.get("href", "")), line, ""))
    return found


@dataclass(frozen=True)
class TableShape:
    """A table in a text: the 0-based line of its header row, and its number of columns."""

    line: int
    columns: int


def tables(text: str) -> list[TableShape]:
    """Every table of a Markdown text, at any depth, for validation (its width); shared:
    read it, never change it."""
    return _tables.get(text, lambda: _find_tables(text))


def _find_tables(text: str) -> list[TableShape]:
    found = []
    start, columns = 0, 0
    for token in parsed(text):
        if token.type == "table_open":
            start, columns = (token.map[0] if token.map else 0), 0
        elif token.type == "th_open":
            columns += 1
        elif token.type == "thead_close":
            found.append(TableShape(start, columns))
    return found


def is_local_image(src: str) -> bool:
    """Whether an image names a file (inside the event folder), not a web address."""
    return bool(src) and not _SCHEME.match(src) and not src.startswith("//")


class TypedLink(NamedTuple):
    """A `[label](target …)` as typed in a text: where it is, its label and its target."""

    start: int
    end: int
    label: str
    target: str


_TARGET = re.compile(r"\s*([^)\s]*)")


def typed_links(text: str) -> Iterator[TypedLink]:
    r"""Every `[label](target …)` in text, left to right: what
    re.finditer(r"\[([^\]\n]*)\]\(\s*([^)\s]*)[^)]*\)", text) finds, in linear time.

    That regular expression tries every `[` and scans on from each to the next `]`
    and then to the next `)`: quadratic in the length of a text of many `[` or `](`
    with no `)` (100 s for 32,000 brackets). Here each character is looked at a bounded
    number of times: a link's label starts at the first `[` before the first `](` that no `]`
    or line break separates from it, and its end is the first `)` after that.
    """
    position = 0
    while True:
        opening = text.find("](", position)
        if opening < 0:
            return
        # The label cannot hold `]` or a line break: it starts after the last of them.
        after = max(text.rfind("]", position, opening), text.rfind("\n", position, opening))
        start = text.find("[", max(after + 1, position), opening)
        if start < 0:
            position = opening + 1
            continue
        end = text.find(")", opening + 2)
        if end < 0:
            return  # no `)` anywhere after: no link can close
        target = _TARGET.match(text, opening + 2, end)
        assert target is not None  # matches the empty string
        yield TypedLink(start, end + 1, text[start + 1 : opening], target[1])
        position = end + 1
