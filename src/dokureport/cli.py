"""The command line: parses options, wires the pipeline stages, and reports errors once."""

from __future__ import annotations

import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import click

from dokureport.core.collector import command_line_policy
from dokureport.core.errors import DokureportError, ExitCode
from dokureport.core.interrupts import Terminated, caught, check, handled
from dokureport.core.options import (
    BLEED_MM,
    MIN_JOBS,
    PAPERS,
    TARGET_CHOICES,
    BuildOptions,
    chosen_targets,
    option_problems,
)
from dokureport.core.resources import sample_event_dir
from dokureport.core.version import __version__


def _report_bug(exc: BaseException) -> click.ClickException:
    """A bug: a short message and where the traceback went, not a wall of text."""
    with tempfile.NamedTemporaryFile(
        "w", prefix="dokureport-crash-", suffix=".txt", delete=False
    ) as log:
        traceback.print_exception(exc, file=log)
    return _Message(f"dokureport: internal error: {type(exc).__name__}: {exc}\n"
                    f"This is a bug. The traceback was written to {log.name}", ExitCode.BUG)


class _Message(click.ClickException):
    """Lines for standard error and an exit status, rendered by click's own handling."""

    def __init__(self, text: str, exit_code: int) -> None:
        super().__init__(text)
        self.exit_code = exit_code

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.message, err=True)


class _Group(click.Group):
    """Turns every way a command can end into click's exception handling, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            check()  # a signal whose exception a finalizer swallowed
            return result
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except DokureportError as exc:
            raise _Message("\n".join(f"error: {p}" for p in exc.problems),
                           exc.exit_code) from None
        except KeyboardInterrupt:
            caught()
            raise _interrupted(ExitCode.INTERRUPTED, "interrupted (Ctrl-C)") from None
        except Terminated:
            caught()
            raise _interrupted(ExitCode.TERMINATED, "terminated (SIGTERM)") from None
        except Exception as exc:
            raise _report_bug(exc) from None


def _interrupted(code: ExitCode, why: str) -> _Message:
    # Workers are stopped and temporary files removed by the stages' own clean-up, which
    # has run by the time the exception gets here.
    return _Message(f"dokureport: {why}; nothing was written", code)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point. Exit status: see ExitCode (0 built, 1 bug, 2 bad input, 73/74 the
    machine failed, 130/143 interrupted)."""
    command_line_policy()
    with handled():
        cli.main(args=list(argv) if argv is not None else None, prog_name="dokureport")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dokureport")
def cli() -> None:
    """Turn an event's data and photos into a printable documentation brochure (PDF).

    Exit status: 0 built (or valid), 2 bad input, 73 an output cannot be created, 74 the
    machine failed (full disk, vanished file), 130/143 interrupted, 1 a bug.
    """


def _failure(exc: BaseException) -> tuple[int, list[Any]]:
    """The exit status and problems a failed command reports, in its build report too."""
    from dokureport.core.errors import Problem

    if isinstance(exc, DokureportError):
        return int(exc.exit_code), exc.problems
    if isinstance(exc, KeyboardInterrupt):
        return int(ExitCode.INTERRUPTED), [Problem("interrupted (Ctrl-C)", code="interrupted")]
    if isinstance(exc, Terminated):
        return int(ExitCode.TERMINATED), [Problem("terminated (SIGTERM)", code="interrupted")]
    return int(ExitCode.BUG), [Problem(f"internal error: {type(exc).__name__}: {exc}",
                                       code="internal")]


def _finite(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """The API's rule for an option click's own type lets through (--bleed nan)."""
    problems = option_problems(**{param.name or "": value})
    if problems:
        raise click.BadParameter(f"{value} is not a number from {BLEED_MM[0]} to "
                                 f"{BLEED_MM[1]}.")
    return value


@cli.command()
@click.argument("events", nargs=-1, type=click.Path(path_type=Path), metavar="[EVENT]...")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the PDF (default: brochure.pdf in the current folder).",
)
@click.option("--out-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Build every EVENT into this folder as NAME.pdf with NAME.report.json "
                   "(NAME: the event's folder), on one pool of workers; go on past "
                   "failures, print a summary, exit 2 if any failed.")
@click.option("--report", "report_to", metavar="FILE.json",
              help="Write the machine-readable build report there (- for standard "
                   "output), for failed builds too. With --out-dir: the batch's report "
                   "(default: DIR/batch.report.json).")
@click.option("--target", "targets", type=click.Choice(TARGET_CHOICES),
              multiple=True, default=["screen"], show_default=True,
              help="screen: small, linked PDF; print: bleed, crop marks, 300 dpi. Repeat it "
                   "(or say all) for both: the print PDF then gets -print in its name.")
@click.option("--bleed", "bleed_mm", type=click.FloatRange(*BLEED_MM), default=3.0,
              callback=_finite,
              show_default=True, metavar="MM", help="Bleed around each print page, in mm.")
@click.option("--booklet", is_flag=True,
              help="Pad to a multiple of 4 pages and also write NAME-booklet.pdf: "
                   "printer's spreads for duplex printing (flip on short edge), fold, staple.")
@click.option("--paper", type=click.Choice(PAPERS), default="a4",
              show_default=True, help="Page size.")
@click.option("--strict", is_flag=True,
              help="Treat warnings, and what the layout check finds, as errors (exit 2).")
@click.option("--allow-outside", is_flag=True,
              help="Allow files outside the event folder (trusted local use only).")
@click.option("-q", "--quiet", is_flag=True, help="No progress, only warnings and errors.")
@click.option("-j", "--jobs", type=click.IntRange(min=MIN_JOBS),
              help="Processes preparing photos (default: every core).")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Cache of prepared photos (default: ~/.cache/dokureport).")
@click.option("--no-cache", is_flag=True, help="Prepare every photo afresh; keep nothing.")
@click.option("--theme", metavar="NAME|PATH",
              help="A bundled theme (default, classic, bold) or a theme file; replaces the "
                   "event's `theme:`.")
@click.option("--watch", is_flag=True,
              help="Stay up and rebuild whenever a file of the event changes; "
                   "one line per build (pages, warnings, time).")
def build(events: tuple[Path, ...], output: Path | None, out_dir: Path | None,
          report_to: str | None, targets: tuple[str, ...], paper: str,
          bleed_mm: float, booklet: bool, strict: bool, allow_outside: bool, quiet: bool,
          jobs: int | None, cache_dir: Path | None, no_cache: bool,
          theme: str | None, watch: bool) -> None:
    """Build the brochure of EVENT (a folder or its event.yaml).

    Without EVENT, builds the bundled sample event. Several EVENTs need --out-dir.
    """
    from dokureport.assets import default_cache_dir

    chosen = chosen_targets(targets)
    options = BuildOptions(
        target=chosen[0],  # type: ignore[arg-type]
        paper=paper,  # type: ignore[arg-type]
        bleed_mm=bleed_mm,
        booklet=booklet,
        strict=strict,
        allow_outside=allow_outside,
        progress=not quiet and sys.stderr.isatty(),
        jobs=jobs,
        cache_dir=None if no_cache else (cache_dir or default_cache_dir()),
        theme=theme,
    )
    if out_dir is not None or len(events) > 1:
        if watch:
            raise click.UsageError("--watch builds one event")
        if out_dir is None:
            raise click.UsageError("several events need --out-dir DIR")
        if output is not None:
            raise click.UsageError("-o names one PDF; with --out-dir each event gets DIR/NAME.pdf")
        if not events:
            raise click.UsageError("--out-dir needs at least one EVENT")
        _build_batch(events, out_dir, report_to, options, chosen)
        return
    source = events[0] if events else sample_event_dir()
    if watch:
        if report_to is not None:
            raise click.UsageError("--watch writes no report: it builds until stopped")
        from dokureport.watch import watch_builds

        watch_builds(source, output or Path("brochure.pdf"), options,
                     chosen,  # type: ignore[arg-type]
                     lambda line, err: click.echo(line, err=err))
        return
    from dokureport.assets.early import start_early

    # The photo workers start while the build imports its stages and validates the event
    # (unless the cache says its images are all prepared).
    early = start_early(source, options, chosen)
    from dokureport.pipeline import BuildTrace, build_brochures
    from dokureport.report import build_report, write_report

    trace = BuildTrace(early=early)
    to_file = Path(report_to) if report_to not in (None, "-") else None
    try:
        # The report file is written with the PDFs, all renamed into place together.
        results = build_brochures(source, output or Path("brochure.pdf"), options,
                                  chosen, trace, to_file)  # type: ignore[arg-type]
    except BaseException as exc:
        if report_to is not None and not _refused(exc, "--report"):
            code, problems = _failure(exc)
            write_report(build_report(command="build", source=source, exit_code=code,
                                      results=trace.results, errors=problems,
                                      withheld=trace.withheld, timings=trace.timings,
                                      checks=trace.checks), report_to)
        raise
    finally:
        if early is not None:
            early.close()  # a build that failed before it took the workers
    # Validation warnings come with every target: say each once. Then what the layout
    # check found (a designer would reject it; --strict fails on it).
    for warning in dict.fromkeys([*(w for result in results for w in result.warnings),
                                  *(p for result in results if result.layout is not None
                                    for p in result.layout.problems())]):
        click.echo(f"warning: {warning}", err=True)
    to_stderr = report_to == "-"  # standard output carries the JSON then
    for result in results:
        click.echo(f"Wrote {result.output} ({result.pages} pages)", err=to_stderr)
        if result.booklet is not None:
            click.echo(f"Wrote {result.booklet} ({result.sheet_sides // 2} sheets, "
                       f"printed on both sides)", err=to_stderr)
    if report_to == "-":
        write_report(build_report(command="build", source=source, exit_code=ExitCode.BUILT,
                                  results=results, withheld=trace.withheld,
                                  timings=trace.timings, photo_texts=trace.photo_texts),
                     report_to)


def _refused(exc: BaseException, option: str) -> bool:
    """Whether the build refused to write anything at the path `option` names."""
    from dokureport.output.guard import OutputClash

    return isinstance(exc, OutputClash) and option in exc.options


def _build_batch(events: Sequence[Path], out_dir: Path, report_to: str | None,
                 options: BuildOptions, targets: list[str]) -> None:
    """Build many events, print a summary table, write the batch report; exit 2 on failure."""
    from dokureport.pipeline import build_batch

    outcomes = build_batch(events, out_dir, options, targets,  # type: ignore[arg-type]
                           report=Path(report_to) if report_to is not None else None)
    _summary(outcomes, out_dir, report_to)


def _summary(outcomes: Sequence[Any], out_dir: Path, report_to: str | None) -> None:
    """A batch's summary table and report (`build --out-dir`, `enqueue --wait`)."""
    from dokureport.pipeline import BATCH_REPORT
    from dokureport.report import batch_report, write_report

    to_stderr = report_to == "-"
    width = max(len(str(o.source)) for o in outcomes)
    click.echo(f"{'event':<{width}}  {'status':<6}  {'pages':>5}  {'warn':>4}  {'time':>6}  "
               "output or first error", err=to_stderr)
    for o in outcomes:
        pages = sum(r.pages for r in o.results)
        warns = len({w for r in o.results for w in r.warnings})
        detail = str(o.output) if o.ok else (str(o.problems[0]) if o.problems else "failed")
        click.echo(f"{o.source!s:<{width}}  {'ok' if o.ok else 'FAILED':<6}  {pages:>5}  "
                   f"{warns:>4}  {o.seconds:>5.1f}s  {detail}", err=to_stderr)
    failed = [o for o in outcomes if not o.ok]
    code = ExitCode.BAD_INPUT if failed else ExitCode.BUILT
    write_report(batch_report(outcomes, code), report_to or out_dir / BATCH_REPORT)
    click.echo(f"{len(outcomes) - len(failed)} of {len(outcomes)} events built; reports in "
               f"{out_dir}", err=to_stderr)
    if failed:
        raise _Message(f"error: {len(failed)} event{'s' * (len(failed) != 1)} failed: "
                       + ", ".join(str(o.source) for o in failed), code)


def _queue() -> Any:
    """The queue's entry modules, or how to install them (the `queue` extra)."""
    try:
        import dokureport.queue.client as client
        import dokureport.queue.tasks as tasks
    except ModuleNotFoundError as exc:
        if exc.name not in ("celery", "redis", "kombu"):
            raise
        raise _Message("dokureport: the queue needs Celery and Redis's client: "
                       "pip install 'dokureport[queue]'", ExitCode.BAD_INPUT) from None
    return client, tasks


@cli.command()
@click.option("--broker", required=True, metavar="URL", help="The Redis queue: redis://HOST:PORT/DB.")
@click.option("--concurrency", type=click.IntRange(min=1), default=1, show_default=True,
              help="Builds at once, each in its own process (one per core).")
@click.option("--max-jobs-per-child", type=click.IntRange(min=1), default=20,
              show_default=True, help="A build process is replaced after this many builds.")
@click.option("--max-memory-per-child", type=click.IntRange(min=1), metavar="MiB",
              help="A build process is replaced after a build that left it larger than this.")
@click.option("--time-limit", type=click.FloatRange(min=1), default=600, show_default=True,
              metavar="SECONDS", help="A build taking longer fails (not retried); its "
              "process is killed a quarter later (10 s at most) if it does not stop.")
@click.option("--lost-after", type=click.FloatRange(min=1), metavar="SECONDS",
              help="A job taken by a worker that died comes back to the queue after this "
                   "(default: 60 s after the time limit and its grace).")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
              help="Retries of a build the machine failed (exit 73/74), with backoff.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Cache of prepared photos (default: ~/.cache/dokureport).")
@click.option("--no-cache", is_flag=True, help="Prepare every photo afresh; keep nothing.")
@click.option("--exit-when-idle", type=click.FloatRange(min=1), metavar="SECONDS",
              help="Stop after this long without a job (a worker run as a batch job).")
def worker(broker: str, concurrency: int, max_jobs_per_child: int,
           max_memory_per_child: int | None, time_limit: float,
           lost_after: float | None, retries: int, cache_dir: Path | None,
           no_cache: bool, exit_when_idle: float | None) -> None:
    """Run a worker that builds the brochures put on the queue (`enqueue`) until stopped."""
    from dokureport.assets import default_cache_dir

    _, tasks = _queue()
    settings = tasks.WorkerSettings(
        time_limit=time_limit, max_jobs_per_child=max_jobs_per_child, concurrency=concurrency,
        max_memory_per_child=max_memory_per_child,
        retries=retries, lost_after=lost_after, exit_when_idle=exit_when_idle,
        cache_dir=None if no_cache else (cache_dir or default_cache_dir()))
    if settings.visibility_timeout <= settings.hard_time_limit:
        # A build still running would come back to the queue and start again, forever.
        raise click.UsageError(f"--lost-after must be longer than {settings.hard_time_limit:g} "
                               "s: the time limit and its grace (a quarter, 10 s at most)")
    code = tasks.run_worker(broker, settings)
    if code:
        raise _Message(f"dokureport: the worker stopped with exit status {code}", code)


@cli.command()
@click.argument("events", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="EVENT...")
@click.option("--broker", required=True, metavar="URL", help="The Redis queue: redis://HOST:PORT/DB.")
@click.option("--out-dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="A folder every worker can reach: each EVENT goes to NAME.pdf with "
                   "NAME.report.json.")
@click.option("--wait", is_flag=True,
              help="Wait for every build, print the summary table, exit 2 if any failed.")
@click.option("--report", "report_to", metavar="FILE.json",
              help="With --wait: the batch's report (default: DIR/batch.report.json).")
@click.option("--target", "targets", type=click.Choice(TARGET_CHOICES),
              multiple=True, default=["screen"], show_default=True, help="As for build.")
@click.option("--bleed", "bleed_mm", type=click.FloatRange(*BLEED_MM), default=3.0,
              callback=_finite, show_default=True, metavar="MM", help="As for build.")
@click.option("--booklet", is_flag=True, help="As for build.")
@click.option("--paper", type=click.Choice(PAPERS), default="a4", show_default=True,
              help="As for build.")
@click.option("--strict", is_flag=True, help="As for build.")
@click.option("--allow-outside", is_flag=True, help="As for build.")
@click.option("--theme", metavar="NAME|PATH", help="As for build.")
def enqueue(events: tuple[Path, ...], broker: str, out_dir: Path, wait: bool,
            report_to: str | None, targets: tuple[str, ...], bleed_mm: float, booklet: bool,
            paper: str, strict: bool, allow_outside: bool, theme: str | None) -> None:
    """Put a build of each EVENT on the queue; an unchanged event is not built again."""
    client, _ = _queue()
    chosen = chosen_targets(targets)
    options = BuildOptions(paper=paper, bleed_mm=bleed_mm,  # type: ignore[arg-type]
                           booklet=booklet, strict=strict, allow_outside=allow_outside,
                           theme=theme)
    jobs = client.enqueue(events, out_dir, options, chosen, broker)
    for job in jobs:
        state = "queued" if job.sent else "unchanged, not built again"
        click.echo(f"{job.source}: {state} (job {job.key[:16]})", err=wait)
    if wait:
        _summary(client.wait(jobs, broker), out_dir, report_to)


@cli.command()
@click.argument("event", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
@click.option("--allow-outside", is_flag=True,
              help="Allow files outside the event folder (trusted local use only).")
@click.option("--report", "report_to", metavar="FILE.json",
              help="Write the problems as a build report (- for standard output).")
def validate(event: Path, strict: bool, allow_outside: bool, report_to: str | None) -> None:
    """Check EVENT (a folder or its event.yaml) without building: exit 0 valid, 2 not."""
    import time

    from dokureport.core.errors import InputError
    from dokureport.pipeline import validate_sparing_report
    from dokureport.report import build_report, photo_texts_json, write_report

    began = time.perf_counter()
    try:
        result = validate_sparing_report(event, report_to, allow_outside=allow_outside)
        if strict and result.warnings:
            raise InputError(list(result.warnings))
    except BaseException as exc:
        if report_to is not None and not _refused(exc, "--report"):
            code, problems = _failure(exc)
            write_report(build_report(
                command="validate", source=event, exit_code=code, errors=problems,
                timings=[("validate", None, time.perf_counter() - began)]), report_to)
        raise
    if report_to is not None:
        write_report(build_report(
            command="validate", source=event, exit_code=ExitCode.BUILT,
            warnings=result.warnings, notes=result.notes,
            timings=[("validate", None, time.perf_counter() - began)],
            photo_texts=photo_texts_json(result.event.photos)), report_to)
        if report_to == "-":
            return  # standard output is the report's
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    photos = result.event.photos
    if photos.reads_metadata and photos.items:
        from dokureport.validate.photo_texts import source_summary

        click.echo(f"photo texts: {source_summary(photos)}")
    count = len(result.warnings)
    note = f" ({count} warning{'s' * (count != 1)})" if count else ""
    click.echo(f"{result.source}: valid{note}")


@cli.command()
@click.option("--theme", "of_theme", is_flag=True, help="The schema of a theme file instead.")
@click.option("--report", "of_report", is_flag=True,
              help="The schema of the build report (build --report) instead.")
def schema(of_theme: bool, of_report: bool) -> None:
    """Print the JSON Schema of event.yaml (or of a theme file, or of the build report)."""
    if of_report:
        import json

        from dokureport.report import report_schema

        click.echo(json.dumps(report_schema(), indent=2, ensure_ascii=False))
        return
    from dokureport.design.schema import theme_schema_json
    from dokureport.event.schema import schema_json

    click.echo(theme_schema_json() if of_theme else schema_json(), nl=False)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--photos", metavar="NAME",
              help="A folder of photos in FOLDER (e.g. photos): each becomes an entry, in "
                   "the order taken, with its file's caption, credit and alt text as comments.")
def init(folder: Path, photos: str | None) -> None:
    """Write a commented starter event into FOLDER (never overwrites an event.yaml)."""
    from dokureport.starter import write_starter

    target = write_starter(folder, photos=photos,
                           warn=lambda line: click.echo(f"warning: {line}", err=True))
    click.echo(f"Wrote {target}; check it with: dokureport validate {folder}")


@cli.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--update", is_flag=True,
              help="Replace only the agenda and talks of an existing FOLDER/event.yaml; "
                   "keep every other line (intro, photos, contacts, comments).")
@click.option("--day-change", default="04:00", show_default=True, metavar="HH:MM",
              help="When one programme day ends: a talk before it belongs to the evening "
                   "before.")
@click.option("--lang", type=click.Choice(["de", "en"]),
              help="The brochure's language (default: what most talks are held in).")
def import_(source: Path, folder: Path, update: bool, day_change: str,
            lang: str | None) -> None:
    """Import a schedule export (frab/c3voc JSON or XML, pretalx, Indico) into FOLDER.

    Writes FOLDER/event.yaml; an existing one is changed only with --update.
    """
    from dokureport.core.errors import InputError, show
    from dokureport.importers import import_schedule
    from dokureport.importers.common import parse_clock

    change = parse_clock(day_change)
    if change is None:
        raise InputError(f"--day-change: not a time of day: {show(day_change)} (write 04:00)")
    result = import_schedule(source, folder, update=update, day_change=change, lang=lang)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    programme = result.programme
    items = sum(len(day.items) for day in programme.days)
    click.echo(f"{'Updated' if result.updated else 'Wrote'} {result.target}: "
               f"{len(programme.talks)} talks, {items} agenda items on "
               f"{len(programme.days)} days; check it with: dokureport validate {folder}")
