"""Sizes: no word, paragraph, title or label longer than a brochure can set.

The limits (`dokureport.core.limits`, documented in docs/validation.md) keep the time a
build takes about proportional to the size of its texts: page layout breaks a paragraph
again on every page it continues on and a word wider than a line letter by letter.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dokureport.core.limits import MAX_PARAGRAPH, MAX_PARAGRAPH_TYPED, MAX_TITLE, MAX_WORD
from dokureport.event.load import KeyPath
from dokureport.event.markdown import printed_paragraphs, typed_paragraphs
from dokureport.validate.state import State, get, items, rich_texts
from dokureport.validate.text import text_problem

# Keys whose value is an address or a file name: checked as links and files, not as words.
_ADDRESSES = frozenset({"url", "slides", "email", "file", "logo", "photo", "theme"})
# Keys checked elsewhere: labels by design.checks (MAX_LABEL), the theme by the theme.
_ELSEWHERE = frozenset({"labels", "theme"})
_TITLES = frozenset({"title", "subtitle"})
CODE = "too-long"


def longest_word(text: str) -> int:
    """The length of text's longest run of characters without a space (linear time)."""
    return max(map(len, text.split()), default=0)


def check_sizes(state: State, data: dict[str, Any]) -> None:
    """Every text within the limits: Markdown texts paragraph by paragraph, others whole."""
    rich = {*rich_texts(data), *(("chapters", i, "text") for i, _ in items(data.get("chapters")))}
    for path in sorted(rich, key=str):
        text = get(data, path)
        if isinstance(text, str):
            _check_markdown(state, path, text)
    _check_plain(state, data, (), rich)


def _check_markdown(state: State, path: KeyPath, text: str) -> None:
    for line, typed in typed_paragraphs(text):
        if typed > MAX_PARAGRAPH_TYPED:
            # Refused unparsed: parsing 5 MB of `*` or `[` takes Markdown parsers a while.
            why = (f"too long: a paragraph of {typed:,} characters as typed (at most "
                   f"{MAX_PARAGRAPH_TYPED:,} with its Markdown: split it with a blank line)")
            state.errors.append(replace(text_problem(state, path, text, line, why), code=CODE))
            state.oversized.add(path)
            return
    for line, printed in printed_paragraphs(text):
        why = _too_long(printed, MAX_PARAGRAPH, "a paragraph", "split it with a blank line")
        if why:
            state.errors.append(replace(text_problem(state, path, text, line, why), code=CODE))


def _check_plain(state: State, value: Any, path: KeyPath, rich: set[KeyPath]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in _ELSEWHERE or path:
                _check_plain(state, item, (*path, key), rich)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_plain(state, item, (*path, i), rich)
    elif isinstance(value, str) and path not in rich:
        key = path[-1] if path else ""
        if key in _ADDRESSES:
            return
        limit, what, hint = ((MAX_TITLE, "a title", "shorten it") if key in _TITLES
                             else (MAX_PARAGRAPH, "a text", "shorten it"))
        why = _too_long(value, limit, what, hint)
        if why:
            state.error(path, why, code=CODE)


def _too_long(text: str, limit: int, what: str, hint: str) -> str | None:
    """What is too long in text, or None."""
    if len(text) > limit:
        return f"too long: {what} of {len(text):,} characters (at most {limit:,}: {hint})"
    longest = longest_word(text)
    if longest > MAX_WORD:
        return (f"too long: a word of {longest:,} characters without a space "
                f"(at most {MAX_WORD:,})")
    return None
