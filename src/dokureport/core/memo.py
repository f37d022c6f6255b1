"""What building a story computes from its input alone, kept for the next story: a watch
rebuild and the page planner's next layout compute only what changed.

Each StoryMemo holds what the last story and the one being built used: `next_story()`
(at the start of every story) drops what neither used, so a memo holds about two
stories' worth, however long a watch session runs.
"""

from __future__ import annotations

import hashlib
import weakref
from typing import Any

_memos: weakref.WeakSet[StoryMemo] = weakref.WeakSet()


class StoryMemo:
    """Values by key, for the story being built and the one before."""

    def __init__(self) -> None:
        self._kept: dict[Any, Any] = {}
        self._previous: dict[Any, Any] = {}
        _memos.add(self)

    def get(self, key: Any) -> Any:
        """The value kept for `key` (None if none): kept on for the next story too."""
        value = self._kept.get(key)
        if value is None:
            value = self._previous.pop(key, None)
            if value is not None:
                self._kept[key] = value
        return value

    def put(self, key: Any, value: Any) -> None:
        self._kept[key] = value

    def next_story(self) -> None:
        self._previous, self._kept = self._kept, {}

    def clear(self) -> None:
        self._kept.clear()
        self._previous.clear()


def text_key(text: str) -> bytes:
    """A text as a memo's key: its digest, not a second copy of a long text."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def next_story() -> None:
    """A story is about to be built: every memo forgets what the last two did not use."""
    for memo in list(_memos):
        memo.next_story()


def clear() -> None:
    """Every memo forgets everything (tests)."""
    for memo in list(_memos):
        memo.clear()


def kept() -> int:
    """How many values every memo keeps, for the story being built and the one before."""
    return sum(len(memo._kept) + len(memo._previous) for memo in list(_memos))
