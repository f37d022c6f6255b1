"""What the validation rules share: the event's data, where it sits, and what they found."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dokureport.core.errors import Problem, show
from dokureport.event.files import resolve_file
from dokureport.event.load import KeyPath, Loaded, SourceMap

# The rules read the data with these, as the size rule does.
from dokureport.event.sizes import get as get
from dokureport.event.sizes import items as items

# Control characters and lone surrogates: nothing a person typed, and they break PDFs.
BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"[\s<>\"]")


@dataclass
class State:
    """Collects every error and warning for one event file."""

    data: Any
    source: SourceMap
    folder: Path
    allow_outside: bool
    decode_images: bool = True
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    file_locations: dict[Path, Problem] = field(default_factory=dict)
    # Chapters whose Markdown came from a file: problems in it point into that file.
    markdown_files: dict[KeyPath, Path] = field(default_factory=dict)
    # Images whose pixels are still to be decoded, each with how to report a failure:
    # they are decoded together, on every core, once every other check has run.
    undecoded: list[tuple[Path, Callable[[str], None]]] = field(default_factory=list)
    # Markdown texts refused as too long before they were parsed: no rule parses them.
    oversized: set[KeyPath] = field(default_factory=set)
    # Files named that are not there (yet), as named, in the folder: watch mode waits
    # for them.
    missing: set[Path] = field(default_factory=set)
    # The folders files are named in, resolved once for all of them (`resolve_file`).
    resolved_folders: dict[Path, Path | None] = field(default_factory=dict)

    @classmethod
    def of(cls, loaded: Loaded, folder: Path, allow_outside: bool, *,
           decode_images: bool = True) -> State:
        """The state for checking `loaded`, starting with the problems found loading it."""
        return cls(loaded.data, loaded.source, folder, allow_outside, decode_images,
                   errors=list(loaded.problems))

    def error(self, path: KeyPath, message: str, *, key: bool = False,
              code: str = "invalid-value") -> None:
        self.errors.append(self.source.problem(path, message, key=key, code=code))

    def warn(self, path: KeyPath, message: str, code: str) -> None:
        self.warnings.append(self.source.problem(path, message, code=code))

    def resolve(self, name: str, *, image: bool, decode_images: bool = True
                ) -> tuple[str | None, Path | None]:
        """`resolve_file` in the event folder, noting a file that is not there (`missing`)."""
        problem, resolved = resolve_file(self.folder, name, image=image,
                                         allow_outside=self.allow_outside,
                                         decode_images=decode_images,
                                         folders=self.resolved_folders)
        if problem is not None and problem.startswith("file not found"):
            self.missing.add(self.folder / name)
        return problem, resolved

    def decode_later(self, image: Path, report: Callable[[str], None]) -> None:
        """Decode `image` with the others; `report(why)` says what is wrong if it fails."""
        if self.decode_images:
            self.undecoded.append((image, report))

    def check_url(self, path: KeyPath, url: str, what: str = "") -> bool:
        """Whether url is an http(s) address; if not, an error at path (after `what: `)."""
        parts = urlsplit(url) if not _SPACE.search(url) else None
        if parts and parts.scheme.lower() in ("http", "https") and parts.hostname:
            return True
        prefix = f"{what}: " if what else ""
        if parts is None and urlsplit(url).scheme.lower() in ("http", "https"):
            self.error(path, f"{prefix}{show(url)} contains a space, <, > or \"; "
                       "write them as %20, %3C, %3E, %22", code="invalid-url")
        else:
            self.error(path, f"{prefix}{show(url)} is not a web address: only http:// or "
                       "https:// links are allowed", code="invalid-url")
        return False


def name(text: str) -> str:
    """A key or id as typed (at most 40 characters), escaped if a terminal would act on it."""
    text = text if text.isprintable() else repr(text)[1:-1]
    return text if len(text) <= 40 else text[:39] + "…"


def filled(text: Any) -> bool:
    return isinstance(text, str) and bool(text.strip())
