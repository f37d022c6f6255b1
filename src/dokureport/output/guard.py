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


class _File:
    """A path compared with outputs: its identity (stat) and real path, each asked once."""

    def __init__(self, path: Path, what: str) -> None:
        self.path, self.what = path, what
        self._stat: os.stat_result | bool | None = False  # False: not asked yet
        self._real: str | None = None

    def stat(self) -> os.stat_result | None:
        if self._stat is False:
            try:
                self._stat = os.stat(self.path)
            except (OSError, ValueError):
                self._stat = None
        return self._stat  # type: ignore[return-value]

    def real(self) -> str:
        if self._real is None:
            self._real = os.path.realpath(self.path)
        return self._real


def _same(one: _File, other: _File) -> bool:
    # Where both exist, equal real paths are the same file too: their identities
    # (what `os.path.samefile` compares) decide alone, without resolving every
    # input's path component by component (300 photos: 1,500 lstat calls).
    mine, theirs = one.stat(), other.stat()
    if mine is not None and theirs is not None:
        return os.path.samestat(mine, theirs)
    return one.real() == other.real()


def clashes(outputs: Sequence[Planned], inputs: Mapping[Path, str]
            ) -> list[tuple[Planned, Problem]]:
    """Each output that is an input (`inputs`: path → what it is, e.g. "the event file")
    or an output listed before it, with its problem; standard output ("-") is no file."""
    problems: list[tuple[Planned, Problem]] = []
    reads = [_File(path, what) for path, what in inputs.items()]
    earlier: list[_File] = []
    for out in outputs:
        if str(out.path) == "-":
            continue
        mine = _File(out.path, f"{out.what} ({out.option})")
        taken = next((read.what for read in reads if _same(mine, read)), None)
        if taken is None:
            taken = next((f"also {other.what}" for other in earlier
                          if _same(mine, other)), None)
        if taken is not None:
            how = (f"leads to {mine.real()}, {taken.removeprefix('also ')}"
                   if os.path.islink(out.path) else f"is {taken}")
            problems.append((out, Problem(f"{out.option}: {out.path} {how}; choose another "
                                          "path", code="output")))
        earlier.append(mine)
    return problems


def refuse_clashes(outputs: Sequence[Planned], inputs: Mapping[Path, str],
                   before: Sequence[Problem] = ()) -> None:
    """Raise OutputClash (with the problems found `before`, if any) when any output is an
    input or another output."""
    found = clashes(outputs, inputs)
    if found:
        raise OutputClash([*before, *(problem for _, problem in found)],
                          {out.option for out, _ in found})
