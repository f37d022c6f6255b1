"""Readable type in every bundled theme and paper: the measure, word spaces, 7 pt, no
hyphen in headings and on covers, names kept whole, linked words hyphenated."""

from __future__ import annotations

import collections
import itertools
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pdfplumber
import pikepdf
import pytest

from dokureport.core.options import BuildOptions
from dokureport.text.typesetter import Typesetter
from tests.conftest import SAMPLE, minimal_event
from tests.helpers import section_pages
from tests.test_talk_columns import column_lines

if TYPE_CHECKING:
    from reportlab.platypus import Paragraph

THEMES = ("default", "classic", "bold")
PAPERS = ("a4", "a5")
MIN_SIZE = 7.0
MAX_CHARACTERS = 75
WORD_SPACE_MAX = 0.6  # em: the bundled themes' type.word_space_max
BREAK = "\xad"  # how a hyphenation break reads back from the PDF


@pytest.fixture(scope="module")
def brochure(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """The sample built in a theme and paper (once per module)."""
    from dokureport.pipeline import build_brochure

    built: dict[tuple[str, str], Path] = {}

    def get(theme: str, paper: str) -> Path:
        if (theme, paper) not in built:
            out = tmp_path_factory.mktemp("type") / f"{theme}-{paper}.pdf"
            build_brochure(SAMPLE, out, BuildOptions(theme=theme, paper=paper))
            built[theme, paper] = out
        return built[theme, paper]

    return get


def _body(pdf: pdfplumber.PDF) -> tuple[float, str]:
    """The body text's size and font: those of most characters."""
    sizes = collections.Counter((round(c["size"], 1), c["fontname"])
                                for page in pdf.pages for c in page.chars if c["text"].strip())
    return sizes.most_common(1)[0][0]


def _lines(page: pdfplumber.page.Page) -> list[dict]:
    # A tolerance under the narrowest word space: every space is read as one.
    return page.extract_text_lines(x_tolerance=1.0, return_chars=True)


def _justified_lines(pdf: pdfplumber.PDF, size: float, font: str) -> list[tuple[int, list]]:
    """Body lines that end at the column's right edge: lines reportlab justified."""
    rows: list[tuple[int, list]] = []
    for number, page in enumerate(pdf.pages[1:], 2):
        by_top: dict[int, list] = collections.defaultdict(list)
        for c in page.chars:
            if round(c["size"], 1) == size and c["text"] != " ":
                by_top[round(c["top"])].append(c)
        rows += [(number, sorted(cs, key=lambda c: c["x0"])) for cs in by_top.values()]
    edge = collections.Counter(round(cs[-1]["x1"]) for _, cs in rows).most_common(1)[0][0]
    justified = []
    for number, cs in rows:
        if abs(cs[-1]["x1"] - edge) > 1.5:
            continue
        # The run of text that reaches the edge (an index's page number stands apart).
        run = [cs[-1]]
        for c in reversed(cs[:-1]):
            if run[0]["x0"] - c["x1"] > 2.5 * size:
                break
            run.insert(0, c)
        if len(run) >= 30 and all(c["fontname"] == font for c in run[:5]):
            justified.append((number, run))
    return justified


@pytest.mark.slow
@pytest.mark.parametrize(("theme", "paper"), [
    (theme, paper) for theme in THEMES for paper in PAPERS])
def test_no_type_is_smaller_than_7_pt(brochure, theme: str, paper: str) -> None:
    with pdfplumber.open(brochure(theme, paper)) as pdf:
        small = [(n, round(c["size"], 2), c["text"]) for n, page in enumerate(pdf.pages, 1)
                 for c in page.chars if c["text"].strip() and c["size"] < MIN_SIZE - 0.01]
    assert not small, small[:10]


@pytest.mark.slow
@pytest.mark.parametrize("paper", PAPERS)
def test_the_bold_theme_keeps_7_pt_after_its_cover(brochure, paper: str) -> None:
    with pdfplumber.open(brochure("bold", paper)) as pdf:
        smallest = min(c["size"] for page in pdf.pages[1:] for c in page.chars
                       if c["text"].strip())
    assert smallest >= MIN_SIZE - 0.01


@pytest.mark.slow
@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("theme", THEMES)
def test_body_lines_hold_at_most_75_characters(brochure, theme: str, paper: str) -> None:
    with pdfplumber.open(brochure(theme, paper)) as pdf:
        size, _ = _body(pdf)
        lines = [line["text"] for page in pdf.pages[1:] for line in _lines(page)
                 if round(line["chars"][0]["size"], 1) >= size]
    long = [line for line in lines if len(line.rstrip(BREAK)) > MAX_CHARACTERS]
    assert not long, long[:5]
    full = [len(line) for line in lines if len(line) > 50]
    # The intro and the abstracts: a measure, not a handful of short lines.
    assert len(full) > 60 and 55 <= statistics.mean(full) <= MAX_CHARACTERS


@pytest.mark.slow
@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("theme", THEMES)
def test_justified_lines_keep_their_word_spaces_within_the_bound(
        brochure, theme: str, paper: str) -> None:
    with pdfplumber.open(brochure(theme, paper)) as pdf:
        size, font = _body(pdf)
        justified = _justified_lines(pdf, size, font)
    assert len(justified) > 40
    loose = []
    for number, run in justified:
        widest = max(b["x0"] - a["x1"] for a, b in itertools.pairwise(run))
        if widest > WORD_SPACE_MAX * size + 0.05:
            loose.append((number, round(widest / size, 2), "".join(c["text"] for c in run)))
    assert not loose, loose[:5]


@pytest.mark.slow
@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("theme", THEMES)
def test_headings_and_the_cover_are_never_hyphenated(brochure, theme: str, paper: str) -> None:
    with pdfplumber.open(brochure(theme, paper)) as pdf:
        size, font = _body(pdf)
        cover = [line["text"] for line in _lines(pdf.pages[0])]
        headings = [line["text"] for page in pdf.pages[1:] for line in _lines(page)
                    if line["chars"][0]["size"] > size * 1.15
                    and line["chars"][0]["fontname"] != font]
        body_breaks = sum(line["text"].endswith(BREAK) for page in pdf.pages[1:]
                          for line in _lines(page))
    assert len(cover) >= 4 and len(headings) >= 8
    assert not [line for line in cover + headings if BREAK in line]
    assert body_breaks >= 5  # the body is hyphenated: the rule is not "never hyphenate"
    # Nor is a section's title cut without a hyphen ("ANSPRECHPERSON / EN"): each of its
    # words stands whole on a heading line.
    printed = {word.casefold() for line in headings for word in line.split()}
    with pikepdf.open(brochure(theme, paper)) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert len(titles) >= 6
    cut = [word for title in titles for word in title.split()
           if word.casefold() not in printed]
    assert not cut, cut


@pytest.mark.slow
@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("theme", THEMES)
def test_no_page_ends_in_a_hyphenated_word(brochure, theme: str, paper: str) -> None:
    with pdfplumber.open(brochure(theme, paper)) as pdf:
        size, _ = _body(pdf)
        last_lines = []
        for number, page in enumerate(pdf.pages[1:], 2):
            body = [line for line in _lines(page) if round(line["chars"][0]["size"], 1) == size]
            if body:
                last_lines.append((number, max(body, key=lambda line: line["top"])["text"]))
    assert len(last_lines) >= 8
    assert not [(n, text) for n, text in last_lines if text.endswith(BREAK)]


@pytest.mark.slow
def test_a_linked_word_is_hyphenated_where_the_line_needs_it(make_event, build) -> None:
    words = ["Sitzungsdokumentation", "Landesjugendamtsbericht", "Beteiligungsverfahren",
             "Bildungsberichterstattung", "Präventionsnetzwerke", "Verwirklichungschancen"]
    linked = " ".join(f"[{w}](https://example.org/{i})" for i, w in enumerate(words * 4))
    folder = make_event(minimal_event(intro=f"Alle Unterlagen: {linked} und mehr."))
    out, _ = build(folder)
    with pdfplumber.open(out) as pdf:
        found = []
        for page in pdf.pages:
            links = page.hyperlinks
            for line in _lines(page):
                last = line["chars"][-1]
                if not line["text"].endswith(BREAK):
                    continue
                inside = [h["uri"] for h in links if h["x0"] - 0.5 <= last["x0"]
                          and last["x1"] <= h["x1"] + 0.5 and h["top"] - 2 <= last["top"]
                          and last["bottom"] <= h["bottom"] + 2]
                found.append((line["text"], inside))
    assert found, "no line of linked words was hyphenated"
    assert all(uris and uris[0].startswith("https://example.org/") for _, uris in found), found


def test_link_text_hyphenates_but_an_address_does_not() -> None:
    t = Typesetter()
    [markup] = t.rich("Siehe [die Sitzungsdokumentation](https://example.org/a) und "
                      "[www.example.org/Sitzungsdokumentation](https://example.org/a) hier.")
    assert "\xad" in markup.split("www.")[0]  # "Sitzungsdo\xadkumen\xadta\xadtion"
    assert "www.example.org/Sitzungsdokumentation<" in markup


@pytest.mark.parametrize(("text", "tied"), [
    ("Foto: Zoë Ó Súilleabháin beim Vortrag", "Ó\xa0Súilleabháin"),
    ("mit Luca Di Maio und Bradley M. Kühn", "Di\xa0Maio"),
    ("mit Luca Di Maio und Bradley M. Kühn", "M.\xa0Kühn"),
])
def test_initials_and_name_particles_are_tied_and_the_name_kept_whole(text: str,
                                                                       tied: str) -> None:
    markup = Typesetter(lang="en").plain(text)
    assert tied in markup
    assert "\xad" not in markup.split(tied.split("\xa0")[0] + "\xa0")[1].split(" ")[0]


def test_lowercase_particles_are_tied_in_names_only() -> None:
    t = Typesetter()
    assert "von\xa0der\xa0Leyen" in t.plain("Ursula von der Leyen", hyphenate=False)
    assert "\xa0" not in t.plain("Die Arbeit von Jugendämtern der Stadt")


@pytest.fixture(scope="module")
def fosdem(fosdem_2024: tuple[Path, Path]) -> tuple[Path, range]:
    """FOSDEM 2024 imported and built, and the pages of its contents (from the outline)."""
    _, out = fosdem_2024
    return out, section_pages(out, "Contents")


def _sizes_and_long_lines(path: Path, pages: list[int]) -> tuple[float, list[str]]:
    with pdfplumber.open(path, pages=[i + 1 for i in pages]) as pdf:
        size = 10.5 if not pdf.pages else _body(pdf)[0]
        smallest = min(c["size"] for page in pdf.pages for c in page.chars if c["text"].strip())
        # Line by line in each column (a large programme's talks stand in two).
        long = [text for page in pdf.pages for _, _, text, first in column_lines(page)
                if round(first, 1) >= size and len(text) > MAX_CHARACTERS]
    return smallest, long


@pytest.mark.slow
def test_a_large_imported_programme_keeps_7_pt_and_the_measure(fosdem) -> None:
    out, contents = fosdem
    with pikepdf.open(out) as pdf:
        count = len(pdf.pages)
    # Every third page of agenda, talks and index (reading every page takes minutes).
    pages = [i for i in range(1, count, 3) if i not in contents]
    smallest, long = _sizes_and_long_lines(out, pages)
    assert len(pages) > 60
    assert smallest >= MIN_SIZE - 0.01
    assert not long, long[:5]


@pytest.mark.slow
def test_a_large_programme_s_contents_keeps_7_pt(fosdem) -> None:
    out, contents = fosdem
    smallest, _ = _sizes_and_long_lines(out, list(contents)[:6])
    assert smallest >= MIN_SIZE - 0.01


def test_a_theme_s_small_base_size_stays_at_7_pt_on_a5() -> None:
    from dokureport.design.geometry import geometry_for
    from dokureport.design.model import Theme
    from dokureport.design.theme import default_theme

    data = default_theme().model_dump()
    data["type"] = data["type"] | {"base_size": 7.5, "scale": 1.5}
    g = geometry_for("a5", Theme(**data))
    assert g.body_size == MIN_SIZE  # 7.5 pt on A4 would be 6.4 pt on A5
    assert min(g.size(step) for step in (-3, -2, -1, 0)) == MIN_SIZE


def _paragraph(text: str) -> Paragraph:
    from reportlab.platypus import Paragraph

    from dokureport import engine
    from dokureport.design.geometry import GEOMETRIES
    from dokureport.layout.styles import make_styles

    engine.install()
    style = make_styles(GEOMETRIES["a5"]).body
    paragraph = Paragraph(Typesetter().plain(text), style)
    paragraph.wrap(150, 10_000)
    return paragraph


def _ends_with_break(part: Any) -> bool:
    from dokureport.engine.pageends import _ends_hyphenated

    return _ends_hyphenated(part.blPara.lines[-1], part.blPara.kind)


def test_a_paragraph_split_at_a_page_end_keeps_its_hyphenated_line_for_the_next_page() -> None:
    text = ("Die Teilhabechancen von Kindern hängen von Bildungslandschaften, "
            "Präventionsketten und Verwirklichungschancen ab. ") * 6
    probe = _paragraph(text)
    lines = probe.blPara.lines
    leading = probe.style.leading
    from dokureport.engine.pageends import _ends_hyphenated

    hyphenated = [i for i, line in enumerate(lines)
                  if _ends_hyphenated(line, probe.blPara.kind)]
    at = next(i for i in hyphenated if 3 <= i < len(lines) - 3)
    first, _ = _paragraph(text).split(150, (at + 1) * leading + 0.5)
    assert len(first.blPara.lines) <= at
    assert not _ends_with_break(first)


def test_a_paragraph_hyphenated_on_every_line_still_splits() -> None:
    paragraph = _paragraph(" ".join(["Teilhabe"] * 400))
    parts = paragraph.split(150, 20 * paragraph.style.leading + 0.5)
    assert len(parts) == 2 and len(parts[0].blPara.lines) == 20
