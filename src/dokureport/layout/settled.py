"""Layout: the page numbers a build settled on, kept in the process for the next build of
the same brochure (watch mode), which then settles in one pass when no page moved.

What is kept is only a first guess: the contents and the speaker index still check it
against the pages their pass reports, and ask for another pass when it was wrong, so the
output is the one a build without the guess reaches (their fixed point is unique: the
contents reserve their rows, and the index comes after every page it lists).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from reportlab.platypus.tableofcontents import TableOfContents

# A few brochures (targets, paper sizes) of one watched event; an API caller building
# many events in one process keeps no more than this.
_KEPT = 8
_settled: OrderedDict[tuple[Any, ...], list[Any]] = OrderedDict()


def indexing(story: list[Any]) -> list[Any]:
    """The story's flowables that settle page numbers: contents and speaker index."""
    return [f for f in story if hasattr(f, "isIndexing") and f.isIndexing()
            and (isinstance(f, TableOfContents) or hasattr(f, "settled_pages"))]


def seed(key: tuple[Any, ...], flowables: list[Any]) -> bool:
    """Give `flowables` the pages the last build with `key` settled on; False if none."""
    kept = _settled.get(key)
    if kept is None or len(kept) != len(flowables):
        return False
    for flowable, state in zip(flowables, kept, strict=True):
        if isinstance(flowable, TableOfContents):
            flowable._entries = list(state)  # reportlab's beforeBuild makes them the guess
        else:
            flowable.seed_pages(state)
    return True


def remember(key: tuple[Any, ...], flowables: list[Any]) -> None:
    """Keep what `flowables` settled on for the next build with `key`."""
    _settled[key] = [list(f._entries) if isinstance(f, TableOfContents)
                     else f.settled_pages() for f in flowables]
    _settled.move_to_end(key)
    while len(_settled) > _KEPT:
        _settled.popitem(last=False)


def forget() -> None:
    """Drop every kept guess (tests: a build as a fresh process makes it)."""
    _settled.clear()
