"""Which input key each flowable shows, so a layout failure names the user's content."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

KeyPath = tuple[str | int, ...]

_ATTRIBUTE = "dokureport_source"

F = TypeVar("F")


def from_key(flowables: list[F], path: KeyPath) -> list[F]:
    """Mark flowables as showing the value at `path`; an inner, finer mark wins."""
    for flowable in flowables:
        if getattr(flowable, _ATTRIBUTE, None) is None:
            setattr(flowable, _ATTRIBUTE, path)
    return flowables


def key_of(flowable: Any) -> KeyPath | None:
    """The key path a flowable was marked with (see from_key), or None."""
    return getattr(flowable, _ATTRIBUTE, None)


def keys(flowables: Iterable[Any]) -> list[KeyPath]:
    return [k for k in (key_of(f) for f in flowables) if k is not None]
