"""The build settings a user chooses: target, paper, bleed, booklet, parallelism."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Target = Literal["screen", "print"]
Paper = Literal["a4", "a5", "letter"]

# Effective resolution each target needs at the placed size of a photo.
TARGET_DPI: dict[str, int] = {"screen": 150, "print": 300}


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
