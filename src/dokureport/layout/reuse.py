"""Layout stage: the flowables a watch session's story made of an input, handed as they
are to the next story that makes them of an equal input (a rebuild after an edit, the
page planner's next layout), instead of made anew.

reportlab lays the same flowable objects out again in every pass of a layout, so a
flowable can be laid out again; layout.restart keeps the digest it took of each when it
was new. A one-shot build (restart.keeping() false) keeps nothing here.

What an entry is made of is its key, with the context's setting (`setting`): theme,
options, fonts, language, geometry. Made anew, never kept, is whatever holds what the
next story must not share: the photo preparer's requests (a build's own), a typesetter or
a context other than the one it was made with (which is set to the next story's).
"""

from __future__ import annotations

import functools
import hashlib
import types
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable

from dokureport.core.memo import StoryMemo
from dokureport.layout import restart
from dokureport.layout.context import LayoutContext, PassImages
from dokureport.text.typesetter import Typesetter

_PLAIN = frozenset({str, int, float, bool, bytes, type(None)})
_DEPTH = 16
_made = StoryMemo()
# Entries made and entries handed over, this process (tests, benchmarks).
counts = {"made": 0, "reused": 0}


@dataclass(frozen=True)
class _Entry:
    flowables: tuple[Flowable, ...]
    # (object, attribute): where a flowable holds the context it was made with.
    holders: tuple[tuple[Any, str], ...]


def made(ctx: LayoutContext, key: Hashable, make: Callable[[], list[Flowable]]
         ) -> list[Flowable]:
    """`make()`'s flowables, or, in a watch session, the ones an earlier story's `make`
    gave for an equal `key` in an equal setting (what they hold of the context it was
    made with then holds `ctx`)."""
    if not restart.keeping():
        return make()
    full = _Key((setting(ctx), key))
    entry = _made.get(full)
    if entry is not None:
        for holder, name in entry.holders:
            setattr(holder, name, ctx)
        counts["reused"] += 1
        return list(entry.flowables)
    before, glyphs = ctx.images.submitted, len(ctx.text.missing_glyphs)
    out = make()
    counts["made"] += 1
    if ctx.images.submitted != before or len(ctx.text.missing_glyphs) != glyphs:
        # Photos are requested of this build's preparer; characters no font has are
        # reported by the making (a build with them is never taken over anyway).
        return out
    holders = _holders(out, ctx)
    if holders is not None:
        _made.put(full, _Entry(tuple(out), holders))
    return out


class _Key:
    """A key hashed once (a talk's hash walks all its fields, and a memo asks twice)."""

    __slots__ = ("hash", "value")

    def __init__(self, value: Hashable) -> None:
        self.value = value
        self.hash = hash(value)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self.hash == other.hash and self.value == other.value


def forget() -> None:
    """Keep no entry (a build whose story reported characters no font has: the next one
    makes every flowable anew, and reports them again)."""
    _made.clear()


_SETTING = "_dokureport_reuse_setting"


def setting(ctx: LayoutContext) -> bytes:
    """What of the context a section's flowables may be made of, beyond the event's data:
    equal settings make equal flowables of equal data."""
    # Taken once per context (a copy for columns or a language has its own geometry or
    # typesetter, and takes its own).
    kept = ctx.__dict__.get(_SETTING)
    if kept is not None and kept[0] is ctx.geometry and kept[1] is ctx.text:
        return kept[2]  # type: ignore[no-any-return]
    # A digest: each key compares it with the last story's.
    value = hashlib.blake2b(repr((
        restart.fingerprint(ctx.design), ctx.options, ctx.fonts, ctx.geometry, ctx.text.lang,
        ctx.event.lang, ctx.event.labels, ctx.build_date, len(ctx.event.talks), ctx.columns,
        ctx.profile)).encode(), digest_size=16).digest()
    ctx.__dict__[_SETTING] = (ctx.geometry, ctx.text, value)
    return value


def _holders(flowables: list[Flowable], ctx: LayoutContext
             ) -> tuple[tuple[Any, str], ...] | None:
    """Where the flowables hold `ctx`; None when they hold what must not be shared with a
    later story (another context, a typesetter, the images, a function's closure)."""
    found: list[tuple[Any, str]] = []
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(f, 0) for f in flowables]
    while stack:
        value, depth = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if depth > _DEPTH:
            return None
        if isinstance(value, LayoutContext | PassImages | Typesetter):
            return None
        if isinstance(value, types.FunctionType):
            if value.__closure__:
                return None
            continue
        if isinstance(value, types.MethodType | functools.partial):
            return None
        if isinstance(value, list | tuple | set | frozenset):
            stack += [(v, depth + 1) for v in value if type(v) not in _PLAIN]
            continue
        if isinstance(value, dict):
            stack += [(v, depth + 1) for v in (*value.keys(), *value.values())
                      if type(v) not in _PLAIN]
            continue
        attrs = getattr(value, "__dict__", None)
        if attrs is None:
            continue
        for name, part in attrs.items():
            if part is ctx:
                found.append((value, name))
            elif type(part) not in _PLAIN:
                stack.append((part, depth + 1))
    return tuple(found)

