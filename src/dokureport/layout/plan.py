"""Page planning: the decisions a layout takes on top of the theme's (which sections
start a page, which pages end short, a notes page, blank pages), and how they are found
from the pages of the layout before: no nearly empty page, a booklet's four pages."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

# A section may be made to start a page (to lengthen a booklet) only when the page it
# leaves is at least this full: a page with a few lines on it is what planning avoids.
MIN_LEFT_FULL = 0.3
# And may be made to run on (to shorten one) only when the page before is at most this full.
MAX_RUN_ON_FULL = 0.8
# Layouts a booklet's plan may take before its padding is blank pages: each is a full
# layout of the brochure.
MAX_TRIES = 6
# A page but the first and the last carries at least this many lines (issue 20) ...
MIN_LINES = 6
# ... and a page is ended at most this share of its frame early to give them to the next.
MAX_SHORTEN = 0.35


@dataclass(frozen=True)
class PagePlan:
    """What the planner decided for a layout, beyond the theme."""

    starts: frozenset[str] = frozenset()  # section keys that start a page
    run_ons: frozenset[str] = frozenset()  # section keys that run on
    notes: bool = False  # a notes page before the imprint
    blank: int = 0  # blank pages before the imprint
    # (page, points): pages whose text ends this much early, to give the next page lines
    shorten: tuple[tuple[int, float], ...] = ()

    def key(self) -> tuple[object, ...]:
        """The plan in plain, ordered values (a cache key the same in every process)."""
        return (tuple(sorted(self.starts)), tuple(sorted(self.run_ons)), self.notes,
                self.blank, self.shorten)

    def shortened(self, page: int) -> float:
        """How many points early the text of `page` (1-based) ends."""
        return dict(self.shorten).get(page, 0.0)

    def forced(self, key: str) -> bool | None:
        """Whether the section `key` is made to start a page (True), to run on (False),
        or left to the theme's rule (None)."""
        if key in self.starts:
            return True
        if key in self.run_ons:
            return False
        return None


@dataclass(frozen=True)
class Laid:
    """What the planner reads of a layout: its pages, where sections started, and how
    much of each page's frame its content used (points; None: the cover, a blank page)."""

    pages: int
    starts: tuple[SectionStartRecord, ...]
    used: tuple[float | None, ...]
    line: float  # the body text's leading
    frame_height: float


@dataclass(frozen=True)
class SectionStartRecord:
    """Where a section started in a layout pass, and how full the page before it was."""

    key: str
    page: int  # where its heading went
    used: float  # the share of the page before its start that was used
    broke: bool  # it started a new page


def _adding(plan: PagePlan, starts: list[SectionStartRecord]) -> list[str]:
    """Sections that ran on and could start a page instead, fullest page first."""
    candidates = [s for s in starts if not s.broke and s.used >= MIN_LEFT_FULL
                  and s.key not in plan.starts and s.key not in plan.run_ons]
    return [s.key for s in sorted(candidates, key=lambda s: -s.used)]


def _removing(plan: PagePlan, starts: list[SectionStartRecord]) -> list[str]:
    """Sections that started a page and could run on instead, emptiest page first."""
    candidates = [s for s in starts if s.broke and 0 < s.used <= MAX_RUN_ON_FULL
                  and s.key not in plan.starts and s.key not in plan.run_ons]
    return [s.key for s in sorted(candidates, key=lambda s: s.used)]


def shorter_pages(plan: PagePlan, laid: Laid) -> PagePlan:
    """`plan`, with the page before each nearly empty page ended early enough that the
    nearly empty one gets its lines (a section's last lines, a day's last rows).

    Nearly empty: less than MIN_LINES lines' height used, neither the first nor the last
    page. The page before gives only what it can spare (MAX_SHORTEN of its frame), and
    only when it is at least half full itself.
    """
    if len(laid.used) != laid.pages:
        return plan  # not a layout this document recorded (nothing to read)
    shorten = dict(plan.shorten)
    least = (MIN_LINES + 0.5) * laid.line
    for page in range(3, laid.pages):  # 1-based; the page before is a content page
        used, before = laid.used[page - 1], laid.used[page - 2]
        if used is None or before is None or used >= least:
            continue
        if before < 0.5 * laid.frame_height:
            continue
        # Two lines more than the least: the page before breaks at a line's (or a row's)
        # boundary, and space between paragraphs is no line.
        more = shorten.get(page - 1, 0.0) + (MIN_LINES + 2) * laid.line - used
        if more <= MAX_SHORTEN * laid.frame_height:
            shorten[page - 1] = round(more, 1)
    return dataclasses.replace(plan, shorten=tuple(sorted(shorten.items())))


def next_plan(plan: PagePlan, laid: Laid, tried: set[PagePlan], *, booklet: bool = False
              ) -> PagePlan | None:
    """The plan to lay out with next after `plan` gave `laid`; None when it is good:
    first no nearly empty page, then (a booklet) a multiple of four pages."""
    shorter = shorter_pages(plan, laid)
    if shorter != plan and shorter not in tried and len(tried) < MAX_TRIES:
        return shorter
    if booklet:
        return next_booklet_plan(plan, laid.pages, list(laid.starts), tried)
    return None


def next_booklet_plan(plan: PagePlan, pages: int, starts: list[SectionStartRecord],
                      tried: set[PagePlan], notes_allowed: bool = True) -> PagePlan | None:
    """The next plan to lay a booklet out with, after `plan` gave `pages` pages and
    section starts `starts`; None when `pages` is a multiple of four.

    In order of what a reader notices least: more section starts (or fewer, when a
    page is to go), then a notes page, then one blank page, and only when nothing else
    is left more blank pages. Plans in `tried` are not proposed again.
    """
    short = -pages % 4
    if not short:
        return None
    padded = dataclasses.replace(plan, blank=plan.blank + short)
    if len(tried) >= MAX_TRIES:
        return padded
    options: list[PagePlan] = []
    # Another section start moves the pages after it: their shortening is planned afresh.
    moved = dataclasses.replace(plan, shorten=())
    adding = _adding(plan, starts)
    for count in range(min(short, len(adding)), 0, -1):
        options.append(dataclasses.replace(moved, starts=plan.starts | set(adding[:count])))
    removing = _removing(plan, starts)
    if short == 3 and removing:
        options.append(dataclasses.replace(moved, run_ons=plan.run_ons | {removing[0]}))
    if notes_allowed and not plan.notes:
        options.append(dataclasses.replace(plan, notes=True))
    if plan.blank == 0:
        options.append(dataclasses.replace(plan, blank=1))
    return next((option for option in options if option not in tried), padded)


def first_change(before: PagePlan, after: PagePlan, laid: Laid) -> int:
    """The first page (1-based) that laying out with `after` may set differently from the
    layout `before` gave (`laid`): every page before it holds the same flowables in the
    same frames under both plans, so a layout that can restart need only go on from it.

    What those pages print of later ones (contents, page references) may still change.
    A section start is decided on the page its SectionStart met (the page before its
    heading when it broke); the notes page and blank pages go before the imprint, else
    after the last page. 1 when the layout did not record where a change applies.
    """
    pages: list[int] = []
    shortened, shortening = dict(before.shorten), dict(after.shorten)
    pages += [page for page in shortened.keys() | shortening.keys()
              if shortened.get(page) != shortening.get(page)]
    met = {start.key: start.page - start.broke for start in laid.starts}
    for key in before.starts ^ after.starts | before.run_ons ^ after.run_ons:
        pages.append(met.get(key, 1))
    if (before.notes, before.blank) != (after.notes, after.blank):
        pages.append(met.get("imprint", laid.pages))
    return max(1, min(pages, default=laid.pages + 1))


def shortening_only(before: PagePlan, after: PagePlan) -> bool:
    """Whether `after` differs from `before` in the pages it ends early, and only there:
    the same story, laid out alike up to the first page it shortens (`first_change`)."""
    return dataclasses.replace(before, shorten=after.shorten) == after


def spliced(new: Laid, old: Laid, page: int) -> Laid:
    """What a layout reads that is `new` on the pages before `page` and `old` from it on
    (a layout whose page breaks settled back into `old`'s at `page`).

    A section start belongs to the page its SectionStart met (`first_change`).
    """
    return Laid(pages=old.pages,
                starts=(*(s for s in new.starts if s.page - s.broke < page),
                        *(s for s in old.starts if s.page - s.broke >= page)),
                used=(*new.used[:page - 1], *old.used[page - 1:]),
                line=new.line, frame_height=new.frame_height)
