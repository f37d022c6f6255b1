"""`dokureport import`: read a schedule export and write (or update) DIR/event.yaml."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from dokureport.core.errors import InputError, OutputError, Problem
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
    schedule = read_schedule(source)
    if update:
        try:
            existing = target.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError([Problem(f"cannot read it as UTF-8: {exc}", file=target)]) from None
        # The talks' `lang:` is written against the language the file already has.
        programme = arrange(schedule, day_change=day_change,
                            lang=lang or _language_of(existing))
        text = splice(existing, programme)
    else:
        programme = arrange(schedule, day_change=day_change, lang=lang)
        text = render(programme)
    _write(target, text)
    return ImportResult(target, programme, update)


def _language_of(text: str) -> str | None:
    """The top-level `lang:` of an event.yaml, if it has a readable one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    lang = data.get("lang") if isinstance(data, dict) else None
    return lang if isinstance(lang, str) and lang.strip() else None


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
