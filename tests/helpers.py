"""Helpers the test modules share: the command line in process, a PDF's text as poppler
reads it, a page's boxes. Fixtures are in conftest.py (`runner` makes the CliRunner)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
from click.testing import CliRunner

from dokureport.cli import cli


def cli_runner() -> CliRunner:
    """The CliRunner of the tests: click keeps stdout and stderr apart (`output` has both)."""
    return CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    """`dokureport ARGS` through click in process: exit status, stdout, stderr."""
    result = cli_runner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def pdftotext(path: Path, *args: str) -> str:
    """The text poppler's `pdftotext ARGS PATH -` reads from a PDF (pages end in a form feed)."""
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def box(page: pikepdf.Page | pikepdf.Dictionary, name: str) -> tuple[float, ...] | None:
    """A page's box (`/MediaBox`, `/TrimBox` …) as numbers, or None if the page has none."""
    value = (page.obj if isinstance(page, pikepdf.Page) else page).get(name)
    return None if value is None else tuple(float(v) for v in value)
