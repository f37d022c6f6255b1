"""`dokureport import`: read a schedule export and write (or update) DIR/event.yaml."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from dokureport.errors import InputError, OutputError, Problem
from dokureport.importers.common import DEFAULT_DAY_CHANGE
from dokureport.importers.detect import read_schedule
from dokureport.importers.programme import Programme, arrange
from dokureport.importers.write_yaml import render, splice

EVENT_FILE = "event.yaml"


@dataclass(frozen=True)
class ImportResult:
    target: Path
    programme: Programme
    updated: bool

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return self.programme.problems


def import_schedule(source: Path, folder: Path, *, update: bool = False,
                    day_change: dt.time = DEFAULT_DAY_CHANGE,
                    lang: str | None = None) -> ImportResult:
    """Write folder/event.yaml from source; with update, splice into the existing file."""
    target = folder / EVENT_FILE
    if target.exists() and not update:
        raise InputError([Problem(f"{target} exists; `dokureport import --update` replaces "
                                  "only its agenda and talks")])
    if update and not target.exists():
        raise InputError([Problem(f"--update: no {EVENT_FILE} in {folder} to update")])
    programme = arrange(read_schedule(source), day_change=day_change, lang=lang)
    if update:
        try:
            existing = target.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError([Problem(f"cannot read it as UTF-8: {exc}", file=target)]) from None
        text = splice(existing, programme)
    else:
        text = render(programme)
    _write(target, text)
    return ImportResult(target, programme, update)


def _write(target: Path, text: str) -> None:
    """Atomically: an interrupted import leaves the old file (or none) in place."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.tmp")
        # newline="" keeps the existing file's line endings as they were.
        with temp.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, target)
    except OSError as exc:
        raise OutputError([Problem(f"cannot write {target}: {exc.strerror}")]) from None
