"""The one family of user-facing problems, and how each is reported."""

from __future__ import annotations

import datetime as dt
import errno
import os
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any


class ExitCode(IntEnum):
    """What the command line returns; documented in docs/command-line.md#exit-status.

    73 and 74 follow sysexits.h (EX_CANTCREAT, EX_IOERR); 130 and 143 the shells'
    128 + signal number.
    """

    BUILT = 0
    BUG = 1
    BAD_INPUT = 2
    CANNOT_CREATE = 73  # an output (or the temporary file beside it) cannot be created
    IO_ERROR = 74  # the machine failed us mid-way: a full disk, a vanished file, EIO
    INTERRUPTED = 130  # SIGINT (Ctrl-C)
    TERMINATED = 143  # SIGTERM


# The longest message and key path a Problem keeps: an excerpt of any value, never all of it.
MAX_MESSAGE = 600
MAX_KEY_PATH = 300


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in the input, located as precisely as we can."""

    message: str
    file: Path | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    key_path: str = ""  # e.g. "talks[2].speakers[0].name"
    # A stable name of the kind of problem, for machines (the build report); the list is
    # PROBLEM_CODES. Not part of the printed line: people read the message.
    code: str = "other"

    def __post_init__(self) -> None:
        # A safety net under show(): whatever a message quotes, it stays a short line.
        for name, limit in (("message", MAX_MESSAGE), ("key_path", MAX_KEY_PATH)):
            text = getattr(self, name)
            if len(text) > limit:
                object.__setattr__(self, name, text[: limit - 1] + "…")

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file.name if self.line is None else f"{self.file.name}:{self.line}"
            if self.line is not None and self.column is not None:
                where += f":{self.column}"
            where += ": "
        key = f"{self.key_path}: " if self.key_path else ""
        return f"{where}{key}{self.message}"


# Every code a Problem may carry, documented in docs/validation.md#problem-codes.
PROBLEM_CODES: dict[str, str] = {
    "yaml-syntax": "event.yaml is not valid YAML, or not readable text",
    "yaml-unsafe": "a YAML feature dokureport refuses (tags, aliases too deep, too large)",
    "duplicate-key": "a key given twice in one mapping",
    "unknown-key": "a key the format does not know (a typo, or misplaced)",
    "required": "a required key is missing",
    "invalid-value": "a value of the wrong type or form",
    "invalid-option": "an option of the Python API out of its range (paper='a3', bleed_mm=-3)",
    "control-character": "an invisible control character in text",
    "duplicate-id": "two talks with one id",
    "unknown-talk": "an agenda item names a talk id nobody defined",
    "talk-not-in-agenda": "a talk no agenda item names (warning)",
    "second-cover": "more than one cover photo",
    "undescribed-photo": "a photo with neither caption nor alt text (warning)",
    "alt-from-caption": "a photo has no alt text: its caption describes it in the tagged PDF",
    "photos-without-alt": "photos of photos.folder without alt text, counted in one warning",
    "photo-metadata": "a photo's metadata is damaged, hostile or too large: left out (warning)",
    "end-before-start": "an end before its start",
    "date-outside-event": "an agenda day outside the event's dates",
    "invalid-email": "not an e-mail address",
    "invalid-url": "not an http(s) web address",
    "too-long": "a word, paragraph, title or label longer than its limit (see Limits)",
    "unlinked-link": "a [text](…) link printed as typed, not linked (warning)",
    "qr-too-long": "a web address too long for a QR code (warning)",
    "event-not-found": "no event.yaml where the command was pointed",
    "file-not-found": "a file named in event.yaml does not exist",
    "file-outside": "a file outside the event folder",
    "bad-file": "a named file that cannot be used (empty name, a folder, unreadable)",
    "bad-image": "an image that is damaged, not an image, or too large to decode",
    "low-resolution": "a photo with too few pixels for its printed size (warning)",
    "missing-glyph": "characters no font has, left out (warning)",
    "layout-too-large": "content too large for any page",
    "layout-near-empty": "a page with under 6 lines and no figure (layout check; warning)",
    "layout-blank-page": "more than one blank page (layout check; warning)",
    "layout-small-type": "type under 7 pt (layout check; warning)",
    "layout-heading-at-foot": "a heading alone at a page's foot (layout check; warning)",
    "layout-torn": "a caption or QR code on another page than its item (layout check; warning)",
    "layout-long-lines": "running text over 75 characters a line (layout check; warning)",
    "cache": "the photo cache cannot be written; built without it (warning)",
    "strict": "warnings are errors with --strict",
    "output": "the output cannot be written where asked",
    "cannot-create": "the machine refuses to create an output (exit 73)",
    "io-error": "the machine failed during the build (exit 74)",
    "interrupted": "the build was interrupted (exit 130/143)",
    "time-limit": "a queued build took longer than its worker's time limit; not retried",
    "internal": "a bug in dokureport (exit 1)",
    "other": "anything not classified yet",
}


class DokureportError(Exception):
    """Base of every problem that a user, not a bug, caused; the CLI reports it and exits 2."""

    exit_code = ExitCode.BAD_INPUT

    default_code = "other"

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, code=self.default_code)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(DokureportError):
    """The event folder or event.yaml is wrong: every problem found, at once."""


class OutputError(DokureportError):
    """The PDF cannot be written where the user asked."""

    default_code = "output"


# errno values that say "you may not create this here", not "the machine broke".
_CANNOT_CREATE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR, errno.ENOTDIR}


class SystemFailure(DokureportError):
    """The machine, not the input, failed: a full disk, a folder we may not write, a file
    that vanished during the build. Not a bug: one line with the path and the reason."""

    def __init__(self, problems: list[Problem] | str, exit_code: ExitCode) -> None:
        super().__init__(problems)
        self.exit_code = exit_code

    @classmethod
    def from_os_error(cls, exc: OSError, path: Path | str | None = None) -> SystemFailure:
        """The one line for an OSError: the path it concerns and the system's reason."""
        where = exc.filename if exc.filename is not None else path
        reason = exc.strerror or str(exc) or type(exc).__name__
        code = (ExitCode.CANNOT_CREATE if exc.errno in _CANNOT_CREATE
                else ExitCode.IO_ERROR)
        if exc.errno == errno.ENOENT:
            reason += " (the file went away during the build)"
        message = f"{where}: {reason}" if where is not None else reason
        name = "cannot-create" if code == ExitCode.CANNOT_CREATE else "io-error"
        return cls([Problem(message, code=name)], code)


def show(value: Any, limit: int = 40) -> str:
    """A value, short and safe to print: quoted, control characters escaped, never more
    than about `limit` characters however large the value."""
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, bool | int | float | dt.date | dt.time):
        try:
            text = str(value)  # a number, a bool, a date: as YAML showed it
        except ValueError:  # an int beyond Python's digit limit for str()
            return "a number with thousands of digits"
        return text if len(text) <= limit else text[: limit - 1] + "…"
    if not isinstance(value, str):
        return f"a Python {type(value).__name__}"  # its repr may be anything, of any size
    text = repr(value[:limit])
    return text if len(value) <= limit and len(text) <= limit else (
        text[: limit - 2] + "…" + text[0])
