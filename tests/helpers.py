"""Helpers the test modules share: the command line in process, a PDF's text as poppler
reads it, a page's boxes. Fixtures are in conftest.py (`runner` makes the CliRunner)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import yaml
from click.testing import CliRunner

from dokureport.cli import cli


def write_event(folder: Path, data: dict, photos: tuple[str, ...] = ()) -> Path:
    """An event folder from a dict, photos copied from the sample by name."""
    from tests.conftest import SAMPLE

    (folder / "photos").mkdir(parents=True)
    for photo in photos:
        shutil.copy(SAMPLE / "photos" / photo, folder / "photos" / photo)
    (folder / "event.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                       encoding="utf-8")
    return folder


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


@dataclass(frozen=True)
class PageFill:
    """How full one page is, as a reader sees it: its body's text lines (page furniture,
    the footer and running heads tagged as artifacts, left out), its images, and the
    share of the page's height its body content spans."""

    number: int  # 1-based
    lines: int
    images: int
    share: float  # of the page's height, from the topmost to the lowest body content

    @property
    def blank(self) -> bool:
        return self.lines == 0 and self.images == 0


def _body_lines(chars: list[dict[str, Any]]) -> list[float]:
    """The baselines of a page's body text: characters on one baseline (within a point and
    a half) are one line, however many columns share it."""
    baselines = sorted({round(c["bottom"], 1) for c in chars if c["text"].strip()})
    lines: list[float] = []
    for y in baselines:
        if not lines or y - lines[-1] > 1.5:
            lines.append(y)
    return lines


def page_fill(path: Path) -> list[PageFill]:
    """Every page's fill, read back from the PDF (pdfplumber). Text in /Artifact marked
    content (footer, running head, crop marks' labels) is furniture, not a line; in an
    untagged PDF every text counts."""
    import pdfplumber

    out: list[PageFill] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = [c for c in page.chars if c.get("tag") != "Artifact"]
            lines = _body_lines(chars)
            images = [i for i in page.images if i["width"] > 20 and i["height"] > 20]
            tops = [c["top"] for c in chars] + [i["top"] for i in images]
            bottoms = [c["bottom"] for c in chars] + [i["bottom"] for i in images]
            share = (max(bottoms) - min(tops)) / float(page.height) if tops else 0.0
            out.append(PageFill(number, len(lines), len(images), share))
    return out


def near_empty_pages(path: Path, min_lines: int = 6) -> list[PageFill]:
    """The pages but the first and the last with fewer than `min_lines` text lines and no
    image: what a designer would not sign off (issue 20)."""
    fills = page_fill(path)
    return [f for f in fills[1:-1] if f.lines < min_lines and not f.images]


def section_pages(pdf_path: Path, title: str) -> range:
    """The pages (0-based) of the section whose top-level bookmark is `title`, up to the
    next one's: where a reader's outline says it starts and ends."""
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:
        starts = []
        for item in outline.root:
            where = item.destination if item.destination is not None else item.action.D
            if not isinstance(where, pikepdf.Array):  # a named destination
                where = pikepdf.NameTree(pdf.Root.Names.Dests)[str(where)]
            where = where.D if isinstance(where, pikepdf.Dictionary) else where
            starts.append((item.title, pdf.pages.index(pikepdf.Page(where[0]))))
        pages = len(pdf.pages)
    first = next(i for i, (name, _) in enumerate(starts) if name == title)
    end = starts[first + 1][1] if first + 1 < len(starts) else pages
    return range(starts[first][1], end)


def watch_session(folder: Path, out: Path, cache: Path) -> tuple[Any, list[str]]:
    """A watch session (`build --watch` without the waiting) of the event in `folder`,
    writing the screen PDF to `out`, and the lines it reports."""
    from dokureport.core.options import BuildOptions
    from dokureport.watch import _Session

    lines: list[str] = []
    session = _Session(folder, out, BuildOptions(cache_dir=cache), ["screen"],
                       lambda line, _err: lines.append(line))
    return session, lines


def count_page_reads(monkeypatch: Any) -> list[int]:
    """One entry per page content stream this process parses from now on (the layout
    check's read-back, output.page_content)."""
    from dokureport.output import page_content

    read: list[int] = []
    original = page_content.PageReader.read

    def counted(reader: page_content.PageReader) -> None:
        read.append(1)
        original(reader)

    monkeypatch.setattr(page_content.PageReader, "read", counted)
    return read
