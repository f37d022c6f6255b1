"""The pipeline, stage by stage: validate → prepare assets → lay out → write."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dokureport.assets import ImagePreparer
from dokureport.assets.cmyk import (
    NotAPrintProfile,
    PrintProfile,
    bundled_profile,
    load_profile,
)
from dokureport.assets.early import EarlyPool
from dokureport.assets.early import remember as remember_placed
from dokureport.compose import lay_out, write_laid_out
from dokureport.core import interrupts, memo
from dokureport.core.collector import long_lived_frozen
from dokureport.core.errors import DokureportError, ExitCode, InputError, Problem, SystemFailure
from dokureport.core.options import BuildOptions, Target
from dokureport.event import image_headers
from dokureport.event.publish import Withheld, published
from dokureport.layout import restart
from dokureport.layout.context import LayoutContext, SectionPages
from dokureport.layout.document import ContentTooLarge, laid_out
from dokureport.layout.plan import Laid, PagePlan, first_change, next_plan, shortening_only, spliced
from dokureport.output import page_reads
from dokureport.output.booklet import impose
from dokureport.output.guard import Planned, refuse_clashes
from dokureport.output.layout_check import LayoutCheck, check_layout
from dokureport.output.postprocess import finish, read_once
from dokureport.output.reproducible import set_content_id, set_dates
from dokureport.output.resolution import low_resolution_warnings
from dokureport.output.write import Staged, staged_outputs
from dokureport.report import photo_texts_json
from dokureport.text.fonts import FontSet, ThemeFontError, register_family
from dokureport.validate import InvalidEvent, ValidatedEvent, locate, validate_event

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from dokureport.design.model import Theme


@dataclass(frozen=True)
class PlacedPhoto:
    """An image as drawn: its file, placed size and effective resolution there."""

    file: Path
    width_mm: float
    height_mm: float
    width_px: int
    height_px: int
    effective_dpi: float


@dataclass(frozen=True)
class BuildResult:
    output: Path | None  # None when the API wrote the PDF to a stream
    pages: int
    warnings: tuple[Problem, ...]
    target: Target = "screen"
    booklet: Path | None = None  # the imposed sheets (with `booklet`)
    sheet_sides: int = 0  # pages of the imposed file: two per sheet
    sections: tuple[SectionPages, ...] = ()
    photos: tuple[PlacedPhoto, ...] = ()
    withheld: Withheld = field(default_factory=Withheld)
    # The layout check of the brochure's pages (output.layout_check).
    layout: LayoutCheck | None = None
    # Pages laid out for it, every layout pass counted (layout.restart.pages_laid_out).
    pages_laid_out: int = 0


@dataclass(frozen=True)
class Progress:
    """One step of a build, for a progress callback (the API's instead of bars)."""

    stage: str  # "validate", "layout", "post-process", "write", "photos", "done"
    target: str | None = None
    done: int = 0  # photos: prepared so far
    total: int = 0  # photos: asked for so far (grows while layout finds more)


ProgressCallback = Callable[[Progress], None]


@dataclass
class BuildTrace:
    """What a build did so far, kept even when it fails: the build report reads it."""

    timings: list[tuple[str, str | None, float]] = field(default_factory=list)
    withheld: Withheld = field(default_factory=Withheld)
    results: list[BuildResult] = field(default_factory=list)
    progress: ProgressCallback | None = None
    pool: ProcessPoolExecutor | None = None  # a worker pool shared by a batch
    # Photo workers started before the build (assets.early): the first target's preparer
    # takes them over.
    early: EarlyPool | None = None
    source: Path | None = None  # the event as named, for the report (a batch's)
    # Each target's layout check, kept when a strict build fails on it (for its report).
    checks: list[tuple[str, LayoutCheck]] = field(default_factory=list)
    photo_texts: list[dict[str, Any]] = field(default_factory=list)  # for the report

    @contextlib.contextmanager
    def stage(self, name: str, target: str | None = None) -> Iterator[None]:
        """Time one stage (recorded even if it fails)."""
        if self.progress is not None:
            self.progress(Progress(name, target))
        began = time.perf_counter()
        try:
            yield
        finally:
            self.timings.append((name, target, time.perf_counter() - began))


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


def planned_outputs(output: Path, targets: Sequence[Target], booklet: bool,
                    report: Path | None = None, option: str = "-o",
                    event: str | None = None) -> list[Planned]:
    """Every file a build will write, each with the option that named it (for refusals):
    the PDF per target, its booklet, the build report. `event`: whose, in a batch."""
    of = f" of {event}" if event is not None else ""
    planned = []
    for target, path in output_paths(output, targets).items():
        kind = "print " if target == "print" else ""
        planned.append(Planned(option, path, f"the {kind}PDF{of}"))
        if booklet:
            planned.append(Planned(option, booklet_path(path), f"the {kind}booklet{of}"))
    if report is not None:
        planned.append(Planned("--report" if event is None else option, report,
                               f"the report{of}"))
    return planned


def files_read(source: Path | None, named: dict[Path, Problem], theme: Theme | None = None,
               event: str | None = None) -> dict[Path, str]:
    """The files an event reads, each with what it is: its event file, the files its keys
    name (`named`: where each was named), its theme file and the theme's fonts and print
    profile."""
    reads = f"a file the event {event} reads" if event is not None else "a file the event reads"
    inputs: dict[Path, str] = {}
    if source is not None:
        inputs[source] = "the event file" + (f" of {event}" if event is not None else "")
    for path, where in named.items():
        inputs.setdefault(path, f"{reads} ({where.key_path})" if where.key_path else reads)
    if theme is not None:
        if theme.source is not None:
            inputs.setdefault(theme.source, "the theme file")
        for style, path in theme.font_files.items():
            inputs.setdefault(path, f"a font file the theme reads ({style})")
        for index, files in enumerate(theme.fallback_files):
            for style, path in files.items():
                inputs.setdefault(path, f"a font file the theme reads (fallback {index + 1}, "
                                        f"{style.replace('_', ' ')})")
        if theme.print_icc is not None:
            inputs.setdefault(theme.print_icc, "the print profile the theme reads (print.icc)")
    return inputs


# In the cache folder: the sizes of the photos builds have read (image_headers).
HEADERS_FILE = Path("headers") / "v1.pickle"


def build_brochure(source: Path, output: Path, options: BuildOptions) -> BuildResult:
    """Build the brochure of the event at `source` into `output`."""
    return build_brochures(source, output, options, (options.target,))[0]


def build_brochures(source: Path | ValidatedEvent, output: Path, options: BuildOptions,
                    targets: Sequence[Target], trace: BuildTrace | None = None,
                    report: Path | None = None) -> list[BuildResult]:
    """Build one PDF per target (see `output_paths`), validating the event once.

    `source` is an event folder or file, or an event validated already (the API's
    mappings and models). `trace` collects timings and results as they happen.
    `report`: where the build report goes. Every output is refused (OutputClash, exit 2)
    before anything is written if it is a file the event reads or another output; all
    are renamed into place together, once all are complete, or none is.
    """
    trace = trace if trace is not None else BuildTrace()
    with long_lived_frozen():
        try:
            return _build_all(source, output, options, targets, trace, report)
        except BaseException:
            trace.results.clear()  # a failed build wrote no file: it has no outputs
            raise


def _build_all(source: Path | ValidatedEvent, output: Path, options: BuildOptions,
               targets: Sequence[Target], trace: BuildTrace, report: Path | None
               ) -> list[BuildResult]:
    planned = planned_outputs(output, targets, options.booklet, report)
    # The photos' headers an earlier build read: a rebuild opens no photo to check it.
    headers = options.cache_dir / HEADERS_FILE if options.cache_dir is not None else None
    if headers is not None:
        image_headers.load(headers)
    # A batch validates every event first, in the event's trace.
    validating = not any(stage == "validate" for stage, _, _ in trace.timings)
    with trace.stage("validate") if validating else contextlib.nullcontext():
        if isinstance(source, ValidatedEvent):
            validated = source
        else:
            # Photos are decoded by the preparer's workers, in parallel: validation reads
            # only headers.
            validated = _validated_sparing(source, planned, allow_outside=options.allow_outside,
                                           decode_images=False, theme=options.theme)
        refuse_clashes(planned, files_read(validated.source, validated.file_locations,
                                           validated.theme))
        event, withheld = published(validated.event)
        trace.withheld = withheld
        trace.photo_texts = photo_texts_json(event.photos)
        validated = dataclasses.replace(validated, event=event)
    date = build_date()
    fonts = _theme_fonts(validated, options)
    try:
        with staged_outputs() as staged:
            for target, path in output_paths(output, targets).items():
                trace.results.append(_build_target(
                    validated, path, dataclasses.replace(options, target=target), date,
                    trace, staged, fonts))
            if report is not None:
                _stage_report(report, source if isinstance(source, Path) else trace.source,
                              trace, staged)
        if headers is not None:
            image_headers.save(headers)
        if isinstance(source, Path):
            # The next build of this event starts no workers early if these are unchanged.
            remember_placed(source, options, targets,
                            (photo.file for result in trace.results for photo in result.photos))
        return list(trace.results)
    except InputError as exc:
        # A damaged photo found while preparing it: point at the key that named it.
        raise InputError([validated.locate_file_problem(p) for p in exc.problems]) from None
    except ContentTooLarge as exc:
        raise InputError([validated.locate_key(
            withheld.original_path(exc.key),
            "cannot be laid out: it is too large for a page; shorten it or split it up",
            code="layout-too-large")]) from None
    except OSError as exc:
        # The machine failed (a full disk, a file gone, a folder we may not write):
        # name the path and the system's reason, never call it a bug.
        raise SystemFailure.from_os_error(exc, output) from None


def _validated_sparing(source: Path, planned: Sequence[Planned], **how: Any
                       ) -> ValidatedEvent:
    """The event at `source` validated, `planned` outputs refused if they are its event
    file, or a file it names when it is not valid (the failed run's report is written
    next); a valid event's files are checked by the caller."""
    event_file = locate(source)
    refuse_clashes(planned, {event_file: "the event file"})
    try:
        return validate_event(source, **how)
    except InvalidEvent as exc:
        refuse_clashes(planned, files_read(event_file, exc.files), exc.problems)
        raise


def validate_sparing_report(source: Path, report: str | None, *, allow_outside: bool
                            ) -> ValidatedEvent:
    """`dokureport validate`: the event validated (pixels decoded), its `--report` refused
    (OutputClash) when it is a file the event reads."""
    planned = [Planned("--report", Path(report), "the report")] if report is not None else []
    validated = _validated_sparing(source, planned, allow_outside=allow_outside)
    refuse_clashes(planned, files_read(validated.source, validated.file_locations,
                                       validated.theme))
    return validated


def _stage_report(report: Path, source: Path | None, trace: BuildTrace,
                  staged: Staged) -> None:
    """The build report, written beside its place with the PDFs it describes."""
    from dokureport.report import build_report, report_text

    text = report_text(build_report(
        command="build", source=source, exit_code=ExitCode.BUILT, results=trace.results,
        withheld=trace.withheld, timings=trace.timings, located=staged.where,
        photo_texts=trace.photo_texts))
    with staged.output(report) as temp:
        temp.write_text(text, encoding="utf-8")


def _theme_fonts(validated: ValidatedEvent, options: BuildOptions
                 ) -> tuple[FontSet | None, list[Problem]]:
    """The theme's fonts, registered for this build (CFF converted, cached); a font file
    that cannot be used is bad input at the theme key that named it."""
    theme = validated.theme
    if theme is None:
        return None, []
    try:
        fonts, notes = register_family(theme.font_files, options.cache_dir,
                                       theme.fallback_files)
    except ThemeFontError as exc:
        raise InputError([_theme_problem(validated, exc.key, exc.message)]) from None
    return fonts, [_theme_problem(validated, key, message) for key, message in notes]


def _theme_problem(validated: ValidatedEvent, key: str, message: str) -> Problem:
    theme = validated.theme
    # fonts.fallback.0.bold: a list item's index is a number in the key path.
    path = tuple(int(part) if part.isdigit() else part for part in key.split("."))
    if theme is not None and theme.source is not None and theme.source != validated.source:
        from dokureport.event.load import load_yaml

        try:
            return load_yaml(theme.source).source.problem(path, message)
        except InputError:
            return Problem(message, file=theme.source, key_path=key)
    if validated.event.theme is not None and not isinstance(validated.event.theme, str):
        return validated.locate_key(("theme", *path), message)
    return Problem(message, file=theme.source if theme else None, key_path=key)


def print_profile(validated: ValidatedEvent) -> PrintProfile:
    """The print target's output intent: the event's `print`, else the theme's, else the
    bundled FOGRA39 (the files were checked by validation)."""
    printing, theme = validated.event.print, validated.theme
    icc = printing.icc if printing and printing.icc else (theme.print_icc if theme else None)
    condition = (printing.condition if printing and printing.condition else
                 theme.print_condition if theme else None)
    if icc is None:
        bundled = bundled_profile()
        return dataclasses.replace(bundled, condition=condition) if condition else bundled
    try:
        return load_profile(validated.event.resolve(icc), condition)
    except (OSError, NotAPrintProfile) as exc:  # changed since validation
        raise InputError([validated.locate_key(("print", "icc"), str(exc))]) from None


def _build_target(validated: ValidatedEvent, output: Path, options: BuildOptions,
                  date: dt.date, trace: BuildTrace, staged: Staged,
                  fonts: tuple[FontSet | None, list[Problem]] = (None, [])) -> BuildResult:
    warnings = list(validated.warnings) + fonts[1]
    booklet: Path | None = None
    sides = 0
    target = options.target
    on_photo = None
    if trace.progress is not None:
        report = trace.progress

        def on_photo(done: int, total: int) -> None:
            report(Progress("photos", target, done, total))

    profile = print_profile(validated) if target == "print" else None
    laid = restart.pages_laid_out()
    early, trace.early = trace.early, None
    with ImagePreparer(dpi=options.dpi, cache_dir=options.cache_dir, jobs=options.jobs,
                       progress=options.progress, pool=trace.pool,
                       on_photo=on_photo, profile=profile,
                       early=early.take if early is not None else None) as preparer:

        def context() -> LayoutContext:
            return LayoutContext(event=validated.event, options=options, images=preparer,
                                 build_date=date, theme=validated.theme, fonts=fonts[0],
                                 profile=profile)

        with staged.output(output) as temp:
            with trace.stage("layout", target):
                ctx, pages = _planned_layout(context, temp, options.booklet)
                write_laid_out(ctx)
            preparer.stop_workers()  # every placed photo is in the PDF by now
            if not restart.keeping():
                # One build, no next story: what the stories kept for the next one goes
                # before post-processing, the build's peak of memory (19 MB at 1,000
                # talks).
                memo.clear()
                # And the layout's document, canvas and story, which hold one another
                # (cycles the command line's collector leaves for later): 215,000 objects
                # at 1,000 talks, 19 MiB off the peak for 0.4 s of CPU (0.01 s at 60).
                gc.collect()
            warnings += preparer.warnings
            warnings += ctx.warnings
            warnings += _missing_glyphs(validated, ctx.text.missing_glyphs)
            warnings += [validated.locate_file_problem(w)
                         for w in low_resolution_warnings(ctx.images.placed, options.target)]
            # The file's dates are the build date, never the clock time: reproducible.
            set_dates(temp, ctx.build_date)
            # The layout check and post-processing read one opened file: what the check
            # reads (pages, their content and fonts) is not read again.
            with read_once(temp) as pdf:
                # Its time is its own (the report's layout[].seconds), not a stage of its
                # own.
                check = check_layout(temp, ctx.tags, type_area=(ctx.geometry.margin_top,
                                                                ctx.geometry.margin_bottom),
                                     pdf=pdf, kept=_kept_pages(validated, options))
                trace.checks.append((target, check))
                # What a designer would reject fails a strict build like a warning does.
                if options.strict and (warnings or check.defects):
                    raise InputError([*warnings, *check.problems(),
                                      Problem("warnings are errors with --strict",
                                              code="strict")])
                with trace.stage("post-process", target):
                    # The screen PDF is archival and accessible (PDF/A-2u, PDF/UA-1) and
                    # linearized for fast web view; the print PDF is tagged too, but keeps
                    # its black ink and goes to a printer whole.
                    finish(temp, ctx.tags, archival=target == "screen",
                           linearize=target == "screen", print_profile=profile,
                           right_to_left=ctx.direction.right_to_left, spreads=options.booklet,
                           pdf=pdf)
                    set_content_id(temp)
                    if options.booklet:
                        booklet = booklet_path(output)
                        with staged.output(booklet) as sheets:
                            sides = impose(temp, sheets,
                                           right_to_left=ctx.direction.right_to_left)
            if trace.progress is not None:
                trace.progress(Progress("write", target))
            writing = time.perf_counter()
        trace.timings.append(("write", target, time.perf_counter() - writing))
    return BuildResult(output=output, pages=pages, warnings=tuple(warnings),
                       target=options.target, booklet=booklet, sheet_sides=sides,
                       sections=tuple(dataclasses.replace(s) for s in ctx.sections),
                       photos=_placed_photos(ctx), withheld=trace.withheld, layout=check,
                       pages_laid_out=restart.pages_laid_out() - laid)


def _planned_layout(context: Callable[[], LayoutContext], temp: Path, booklet: bool
                    ) -> tuple[LayoutContext, int]:
    """The layout the page planner keeps, not yet written, and its pages.

    The planner reads the pages and lays out again where one is nearly empty, or a
    booklet is no multiple of four pages. A layout is written only once the planner keeps
    it: the records it reads are not the file.

    In a watch session, a rebuild whose last build kept a plan that only shortens pages
    lays out with that plan first: where the layout's page breaks settle back into the
    last build's before its first shortened page, what the layout with the first plan
    would give is known without laying it out (`_first_read`), and often the plan it
    leads to is the one laid out already: one layout instead of two.
    """
    ctx = context()
    first = ctx.plan
    options = repr(ctx.options)
    done: dict[PagePlan, tuple[LayoutContext, int]] = {}
    last = restart.planned(options)
    read: Laid | None = None
    if last is not None and last.first == first and last.final != first \
            and shortening_only(first, last.final):
        ctx.plan = last.final
        pages = lay_out(ctx, temp, save=False)
        done[last.final] = (ctx, pages)
        read = _first_read(ctx.unwritten, laid_out(ctx, pages), last)
    laid_first: LayoutContext | None = None
    if read is None:
        ctx = context()
        pages = lay_out(ctx, temp, save=False)
        read, laid_first = laid_out(ctx, pages), ctx
    first_read, first_doc = read, laid_first.unwritten if laid_first is not None else None
    plan, current = first, laid_first
    # Pages before the first one a new plan changes are laid out as before
    # (plan.first_change): what a restartable layout may take over.
    tried = {first}
    while (following := next_plan(plan, read, tried, booklet=booklet)) is not None:
        tried.add(following)
        same_until = first_change(plan, following, read) - 1
        plan = following
        if plan in done:
            current, pages = done[plan]
        else:
            current = context()
            current.plan = plan
            pages = lay_out(current, temp, same_until=same_until, save=False)
        read = laid_out(current, pages)
    if current is None:  # the first plan's layout was read, not laid out
        current = context()
        pages = lay_out(current, temp, save=False)
    final = current.unwritten
    if final is not None and final.ledger is not None and final.brochure is not None:
        references = first_doc.ledger.references if first_doc is not None and \
            first_doc.ledger is not None else last.references if last is not None else None
        if references is not None:
            restart.plan_kept(options, restart.Planned(
                brochure=final.brochure, first=first, laid=first_read, references=references,
                final=plan, ledger=final.ledger))
    return current, pages


def _first_read(doc: Any, new: Laid, last: restart.Planned) -> Laid | None:
    """What the layout with the first plan would give, from `doc`, laid out with the plan
    the last build kept (`new`: what it gave): None when that is not known.

    It is known when `doc` took its pages from the last build's layout from a page on
    that its plan does not shorten yet, and prints the page numbers the last build's first
    layout printed: the first plan lays the pages before it out as `doc` did, begins it
    in the state the last build's layouts both did, and from there lays out what the
    last build's first layout did (the rest of the story is the same).
    """
    if doc is None or doc.taken is None or doc.ledger is None or doc.brochure != last.brochure:
        return None
    page, ledger = doc.taken
    if ledger is not last.ledger or doc.ledger.references != last.references:
        return None
    read = spliced(new, last.laid, page)
    if page > first_change(last.first, last.final, read):
        return None
    return read


def _kept_pages(validated: ValidatedEvent, options: BuildOptions) -> Path | None:
    """Where a one-shot build keeps what its pages draw for the next build of the same
    brochure (output.page_reads): a warm build then reads back no page drawn as before."""
    if options.cache_dir is None:
        return None
    brochure = repr((os.path.abspath(validated.source), options.target, options.paper,
                     options.bleed_mm, options.booklet, options.theme))
    return page_reads.kept_file(options.cache_dir, brochure)


# Keys named one by one in the warning about characters no font has; the rest counted.
_MISSING_GLYPH_KEYS = 5


def _missing_glyphs(validated: ValidatedEvent, missing: set[str]) -> list[Problem]:
    """A warning at each key whose text has characters no font has (they were left out),
    or one for the brochure when none of the event's texts has them (a theme's label)."""
    if not missing:
        return []

    def message(chars: str) -> str:
        codes = ", ".join(f"U+{ord(c):04X}" for c in chars)
        return f"no font has these characters, left out: {chars} ({codes})"

    found = validated.keys_with(missing)
    if not found:
        return [Problem(message("".join(sorted(missing))), file=validated.source,
                        code="missing-glyph")]
    problems = [validated.locate_key(path, message(chars), code="missing-glyph")
                for path, chars in found[:_MISSING_GLYPH_KEYS]]
    if len(found) > _MISSING_GLYPH_KEYS:
        rest = "".join(sorted(set().union(*(set(c) for _, c in found[_MISSING_GLYPH_KEYS:]))))
        problems.append(Problem(f"{message(rest)}, in {len(found) - _MISSING_GLYPH_KEYS} "
                                "more texts", file=validated.source, code="missing-glyph"))
    return problems


def _placed_photos(ctx: LayoutContext) -> tuple[PlacedPhoto, ...]:
    """Every image drawn, in the order it was placed, at its placed size."""
    return tuple(
        PlacedPhoto(file=request.source, width_mm=round(request.width_pt / 72 * 25.4, 1),
                    height_mm=round(request.height_pt / 72 * 25.4, 1),
                    width_px=prepared.width_px, height_px=prepared.height_px,
                    effective_dpi=round(prepared.effective_dpi, 1))
        for request, prepared in ctx.images.placed.items())


# ---------------------------------------------------------------------------------------
# Batch: many events, one worker pool


@dataclass(frozen=True)
class EventOutcome:
    """How one event of a batch ended."""

    source: Path
    output: Path
    report: Path
    exit_code: int
    results: tuple[BuildResult, ...]
    problems: tuple[Problem, ...]  # the errors of a failed build
    seconds: float

    @property
    def ok(self) -> bool:
        return self.exit_code == ExitCode.BUILT


BATCH_REPORT = "batch.report.json"


def batch_names(sources: Sequence[Path], reserved: Sequence[str] = ("batch",)) -> list[str]:
    """A file name per event, from its folder's name; repeats get -2, -3, …

    Names are told apart regardless of case (a case-insensitive file system would
    mix them up), and `batch` is taken by the batch's own report (batch.report.json).
    """
    taken = {name.casefold() for name in reserved}
    names: list[str] = []
    for source in sources:
        path = Path(os.path.abspath(source))
        base = (path.parent.name if path.suffix in (".yaml", ".yml") else path.name) or "event"
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.casefold())
        names.append(name)
    return names


def build_batch(sources: Sequence[Path], out_dir: Path, options: BuildOptions,
                targets: Sequence[Target], progress: ProgressCallback | None = None,
                report: Path | None = None) -> list[EventOutcome]:
    """Build every event into `out_dir` on one worker pool, going on past failures.

    Each event gets DIR/NAME.pdf and DIR/NAME.report.json (written for failures too).
    `report` is where the batch's own report will go (default DIR/batch.report.json;
    the caller writes it). Every event is validated first: an output that is an input
    of any event or another output of the batch refuses the whole batch (OutputClash)
    before anything is written.
    Events are laid out one after another (reportlab's layout is single-threaded);
    their photos go to the one pool, so no event waits for workers to start.
    """
    from dokureport.assets.preparer import worker_pool
    from dokureport.report import build_report, write_report

    if not out_dir.is_dir():
        raise InputError([Problem(f"--out-dir: {out_dir} is not a folder", code="output")])
    names = batch_names(sources)
    planned = [p for source, name in zip(sources, names, strict=True)
               for p in planned_outputs(out_dir / f"{name}.pdf", targets, options.booklet,
                                        out_dir / f"{name}.report.json", "--out-dir",
                                        event=str(source))]
    planned.append(Planned("--out-dir", out_dir / BATCH_REPORT, "the batch report")
                   if report is None else Planned("--report", report, "the batch report"))
    inputs: dict[Path, str] = {}
    for source in sources:
        with contextlib.suppress(InputError):  # no event there: that event fails below
            inputs.setdefault(locate(source), f"the event file of {source}")
    refuse_clashes(planned, inputs)
    # Validate every event before anything is written: the files each reads are known.
    checked: list[tuple[BuildTrace, ValidatedEvent | BaseException, float]] = []
    for source in sources:
        trace = BuildTrace(progress=progress, source=source)
        began = time.perf_counter()
        validated: ValidatedEvent | BaseException
        try:
            with trace.stage("validate"):
                validated = validate_event(source, allow_outside=options.allow_outside,
                                           decode_images=False, theme=options.theme)
            named = files_read(validated.source, validated.file_locations, validated.theme,
                               event=str(source))
        except InvalidEvent as exc:
            validated, named = exc, files_read(None, exc.files, event=str(source))
        except Exception as exc:  # an event that cannot be read: it fails below
            validated, named = exc, {}
        for path, what in named.items():
            inputs.setdefault(path, what)
        checked.append((trace, validated, time.perf_counter() - began))
    refuse_clashes(planned, inputs)
    outcomes: list[EventOutcome] = []
    pool = worker_pool(options.jobs)
    try:
        for source, name, (trace, validated, seconds) in zip(sources, names, checked,
                                                             strict=True):
            output = out_dir / f"{name}.pdf"
            report_path = out_dir / f"{name}.report.json"
            trace.pool = pool
            began = time.perf_counter()
            problems: list[Problem] = []
            try:
                if isinstance(validated, BaseException):
                    raise validated
                build_brochures(validated, output, options, targets, trace, report_path)
                code = int(ExitCode.BUILT)
            except DokureportError as exc:
                code, problems = int(exc.exit_code), exc.problems
            except Exception as exc:  # a bug with one event must not cost the others
                code = int(ExitCode.BUG)
                problems = [Problem(f"internal error: {type(exc).__name__}: {exc}",
                                    code="internal")]
            seconds += time.perf_counter() - began
            if code != ExitCode.BUILT:
                write_report(build_report(
                    command="build", source=source, exit_code=code, results=trace.results,
                    errors=problems, withheld=trace.withheld, timings=trace.timings,
                    checks=trace.checks), report_path)
            outcomes.append(EventOutcome(source, output, report_path, code,
                                         tuple(trace.results), tuple(problems), seconds))
    finally:
        with interrupts.held():
            pool.shutdown(wait=True, cancel_futures=True)
    return outcomes
