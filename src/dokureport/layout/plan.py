"""Page planning: the decisions one layout pass takes on top of the theme's (which sections
start a page, a notes page, blank pages), and how a booklet's plan is found from the
pages of the pass before."""

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


@dataclass(frozen=True)
class PagePlan:
    """What the planner decided for a layout, beyond the theme."""

    starts: frozenset[str] = frozenset()  # section keys that start a page
    run_ons: frozenset[str] = frozenset()  # section keys that run on
    notes: bool = False  # a notes page before the imprint
    blank: int = 0  # blank pages before the imprint

    def forced(self, key: str) -> bool | None:
        """Whether the section `key` is made to start a page (True), to run on (False),
        or left to the theme's rule (None)."""
        if key in self.starts:
            return True
        if key in self.run_ons:
            return False
        return None


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
    adding = _adding(plan, starts)
    for count in range(min(short, len(adding)), 0, -1):
        options.append(dataclasses.replace(plan, starts=plan.starts | set(adding[:count])))
    removing = _removing(plan, starts)
    if short == 3 and removing:
        options.append(dataclasses.replace(plan, run_ons=plan.run_ons | {removing[0]}))
    if notes_allowed and not plan.notes:
        options.append(dataclasses.replace(plan, notes=True))
    if plan.blank == 0:
        options.append(dataclasses.replace(plan, blank=1))
    return next((option for option in options if option not in tried), padded)
