"""The print PDF is PDF/UA-1 and PDF/X-4 but not PDF/A (its intent is the press's CMYK, not
sRGB); what print shops need stays valid under PDF/A-2: nested page boxes, crop marks as
Artifacts. The PDF/A checks find nothing else than the colour, the identification it does
not declare, and the PDF/X-4 XMP's `pdf:Trapped`."""

from __future__ import annotations

from pathlib import Path

import page
import pikepdf
import pytest
from reportlab.lib.units import mm

from dokureport.core.options import BuildOptions
from dokureport.core.resources import sample_event_dir
from tests.helpers import box
from tests.test_accessibility import tagging_problems

# What a file that does not declare PDF/A, and prints DeviceCMYK under a PDF/X (not a
# PDF/A) output intent, fails by design; any other rule failing is a defect of the print
# target.
UNDECLARED_COLOUR = {"PDFA2U-DEVICE-CMYK-001", "PDFA2U-DEVICE-RGB-001", "PDFA2U-ID-SCHEMA-001"}
UNDECLARED = {
    "ua1": set(),  # the print PDF is PDF/UA-1: nothing may fail
    # PDF/X-4 mirrors /Info's /Trapped in the XMP as pdf:Trapped, a property PDF/A-2's
    # older Adobe PDF schema does not have (and a predefined schema cannot be extended).
    "2u": UNDECLARED_COLOUR | {"PDFA2U-XMP-PREDEFINED-PROPERTY-001",
                               "PDFA2U-XMP-PREDEFINED-VALUE-TYPE-001",
                               "PDFA2U-XMP-PROPERTY-DEFINITION-001"},
}
# The imposed booklet sheets declare nothing at all (PDF/UA does not apply to them).
UNDECLARED_SHEETS = UNDECLARED_COLOUR | {"PDFA2U-METADATA-STRUCTURE-001"}


@pytest.fixture(scope="module")
def print_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from dokureport.pipeline import build_brochure

    out = tmp_path_factory.mktemp("print") / "print.pdf"
    build_brochure(sample_event_dir(), out, BuildOptions(target="print", paper="a5"))
    return out


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return (inner[0] >= outer[0] - 0.01 and inner[1] >= outer[1] - 0.01
            and inner[2] <= outer[2] + 0.01 and inner[3] <= outer[3] + 0.01)


def test_page_boxes_are_nested_and_within_pdf_a_limits(print_pdf: Path) -> None:
    with pikepdf.open(print_pdf) as pdf:
        for page_obj in (p.obj for p in pdf.pages):
            media, bleed, trim = (box(page_obj, n) for n in ("/MediaBox", "/BleedBox", "/TrimBox"))
            assert media and bleed and trim
            crop = box(page_obj, "/CropBox") or media
            assert _inside(trim, bleed) and _inside(bleed, crop) and _inside(crop, media)
            # The bleed is 3 mm on every side of the trimmed A5 page.
            assert [round(b - t, 2) for b, t in zip(bleed[:2], trim[:2], strict=True)] == \
                [round(-3 * mm, 2)] * 2
            assert round((trim[2] - trim[0]) / mm) == 148 and round((trim[3] - trim[1]) / mm) \
                == 210
            # PDF/A-2 6.1.13: every page boundary between 3 and 14 400 units.
            for edges in (media, crop, bleed, trim):
                assert all(3 <= side <= 14400
                           for side in (edges[2] - edges[0], edges[3] - edges[1]))


def _concat(m: tuple[float, ...], ctm: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix m × ctm (PDF's `cm`: m applies first)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = ctm
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def test_crop_marks_lie_outside_the_bleed_and_are_artifacts(print_pdf: Path) -> None:
    with pikepdf.open(print_pdf) as pdf:
        bleed = box(pdf.pages[1], "/BleedBox")
        assert bleed
        ops = pikepdf.parse_content_stream(pdf.pages[1])
    # Every path that starts outside the bleed box (in page space) is a mark; each sits in
    # /Artifact content, and nothing else is drawn out there.
    marked: list[str] = []
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    saved: list[tuple[float, ...]] = []
    marks = 0
    for operands, operator in ops:
        name = str(operator)
        if name in ("BMC", "BDC"):
            marked.append(str(operands[0]))
        elif name == "EMC":
            marked.pop()
        elif name == "q":
            saved.append(ctm)
        elif name == "Q":
            ctm = saved.pop()
        elif name == "cm":
            ctm = _concat(tuple(float(v) for v in operands), ctm)
        elif name == "m":
            x, y = (float(v) for v in operands)
            a, b, c, d, e, f = ctm
            px, py = a * x + c * y + e, b * x + d * y + f
            if px < bleed[0] or py < bleed[1] or px > bleed[2] or py > bleed[3]:
                marks += 1
                assert marked and marked[-1] == "/Artifact", (px, py, marked)
    assert marks == 8  # two per corner


def test_the_print_pdf_declares_pdf_ua_1_and_not_pdf_a(print_pdf: Path) -> None:
    with pikepdf.open(print_pdf) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp and "pdfaid:part>" not in xmp
        assert [str(i.S) for i in pdf.Root.OutputIntents] == ["/GTS_PDFX"]
        assert "<dc:title>" in xmp


def test_only_the_undeclared_colour_and_identification_fail(print_pdf: Path) -> None:
    for profile, expected in UNDECLARED.items():
        report = page.validate_pdf(str(print_pdf), profile=profile)
        assert {f.rule_id for f in report.failures} <= expected, report
    # Our own reading of the tagging finds nothing either, PDF/A's declarations aside.
    assert tagging_problems(print_pdf, archival=False) == []


def test_the_print_booklet_s_sheets_are_valid_pdf_a_2_but_for_colour(tmp_path: Path) -> None:
    # The imposed sheets are for the print shop, untagged (PDF/UA does not apply); under
    # PDF/A-2 their boxes and marks are valid, only the undeclared colour is not.
    from dokureport.pipeline import build_brochure

    out = tmp_path / "print.pdf"
    build_brochure(sample_event_dir(), out,
                   BuildOptions(target="print", paper="a5", booklet=True))
    sheets = tmp_path / "print-booklet.pdf"
    with pikepdf.open(sheets) as pdf:
        for page_obj in (p.obj for p in pdf.pages):
            media, bleed, trim = (box(page_obj, n) for n in ("/MediaBox", "/BleedBox", "/TrimBox"))
            assert media and bleed and trim
            assert _inside(trim, bleed) and _inside(bleed, media)
            assert round((trim[2] - trim[0]) / mm) == 2 * 148
    report = page.validate_pdf(str(sheets), profile="2u")
    assert {f.rule_id for f in report.failures} <= UNDECLARED_SHEETS, report
