"""The build settings a user chooses: target, paper, bleed, booklet, parallelism.

The rules for them live here, once: the command line's click options (cli.py) and the
Python API (api.py) both read PAPERS, TARGET_CHOICES, BLEED_MM and MIN_JOBS and choose the
targets with `chosen_targets`, and the API checks what it is given with
`option_problems`, so the two entrances cannot drift apart.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from dokureport.core.errors import Problem, show

Target = Literal["screen", "print"]
Paper = Literal["a4", "a5", "letter"]

TARGETS: tuple[str, ...] = get_args(Target)
# What --target and the API's `target` take: a target, or `all` for every one (one run).
TARGET_CHOICES: tuple[str, ...] = (*TARGETS, "all")
PAPERS: tuple[str, ...] = get_args(Paper)
BLEED_MM: tuple[float, float] = (0, 20)  # inclusive, finite
MIN_JOBS = 1

# Effective resolution each target needs at the placed size of a photo.
TARGET_DPI: dict[str, int] = {"screen": 150, "print": 300}


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in choices:
            return None
        return f"must be one of {', '.join(choices)}"
    return check


def _targets(value: Any) -> str | None:
    """A target or `all`, or (as --target repeated) a non-empty list or tuple of them."""
    values = list(value) if isinstance(value, list | tuple) else [value]
    if values and len(values) <= len(TARGET_CHOICES) * 4 and all(
            isinstance(v, str) and v in TARGET_CHOICES for v in values):
        return None
    return (f"must be one of {', '.join(TARGET_CHOICES)} (or a list of them), "
            "as --target takes")


def chosen_targets(value: str | Sequence[str]) -> list[Target]:
    """The targets to build for --target's values (or the API's `target`), in order, once
    each: `all` is every target."""
    values = [value] if isinstance(value, str) else list(value)
    if "all" in values:
        return list(TARGETS)  # type: ignore[arg-type]
    return list(dict.fromkeys(values))  # type: ignore[arg-type]


def _bleed(value: Any) -> str | None:
    low, high = BLEED_MM
    # Compared before isfinite: a 4,400-digit int does not convert to a float (NaN fails it).
    if isinstance(value, int | float) and not isinstance(value, bool) and (
        low <= value <= high and math.isfinite(value)
    ):
        return None
    return f"must be a number of millimetres from {low} to {high}"


def _jobs(value: Any) -> str | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)
                         and value >= MIN_JOBS):
        return None
    return f"must be a whole number of at least {MIN_JOBS} (or None: every core)"


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be True or False"


def _path(value: Any) -> str | None:
    if value is None or isinstance(value, str | os.PathLike):
        return None
    return "must be a path (a str or a pathlib.Path) or None"


def _theme(value: Any) -> str | None:
    if value is None or isinstance(value, str | os.PathLike):
        return None
    return "must be a bundled theme's name or a theme file's path (or None: the event's)"


def _callable(value: Any) -> str | None:
    return None if value is None or callable(value) else "must be a function or None"


# Each option of the API (and of BuildOptions) with its rule: a message, or None if good.
OPTION_RULES: dict[str, Callable[[Any], str | None]] = {
    "target": _targets,
    "paper": _one_of(PAPERS),
    "bleed_mm": _bleed,
    "booklet": _boolean,
    "strict": _boolean,
    "allow_outside": _boolean,
    "jobs": _jobs,
    "cache_dir": _path,
    "folder": _path,
    "theme": _theme,
    "progress": _callable,
}


def option_problems(**values: Any) -> list[Problem]:
    """A problem for each option that breaks its rule, naming it with an excerpt of it."""
    problems = []
    for name, value in values.items():
        message = OPTION_RULES[name](value)
        if message is not None:
            problems.append(Problem(f"the option {name}: {message}, not {show(value)}",
                                    code="invalid-option"))
    return problems


@dataclass(frozen=True)
class BuildOptions:
    target: Target = "screen"
    paper: Paper = "a4"
    bleed_mm: float = 3.0  # only for the print target
    booklet: bool = False
    jobs: int | None = None  # None: every core
    cache_dir: Path | None = None  # None: no cache
    progress: bool = False
    strict: bool = False
    allow_outside: bool = False
    theme: str | None = None  # --theme: a bundled theme's name or a theme file; None: the event's
    # Internal, for measuring what tagging costs (benchmarks/bench_tagging.py): False draws
    # no marked content and writes no structure tree. Neither the CLI nor the API offers
    # it: the screen PDF claims PDF/UA, which an untagged file breaks.
    tagged: bool = True

    @property
    def dpi(self) -> int:
        return TARGET_DPI[self.target]
