"""Sizes: which texts of an event are longer than a brochure can set, by the limits.

One rule for `validate` (which reports each problem at its key or Markdown line) and for
`import` (which writes nothing a later `validate` would refuse). The limits are
`dokureport.core.limits`; docs/validation.md gives them with their reasons.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dokureport.core.limits import MAX_PARAGRAPH, MAX_PARAGRAPH_TYPED, MAX_TITLE, MAX_WORD
from dokureport.event import textmemo
from dokureport.event.load import KeyPath
from dokureport.event.markdown import printed_paragraphs, typed_paragraphs

# Keys whose value is an address or a file name: checked as links and files, not as words.
ADDRESSES = frozenset({"url", "slides", "email", "file", "logo", "photo", "theme"})
# Keys checked elsewhere: labels by design.checks (MAX_LABEL), the theme by the theme.
ELSEWHERE = frozenset({"labels", "theme"})
TITLES = frozenset({"title", "subtitle"})
CODE = "too-long"


@dataclass(frozen=True)
class Oversize:
    """One text beyond a limit: where (a Markdown text's 0-based line, or None), and why."""

    path: KeyPath
    line: int | None
    message: str
    unparsed: bool = False  # refused before its Markdown was parsed


def rich_texts(data: dict[str, Any]) -> list[KeyPath]:
    """The key paths of the Markdown texts written in event.yaml itself (not chapters)."""
    texts: list[KeyPath] = [("intro",)]
    texts += [("talks", i, "abstract") for i, _ in items(data.get("talks"))]
    texts += [("videos", i, "description") for i, _ in items(data.get("videos"))]
    return texts


_longest = textmemo.TextMemo()
_markdown = textmemo.TextMemo()


def longest_word(text: str) -> int:
    """The length of text's longest run of characters without a space (linear time)."""
    if not textmemo.active:
        return max(map(len, text.split()), default=0)
    return _longest.get(text, lambda: max(map(len, text.split()), default=0))


def too_long(text: str, limit: int, what: str, hint: str) -> str | None:
    """What is too long in text, or None."""
    if len(text) > limit:
        return f"too long: {what} of {len(text):,} characters (at most {limit:,}: {hint})"
    longest = longest_word(text)
    if longest > MAX_WORD:
        return (f"too long: a word of {longest:,} characters without a space "
                f"(at most {MAX_WORD:,})")
    return None


def markdown_oversizes(path: KeyPath, text: str) -> Iterator[Oversize]:
    """A Markdown text paragraph by paragraph: as typed first, then as it prints."""
    for found in _markdown.get(text, lambda: list(_markdown_oversizes((), text))):
        yield Oversize(path, found.line, found.message, found.unparsed)


def _markdown_oversizes(path: KeyPath, text: str) -> Iterator[Oversize]:
    for line, typed in typed_paragraphs(text):
        if typed > MAX_PARAGRAPH_TYPED:
            # Refused unparsed: parsing 5 MB of `*` or `[` takes Markdown parsers a while.
            yield Oversize(path, line, f"too long: a paragraph of {typed:,} characters as "
                           f"typed (at most {MAX_PARAGRAPH_TYPED:,} with its Markdown: split "
                           "it with a blank line)", unparsed=True)
            return
    for line, printed in printed_paragraphs(text):
        why = too_long(printed, MAX_PARAGRAPH, "a paragraph", "split it with a blank line")
        if why:
            yield Oversize(path, line, why)


def plain_oversizes(value: Any, rich: set[KeyPath], path: KeyPath = ()) -> Iterator[Oversize]:
    """Every text of value that is not Markdown (not in `rich`), whole: titles by their
    limit, other texts by a paragraph's."""
    stack: list[tuple[KeyPath, Any]] = [(path, value)]
    while stack:  # depth first, in document order, without recursion
        at, item = stack.pop()
        if isinstance(item, dict):
            stack.extend(reversed([((*at, key), inner) for key, inner in item.items()
                                   if key not in ELSEWHERE or at]))
        elif isinstance(item, list):
            stack.extend(reversed([((*at, i), inner) for i, inner in enumerate(item)]))
        elif isinstance(item, str) and at not in rich:
            key = at[-1] if at else ""
            if key in ADDRESSES:
                continue
            limit, what = (MAX_TITLE, "a title") if key in TITLES else (MAX_PARAGRAPH, "a text")
            why = too_long(item, limit, what, "shorten it")
            if why:
                yield Oversize(at, None, why)


def oversizes(data: dict[str, Any]) -> Iterator[Oversize]:
    """Every text of an event's data beyond a limit: its Markdown, then the rest."""
    rich = {*rich_texts(data), *(("chapters", i, "text") for i, _ in items(data.get("chapters")))}
    for path in sorted(rich, key=str):
        text = get(data, path)
        if isinstance(text, str):
            yield from markdown_oversizes(path, text)
    yield from plain_oversizes(data, rich)


def get(data: Any, path: KeyPath) -> Any:
    """The value at path in data, or None where the path leads nowhere."""
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mappings of a list with their places (nothing if it is no list)."""
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]
