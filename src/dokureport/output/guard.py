"""Outputs never clobber inputs or each other: every path a run will write, checked
before anything is written.

Two paths are the same file when their real paths (symbolic links resolved) are equal,
or, where both exist, when the system says so (`os.path.samefile`: hard links, and
names that differ only in case on a case-insensitive file system).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dokureport.core.errors import InputError, Problem


@dataclass(frozen=True)
class Planned:
    """An output a run will write: the option that named it, its path, what it is."""

    option: str  # "-o", "--report", "--out-dir"
    path: Path
    what: str  # "the PDF", "the print PDF", "the booklet", "the build report", …


class OutputClash(InputError):
    """An output would overwrite an input or another output of the same run (exit 2).

    `options` are the options whose paths were refused: nothing may be written there,
    not even a failed build's report.
    """

    default_code = "output"

    def __init__(self, problems: list[Problem], options: set[str]) -> None:
        super().__init__(problems)
        self.options = frozenset(options)


def _same(one: Path, real_one: str, other: Path, real_other: str) -> bool:
    if real_one == real_other:
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:  # one of them does not exist (yet)
        return False


def clashes(outputs: Sequence[Planned], inputs: Mapping[Path, str]
            ) -> list[tuple[Planned, Problem]]:
    """Each output that is an input (`inputs`: path → what it is, e.g. "the event file")
    or an output listed before it, with its problem; standard output ("-") is no file."""
    problems: list[tuple[Planned, Problem]] = []
    reads = [(path, os.path.realpath(path), what) for path, what in inputs.items()]
    earlier: list[tuple[Path, str, str]] = []
    for out in outputs:
        if str(out.path) == "-":
            continue
        real = os.path.realpath(out.path)
        taken = next((what for path, real_path, what in reads
                      if _same(out.path, real, path, real_path)), None)
        if taken is None:
            taken = next((f"also {what}" for path, real_path, what in earlier
                          if _same(out.path, real, path, real_path)), None)
        if taken is not None:
            how = (f"leads to {real}, {taken.removeprefix('also ')}"
                   if os.path.islink(out.path) else f"is {taken}")
            problems.append((out, Problem(f"{out.option}: {out.path} {how}; choose another "
                                          "path", code="output")))
        earlier.append((out.path, real, f"{out.what} ({out.option})"))
    return problems


def refuse_clashes(outputs: Sequence[Planned], inputs: Mapping[Path, str],
                   before: Sequence[Problem] = ()) -> None:
    """Raise OutputClash (with the problems found `before`, if any) when any output is an
    input or another output."""
    found = clashes(outputs, inputs)
    if found:
        raise OutputClash([*before, *(problem for _, problem in found)],
                          {out.option for out, _ in found})
