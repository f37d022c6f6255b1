"""The layout check: each page of the finished PDF as a designer reads it. Brochures made
to have one defect each list it on the right page, `build --strict` fails naming it, a
clean brochure lists none, and the report carrying it follows the schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth

from dokureport.core.errors import ExitCode
from dokureport.engine.canvas import BrochureCanvas
from dokureport.engine.tags import grouped, tagged
from dokureport.output.layout_check import Bounds, check_layout
from dokureport.report import report_schema
from dokureport.text.fonts import default_fonts
from tests.conftest import minimal_event
from tests.helpers import invoke, pdftotext

SENTENCE = ("Die Kommune steht im Mittelpunkt, denn sie ist Trägerin der Kinder- und "
            "Jugendhilfe und der sozialen Daseinsvorsorge. ")
# Type and measure a designer accepts: 11.5 pt body (footers 7.4 pt), a 120 mm column.
FAIR = {"type": {"base_size": 11.5}, "margins": {"inner": 45, "outer": 45}}


def _talk_event(theme: dict, intro: str = SENTENCE * 12) -> dict:
    return minimal_event(
        intro=intro, theme=theme,
        talks=[{"id": "a", "title": "Erster Vortrag", "abstract": SENTENCE * 6}],
        agenda=[{"date": "2024-03-05", "items": [{"time": "9:00", "title": "Vortrag",
                                                  "talk": "a"}]}])


def _built(make_event, tmp_path: Path, data: dict, name: str) -> tuple[Path, dict, str]:
    """Build `data`; the PDF, its report (checked against the schema) and stderr."""
    out, report = tmp_path / f"{name}.pdf", tmp_path / f"{name}.json"
    code, _, err = invoke("build", str(make_event(data, name=name)), "-o", str(out),
                          "--report", str(report))
    assert code == 0, err
    loaded = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(report_schema()).validate(loaded)
    return out, loaded, err


def _strict(make_event, tmp_path: Path, name: str) -> str:
    folder = tmp_path / name
    code, _, err = invoke("build", str(folder), "-o", str(tmp_path / f"{name}-strict.pdf"),
                          "--strict")
    assert code == ExitCode.BAD_INPUT
    assert not (tmp_path / f"{name}-strict.pdf").exists()
    return err


def _content_lines(pdf: Path, page: int) -> list[str]:
    """The page's lines of text, without its footer (the last line: title and number)."""
    lines = [line for line in pdftotext(pdf, "-layout", "-f", str(page), "-l", str(page))
             .splitlines() if line.strip()]
    return lines[:-1]


def test_a_clean_brochure_lists_no_defect_and_measures_every_page(make_event,
                                                                  tmp_path: Path) -> None:
    theme = FAIR | {"sections": ["cover", "intro", "talks", "imprint"],
                    "new_page": ["intro", "imprint"]}
    out, report, err = _built(make_event, tmp_path, _talk_event(theme), "clean")
    [check] = report["layout"]
    assert check["defects"] == [] and check["summary"]["defects"] == 0
    assert "warning" not in err
    assert not [p for p in report["problems"] if p["code"].startswith("layout-")]
    with pdfplumber.open(out) as pdf:
        assert [p["page"] for p in check["pages"]] == list(range(1, len(pdf.pages) + 1))
        smallest = min(c["size"] for page in pdf.pages for c in page.chars if c["text"].strip())
    # The smallest type is the PDF's, footers included.
    assert check["summary"]["smallest_type_pt"] == pytest.approx(smallest, abs=0.05)
    assert smallest >= 7
    intro = check["pages"][1]
    assert intro["lines"] == len(_content_lines(out, 2))
    assert 0.2 < intro["fill"] <= 1
    assert check["bounds"] == {"min_lines": 6, "min_type_pt": 7.0, "max_line_chars": 75,
                               "loose_gap_em": 0.5, "blank_pages": 1}


def test_a_near_empty_page_is_listed_on_its_page_and_fails_strict(make_event,
                                                                  tmp_path: Path) -> None:
    # A one-sentence introduction on a page of its own: the talks start the next page
    # however empty it is (by default they would run on below it).
    theme = FAIR | {"sections": ["cover", "intro", "talks", "imprint"],
                    "new_page": ["intro", "talks", "imprint"], "pages": {"run_on_below": 0}}
    out, report, err = _built(make_event, tmp_path,
                              _talk_event(theme, intro="Ein kurzer Tag."), "empty")
    [check] = report["layout"]
    assert check["summary"]["near_empty_pages"] == [2]
    assert [(d["code"], d["page"]) for d in check["defects"]] == [("layout-near-empty", 2)]
    assert len(_content_lines(out, 2)) == check["pages"][1]["lines"] < 6
    assert "warning: page 2: near-empty: 2 lines and no figure" in err
    assert [p["severity"] for p in report["problems"] if p["code"] == "layout-near-empty"] \
        == ["warning"]
    err = _strict(make_event, tmp_path, "empty")
    assert "error: page 2: near-empty" in err and "error: warnings are errors" in err


def _paragraphs(path: Path, pages: list[tuple[float, int]]) -> BrochureCanvas:
    """A PDF whose pages each hold one tagged paragraph of 12 lines, (size in pt,
    characters a line) each, below a footer in 7.4 pt."""
    canvas = BrochureCanvas(str(path), pagesize=A4)
    text = SENTENCE * 20
    for number, (size, chars) in enumerate(pages, start=1):
        with tagged(canvas, "P"):
            canvas.setFont("Helvetica", size)
            for i in range(12):
                canvas.drawString(40, 760 - i * size * 1.4, text[i * chars:(i + 1) * chars])
        with tagged(canvas, "Artifact"):
            canvas.setFont("Helvetica", 7.4)
            canvas.drawString(40, 40, f"Fachtag {number}")
        canvas.showPage()
    canvas.save()
    return canvas


def test_type_under_7_pt_is_listed_on_every_page_that_has_it(make_event,
                                                             tmp_path: Path) -> None:
    # A theme can no longer ask for it: its 6 pt body is set at the 7 pt floor.
    theme = {"type": {"base_size": 6}, "margins": {"inner": 60, "outer": 60},
             "sections": ["cover", "intro", "imprint"], "new_page": ["intro", "imprint"]}
    _, report, err = _built(make_event, tmp_path,
                            minimal_event(intro=SENTENCE * 30, theme=theme), "small")
    [built] = report["layout"]
    assert built["summary"]["small_type_pages"] == [] and "type under" not in err
    assert built["summary"]["smallest_type_pt"] == pytest.approx(7, abs=0.05)
    # A PDF with 6 pt and 6.5 pt text on pages 2 and 4 has it listed on those pages.
    path = tmp_path / "small.pdf"
    canvas = _paragraphs(path, [(10, 60), (6, 60), (10, 60), (6.5, 60)])
    check = check_layout(path, canvas.tags, type_area=(62.0, 68.0))
    with pdfplumber.open(path) as pdf:
        small = [n for n, page in enumerate(pdf.pages, start=1)
                 if any(c["size"] < 7 for c in page.chars if c["text"].strip())]
    assert small == [2, 4] == check.summary()["small_type_pages"]
    assert [(d.code, d.page) for d in check.defects] == [("layout-small-type", 2),
                                                          ("layout-small-type", 4)]
    assert check.pages[1].smallest_type_pt == pytest.approx(6, abs=0.05)
    assert check.pages[2].smallest_type_pt == pytest.approx(7.4, abs=0.05)
    [problem] = check.problems()
    assert problem.message == ("pages 2, 4: type under 7 pt (the smallest: 6 pt in the text "
                               "on page 2)")


def test_lines_over_75_characters_are_listed_on_their_pages(make_event, tmp_path: Path) -> None:
    # A theme can no longer ask for them: 12 mm margins narrow to the measure.
    theme = {"type": {"base_size": 8}, "margins": {"inner": 12, "outer": 12},
             "sections": ["cover", "intro", "imprint"], "new_page": ["intro", "imprint"]}
    out, report, err = _built(make_event, tmp_path,
                              minimal_event(intro=SENTENCE * 30, theme=theme), "long")
    [built] = report["layout"]
    assert built["summary"]["long_line_pages"] == [] and "over 75 characters" not in err
    assert max(len(line.strip()) for line in _content_lines(out, 2)) <= 75
    # A PDF with 90-character lines on page 3 has them listed there.
    path = tmp_path / "long.pdf"
    canvas = _paragraphs(path, [(10, 60), (10, 70), (9, 90), (10, 75)])
    check = check_layout(path, canvas.tags, type_area=(62.0, 68.0))
    longest = max(len(line.strip()) for line in pdftotext(path, "-layout", "-f", "3", "-l",
                                                          "3").splitlines())
    assert longest == 90
    assert check.summary()["long_line_pages"] == [3]
    assert check.pages[2].longest_line_chars == pytest.approx(longest, abs=2)
    assert check.pages[2].long_lines == 12 and check.pages[3].long_lines == 0
    [problem] = check.problems()
    assert problem.message == ("page 3: 12 body lines over 75 characters (the longest: "
                               f"{check.pages[2].longest_line_chars} on page 3)")


# ---------------------------------------------------------------------------------------
# Headings and items torn apart, drawn as the layout draws them: tagged content.

def _page(canvas: BrochureCanvas, lines: list[tuple[str, float, str]]) -> None:
    """Draw (role, y, text) lines; "QR" draws a 26 mm square figure whose top is at y."""
    for role, y, text in lines:
        if role == "QR":
            with tagged(canvas, "Figure", Alt=f"QR code: {text}"):
                canvas.rect(72, y - 74, 74, 74, stroke=0, fill=1)
        elif role == "Figure":
            with tagged(canvas, "Figure", Alt=text):
                canvas.rect(72, y - 200, 300, 200, stroke=0, fill=1)
        elif role == "Caption":
            with grouped(canvas, "Caption"), tagged(canvas, "P"):
                canvas.setFont("Helvetica", 9)
                canvas.drawString(72, y, text)
        else:
            with tagged(canvas, role):
                canvas.setFont("Helvetica-Bold" if role.startswith("H") else "Helvetica",
                               16 if role.startswith("H") else 10)
                canvas.drawString(72, y, text)


def _drawn(path: Path, pages: list[list[tuple[str, float, str]]], *, section: bool = True,
           bare: tuple[int, ...] = ()) -> BrochureCanvas:
    """A PDF of `pages`, each but the first and those `bare` opening with 8 lines of text."""
    canvas = BrochureCanvas(str(path), pagesize=A4)
    body = [("P", 760 - 14 * i, SENTENCE[:70]) for i in range(8)]
    for number, lines in enumerate(pages, start=1):
        if number == 2 and section:
            assert canvas.tags is not None
            canvas.tags.section(1)  # a talk: its heading begins a section
        _page(canvas, (body if number > 1 and number not in bare else []) + lines)
        canvas.showPage()
    canvas.save()
    return canvas


def _check(path: Path, canvas: BrochureCanvas):
    return check_layout(path, canvas.tags, type_area=(62.0, 68.0))


def test_a_heading_alone_at_a_page_foot_is_a_defect_there(tmp_path: Path) -> None:
    path = tmp_path / "foot.pdf"
    canvas = _drawn(path, [[("P", 700, "Titel")], [("H2", 80, "Ein Abschnitt")],
                           [("P", 500, "Sein Text.")], [("P", 700, "Ende")]])
    check = _check(path, canvas)
    assert [(d.code, d.page) for d in check.defects] == [("layout-heading-at-foot", 2)]
    assert "“Ein Abschnitt”" in check.defects[0].message
    assert check.summary()["heading_at_foot_pages"] == [2]
    # With its text below it on the page, the same heading is fine.
    path = tmp_path / "kept.pdf"
    canvas = _drawn(path, [[("P", 700, "Titel")],
                           [("H2", 120, "Ein Abschnitt"), ("P", 90, "Sein Text.")],
                           [("P", 500, "Mehr.")], [("P", 700, "Ende")]])
    assert _check(path, canvas).defects == ()


MORE = [("P", 600 - 14 * i, SENTENCE[:70]) for i in range(6)]


def test_an_item_that_is_only_a_heading_may_end_a_page(tmp_path: Path) -> None:
    # A talk with a title and no text, then the next talk (its category line above its
    # title) on the next page: nothing is torn.
    path = tmp_path / "only.pdf"
    canvas = _drawn(path, [[("P", 700, "Titel")], [("H2", 80, "Schlusswort")],
                           [("P", 780, "Hauptprogramm"), ("H2", 760, "Ein Vortrag"),
                            ("P", 730, "Sein Text."), *MORE], [("P", 700, "Ende")]], bare=(3,))
    assert _check(path, canvas).defects == ()
    # A section's heading with its first talk's heading on the next page is torn.
    path = tmp_path / "section.pdf"
    canvas = _drawn(path, [[("P", 700, "Titel")], [("H1", 80, "Vorträge")],
                           [("H2", 760, "Ein Vortrag"), ("P", 730, "Sein Text."), *MORE],
                           [("P", 700, "Ende")]], bare=(3,))
    assert [(d.code, d.page) for d in _check(path, canvas).defects] == [
        ("layout-heading-at-foot", 2)]


def test_a_qr_code_on_another_page_than_its_item_is_torn(tmp_path: Path) -> None:
    path = tmp_path / "qr.pdf"
    # The talk's heading and text on page 2, its QR code at the top of page 3.
    canvas = _drawn(path, [[("P", 700, "Titel")],
                           [("H2", 640, "Ein Vortrag"), ("P", 610, "Worum es ging.")],
                           [("QR", 780, "https://example.org/folien"),
                            ("P", 770, "Präsentation")], [("P", 700, "Ende")]],
                    section=True)
    check = _check(path, canvas)
    assert [(d.code, d.page) for d in check.defects] == [("layout-torn", 3)]
    assert "QR code" in check.defects[0].message and "page 2" in check.defects[0].message
    # Below its talk's text on the same page it is with its item.
    path = tmp_path / "qr-kept.pdf"
    canvas = _drawn(path, [[("P", 700, "Titel")],
                           [("H2", 640, "Ein Vortrag"), ("QR", 600, "https://example.org/f")],
                           [("P", 700, "Weiter")], [("P", 700, "Ende")]])
    assert _check(path, canvas).defects == ()


def test_a_caption_on_another_page_than_its_figure_is_torn(tmp_path: Path) -> None:
    path = tmp_path / "caption.pdf"
    canvas = _drawn(path, [[("P", 700, "Titel")], [("Figure", 400, "Ein Foto")],
                           [("Caption", 780, "Bildunterschrift")], [("P", 700, "Ende")]],
                    section=False)
    assert canvas.tags is not None
    # The photo row records the caption inside its figure: do the same here.
    kids = canvas.tags.root.kids
    figure = next(k for k in kids if getattr(k, "role", "") == "Figure")
    caption = next(k for k in kids if getattr(k, "role", "") == "Caption")
    kids.remove(caption)
    figure.kids.append(caption)
    check = _check(path, canvas)
    assert [(d.code, d.page) for d in check.defects] == [("layout-torn", 3)]
    assert "caption" in check.defects[0].message


def test_loose_justified_lines_are_counted_not_rejected(tmp_path: Path) -> None:
    path = tmp_path / "loose.pdf"
    font = default_fonts().regular
    space = stringWidth(" ", font, 1000) / 1000  # Noto Sans: 0.26 em
    canvas = BrochureCanvas(str(path), pagesize=A4)
    text = canvas.beginText(72, 700)
    text.setFont(font, 10)
    for word_space in (0.5, 4.0, 0.0):  # gaps of 0.31 and 0.66 em, and a last line
        text.setWordSpace(word_space)
        text.textLine("ein Wort und noch eines")
    with tagged(canvas, "P"):
        canvas.drawText(text)
    canvas.showPage()
    canvas.save()
    [page] = check_layout(path, canvas.tags, type_area=(62.0, 68.0), bounds=Bounds()).pages
    assert page.loose_lines == 1
    assert page.widest_gap_em == pytest.approx(space + 0.4, abs=0.005)
    assert page.lines == 3


def test_more_than_one_blank_page_is_a_defect_said_once(tmp_path: Path) -> None:
    def brochure(name: str, blank: int) -> Path:
        path = tmp_path / name
        canvas = BrochureCanvas(str(path), pagesize=A4)
        for number in range(4 + blank):
            if not 2 <= number < 2 + blank:  # blank pages before the last two
                _page(canvas, [("P", 760 - 14 * i, SENTENCE[:70]) for i in range(8)])
            canvas.showPage()
        canvas.save()
        return path

    one = check_layout(brochure("one.pdf", 1), None, type_area=(62.0, 68.0))
    assert one.summary()["blank_pages"] == [3] and one.defects == ()
    three = check_layout(brochure("three.pdf", 3), None, type_area=(62.0, 68.0))
    assert [(d.code, d.page) for d in three.defects] == [("layout-blank-page", n)
                                                         for n in (3, 4, 5)]
    assert [str(p) for p in three.problems()] == ["pages 3–5: blank: 3 blank pages, at most 1"]


def test_an_untagged_pdf_is_measured_all_as_content(tmp_path: Path) -> None:
    path = tmp_path / "untagged.pdf"
    canvas = BrochureCanvas(str(path), pagesize=A4, tagged=False)
    for _ in range(3):
        canvas.setFont("Helvetica", 10)
        for i in range(8):
            canvas.drawString(72, 760 - 14 * i, SENTENCE[:70])
        canvas.showPage()
    canvas.save()
    check = check_layout(path, None, type_area=(62.0, 68.0))
    assert [p.lines for p in check.pages] == [8, 8, 8]
    assert check.defects == ()


def test_the_check_and_post_processing_open_the_laid_out_pdf_once(
        make_event, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the check reads of the file (every page, its content and fonts) is what
    post-processing reads first: one opened file serves both."""
    import pikepdf

    from dokureport.core.options import BuildOptions
    from dokureport.pipeline import build_brochure

    opened: list[str] = []
    original = pikepdf.open

    def counted(path: object, *args: object, **kwargs: object) -> pikepdf.Pdf:
        opened.append(str(path))
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pikepdf, "open", counted)
    out = tmp_path / "once.pdf"
    result = build_brochure(make_event(minimal_event(intro=SENTENCE * 12)), out,
                            BuildOptions())
    assert len(opened) == 1 and opened[0].endswith(".part")  # the laid-out file, beside out
    assert result.layout is not None and len(result.layout.pages) == result.pages >= 2
    monkeypatch.undo()
    with pikepdf.open(out) as pdf:  # tagged and declared from that one reading
        assert "/StructTreeRoot" in pdf.Root and "/Metadata" in pdf.Root
