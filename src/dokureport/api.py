"""The Python API: build a brochure from a folder, a mapping or a model, into a path or a stream."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Literal

from dokureport.core.errors import InputError, Problem
from dokureport.core.options import (
    BuildOptions,
    Paper,
    Target,
    chosen_targets,
    option_problems,
)
from dokureport.event.model import Event
from dokureport.pipeline import BuildResult, BuildTrace, ProgressCallback, build_brochures
from dokureport.validate import ValidatedEvent, validate_data, validate_event

EventSource = str | os.PathLike[str] | Mapping[str, Any] | Event


def build(
    source: EventSource,
    output: str | os.PathLike[str] | BinaryIO,
    *,
    target: Target | Literal["all"] | Sequence[str] = "screen",
    paper: Paper = "a4",
    bleed_mm: float = 3.0,
    booklet: bool = False,
    strict: bool = False,
    allow_outside: bool = False,
    jobs: int | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    folder: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    theme: str | os.PathLike[str] | None = None,
) -> BuildResult:
    """Build the brochure of one event; the same pipeline as `dokureport build`.

    `source`: an event folder or its event.yaml; a mapping shaped like event.yaml; or an
    `Event` model. Files a mapping names resolve against `folder` (default: the current
    folder); a model's against its own `folder`.

    `output`: a path (written atomically), or a binary stream opened for writing (the
    PDF is built in a temporary file and copied into it; `booklet` needs a path).

    Options are those of the command line, checked by its rules (a bad one raises
    InputError naming it). `target` takes what --target takes: "screen", "print", "all"
    (both), or a list of them (--target repeated); with several, the print PDF gets
    "-print" in its name, as the command's does, the output must be a path, and the
    result is the first target's (the screen PDF's). `theme`: a bundled theme's
    name or a theme file, replacing the event's `theme:`. `cache_dir` caches prepared photos between
    builds (default: none). `progress` is called with a `Progress` at each stage and
    after each photo; photo calls come from a helper thread.

    Raises `DokureportError` (its `problems` list every problem, each with a code, key
    path and location; `exit_code` says which kind: InputError, OutputError or
    SystemFailure). Warnings are in the result's `warnings`.
    """
    # The command line's rules (core/options.py), checked before anything is read.
    problems = option_problems(target=target, paper=paper, bleed_mm=bleed_mm, booklet=booklet,
                               strict=strict, allow_outside=allow_outside, jobs=jobs,
                               cache_dir=cache_dir, folder=folder, progress=progress,
                               theme=theme)
    if problems:
        raise InputError(problems)
    theme = os.fspath(theme) if theme is not None else None
    targets = chosen_targets(target)
    options = BuildOptions(target=targets[0], paper=paper, bleed_mm=float(bleed_mm),
                           booklet=booklet, strict=strict, allow_outside=allow_outside,
                           jobs=jobs, cache_dir=Path(cache_dir) if cache_dir is not None else None,
                           progress=False, theme=theme)
    to_path = isinstance(output, str | os.PathLike)
    if not to_path and not callable(getattr(output, "write", None)):
        raise InputError([Problem("the output: must be a path or a binary stream, not a "
                                  f"Python {type(output).__name__}", code="invalid-option")])
    if len(targets) > 1 and not to_path:
        raise InputError([Problem(f"the option target: {len(targets)} targets write one PDF "
                                  "each: give the output as a path, not a stream",
                                  code="invalid-option")])
    if booklet and not to_path:
        raise InputError([Problem("the option booklet: True writes a second file beside the "
                                  "output: give the output as a path, not a stream",
                                  code="invalid-option")])
    event = _validated(source, folder, allow_outside, theme)
    trace = BuildTrace(progress=progress)
    if isinstance(output, str | os.PathLike):
        return build_brochures(event, Path(output), options, targets, trace)[0]
    with tempfile.TemporaryDirectory(prefix="dokureport-api-") as temp:
        result = build_brochures(event, Path(temp) / "brochure.pdf", options, targets,
                                 trace)[0]
        with result.output.open("rb") as built:
            shutil.copyfileobj(built, output)
    output.flush()
    return dataclasses.replace(result, output=None)


def _validated(source: EventSource, folder: str | os.PathLike[str] | None,
               allow_outside: bool, theme: str | None) -> Path | ValidatedEvent:
    """A path for the pipeline to validate, or the data validated here."""
    if isinstance(source, str | os.PathLike):
        return Path(source)
    if isinstance(source, Event):
        # Through the same checks as a file: files exist, references resolve, links are
        # safe. JSON mode gives dates and paths as the text a file would hold.
        data = source.model_dump(mode="json")
        return validate_data(data, Path(folder) if folder is not None else source.folder,
                             allow_outside=allow_outside, decode_images=False, theme=theme)
    if isinstance(source, Mapping):
        return validate_data(source, Path(folder) if folder is not None else Path("."),
                             allow_outside=allow_outside, decode_images=False, theme=theme)
    raise InputError([Problem("the source: must be an event folder, its event.yaml, a mapping "
                              f"or an Event, not a Python {type(source).__name__}",
                              code="invalid-option")])


__all__ = ["EventSource", "build", "validate_event"]
