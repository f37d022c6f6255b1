"""Layout stage: where each page of a layout began (its page ledger), kept between the
builds of a watch session, and where a rebuild's pages part from the last build's and
settle back into them: the pages a restartable layout would have to lay out again.

A page is what the layout did to the story from the state the page began in, so two
builds lay a page out alike when both began it at the same place of equal stories in
equal states. What that state holds and the ledger records per page start:

- the story position: the index of the whole flowable that begins the page (a page that
  begins with the rest of a split flowable has none, and is no place to settle);
- each TrueType font's glyphs numbered so far: reportlab numbers a subset's glyphs in
  order of first use over the document, append-only, so this is a prefix of the final
  numbering, and a page's content stream depends on it;
- the PDF objects referenced so far (annotations, images, pages), and the page template.

A story flowable's digest covers what it was given (its text, style, cells, seeded page
numbers), not what a pass made of it; a flowable the digest cannot see through (an
object it does not know) has none, and no page behind it settles.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import types
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from dokureport.engine import splice

# Attributes a pass adds or that point outside the story (the layout context, the image
# preparer, the canvas): none is what a flowable was given.
_DERIVED = frozenset({
    "_showBoundary", "_traceInfo", "ctx", "images", "canv", "_frame", "blPara", "_table",
    "_tables", "_lastEntries", "_rows", "_page_numbers", "wrapped", "_splitpara",
    "_width", "_height", "_wrapWidth", "_wrapHeight", "_fixedWidth", "_fixedHeight",
    # The page numbers the contents, the agenda and the index print: a layout's
    # cross-references (`references`), compared as a whole.
    "_seen", "_pages", "_entries",
    # A paragraph's fragments are its text parsed in its style (both digested), and what
    # breaking its lines leaves on it (engine.linebreaks keeps more, as `_dokureport_…`).
    "frags", "_hyphenations", "_width_max", "_splitLongWordCount",
})
_DERIVED_PREFIX = "_dokureport_"
_PLAIN = (str, int, float, bool, bytes, type(None))
# Exactly these types (no subclass) are written as their repr without a call of
# `_canonical` (most of a story's values: a large programme's digests took a tenth of a
# rebuild); anything else goes through it, to the same text.
_PLAIN_TYPES = frozenset(_PLAIN)
_DEPTH = 12

# The last ledger of each brochure (paper, target, page plan) of this process.
_KEPT = 8
_ledgers: OrderedDict[tuple[Any, ...], Ledger] = OrderedDict()
_keeping = False
# Pages laid out in this process, every pass of every layout counted (see `pages_laid_out`).
_laid_out = 0
# The comparisons of this process's layouts with their brochure's last, newest last.
comparisons: list[Comparison] = []


@dataclass(frozen=True, slots=True)
class PageStart:
    """The state a page of a layout began in."""

    page: int
    position: int | None  # the story index of the whole flowable the page begins with
    # Each TrueType font's glyphs numbered so far: how many, and a digest of their order.
    glyphs: tuple[tuple[str, int, bytes], ...]
    objects: int  # PDF objects referenced so far
    template: str
    names: int = 0  # PDF objects named so far (engine.splice)
    state: bytes = b""  # a digest of the rest of the state a page begins in (`Recorder`)
    # How long the layout's records were (notes, section starts, photos placed, warnings):
    # what a layout that takes the pages from here on takes of them.
    marks: tuple[int, ...] = ()
    # The state itself, where a layout restarted at this page sets it again.
    raw: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Ledger:
    """One layout's story digests, the page each story flowable was placed on, and each
    page's start."""

    digests: tuple[bytes | None, ...]
    placed: tuple[int, ...]  # per story flowable: the page it began on (0: not placed)
    pages: tuple[PageStart, ...]
    references: bytes = b""  # the page numbers the brochure prints (`references`)

    def suffix(self, position: int) -> bytes | None:
        """The digest of the story from `position` on (None: part of it has none)."""
        return _suffixes(self.digests)[position]


@dataclass(frozen=True)
class Comparison:
    """A layout against the last one of the same brochure in this process."""

    pages: int  # the new layout's pages
    first_changed: int | None  # the first page that may differ (None: none does)
    settled: int | None  # the first page from which it is the last layout's again

    @property
    def to_lay_out(self) -> int:
        """How many pages a layout restarted at `first_changed` would lay out before its
        page breaks settle back into the last layout's (all the rest without a settle)."""
        if self.first_changed is None:
            return 0
        end = self.settled if self.settled is not None else self.pages + 1
        return end - self.first_changed


@dataclass
class Recorder:
    """Records one layout pass's ledger while reportlab lays the story out."""

    story: list[Any]
    digests: tuple[bytes | None, ...]
    placed: list[int] = field(default_factory=list)
    pages: list[PageStart] = field(default_factory=list)
    page_open: bool = False
    numbered: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    # Per page: the open sections of the structure tree, each with its kids so far.
    spines: dict[int, tuple[tuple[Any, int], ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, story: list[Any], digests: tuple[bytes | None, ...]) -> Recorder:
        return cls(story=list(story), digests=digests, placed=[0] * len(story))

    def begin_page(self) -> None:
        self.page_open = True

    def flowable(self, queue: list[Any], page: int, canvas: Any, template: str,
                 state: Any = None, marks: tuple[int, ...] = (),
                 spine: tuple[tuple[Any, int], ...] = (), raw: tuple[Any, ...] = ()
                 ) -> PageStart | None:
        """`queue` (what is left of the story) is about to be laid out on `page`; the
        page's start when it begins there."""
        if not queue:
            return None
        at = len(self.story) - len(queue)
        whole = 0 <= at < len(self.story) and queue[0] is self.story[at]
        if whole:
            self.placed[at] = page
        if not self.page_open:
            return None
        self.page_open = False
        start = PageStart(page=page, position=at if whole else None,
                          glyphs=self._glyphs(canvas), objects=splice.objects(canvas)[0],
                          template=template, names=splice.objects(canvas)[1],
                          state=hashlib.blake2b(repr(state).encode(), digest_size=16).digest(),
                          marks=marks, raw=raw)
        self.pages.append(start)
        self.spines[page] = spine
        return start

    def _glyphs(self, canvas: Any) -> tuple[tuple[str, int, bytes], ...]:
        """Each font's glyph numbering so far, its digest carried on from page to page
        (the numbering only ever grows at its end)."""
        out = []
        for name, assignments in splice.glyph_numbering(canvas):
            count, digest = self.numbered.get(name, (0, b""))
            if len(assignments) != count:
                added = "".join(chr(c) for c in list(assignments)[count:])
                digest = hashlib.blake2b(digest + added.encode("utf-8", "surrogatepass"),
                                         digest_size=16).digest()
                count = len(assignments)
                self.numbered[name] = (count, digest)
            out.append((name, count, digest))
        return tuple(out)

    def suffix(self, position: int) -> bytes | None:
        return _suffixes(self.digests)[position]

    def take_rest(self, kept: Kept, start: PageStart, old: PageStart,
                  spine: tuple[tuple[Any, int], ...]) -> None:
        """This layout took `kept`'s pages from `start`'s on (`old` is kept's start of that
        page, `spine` this layout's open sections then): their records become its own,
        counted in its records, its structure elements in place of kept's."""
        shift = start.position - old.position  # type: ignore[operator]
        for j in range(old.position or 0, len(kept.ledger.placed)):
            if 0 <= j + shift < len(self.placed):
                self.placed[j + shift] = kept.ledger.placed[j]
        delta = [n - o for n, o in zip(start.marks, old.marks, strict=True)]
        for later in kept.ledger.pages[start.page:]:
            # In this layout's story: a flowable added or removed before them moved them.
            self.pages.append(dataclasses.replace(
                later, marks=tuple(m + d for m, d in zip(later.marks, delta, strict=True)),
                position=None if later.position is None else later.position + shift))
        ours = {id(theirs): (elem, count - old_count) for (theirs, old_count), (elem, count)
                in zip(kept.spines[start.page], spine, strict=True)}
        for page, theirs in kept.spines.items():
            if page > start.page:
                self.spines[page] = tuple(
                    (ours[id(e)][0], n + ours[id(e)][1]) if id(e) in ours else (e, n)
                    for e, n in theirs)

    def take_start(self, kept: Kept, start: PageStart, copies: dict[int, Any]) -> None:
        """This layout begins at `start`, with `kept`'s pages before it: their records
        become its own (`copies`: the open sections made anew, by the kept ones' id)."""
        self.pages = list(kept.ledger.pages[:start.page - 1])
        # The glyphs' digests go on from where kept's were at the page.
        self.numbered = {name: (count, digest) for name, count, digest in start.glyphs}
        position = start.position or 0
        self.placed[:position] = kept.ledger.placed[:position]
        for page, spine in kept.spines.items():
            if page < start.page:
                self.spines[page] = tuple((copies.get(id(e), e), n) for e, n in spine)

    def ledger(self, references: bytes) -> Ledger:
        return Ledger(digests=self.digests, placed=tuple(self.placed), pages=tuple(self.pages),
                      references=references)


@dataclass
class Kept:
    """A finished layout, kept for the next layout of the same brochure to take its pages
    from where their page breaks settle back into it (see `settles`)."""

    ledger: Ledger
    spines: dict[int, tuple[tuple[Any, int], ...]]
    document: Any  # engine.splice.Finished
    recorder: Any  # its structure tree's TagRecorder (None: untagged)
    notes: list[tuple[int, str, Any]]  # the document's notifications, with their pages
    starts: list[Any]  # the layout context's records (layout.context)
    pages_used: list[Any]
    sections: list[Any]
    placed: list[tuple[Any, Any]]
    warnings: int
    seeds: bytes  # the page numbers its output pass began with (`references`)
    warnings_start: int = 0  # the warnings before its output pass began
    # What each of the story's indexing flowables printed in it (engine.settled.printed).
    printed: list[Any] = field(default_factory=list)


# The last finished layout of each brochure: a few only (each holds its whole document).
_KEPT_LAYOUTS = 4
_finished: OrderedDict[tuple[Any, ...], Kept] = OrderedDict()


def keep(key: tuple[Any, ...], kept: Kept) -> None:
    """Keep `kept` as the layout the next one of brochure `key` may take pages from."""
    _finished[key] = kept
    _finished.move_to_end(key)
    while len(_finished) > _KEPT_LAYOUTS:
        _finished.popitem(last=False)


def take(key: tuple[Any, ...]) -> Kept | None:
    """The kept layout of brochure `key`, no longer kept: a layout that takes pages from
    it takes its objects, and keeps itself when done."""
    return _finished.pop(key, None)


def settles(kept: Kept, recorder: Recorder, start: PageStart, aligned: bool = False
            ) -> PageStart | None:
    """`kept`'s start of the page `start` begins, when from there on this layout would
    lay out what `kept` did: the same rest of the story, begun in the same state.

    `aligned`: the stories are as long, and the layout lays out again every flowable
    that differs from kept's behind `start` (`changes`): the same place in the story will
    do for the same rest."""
    # The cover is drawn from the event, not the story: always laid out.
    if start.position is None or not 1 < start.page <= len(kept.ledger.pages):
        return None
    old = kept.ledger.pages[start.page - 1]
    if old.page != start.page or old.position is None:
        return None
    if (old.glyphs, old.objects, old.names, old.template, old.state) != (
            start.glyphs, start.objects, start.names, start.template, start.state):
        return None
    if aligned:
        return old if old.position == start.position else None
    rest = recorder.suffix(start.position)
    return old if rest is not None and rest == kept.ledger.suffix(old.position) else None


# A layout lays out again at most this many parts of its story that changed (each from
# the page it begins), taking the pages between from the last one; more, and it lays out
# from the first to where the rest of the story is the last one's.
CHANGES_APART = 8


def changes(old: tuple[bytes | None, ...], new: tuple[bytes | None, ...]
            ) -> list[tuple[int, int]]:
    """The runs of story flowables whose digests differ between two stories as long,
    each as its first position and the one after it; [] when the stories are not as long,
    a digest is unknown, or there are more than CHANGES_APART runs."""
    if len(old) != len(new) or None in old or None in new:
        return []
    runs: list[tuple[int, int]] = []
    for at, (a, b) in enumerate(zip(old, new, strict=True)):
        if a == b:
            continue
        if runs and runs[-1][1] == at:
            runs[-1] = (runs[-1][0], at + 1)
        elif len(runs) == CHANGES_APART:
            return []
        else:
            runs.append((at, at + 1))
    return runs


def restart_point(kept: Kept, recorder: Recorder, changed: int | None = None
                  ) -> PageStart | None:
    """The last page of `kept` that begins with a whole flowable no later in the story
    than the first one this layout changes (`changed`, if not the first whose digest
    differs): a layout may begin there, with kept's pages before it (None when that would
    be the cover or the first page)."""
    new, old = recorder.digests, kept.ledger.digests
    if changed is None:
        changed = next((i for i, (a, b) in enumerate(zip(old, new, strict=False))
                        if a is None or a != b), min(len(old), len(new)))
    starts = []
    for start in kept.ledger.pages:
        if start.position is None or start.page < 3:
            continue
        if start.position > changed:
            break
        if start.marks[3] == kept.warnings_start and start.raw:
            starts.append(start)
    # A page that begins with what keeps with the next flowables, up to the changed one
    # (a heading with its text's first lines), may have begun there because of it: the
    # page before ended where it did for it, and is laid out again too. Not so where a
    # section's start broke the page (engine.starts decides by the page before alone).
    broke = {start.page for start in kept.starts if getattr(start, "broke", False)}
    while starts and starts[-1].page not in broke and _kept_with(
            recorder.story, starts[-1].position, changed):  # type: ignore[arg-type]
        starts.pop()
    return starts[-1] if starts else None


def _kept_with(story: list[Any], position: int, changed: int) -> bool:
    """Whether each story flowable from `position` to the one before `changed` keeps with
    the next (reportlab then keeps them all with `changed`)."""
    return position < changed and all(
        getattr(flowable, "getKeepWithNext", lambda: False)()
        for flowable in story[position:changed])


def keep_between_builds(keep: bool = True) -> None:
    """Whether layouts record their ledgers and keep the last one per brochure (watch
    mode, the edit-loop benchmark); a one-shot build records none."""
    global _keeping
    _keeping = keep
    if not keep:
        _ledgers.clear()
        _finished.clear()
        _known.clear()
        _planned.clear()


@dataclass(frozen=True)
class Planned:
    """How the page planner went in a brochure's last build: what it read of the layout
    with its first plan, and the plan it kept (layout.plan)."""

    brochure: tuple[Any, ...]  # the layouts' restart key but the plan
    first: Any  # layout.plan.PagePlan
    laid: Any  # layout.plan.Laid: what the first plan's layout gave
    references: bytes  # the page numbers that layout printed (`references`)
    final: Any  # the plan of the layout written
    ledger: Ledger  # the ledger of the layout written


# The last build's planning per brochure (by its options), watch mode only.
_planned: OrderedDict[str, Planned] = OrderedDict()


def planned(options: str) -> Planned | None:
    """How the planner went in the last build with these options (repr'd)."""
    return _planned.get(options) if _keeping else None


def plan_kept(options: str, planning: Planned) -> None:
    """Remember `planning` for the next build with these options."""
    if not _keeping:
        return
    _planned[options] = planning
    _planned.move_to_end(options)
    while len(_planned) > _KEPT:
        _planned.popitem(last=False)


def keeping() -> bool:
    return _keeping


def count_pages(pages: int) -> None:
    """A layout pass has laid out `pages` pages."""
    global _laid_out
    _laid_out += pages


def pages_laid_out() -> int:
    """Pages laid out in this process so far, every pass of every layout counted: a
    build's count is the difference before and after it."""
    return _laid_out


def fingerprint(model: Any) -> str:
    """A digest of a pydantic model (the theme's design): equal designs, equal pages."""
    return hashlib.blake2b(model.model_dump_json().encode(), digest_size=16).hexdigest()


def remember(key: tuple[Any, ...], ledger: Ledger) -> Comparison | None:
    """Keep `ledger` as the last layout of the brochure `key`; the comparison with the
    one it replaces (None for the first)."""
    old = _ledgers.get(key)
    _ledgers[key] = ledger
    _ledgers.move_to_end(key)
    while len(_ledgers) > _KEPT:
        _ledgers.popitem(last=False)
    if old is None:
        return None
    comparison = compare(old, ledger)
    comparisons.append(comparison)
    del comparisons[:-64]
    return comparison


def compare(old: Ledger, new: Ledger) -> Comparison:
    """Where `new` parts from `old` and where its page breaks settle back into it."""
    pages = len(new.pages)
    if old.references != new.references:
        # A page number the contents, the agenda or the index print has changed: their
        # pages differ, and so may every page behind them.
        return Comparison(pages, 1, None)
    changed = next((i for i, (a, b) in enumerate(zip(old.digests, new.digests, strict=False))
                    if a is None or a != b), None)
    if changed is None and len(old.digests) == len(new.digests):
        same_starts = old.pages == new.pages
        return Comparison(pages, None if same_starts else 1, None)
    if changed is None:
        changed = min(len(old.digests), len(new.digests))
    placed = [p for p in new.placed[changed:] if p] + [pages]
    first = placed[0] if placed else 1
    # A page may differ only once a changed flowable is on it; from a page that starts
    # with a whole flowable of an equal rest of the story, in an equal state, on, the
    # layout is the last one's.
    olds = {start.page: start for start in old.pages}
    settled = None
    for start in new.pages:
        if start.page <= first or start.position is None:
            continue
        before = olds.get(start.page)
        if before is None or before.position is None:
            continue
        if (before.glyphs, before.objects, before.template) != (
                start.glyphs, start.objects, start.template):
            continue
        tail = new.suffix(start.position)
        if tail is not None and tail == old.suffix(before.position) \
                and len(old.pages) == pages:
            settled = start.page
            break
    return Comparison(pages, first, settled)


def stamp(path: Any) -> str:
    """A file's name with its size and time: another when the file is replaced."""
    try:
        st = os.stat(path)
    except OSError:
        return f"{path!r}:missing"
    return f"{path!r}:{st.st_size}:{st.st_mtime_ns}"


def references(states: list[Any]) -> bytes:
    """A digest of the page numbers the brochure prints: the settled states of its
    contents, agenda and index (engine.settled's)."""
    return hashlib.blake2b(repr(states).encode(), digest_size=16).digest()


def digests(story: list[Any]) -> tuple[bytes | None, ...]:
    """Each story flowable's digest (None where it holds what the digest cannot see).

    A flowable the last story had too (layout.reuse hands them over) keeps the digest
    taken when it was new: what it was given, not what a layout since left on it.
    """
    memo: dict[int, str | None] = {}
    known: dict[int, tuple[Any, bytes | None]] = {}
    out = []
    for flowable in story:
        taken = _known.get(id(flowable))
        digest = taken[1] if taken is not None and taken[0] is flowable \
            else _digest(flowable, memo)
        known[id(flowable)] = (flowable, digest)
        out.append(digest)
    _known.clear()
    if _keeping:
        _known.update(known)
    return tuple(out)


# The last story's flowables and their digests, by id (watch mode).
_known: dict[int, tuple[Any, bytes | None]] = {}


def _digest(flowable: Any, memo: dict[int, str | None]) -> bytes | None:
    text = _canonical(flowable, memo, 0, set())
    return None if text is None else hashlib.blake2b(text.encode(), digest_size=16).digest()


def _canonical(value: Any, memo: dict[int, str | None], depth: int, path: set[int]
               ) -> str | None:
    """A text that differs when `value`'s given content differs; None when unknown."""
    if isinstance(value, _PLAIN):
        return repr(value)
    if isinstance(value, PurePath):
        # A photo or logo drawn from a file: the file as it is now, not only its name.
        return stamp(value)
    if depth > _DEPTH or id(value) in path:
        return None
    if isinstance(value, types.FunctionType | types.BuiltinFunctionType):
        # A module's own function is its name; a closure holds what no digest sees.
        if getattr(value, "__closure__", None) or "<" in value.__qualname__:
            return None
        return f"fn:{value.__module__}.{value.__qualname__}"
    if isinstance(value, types.MethodType | functools.partial):
        return None
    if isinstance(value, list | tuple):
        parts = [repr(v) if type(v) in _PLAIN_TYPES else _canonical(v, memo, depth + 1, path)
                 for v in value]
        return None if None in parts else f"[{','.join(parts)}]"  # type: ignore[arg-type]
    if isinstance(value, set | frozenset):
        # The agenda's talk keys: a set, its order the process's own.
        members = [_canonical(v, memo, depth + 1, path) for v in value]
        return None if None in members else "{" + ",".join(sorted(members)) + "}"  # type: ignore[arg-type]
    if isinstance(value, dict):
        items = []
        for k in sorted(value, key=repr):
            v = value[k]
            v = repr(v) if type(v) in _PLAIN_TYPES else _canonical(v, memo, depth + 1, path)
            if v is None:
                return None
            items.append(f"{k!r}:{v}")
        return "{" + ",".join(items) + "}"
    if id(value) in memo:
        return memo[id(value)]
    attrs = getattr(value, "__dict__", None)
    if attrs is None:
        slots = getattr(type(value), "__slots__", None)
        if slots is None:
            return None
        attrs = {s: getattr(value, s) for s in slots if hasattr(value, s)}
    path.add(id(value))
    parts = [type(value).__module__, type(value).__qualname__]
    for name in sorted(attrs):
        if name in _DERIVED or name.startswith(_DERIVED_PREFIX):
            continue
        part = attrs[name]
        part = repr(part) if type(part) in _PLAIN_TYPES else _canonical(part, memo, depth + 1,
                                                                         path)
        if part is None:
            path.discard(id(value))
            memo[id(value)] = None
            return None
        parts.append(f"{name}={part}")
    path.discard(id(value))
    text = "<" + ";".join(parts) + ">"
    if not _is_flowable(value):
        # Styles, colours: shared by many flowables, stood for by a short digest.
        text = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
        memo[id(value)] = text
    return text


def _is_flowable(value: Any) -> bool:
    return hasattr(value, "wrap") and hasattr(value, "drawOn")


def _suffixes(digests: tuple[bytes | None, ...]) -> list[bytes | None]:
    cached = _SUFFIXES.get(id(digests))
    if cached is not None and cached[0] is digests:
        return cached[1]
    out: list[bytes | None] = [None] * (len(digests) + 1)
    out[-1] = b""
    for i in range(len(digests) - 1, -1, -1):
        d, rest = digests[i], out[i + 1]
        out[i] = None if d is None or rest is None else hashlib.blake2b(
            d + rest, digest_size=16).digest()
    _SUFFIXES[id(digests)] = (digests, out)
    if len(_SUFFIXES) > 4 * _KEPT:
        _SUFFIXES.pop(next(iter(_SUFFIXES)))
    return out


_SUFFIXES: dict[int, tuple[tuple[bytes | None, ...], list[bytes | None]]] = {}
