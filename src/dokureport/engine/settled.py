"""Layout: the page numbers a build settled on, kept for the next build of the same
brochure, which then settles in one pass when no page moved: in the process (watch mode)
and in the cache folder (the edit loop of one-shot builds).

What is kept is only a first guess: the contents and the speaker index still check it
against the pages their pass reports, and ask for another pass when it was wrong, so the
output is the one a build without the guess reaches (their fixed point is unique: the
contents reserve their rows, and the index comes after every page it lists).
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

from reportlab.platypus.tableofcontents import TableOfContents

from dokureport.core import plain_cache

# A few brochures (targets, paper sizes) of one watched event; an API caller building
# many events in one process keeps no more than this.
_KEPT = 8
_settled: OrderedDict[tuple[Any, ...], list[Any]] = OrderedDict()


def indexing(story: list[Any]) -> list[Any]:
    """The story's flowables that settle page numbers: contents and speaker index."""
    return [f for f in story if hasattr(f, "isIndexing") and f.isIndexing()
            and (isinstance(f, TableOfContents) or hasattr(f, "settled_pages"))]


def prints_itself(flowable: Any) -> bool:
    """Whether `flowable` (`indexing`'s) prints its page numbers itself, as the contents
    and the speaker index do, not in flowables after it (the agenda's references)."""
    return isinstance(flowable, TableOfContents) or getattr(flowable, "prints_itself", False)


# In the cache folder: one small file per brochure (paper, target, contents entries).
_FOLDER = "settled-v1"
_FILES_KEPT = 64


def _file(cache_dir: Path, key: tuple[Any, ...]) -> Path:
    return cache_dir / _FOLDER / f"{hashlib.sha256(repr(key).encode()).hexdigest()}.pickle"


def _plausible(kept: Any, flowables: list[Any]) -> bool:
    """Whether `kept` has the shape `remember` gives (a file may be damaged or foreign)."""
    if not isinstance(kept, list) or len(kept) != len(flowables):
        return False
    for flowable, state in zip(flowables, kept, strict=True):
        if isinstance(flowable, TableOfContents):
            if not (isinstance(state, list) and all(
                    isinstance(entry, tuple) and len(entry) == 4
                    and type(entry[0]) is int and isinstance(entry[1], str)
                    and type(entry[2]) is int and isinstance(entry[3], str | None)
                    for entry in state)):
                return False
        elif not (isinstance(state, dict) and all(
                isinstance(name, str) and type(page) is int for name, page in state.items())):
            return False
    return True


def _from_disk(cache_dir: Path, key: tuple[Any, ...]) -> Any:
    found = plain_cache.load(_file(cache_dir, key))
    # The key itself is kept in the file: a name shared by two keys never mixes them.
    if isinstance(found, tuple) and len(found) == 2 and found[0] == key:
        return found[1]
    return None


def seed(key: tuple[Any, ...], flowables: list[Any], cache_dir: Path | None = None,
         like: tuple[Any, ...] | None = None) -> bool:
    """Give `flowables` the pages the last build with `key` settled on (in this process,
    else in `cache_dir`), or else the last one in this process remembered `like`; False
    if none."""
    kept = _settled.get(key)
    if kept is None and cache_dir is not None:
        kept = _from_disk(cache_dir, key)
    if kept is None and like is not None:
        kept = _settled.get(like)
    if not _plausible(kept, flowables):
        return False
    for flowable, state in zip(flowables, kept, strict=True):
        if isinstance(flowable, TableOfContents):
            flowable._entries = list(state)  # reportlab's beforeBuild makes them the guess
        else:
            flowable.seed_pages(state)
    return True


def states(flowables: list[Any]) -> list[Any]:
    """What `flowables` (`indexing`'s) settled on: contents entries, talks' pages."""
    return [[tuple(entry) for entry in f._entries] if isinstance(f, TableOfContents)
            else f.settled_pages() for f in flowables]


def printed(flowables: list[Any]) -> list[Any]:
    """What `flowables` (`indexing`'s) print in the layout pass that is beginning (once
    reportlab's beforeBuild made the last pass's reports, or the seed, theirs to print):
    the contents' rows as drawn (a grouped talk's title is not), the talks' pages."""
    return _as_drawn(flowables, "_lastEntries", "printed_pages")


def reported(flowables: list[Any]) -> list[Any]:
    """What `flowables` (`indexing`'s) heard in the pass just laid out, as `printed` reads
    what they print: what the next pass prints, and the last pass printed if it was
    satisfied."""
    return _as_drawn(flowables, "_entries", "settled_pages")


def _as_drawn(flowables: list[Any], entries: str, pages: str) -> list[Any]:
    out: list[Any] = []
    for flowable in flowables:
        if isinstance(flowable, TableOfContents):
            rows = getattr(flowable, entries)
            shown = getattr(flowable, "shown", None)
            out.append([tuple(row) for row in (shown(rows) if shown is not None else rows)])
        else:
            out.append(getattr(flowable, pages)())
    return out


def heard_nothing(flowables: list[Any]) -> None:
    """Forget what `flowables` (`indexing`'s) heard of the pass so far: it is laid out
    again from its start, and every page reports anew (what they print stays)."""
    for flowable in flowables:
        if isinstance(flowable, TableOfContents):
            flowable.clearEntries()
        else:
            flowable._seen = {}


def remember(key: tuple[Any, ...], flowables: list[Any], cache_dir: Path | None = None,
             like: tuple[Any, ...] | None = None) -> None:
    """Keep what `flowables` settled on for the next build with `key` (or `like` it), in
    this process, and with `key` in `cache_dir` (the newest few brochures' there)."""
    state = states(flowables)
    for name in (key, like) if like is not None else (key,):
        _settled[name] = state
        _settled.move_to_end(name)
    while len(_settled) > 2 * _KEPT:
        _settled.popitem(last=False)
    if cache_dir is not None and _from_disk(cache_dir, key) != state:
        path = _file(cache_dir, key)
        plain_cache.store(path, (key, state))
        _prune(path.parent)


def _prune(folder: Path) -> None:
    """Keep the newest _FILES_KEPT guesses: each edit of a heading makes a new one."""
    try:
        with os.scandir(folder) as entries:
            files = [(entry.stat().st_mtime_ns, entry.path) for entry in entries
                     if entry.name.endswith(".pickle")]
        for _, path in sorted(files)[:-_FILES_KEPT]:
            os.unlink(path)
    except OSError:
        pass  # a cache only ever saves time


def forget() -> None:
    """Drop every kept guess (tests: a build as a fresh process makes it)."""
    _settled.clear()
