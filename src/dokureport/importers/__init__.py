"""`dokureport import`: read a schedule export and write (or update) DIR/event.yaml."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from dokureport.core.errors import ExitCode, InputError, Problem, SystemFailure
from dokureport.event.files import leads_outside
from dokureport.event.load import MAX_BYTES as MAX_EVENT_BYTES
from dokureport.event.load import format_path, load_yaml
from dokureport.event.sizes import CODE as SIZE_CODE
from dokureport.event.sizes import oversizes
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
    if update:
        target = _own_file(target)
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
    _write(target, text, update=update)
    return ImportResult(folder / EVENT_FILE, programme, update)


def _own_file(target: Path) -> Path:
    """The event.yaml --update may read and replace: a regular file inside its folder.

    A symbolic link is followed only while it stays inside the folder; the file it
    names is the one replaced (the link stays a link).
    """
    if leads_outside(target):
        raise InputError([Problem(
            "is a symbolic link that leads outside its folder; --update reads and replaces "
            "only a file inside the event folder", file=target, code="file-outside")])
    real = target.resolve()
    if not real.is_file():
        raise InputError([Problem("is not a regular file", file=target, code="bad-file")])
    if real.stat().st_size > MAX_EVENT_BYTES:
        raise InputError([Problem(f"is larger than {MAX_EVENT_BYTES // (1024 * 1024)} MB: "
                                  "not an event file", file=target, code="yaml-syntax")])
    return real


def _language_of(text: str) -> str | None:
    """The top-level `lang:` of an event.yaml, if it has a readable one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    lang = data.get("lang") if isinstance(data, dict) else None
    return lang if isinstance(lang, str) and lang.strip() else None


def _write(target: Path, text: str, *, update: bool = False) -> None:
    """Atomically, and only a file that loads: a failed or interrupted import leaves the old
    file (or none) in place, and no temporary file.

    The new text is read back by the loader `validate` and `build` use before it is
    renamed into place; text that loader refuses is never written (exit 2).
    The machine refusing the write is exit 73 (or 74), as for `build`.
    """
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise SystemFailure([Problem(f"{folder}: not a folder", code="cannot-create")],
                            ExitCode.CANNOT_CREATE) from None
    except OSError as exc:
        raise _failure(exc, folder) from None
    temp = target.with_name(f".{target.name}.tmp")
    try:
        # newline="" keeps the existing file's line endings as they were.
        with temp.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        _check_loads(temp, target, update)
        os.replace(temp, target)
    except OSError as exc:
        raise _failure(exc, folder) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def _failure(exc: OSError, where: Path) -> SystemFailure:
    """The machine refused: 73 for a folder we may not write, 74 for a failing disk."""
    return SystemFailure.from_os_error(OSError(exc.errno, exc.strerror), where)


def _check_loads(temp: Path, target: Path, update: bool) -> None:
    """InputError when the loader refuses the text written to temp (to become target), or
    when a text in it is longer than `validate` lets a brochure set."""
    try:
        loaded = load_yaml(temp)
    except InputError as exc:
        why = ("; the --update replaced the agenda and talks, and the rest of the file no "
               "longer loads without them (an `&anchor` defined there and used elsewhere?)"
               if update else "")
        raise InputError([Problem(
            f"not written: the new {target.name} would not load: {p.message}{why}",
            file=target, line=p.line, column=p.column, code=p.code)
            for p in exc.problems]) from None
    # What a brochure cannot set (docs/validation.md, Limits): `validate` would refuse it.
    data = loaded.data if isinstance(loaded.data, dict) else {}
    too_long = [Problem(f"not written: {found.message}; the schedule's text is longer than "
                        "a brochure sets: shorten it there",
                        file=target, key_path=format_path(found.path), code=SIZE_CODE)
                for found in oversizes(data)]
    if too_long:
        raise InputError(too_long)
