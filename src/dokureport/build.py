"""The pipeline, stage by stage: validate → prepare assets → lay out → write."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dokureport.assets import ImagePreparer
from dokureport.compose import lay_out
from dokureport.errors import InputError, Problem, SystemFailure
from dokureport.layout.context import LayoutContext
from dokureport.layout.document import ContentTooLarge
from dokureport.layout.fonts import FontSet, ThemeFontError, register_family
from dokureport.options import BuildOptions, Target
from dokureport.printing.booklet import impose, padding
from dokureport.printing.reproducible import set_content_id
from dokureport.printing.resolution import low_resolution_warnings
from dokureport.validate import ValidatedEvent, validate_event
from dokureport.write import atomic_output


@dataclass(frozen=True)
class BuildResult:
    output: Path
    pages: int
    warnings: tuple[Problem, ...]
    target: Target = "screen"
    booklet: Path | None = None  # the imposed sheets (with `booklet`)
    sheet_sides: int = 0  # pages of the imposed file: two per sheet


def build_date() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH's date when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def output_paths(output: Path, targets: Sequence[Target]) -> dict[Target, Path]:
    """Where each target's PDF goes.

    One target: `output` itself. Several: the screen PDF is `output`, the print PDF
    gets "-print" before the suffix (brochure.pdf → brochure-print.pdf).
    """
    unique = list(dict.fromkeys(targets))
    if len(unique) == 1:
        return {unique[0]: output}
    return {t: output if t == "screen" else output.with_name(f"{output.stem}-{t}{output.suffix}")
            for t in unique}


def booklet_path(output: Path) -> Path:
    """The imposed sheets beside a brochure: brochure.pdf → brochure-booklet.pdf."""
    return output.with_name(f"{output.stem}-booklet{output.suffix}")


def build_brochure(source: Path, output: Path, options: BuildOptions) -> BuildResult:
    """Build the brochure of the event at `source` into `output`."""
    return build_brochures(source, output, options, (options.target,))[0]


def build_brochures(source: Path, output: Path, options: BuildOptions,
                    targets: Sequence[Target]) -> list[BuildResult]:
    """Build one PDF per target (see `output_paths`), validating the event once."""
    # Photos are decoded by the preparer's workers, in parallel: validation reads headers.
    validated = validate_event(source, allow_outside=options.allow_outside,
                               decode_images=False, theme=options.theme)
    date = build_date()
    fonts = _theme_fonts(validated, options)
    try:
        return [
            _build_target(validated, path, dataclasses.replace(options, target=target), date,
                          fonts)
            for target, path in output_paths(output, targets).items()
        ]
    except InputError as exc:
        # A damaged photo found while preparing it: point at the key that named it.
        raise InputError([validated.locate_file_problem(p) for p in exc.problems]) from None
    except ContentTooLarge as exc:
        raise InputError([validated.locate_key(
            exc.key, "cannot be laid out: it is too large for a page; shorten it or split "
                     "it up")]) from None
    except OSError as exc:
        # The machine failed (a full disk, a file gone, a folder we may not write):
        # name the path and the system's reason, never call it a bug.
        raise SystemFailure.from_os_error(exc, output) from None


def _theme_fonts(validated: ValidatedEvent, options: BuildOptions
                 ) -> tuple[FontSet | None, list[Problem]]:
    """The theme's fonts, registered for this build (CFF converted, cached); a font file
    that cannot be used is bad input at the theme key that named it."""
    theme = validated.theme
    if theme is None:
        return None, []
    try:
        fonts, notes = register_family(theme.font_files, options.cache_dir)
    except ThemeFontError as exc:
        raise InputError([_theme_problem(validated, exc.key, exc.message)]) from None
    return fonts, [_theme_problem(validated, key, message) for key, message in notes]


def _theme_problem(validated: ValidatedEvent, key: str, message: str) -> Problem:
    theme = validated.theme
    path = tuple(key.split("."))
    if theme is not None and theme.source is not None and theme.source != validated.source:
        from dokureport.load import load_yaml

        try:
            return load_yaml(theme.source).source.problem(path, message)
        except InputError:
            return Problem(message, file=theme.source, key_path=key)
    if validated.event.theme is not None and not isinstance(validated.event.theme, str):
        return validated.locate_key(("theme", *path), message)
    return Problem(message, file=theme.source if theme else None, key_path=key)


def _build_target(validated: ValidatedEvent, output: Path, options: BuildOptions,
                  date: dt.date, fonts: tuple[FontSet | None, list[Problem]] = (None, [])
                  ) -> BuildResult:
    warnings = list(validated.warnings) + fonts[1]
    booklet: Path | None = None
    sides = 0
    with ImagePreparer(dpi=options.dpi, cache_dir=options.cache_dir, jobs=options.jobs,
                       progress=options.progress) as preparer:

        def context() -> LayoutContext:
            return LayoutContext(event=validated.event, options=options, images=preparer,
                                 build_date=date, theme=validated.theme, fonts=fonts[0])

        with atomic_output(output) as temp:
            ctx = context()
            pages = lay_out(ctx, temp)
            blank = 0
            # A booklet needs a multiple of four pages: lay out again with blank pages
            # before the imprint (they only move the imprint, so once is enough; the
            # loop is a guard).
            for _ in range(3):
                if not (options.booklet and padding(pages)):
                    break
                blank += padding(pages)
                ctx = context()
                pages = lay_out(ctx, temp, blank_pages=blank)
            warnings += preparer.warnings
            warnings += ctx.warnings
            warnings += [validated.locate_file_problem(w)
                         for w in low_resolution_warnings(ctx.images.placed, options.target)]
            if options.strict and warnings:
                raise InputError([*warnings, Problem("warnings are errors with --strict")])
            set_content_id(temp)
            if options.booklet:
                booklet = booklet_path(output)
                with atomic_output(booklet) as sheets:
                    sides = impose(temp, sheets)
    return BuildResult(output=output, pages=pages, warnings=tuple(warnings),
                       target=options.target, booklet=booklet, sheet_sides=sides)
