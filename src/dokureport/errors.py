"""The one family of user-facing problems, and how each is reported."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any


class ExitCode(IntEnum):
    """What the command line returns; documented in the README."""

    BUILT = 0
    BUG = 1
    BAD_INPUT = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in the input, located as precisely as we can."""

    message: str
    file: Path | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    key_path: str = ""  # e.g. "talks[2].speakers[0].name"

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file.name if self.line is None else f"{self.file.name}:{self.line}"
            if self.line is not None and self.column is not None:
                where += f":{self.column}"
            where += ": "
        key = f"{self.key_path}: " if self.key_path else ""
        return f"{where}{key}{self.message}"


class DokureportError(Exception):
    """Base of every problem that a user, not a bug, caused; the CLI reports it and exits 2."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(DokureportError):
    """The event folder or event.yaml is wrong: every problem found, at once."""


class OutputError(DokureportError):
    """The PDF cannot be written where the user asked."""


def show(value: Any, limit: int = 40) -> str:
    """A value, short and safe to print: quoted, control characters escaped."""
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing"
    if not isinstance(value, str):
        return str(value)  # a number, a bool, a date: as YAML showed it
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 2] + "…" + text[0]
