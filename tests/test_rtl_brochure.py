"""A brochure in Arabic or Hebrew reads right to left: every section's geometry mirrored,
read back from the PDF's glyph and image positions; a booklet bound at its right edge;
the catalog saying so; the outline as typed."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from dokureport.core.options import BuildOptions
from dokureport.layout.direction import Direction
from dokureport.layout.direction import table as direction_table
from dokureport.output.booklet import sheet_sides
from dokureport.pipeline import BuildResult, build_brochure
from tests.helpers import write_event
from tests.rtl_events import ARABIC, ARABIC_TITLES, HEBREW, HEBREW_TITLES, PHOTOS
from tests.test_accessibility import assert_accessible_and_archival

Chars = list[dict]


Build = Callable[..., tuple[Path, BuildResult]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Each brochure built once for the module, by language and options."""
    done: dict[tuple, tuple[Path, BuildResult]] = {}

    def build(lang: str, **options: object) -> tuple[Path, BuildResult]:
        key = (lang, *sorted(options.items()))
        if key not in done:
            folder = tmp_path_factory.mktemp(lang) / "event"
            data, photos = (ARABIC, PHOTOS) if lang == "ar" else (HEBREW, ())
            out = folder.parent / "brochure.pdf"
            result = build_brochure(write_event(folder, data, photos), out,
                                    BuildOptions(**options))  # type: ignore[arg-type]
            done[key] = (out, result)
        return done[key]

    return build


def _page_with(pdf: Path, *needles: str) -> tuple[Chars, float]:
    """The characters (no spaces) of the first page showing every needle, and its width."""
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            chars = [c for c in page.chars if c["text"].strip()]
            text = "".join(c["text"] for c in chars)
            if all(_shows(n, text) for n in needles):
                return chars, page.width
    raise AssertionError(f"no page shows {needles}")


FIRST = ("يوسف", "ليلى", "عمر", "سارة", "أحمد", "مريم", "خالد", "نور", "علي", "هدى")
FAMILY = ("الحسيني", "منصور", "العلي", "خالد", "الزين", "حداد", "النجار", "الخطيب")


@pytest.mark.slow
def test_a_speaker_index_over_pages_stays_on_them(tmp_path: Path) -> None:
    # 80 speakers, each with a talk: the index runs over pages, each part of it widening
    # into the left margin, none past the right edge.
    people = [f"{first} {family}" for family in FAMILY for first in FIRST]
    data = {k: v for k, v in ARABIC.items() if k not in ("agenda", "photos")} | {"talks": [
        {"id": f"t{n}", "title": f"محاضرة {n}", "speakers": [{"name": name}]}
        for n, name in enumerate(people, start=1)]}
    out = tmp_path / "index.pdf"
    build_brochure(write_event(tmp_path / "event", data), out, BuildOptions(paper="a5"))
    with pdfplumber.open(out) as document:
        texts = ["".join(c["text"] for c in p.chars) for p in document.pages]
        first = next(n for n, t in enumerate(texts) if _shows("المتحدثون", t) and
                     _shows(FAMILY[0], t))
        last = max(n for n, t in enumerate(texts) if _shows(FAMILY[1], t))  # منصور: م
        assert last > first
        for page in document.pages[first:last + 1]:
            chars = [c for c in page.chars if c["text"].strip()]
            assert min(c["x0"] for c in chars) > 10
            assert max(c["x1"] for c in chars) < page.width - 10


@pytest.mark.slow
def test_running_heads_and_folios_stand_at_the_outer_edge_of_a_right_bound_booklet(
        tmp_path: Path) -> None:
    # A day of 70 items runs over pages: each later page names the day at its head. In a
    # book bound at its right edge the odd pages are left-hand pages: head and folio at
    # their left edge, an even page's at its right.
    items = [{"time": f"{9 + n // 10}:{n % 10 * 5:02d}", "title": f"لقاء رقم {n}",
              "place": "القاعة 1"} for n in range(70)]
    data = {k: v for k, v in ARABIC.items() if k not in ("photos", "talks")} | {
        "agenda": [{"date": "2024-03-05", "items": items}]}
    out = tmp_path / "agenda.pdf"
    build_brochure(write_event(tmp_path / "event", data), out, BuildOptions(paper="a5",
                                                                       booklet=True))
    sides = []
    with pdfplumber.open(out) as document:
        for number, page in enumerate(document.pages, start=1):
            head = [c for c in page.chars if c["bottom"] < 40 and c["text"].strip()]
            folio = [c for c in page.chars if c["top"] > page.height - 40
                     and c["text"] == str(number)[-1]]
            if not head:
                continue
            middle = page.width / 2
            outer_left = number % 2 == 1
            assert (max(c["x1"] for c in head) < middle) == outer_left, number
            assert folio and (folio[0]["x1"] < middle) == outer_left, number
            # The agenda's rules span the text column: its inner margin, at the binding,
            # is the narrower.
            rules = [r for r in page.lines if r["x1"] - r["x0"] > middle / 2]
            left, right = min(r["x0"] for r in rules), page.width - max(r["x1"] for r in rules)
            assert (right < left) == outer_left, number
            sides.append(outer_left)
    assert True in sides and False in sides  # pages of both hands have a head


def _shows(needle: str, text: str) -> bool:
    """Whether `text`, characters as pdfplumber reads them, shows `needle`: shaped Arabic
    comes as presentation forms from left to right (NFKC folds the forms back)."""
    text = unicodedata.normalize("NFKC", text.replace(" ", ""))
    needle = needle.replace(" ", "")
    return needle in text or needle[::-1] in text


def _rows(chars: Chars) -> list[Chars]:
    """Characters by baseline, top to bottom."""
    rows: dict[int, Chars] = {}
    for char in chars:
        rows.setdefault(round(char["matrix"][5]), []).append(char)
    return [sorted(rows[y], key=lambda c: c["x0"]) for y in sorted(rows, reverse=True)]


def _arabic(char: dict) -> bool:
    return "\u0590" <= char["text"] <= "\u06ff" or "\ufb50" <= char["text"] <= "\ufeff"


def _digits(row: Chars) -> Chars:
    return [c for c in row if c["text"].isdigit()]


def _span(chars: Chars) -> tuple[float, float]:
    return min(c["x0"] for c in chars), max(c["x1"] for c in chars)


def test_right_to_left_books_are_imposed_for_a_binding_at_the_right_edge() -> None:
    # 1-based: sheet 1 front 1+8 (the front cover at the left of the back cover), back
    # 7+2 (page 2 at the right of the first inner spread), and so on inwards.
    one_based = [(a + 1, b + 1) for a, b in sheet_sides(8, right_to_left=True)]  # type: ignore[operator]
    assert one_based == [(1, 8), (7, 2), (3, 6), (5, 4)]
    assert sheet_sides(6, right_to_left=True) == [(0, None), (None, 1), (2, 5), (4, 3)]


def test_a_tables_style_is_mirrored_with_its_columns() -> None:
    # Four columns given in reading order; right to left, column 0 stands at the right.
    rtl = Direction.of_language("he-IL")
    assert rtl.right_to_left and not Direction.of_language("de").right_to_left
    assert rtl.rows([["09:00", "a", "b", "c"]]) == [["c", "b", "a", "09:00"]]
    assert rtl.table_style([
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("LINEBEFORE", (2, 0), (-1, -1), 0.5, "#ccc"),
        ("ALIGN", (0, 0), (0, -1), "LEFT"),
        ("SPAN", (1, 3), (-1, 3)),
    ], 4) == [
        ("RIGHTPADDING", (0, 0), (3, -1), 0),
        ("LINEAFTER", (0, 0), (1, -1), 0.5, "#ccc"),
        ("ALIGN", (3, 0), (3, -1), "RIGHT"),
        ("SPAN", (0, 3), (2, 3)),
    ]
    # A spanned cell keeps its content: it moves to the range's first cell (the left).
    table = direction_table(rtl, [["t", "x", "", ""]], [1, 1, 1, 1], [("SPAN", (1, 0), (-1, 0))])
    assert [c for c in table._cellvalues[0]] == ["x", "", "", "t"]


def test_the_contents_numbers_stand_left_of_their_titles(built: Build) -> None:
    out, _ = built("ar")
    chars, width = _page_with(out, "المحتويات")
    entries = [row for row in _rows(chars)[1:] if any(_arabic(c) for c in row)]
    assert len(entries) >= 8  # sections and talks
    numbers = [_span(_digits(row)) for row in entries]
    titles = [_span([c for c in row if _arabic(c)]) for row in entries]
    assert all(n for n in numbers), "every entry has its page number"
    for (_, number_right), (title_left, _) in zip(numbers, titles, strict=True):
        assert number_right < title_left - 20
    # The numbers in a column at the page's left, the titles flush at its right.
    assert max(left for left, _ in numbers) - min(left for left, _ in numbers) < 1
    top_level = [right for (_, right), row in zip(titles, entries, strict=True)
                 if row[0]["size"] >= max(c["size"] for r in entries for c in r) - 0.1]
    assert max(top_level) - min(top_level) < 1 and min(top_level) > width / 2


def test_the_agenda_reads_from_the_right_times_first_then_rooms(built: Build) -> None:
    out, _ = built("ar")
    chars, _ = _page_with(out, "9:30", "10:30")
    rows = _rows(chars)
    # The grid's rooms ("القاعة 1", "القاعة 2"): the first at the right.
    header = next(row for row in rows if len(_digits(row)) == 2 and "1" in
                  "".join(c["text"] for c in row) and not any(c["text"] == ":" for c in row))
    first, second = (next(c for c in header if c["text"] == n) for n in "12")
    assert first["x0"] > second["x1"]
    # Each time at its row's right end, the titles left of it.
    timed = [row for row in rows if any(c["text"] == ":" for c in row)
             and any(_arabic(c) for c in row)]
    assert len(timed) >= 4
    for row in timed:
        time = [c for c in row if c["text"].isdigit() or c["text"] == ":"]
        titles = [c for c in row if _arabic(c) and c["x1"] < min(c["x0"] for c in time)]
        assert titles, "titles are left of the time"
        assert max(c["x1"] for c in time) >= max(c["x1"] for c in row) - 12  # "ص" (a.m.)
    # Read in logical order all the same: each row of a table from its header cell.
    rows_read = [cells for cells in _table_rows(out) if "/TD" in cells and "/TH" in cells]
    assert len(rows_read) == 4  # the grid's four times
    assert all(cells[0] == "/TH" for cells in rows_read)


def _table_rows(pdf: Path) -> list[list[str]]:
    """The roles of each table row's cells, in the structure tree's order."""
    found: list[list[str]] = []
    with pikepdf.open(pdf) as document:
        def walk(elem: pikepdf.Object) -> None:
            kids = elem.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            kids = [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]
            if elem.get("/S") == "/TR":
                found.append([str(k.S) for k in kids])
            for kid in kids:
                walk(kid)

        walk(document.Root.StructTreeRoot)
    return found


def test_the_gallery_starts_at_the_right(built: Build) -> None:
    out, _ = built("ar")
    with pdfplumber.open(out) as document:
        page = next(p for p in document.pages if len(p.images) >= 3)
        photos = sorted(page.images, key=lambda i: i["x0"], reverse=True)
        marks = sorted((c for c in page.chars if c["text"] in "123"
                        and c["fontname"].endswith("Bold")), key=lambda c: c["text"])
    # Drawn in the event's order, right to left, each numbered caption under its photo
    # and its number at the caption's right end (where a line starts).
    assert [m["text"] for m in marks] == ["1", "2", "3"]
    for photo, mark in zip(photos, marks, strict=True):
        assert photo["x0"] <= mark["x0"] <= photo["x1"]
        assert photo["x1"] - mark["x1"] < 6
    assert marks[0]["x0"] > marks[1]["x0"] > marks[2]["x0"]


def test_markdown_lists_and_tables_start_at_the_right(built: Build) -> None:
    out, width = built("ar")[0], None
    chars, width = _page_with(out, "120")
    rows = _rows(chars)
    bullets = [c for c in chars if c["text"] == "•"]
    items = [row for row in rows if any(c["text"] == "•" for c in row)]
    assert len(bullets) == 3
    for row in items:
        bullet = next(c for c in row if c["text"] == "•")
        # The bullet right of its item's words, in the right half of the page.
        assert bullet["x0"] > max(c["x1"] for c in row if _arabic(c))
        assert bullet["x0"] > width / 2
    # The table's first column (the room) at the right, the seats left of it.
    seats = next(row for row in rows if "120" in "".join(c["text"] for c in row))
    number = _span(_digits(seats))
    room = _span([c for c in seats if _arabic(c)])
    assert number[1] < room[0]


def test_the_speaker_index_fills_its_columns_from_the_right(built: Build) -> None:
    out, _ = built("ar")
    names = ("الحسيني", "منصور")  # under ا (first column) and under م (a later one)
    with pdfplumber.open(out) as document:
        page = next(p for p in document.pages  # the index's (the contents name it too)
                    if all(_shows(n, "".join(c["text"] for c in p.chars))
                           for n in ("المتحدثون", *names)))
        words = page.extract_words(use_text_flow=False)
        chars = [c for c in page.chars if c["text"].strip()]
    found = {n: next(w for w in words if _shows(n, w["text"])) for n in names}
    # The first letter's column at the right.
    assert found[names[0]]["x0"] > found[names[1]]["x1"]
    # Each name's page number at its line's left end.
    for name in names:
        word = found[name]
        line = [c for c in chars if abs(c["top"] - word["top"]) < 8]  # fonts differ
        digits = [c for c in _digits(line) if c["x1"] < word["x0"]]
        assert digits, f"{name}: its page number is left of it"


def test_an_english_paragraph_keeps_its_word_order_and_the_pages_alignment(
        built: Build) -> None:
    out, _ = built("ar")
    chars, width = _page_with(out, "English")
    [line] = [row for row in _rows(chars) if "English" in "".join(c["text"] for c in row)]
    drawn = "".join(c["text"] for c in line)
    # Read from the left as written, the full stop at its end; set flush right as the
    # Arabic lines around it.
    assert drawn == "TheworkshopisheldinEnglish."
    arabic = [row for row in _rows(chars) if any(_arabic(c) for c in row) and
              max(c["size"] for c in row) == line[0]["size"]]
    assert abs(max(c["x1"] for c in line) - max(c["x1"] for c in arabic[0])) < 1
    assert min(c["x0"] for c in line) > width / 2


def test_the_folio_is_at_the_left_of_a_right_to_left_page(built: Build) -> None:
    out, _ = built("ar")
    with pdfplumber.open(out) as document:
        page = document.pages[2]
        foot = [c for c in page.chars if c["top"] > page.height - 60 and c["text"].strip()]
    folio = [c for c in foot if c["text"] == "3"]
    title = [c for c in foot if _arabic(c)]
    assert folio and title
    assert folio[0]["x1"] < min(c["x0"] for c in title)
    assert folio[0]["x0"] < page.width / 3 and max(c["x1"] for c in title) > page.width * 2 / 3


def test_a_right_to_left_booklet_opens_at_the_right(built: Build) -> None:
    out, result = built("ar", booklet=True)
    assert result.booklet is not None
    with pdfplumber.open(result.booklet) as sheets:
        halves = []
        for sheet in sheets.pages[:2]:
            middle = sheet.width / 2
            text = ["".join(c["text"] for c in sheet.chars if (c["x0"] < middle) == left)
                    for left in (True, False)]
            halves.append(text)
    # Sheet 1 front: the cover (the title) at the left, the back cover at the right;
    # its back: the contents (page 2) at the right of the first inner spread.
    assert _shows("الدورة الخامسة", halves[0][0]) and not _shows("الدورة", halves[0][1])
    assert _shows("المحتويات", halves[1][1]) and not _shows("المحتويات", halves[1][0])
    with pikepdf.open(out) as pdf:
        # A viewer shows it as a right-bound book: two pages a spread, the earlier right.
        assert pdf.Root.ViewerPreferences.Direction == pikepdf.Name.R2L
        assert pdf.Root.PageLayout == pikepdf.Name.TwoPageRight
        # The pages' inner margin alternates the other way: page 2 is a right-hand page.
    chars, width = _page_with(out, "3", "المحتويات")
    text = [c for c in chars if _arabic(c)]
    assert min(c["x0"] for c in text) < width - max(c["x1"] for c in text)


def test_the_catalog_says_right_to_left_and_the_outline_is_as_typed(built: Build) -> None:
    out, _ = built("ar")
    with pikepdf.open(out) as pdf:
        assert pdf.Root.ViewerPreferences.Direction == pikepdf.Name.R2L
        assert "/PageLayout" not in pdf.Root  # one page at a time on screen
        with pdf.open_outline() as outline:
            titles = [str(item.title) for top in outline.root
                      for item in (top, *top.children)]
    # In logical order as typed: no presentation forms, no visual reordering.
    for title in ARABIC_TITLES[1:3] + ARABIC_TITLES[4:]:
        assert title in titles
    # Mirrored tables keep their header cells, and the file its PDF/UA and PDF/A claims.
    assert_accessible_and_archival(out)


def test_a_hebrew_brochure_reads_right_to_left_too(built: Build) -> None:
    out, _ = built("he")
    chars, _ = _page_with(out, "9:30", HEBREW_TITLES[1])
    rows = _rows(chars)
    # The opening's row and the parallel talks' row: each time at the right, the titles
    # left of it, the first room's talk right of the second's.
    opening = next(r for r in rows if _shows(HEBREW_TITLES[0], "".join(c["text"] for c in r)))
    parallel = next(r for r in rows if _shows(HEBREW_TITLES[1] + HEBREW_TITLES[2],
                                              "".join(c["text"] for c in r)[::-1]))
    for row in (opening, parallel):
        time = [c for c in row if c["text"].isdigit() or c["text"] == ":"]
        assert max(c["x1"] for c in time) == max(c["x1"] for c in row)
        assert min(c["x0"] for c in row) < min(c["x0"] for c in time) - 50
    with pikepdf.open(out) as pdf:
        assert pdf.Root.ViewerPreferences.Direction == pikepdf.Name.R2L
        with pdf.open_outline() as outline:
            titles = [str(i.title) for top in outline.root for i in (top, *top.children)]
    assert HEBREW_TITLES[1] in titles and HEBREW_TITLES[2] in titles
