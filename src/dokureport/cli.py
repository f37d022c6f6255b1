"""The command line: parses options, wires the pipeline stages, and reports errors once."""

from __future__ import annotations

import sys
import tempfile
import traceback
from pathlib import Path

import click

from dokureport import __version__
from dokureport.errors import DokureportError, ExitCode
from dokureport.options import BuildOptions
from dokureport.resources import sample_event_dir


def _report_bug(exc: BaseException) -> None:
    """A bug: a short message and where the traceback went, not a wall of text."""
    with tempfile.NamedTemporaryFile(
        "w", prefix="dokureport-crash-", suffix=".txt", delete=False
    ) as log:
        traceback.print_exception(exc, file=log)
    click.echo(
        f"dokureport: internal error: {type(exc).__name__}: {exc}\n"
        f"This is a bug. The traceback was written to {log.name}",
        err=True,
    )


def main() -> None:
    """Entry point: every user-facing problem becomes a message and exit code 2."""
    try:
        cli.main(standalone_mode=False, prog_name="dokureport")
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(ExitCode.BUG)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.BAD_INPUT)
    except DokureportError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        _report_bug(exc)
        sys.exit(ExitCode.BUG)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dokureport")
def cli() -> None:
    """Turn an event's data and photos into a printable documentation brochure (PDF).

    Exit status: 0 built, 2 bad input, 1 anything else (a bug).
    """


@cli.command()
@click.argument("event", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the PDF (default: brochure.pdf in the current folder).",
)
@click.option("--target", type=click.Choice(["screen", "print"]), default="screen",
              show_default=True, help="screen: small, linked PDF; print: bleed, crop marks, 300 dpi.")
@click.option("--paper", type=click.Choice(["a4", "a5", "letter"]), default="a4",
              show_default=True, help="Page size.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
@click.option("--allow-outside", is_flag=True,
              help="Allow files outside the event folder (trusted local use only).")
@click.option("-q", "--quiet", is_flag=True, help="No progress, only warnings and errors.")
def build(event: Path | None, output: Path | None, target: str, paper: str,
          strict: bool, allow_outside: bool, quiet: bool) -> None:
    """Build the brochure of EVENT (a folder or its event.yaml).

    Without EVENT, builds the bundled sample event.
    """
    from dokureport.build import build_brochure

    options = BuildOptions(
        target=target,  # type: ignore[arg-type]
        paper=paper,  # type: ignore[arg-type]
        strict=strict,
        allow_outside=allow_outside,
        progress=not quiet and sys.stderr.isatty(),
    )
    source = event if event is not None else sample_event_dir()
    result = build_brochure(source, output or Path("brochure.pdf"), options)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"Wrote {result.output} ({result.pages} pages)")
