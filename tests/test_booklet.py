"""Booklets: padding to a multiple of four, and printer's spreads read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from reportlab.lib.pagesizes import A3, A4, A5, landscape
from reportlab.pdfgen.canvas import Canvas

from dokureport.cli import cli
from dokureport.core.options import BuildOptions
from dokureport.core.resources import sample_event_dir
from dokureport.output.booklet import impose, padding, sheet_sides
from dokureport.pipeline import build_brochure


def test_padding_makes_a_multiple_of_four() -> None:
    assert [padding(n) for n in range(1, 10)] == [3, 2, 1, 0, 3, 2, 1, 0, 3]


def test_sheet_sides_are_printer_spreads() -> None:
    # 1-based for reading: sheet 1 front 8+1, back 2+7; sheet 2 front 6+3, back 4+5.
    one_based = [(a + 1, b + 1) for a, b in sheet_sides(8)]  # type: ignore[operator]
    assert one_based == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert sheet_sides(6) == [(None, 0), (1, None), (5, 2), (3, 4)]


def _numbered_pdf(path: Path, pages: int, size: tuple[float, float] = A5) -> None:
    canvas = Canvas(str(path), pagesize=size, invariant=1)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 40)
        canvas.drawCentredString(size[0] / 2, size[1] / 2, f"P{number}")
        canvas.showPage()
    canvas.save()


def _halves(path: Path) -> list[tuple[str, str]]:
    """The text of the left and right half of each sheet side."""
    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            mid = page.width / 2
            left = page.crop((0, 0, mid, page.height)).extract_text() or ""
            right = page.crop((mid, 0, page.width, page.height)).extract_text() or ""
            out.append((left.strip(), right.strip()))
    return out


@pytest.mark.parametrize(("pages", "expected"), [
    (8, [("P8", "P1"), ("P2", "P7"), ("P6", "P3"), ("P4", "P5")]),
    (12, [("P12", "P1"), ("P2", "P11"), ("P10", "P3"), ("P4", "P9"), ("P8", "P5"),
          ("P6", "P7")]),
])
def test_imposed_sheet_order(tmp_path: Path, pages: int, expected: list[tuple[str, str]]
                             ) -> None:
    source, target = tmp_path / "pages.pdf", tmp_path / "sheets.pdf"
    _numbered_pdf(source, pages)
    assert impose(source, target) == len(expected)
    assert _halves(target) == expected
    with pikepdf.open(target) as pdf:
        for page in pdf.pages:
            # A5 pages on A4 landscape sheets.
            box = [float(v) for v in page.MediaBox]
            assert box == pytest.approx([0, 0, *landscape(A4)], abs=0.01)


def test_a4_pages_go_on_a3_landscape_and_missing_pages_stay_blank(tmp_path: Path) -> None:
    source, target = tmp_path / "pages.pdf", tmp_path / "sheets.pdf"
    _numbered_pdf(source, 6, A4)
    impose(source, target)
    assert _halves(target) == [("", "P1"), ("P2", ""), ("P6", "P3"), ("P4", "P5")]
    with pikepdf.open(target) as pdf:
        box = [float(v) for v in pdf.pages[0].MediaBox]
        assert box == pytest.approx([0, 0, *landscape(A3)], abs=0.01)


@pytest.fixture(scope="module")
def a4_booklet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    out = tmp_path_factory.mktemp("booklet") / "brochure.pdf"
    # With the sections of format 1 (no speaker index) the sample has 11 pages: one to pad.
    theme = Path(__file__).parent / "golden" / "text" / "format1-sections.yaml"
    result = build_brochure(sample_event_dir(), out,
                            BuildOptions(booklet=True, jobs=2, theme=str(theme)))
    assert result.booklet is not None
    return out, result.booklet, result.pages


def test_booklet_pages_padded_before_the_imprint(a4_booklet: tuple[Path, Path, int]) -> None:
    out, _, pages = a4_booklet
    assert pages % 4 == 0
    with pdfplumber.open(out) as pdf:
        texts = [(page.extract_text() or "").strip() for page in pdf.pages]
    assert len(texts) == pages
    # The sample on A4 has 11 pages: planned to a multiple of four with at most one
    # blank page, the imprint on the back cover.
    blank = [i for i, text in enumerate(texts) if not text]
    assert len(blank) <= 1
    assert texts[-1].startswith("Impressum")
    # The TOC points at the imprint's new page.
    assert f"Impressum {pages}" in texts[1]


def test_booklet_file_beside_the_brochure(a4_booklet: tuple[Path, Path, int]) -> None:
    out, booklet, pages = a4_booklet
    assert booklet == out.with_name("brochure-booklet.pdf")
    halves = _halves(booklet)
    assert len(halves) == pages // 2
    assert halves[0][0].startswith("Impressum")  # last page beside the cover
    assert halves[1][0].startswith("Inhalt")  # back of the cover
    with pikepdf.open(booklet) as pdf:
        assert [float(v) for v in pdf.pages[0].MediaBox] == pytest.approx(
            [0, 0, *landscape(A3)], abs=0.01)


def test_print_booklet_sheets_keep_bleed_and_get_marks(tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    result = build_brochure(sample_event_dir(), out,
                            BuildOptions(target="print", paper="a5", booklet=True, jobs=2))
    assert result.pages % 4 == 0 and result.booklet is not None
    with pikepdf.open(result.booklet) as pdf:
        assert len(pdf.pages) == result.pages // 2
        trim = [float(v) for v in pdf.pages[0].TrimBox]
        bleed = [float(v) for v in pdf.pages[0].BleedBox]
        size = (trim[2] - trim[0], trim[3] - trim[1])
        assert size == pytest.approx((2 * A5[0], A5[1]), abs=0.01)
        assert trim[0] - bleed[0] == pytest.approx(3 * 72 / 25.4, abs=0.01)
        # The sheet's own marks (the pages' marks are inside it, clipped away):
        # 8 crop marks at the sheet's corners, 2 fold marks at its middle.
        ops = pikepdf.parse_content_stream(pdf.pages[0])
        strokes = [(float(m.operands[0]), float(m.operands[1]))
                   for m in ops if str(m.operator) == "m"]
        assert len(strokes) == 8 + 2
        x0, y0, x1, y1 = bleed
        for x, y in strokes:
            assert not (x0 < x < x1 and y0 < y < y1)  # outside the bleed
        middle = (trim[0] + trim[2]) / 2
        assert sum(1 for x, _ in strokes if abs(x - middle) < 0.01) == 2


def test_cli_booklet_and_all_targets(tmp_path: Path, runner) -> None:
    out = tmp_path / "brochure.pdf"
    result = runner.invoke(cli, ["build", "-q", "--target", "all", "--paper", "a5",
                                 "--booklet", "--bleed", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["brochure-booklet.pdf", "brochure-print-booklet.pdf",
                     "brochure-print.pdf", "brochure.pdf"]
    for name in names:
        assert f"Wrote {tmp_path / name} (" in result.stdout
    with pikepdf.open(tmp_path / "brochure-print.pdf") as pdf:
        trim = [float(v) for v in pdf.pages[0].TrimBox]
        bleed = [float(v) for v in pdf.pages[0].BleedBox]
        assert trim[0] - bleed[0] == pytest.approx(2 * 72 / 25.4, abs=0.01)


def test_booklet_pages_mirror_inner_and_outer_margins(tmp_path: Path) -> None:
    from reportlab.lib.units import mm

    from dokureport.design.geometry import GEOMETRIES, geometry_for
    from dokureport.design.theme import default_theme
    from dokureport.text.fonts import default_fonts

    # The margins the build uses: the measure widens the outer one.
    a5 = geometry_for("a5", default_theme(), default_fonts().regular)
    assert a5.margin_inner != a5.margin_outer
    out = tmp_path / "a5.pdf"
    build_brochure(sample_event_dir(), out, BuildOptions(paper="a5", booklet=True, jobs=2))
    with pdfplumber.open(out) as pdf:
        # Text pages after the cover: the left edge of the text column, page by page.
        lefts = {number: min(w["x0"] for w in page.extract_words())
                 for number, page in enumerate(pdf.pages, start=1)
                 if number > 1 and page.extract_words()}
    odd = {round(x, 1) for n, x in lefts.items() if n % 2 == 1}
    even = {round(x, 1) for n, x in lefts.items() if n % 2 == 0}
    assert odd == {round(a5.margin_inner, 1)}
    assert even == {round(a5.margin_outer, 1)}
    paper = GEOMETRIES["a5"]
    assert abs(paper.margin_inner - paper.margin_outer - 2 * mm) < 0.01


def test_no_stream_of_the_sheets_ends_in_cr_before_endstream(tmp_path: Path) -> None:
    from tests.test_stream_ends import content_ending_in_cr

    # A page whose content, compressed, ends in CR (its Adler-32 checksum): made a form
    # on the sheet, it would read `…CR LF endstream`, a /Length that reads two ways.
    content = content_ending_in_cr()
    source, sheets = tmp_path / "pages.pdf", tmp_path / "sheets.pdf"
    with pikepdf.new() as pdf:
        for _ in range(2):
            pdf.add_blank_page(page_size=A5)
            pdf.pages[-1].obj.Contents = pdf.make_stream(content)
        pdf.save(source)
    impose(source, sheets)
    data = sheets.read_bytes()
    assert b"\r\nendstream" not in data and b"\rendstream" not in data
    with pikepdf.open(sheets) as pdf:
        forms = [form for page in pdf.pages for form in page.obj.Resources.XObject.values()]
        assert len(forms) == 2 and all(form.read_bytes().endswith(content) for form in forms)
