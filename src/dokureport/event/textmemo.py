"""Validation's per-text results (a Markdown text's sizes, its references, a text's longest
word), kept from one read of event.yaml to the next in watch mode: an edit of one talk
computes them again for that talk's texts only.

Inactive unless `event.reload` keeps reads (watch mode): a one-shot build keeps nothing.
Each memo holds what the last read's validation and the current one used, keyed by the
text itself (the same string objects from one read to the next: their hash is cached).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_memos: weakref.WeakSet[TextMemo] = weakref.WeakSet()
# Read by the memos' users before they make a call to `get` (a one-shot validation makes
# tens of thousands of these calls, and pays nothing for them).
active = False


class TextMemo:
    """A function's results by text, for this read and the one before."""

    def __init__(self) -> None:
        self._kept: dict[Any, Any] = {}
        self._previous: dict[Any, Any] = {}
        _memos.add(self)

    def get(self, key: Any, compute: Callable[[], T]) -> T:
        """The result kept for key, else compute()'s (kept when a session keeps reads)."""
        if not active:
            return compute()
        try:
            return self._kept[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        value = self._previous.pop(key, _MISSING)
        if value is _MISSING:
            value = compute()
        self._kept[key] = value
        return value  # type: ignore[no-any-return]

    def next_read(self) -> None:
        self._previous, self._kept = self._kept, {}

    def clear(self) -> None:
        self._kept.clear()
        self._previous.clear()


_MISSING = object()


def activate(on: bool) -> None:
    """Whether memos keep results (watch mode); switched off, they forget everything."""
    global active
    active = on
    if not on:
        for memo in list(_memos):
            memo.clear()


def next_read() -> None:
    """event.yaml is read again: every memo forgets what the read before last used."""
    for memo in list(_memos):
        memo.next_read()
