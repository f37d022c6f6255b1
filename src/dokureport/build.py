"""The pipeline, stage by stage: validate → prepare assets → lay out → write."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from dokureport.assets import ImagePreparer
from dokureport.errors import InputError, Problem
from dokureport.layout.brochure import lay_out
from dokureport.layout.context import LayoutContext
from dokureport.options import BuildOptions
from dokureport.validate import validate_event
from dokureport.write import atomic_output


@dataclass(frozen=True)
class BuildResult:
    output: Path
    pages: int
    warnings: tuple[Problem, ...]


def build_date() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH's date when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def build_brochure(source: Path, output: Path, options: BuildOptions) -> BuildResult:
    """Build the brochure of the event at `source` into `output`."""
    validated = validate_event(source, allow_outside=options.allow_outside)
    warnings = list(validated.warnings)
    with ImagePreparer(dpi=options.dpi, cache_dir=options.cache_dir, jobs=options.jobs,
                       progress=options.progress) as images:
        ctx = LayoutContext(event=validated.event, options=options, images=images,
                            build_date=build_date())
        with atomic_output(output) as temp:
            pages = lay_out(ctx, temp)
            warnings += ctx.warnings
            if options.strict and warnings:
                raise InputError([*warnings, Problem("warnings are errors with --strict")])
    return BuildResult(output=output, pages=pages, warnings=tuple(warnings))
