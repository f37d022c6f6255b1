"""A large programme's talks in two columns over the wide width: half the pages, nothing lost,
each column read in order, every line within the measure and 7 pt."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml

from dokureport.design.geometry import geometry_for, talk_columns
from dokureport.design.theme import load_theme
from dokureport.text.fonts import default_fonts
from tests.helpers import section_pages

FOSDEM = Path(__file__).parent / "imports" / "frab_xml" / "fosdem-2024.xml.gz"
PAGES_BEFORE = 387  # FOSDEM 2024 on A4 before issue 20
MIN_SIZE = 7.0
MAX_CHARACTERS = 75
BREAK = "\xad"
COLUMN_GAP = 10  # points: wider than a word space (0.6 em at most), narrower than 6 mm


@pytest.fixture(scope="module")
def fosdem(fosdem_2024: tuple[Path, Path]) -> tuple[Path, list[dict], range]:
    """FOSDEM 2024 imported and built on A4: the PDF, its talks, and its talks' pages
    (0-based, from the outline)."""
    folder, out = fosdem_2024
    talks = yaml.safe_load((folder / "event.yaml").read_text(encoding="utf-8"))["talks"]
    return out, talks, section_pages(out, "Talks")


def column_lines(page: pdfplumber.page.Page) -> list[tuple[float, float, str, float]]:
    """Each line of each column between the running head and the footer: x0, x1, text,
    its first character's size (a line of pdfplumber's that spans both columns is cut at a gap wider
    than any word space)."""
    out = []
    for line in page.extract_text_lines(x_tolerance=1.0, return_chars=True):
        if not page.height * 0.06 < line["top"] < page.height * 0.9:
            continue
        chars = [c for c in line["chars"] if c["text"].strip()]
        run: list[dict] = []
        for char in chars:
            if run and char["x0"] - run[-1]["x1"] > COLUMN_GAP:
                out.append(run)
                run = []
            run.append(char)
        if run:
            out.append(run)
    return [(r[0]["x0"], r[-1]["x1"], _text(r), r[0]["size"]) for r in out]


def _text(chars: list[dict]) -> str:
    text, last = "", None
    for char in chars:
        if last is not None and char["x0"] - last["x1"] > 0.15 * char["size"]:
            text += " "
        text += char["text"]
        last = char
    return text.rstrip(BREAK)


@pytest.mark.slow
def test_a_large_programme_takes_about_half_the_pages_it_took(fosdem) -> None:
    out, _, _ = fosdem
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) <= 210 < PAGES_BEFORE * 0.55


@pytest.mark.slow
def test_every_talk_is_still_there(fosdem) -> None:
    out, talks, pages = fosdem
    text = subprocess.run(["pdftotext", "-f", str(pages[0] + 1), "-l", str(pages[-1] + 1),
                           str(out), "-"], capture_output=True, text=True, check=True).stdout
    # Words only: typographic quotes and dashes replace the source's straight ones.
    flat = " ".join(re.findall(r"\w+", text.replace(BREAK + "\n", "")))
    missing = [t["title"] for t in talks
               if " ".join(re.findall(r"\w+", t["title"])) not in flat]
    assert len(talks) == 674
    assert not missing, missing[:5]


@pytest.mark.slow
def test_talks_pages_have_two_columns_within_the_measure_and_7_pt(fosdem) -> None:
    out, _, pages = fosdem
    with pdfplumber.open(out, pages=[i + 1 for i in pages[1:-1:6]]) as pdf:
        middle = pdf.pages[0].width / 2
        for page in pdf.pages:
            body = column_lines(page)
            left = [r for r in body if r[1] < middle]
            right = [r for r in body if r[0] > middle]
            assert len(left) > 20 and len(right) > 20, page.page_number
            # Nothing sits across the middle: every line is in one column.
            assert not [r for r in body if r[0] < middle < r[1]], page.page_number
            # The columns take the wide width: wider together than the 63-character measure.
            assert max(r[1] for r in right) - min(r[0] for r in left) > 150 * 2.83
            long = [r[2] for r in body if len(r[2]) > MAX_CHARACTERS]
            assert not long, (page.page_number, long[:3])
        smallest = min(c["size"] for page in pdf.pages for c in page.chars
                       if c["text"].strip())
        assert smallest >= MIN_SIZE - 0.01


@pytest.mark.slow
def test_a_page_is_read_column_by_column(fosdem) -> None:
    out, _, pages = fosdem
    number = pages[len(pages) // 2] + 1
    with pdfplumber.open(out, pages=[number]) as pdf:
        page = pdf.pages[0]
        middle = page.width / 2
        runs = [r for r in column_lines(page) if len(r[2]) > 30]
        left = [r[2] for r in runs if r[1] < middle]
        right = [r[2] for r in runs if r[0] > middle]
    text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(out), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    # The left column's first and last lines, then the right one's, in that order.
    where = [flat.find(" ".join(line.split())) for line in
             (left[0], left[-1], right[0], right[-1])]
    assert -1 not in where, where
    assert where == sorted(where)


def test_two_columns_only_for_a_large_programme_on_a_wide_page() -> None:
    theme, _ = load_theme("default", Path.cwd())
    font = default_fonts().regular
    a4, a5 = geometry_for("a4", theme, font), geometry_for("a5", theme, font)
    columns = talk_columns(a4, theme, theme.talks.columns_from)
    assert columns is not None
    assert talk_columns(a4, theme, theme.talks.columns_from - 1) is None
    assert talk_columns(a5, theme, 1000) is None
    column = columns.column
    # Two columns and their gap fill the wide width, each within the measure, at 7 pt or more.
    assert 2 * column.frame_width + columns.gap == pytest.approx(a4.wide_width)
    assert a4.wide_width > a4.frame_width
    assert column.frame_width <= theme.type.measure * column.char_width
    assert MIN_SIZE <= column.body_size < a4.body_size


@pytest.mark.slow
def test_no_line_runs_out_of_its_column(fosdem) -> None:
    # Slides addresses of 150 characters ran off the page (and over the next column).
    out, _, pages = fosdem
    with pdfplumber.open(out, pages=[i + 1 for i in pages]) as pdf:
        middle = pdf.pages[0].width / 2
        edge = pdf.pages[0].width - 10 * 2.83  # within the outer margin
        over = []
        for page in pdf.pages:
            for line in page.extract_text_lines(x_tolerance=1.0, return_chars=True):
                chars = [c for c in line["chars"] if c["text"].strip()]
                crossing = any(a["x1"] < middle < b["x0"] and b["x0"] - a["x1"] < COLUMN_GAP
                               for a, b in itertools.pairwise(chars))
                if chars[-1]["x1"] > edge or crossing:
                    over.append((page.page_number, line["text"][:60]))
    assert not over, over[:5]
