"""Shared fixtures: the sample brochure built once, events and builds, the CLI's runner;
and readers for the PDFs we write. Plain helpers shared by test modules are in helpers.py."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pdfplumber
import pytest

from dokureport.core.options import BuildOptions
from dokureport.core.resources import sample_event_dir
from tests.helpers import cli_runner, write_event

if TYPE_CHECKING:
    from click.testing import CliRunner

    from dokureport.pipeline import BuildResult

SAMPLE = sample_event_dir()


@pytest.fixture(autouse=True)
def _fresh_layout_guesses() -> None:
    """Each test's first build settles its pages as a fresh process would (no guesses kept
    by earlier tests' builds); a test's later builds of the same brochure may use them."""
    from dokureport.engine import settled
    from dokureport.event import image_headers, reload
    from dokureport.layout import restart
    from dokureport.output import page_reads

    settled.forget()
    # A watch session of an earlier test kept pages, layouts and event.yaml's parts, and
    # left keeping on: a one-shot build of a later test would then keep its stories too
    # (it once failed a memo test only when a watch test ran before it on the same worker).
    page_reads.keep_between_builds(False)
    restart.keep_between_builds(False)
    reload.keep_between_builds(False)
    image_headers.forget()  # photo sizes read by an earlier test's build


@pytest.fixture
def runner() -> CliRunner:
    """A click CliRunner for `runner.invoke(cli, [...])`: stdout and stderr apart."""
    return cli_runner()


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from dokureport.pipeline import build_brochure

    out = tmp_path_factory.mktemp("sample") / "sample.pdf"
    build_brochure(SAMPLE, out, BuildOptions())
    return out


@pytest.fixture(scope="session")
def sample_text(sample_pdf: Path) -> list[str]:
    """The text of each page of the sample brochure."""
    with pdfplumber.open(sample_pdf) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def squash(text: str) -> str:
    """Text reduced to what a line break, hyphenation or typography cannot change.

    Drops whitespace, hyphens and dashes (a hyphenated line break adds one), and
    straight and typographic quotes (the brochure sets „these“).
    """
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[\s\-\u2010-\u2015\xad\"'„“”‚‘’]", "", text)


@pytest.fixture
def make_event(tmp_path: Path) -> Callable[..., Path]:
    """Write an event folder from a dict (photos copied from the sample by name)."""

    def make(data: dict, photos: tuple[str, ...] = (), name: str = "event") -> Path:
        return write_event(tmp_path / name, data, photos)

    return make


@pytest.fixture
def build(tmp_path: Path) -> Callable[..., tuple[Path, BuildResult]]:
    from dokureport.pipeline import build_brochure

    def run(folder: Path, **options: object) -> tuple[Path, BuildResult]:
        out = tmp_path / f"{folder.name}.pdf"
        return out, build_brochure(folder, out, BuildOptions(**options))  # type: ignore[arg-type]

    return run


def minimal_event(**extra: object) -> dict:
    return {"title": "Fachtag", "event": {"start": "2024-03-05"}} | extra


def every_text_field(text: str, **extra: object) -> dict:
    """An event with `text` in every text field the brochure prints; `extra` replaces keys."""
    return minimal_event(
        title=text, subtitle=text, intro=text,
        event={"start": "2024-03-05", "kind": text,
               "venue": {"name": text, "address": [text]}},
        organiser={"name": text},
        agenda=[{"date": "2024-03-05", "items": [
            {"time": "09:00", "title": text, "place": text, "people": [text], "talk": "t"}]}],
        talks=[{"id": "t", "title": text, "format": text, "topic": text, "abstract": text,
                "speakers": [{"name": text, "role": text, "organisation": text}]}],
        videos=[{"title": text, "url": "https://example.org/v?a=1&b=2", "description": text}],
        contacts=[{"name": text, "role": text, "city": text, "phone": text}],
    ) | extra


def captions_under_images(pdf_path: Path) -> list[tuple[int, str]]:
    """(page, text) of the text block directly below each image (its first line within 8 pt).

    The cover (page 1) is left out: its photo is a backdrop, not a captioned photo.
    """
    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages):
            if number == 0:
                continue
            words = page.extract_words()
            for image in page.images:
                below = [w for w in words
                         if image["x0"] - 1 <= w["x0"] < image["x1"]
                         and 0 <= w["top"] - image["bottom"] <= 60]
                if not below:
                    continue
                first_top = min(w["top"] for w in below)
                assert first_top - image["bottom"] <= 8, "caption not directly below its photo"
                found.append((number, " ".join(w["text"] for w in below)))
    return found


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from this build (review the diff!)")


@pytest.fixture(scope="session")
def fosdem_2024(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A large real programme, FOSDEM 2024 (674 talks), imported from its frab XML and
    built on A4 for the screen, once for every test that only reads it: the event folder
    and the PDF."""
    from dokureport.importers import import_schedule
    from dokureport.pipeline import build_brochure

    folder = tmp_path_factory.mktemp("fosdem-2024") / "event"
    import_schedule(Path(__file__).parent / "imports" / "frab_xml" / "fosdem-2024.xml.gz",
                    folder)
    out = folder.parent / "fosdem.pdf"
    build_brochure(folder, out, BuildOptions())
    return folder, out
