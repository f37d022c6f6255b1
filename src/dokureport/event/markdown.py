"""Markdown (CommonMark with tables) parsed: paragraphs' inline tokens, images and links.

The one parser of intro, abstracts, video descriptions and chapters. Validation reads
their references here; the typesetter and the layout read the same tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

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


def paragraph_inlines(text: str) -> list[list[Token]]:
    """The inline tokens of every paragraph of text, at any depth."""
    return [list(t.children or []) for t in _inline_tokens(text)]


def _inline_tokens(text: str) -> Iterator[Token]:
    tokens = parser().parse(text)
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


def references(text: str) -> list[Reference]:
    """Every image and link of a Markdown text, for validation (files, safe links)."""
    found = []
    for token in parser().parse(text):
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
    """Every table of a Markdown text, at any depth, for validation (its width)."""
    found = []
    start, columns = 0, 0
    for token in parser().parse(text):
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
