"""The print target read back from the PDF: page boxes, crop marks, bleed, safe area, dpi."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4, A5, LETTER
from reportlab.lib.units import mm

from dokureport.core.options import BuildOptions
from dokureport.core.resources import sample_event_dir
from dokureport.layout.marks import MARKS_AREA
from dokureport.pipeline import BuildResult, build_brochure
from tests.conftest import minimal_event
from tests.helpers import box

PAPERS = {"a4": A4, "a5": A5, "letter": LETTER}
Build = Callable[..., tuple[Path, BuildResult]]


@pytest.fixture(scope="module")
def sample_print_a5(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    out = tmp_path_factory.mktemp("print") / "a5.pdf"
    return out, build_brochure(sample_event_dir(), out,
                               BuildOptions(target="print", paper="a5", jobs=2))


@pytest.mark.parametrize(("paper", "bleed"), [("a4", 3.0), ("a5", 3.0), ("letter", 5.0),
                                              ("a5", 0.0)])
def test_print_boxes_for_each_paper_and_bleed(make_event: Callable[..., Path], build: Build,
                                              paper: str, bleed: float) -> None:
    out, _ = build(make_event(minimal_event()), target="print", paper=paper, bleed_mm=bleed)
    width, height = PAPERS[paper]
    b = bleed * mm
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            trim, bleed_box = box(page, "/TrimBox"), box(page, "/BleedBox")
            media = box(page, "/MediaBox")
            assert trim is not None and bleed_box is not None and media is not None
            assert trim[2] - trim[0] == pytest.approx(width, abs=0.01)
            assert trim[3] - trim[1] == pytest.approx(height, abs=0.01)
            # The bleed surrounds the trim evenly on every side.
            assert [trim[i] - bleed_box[i] for i in (0, 1)] == pytest.approx([b, b], abs=0.01)
            assert [bleed_box[i] - trim[i] for i in (2, 3)] == pytest.approx([b, b], abs=0.01)
            # The crop marks have room beyond the bleed: the MediaBox is larger still.
            assert media[0] == media[1] == 0
            assert bleed_box[0] == pytest.approx(MARKS_AREA, abs=0.01)
            assert media[2] == pytest.approx(width + 2 * (b + MARKS_AREA), abs=0.01)
            assert media[3] == pytest.approx(height + 2 * (b + MARKS_AREA), abs=0.01)


def test_screen_pages_are_the_paper_size_without_print_boxes(
        make_event: Callable[..., Path], build: Build) -> None:
    out, _ = build(make_event(minimal_event()), paper="a5")
    with pikepdf.open(out) as pdf:
        for page in pdf.pages:
            assert box(page, "/MediaBox") == pytest.approx((0, 0, *A5), abs=0.01)
            assert "/TrimBox" not in page.obj and "/BleedBox" not in page.obj


def _mark_lines(page: pdfplumber.page.Page) -> list[dict]:
    """Lines drawn wholly outside the BleedBox (pdfplumber's y grows downwards)."""
    x0, y0, x1, y1 = (float(v) for v in page.page_obj.attrs["BleedBox"])
    top, bottom = page.height - y1, page.height - y0
    return [line for line in page.lines
            if line["x1"] <= x0 or line["x0"] >= x1 or line["bottom"] <= top
            or line["top"] >= bottom]


def test_crop_marks_on_every_print_page_outside_the_bleed(
        sample_print_a5: tuple[Path, BuildResult]) -> None:
    out, _ = sample_print_a5
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            marks = _mark_lines(page)
            assert len(marks) == 8, f"page {page.page_number}: {len(marks)} marks"
            trim = [float(v) for v in page.page_obj.attrs["TrimBox"]]
            # Each mark continues a trim line: its x (vertical) or y (horizontal) is the trim's.
            for line in marks:
                if line["x0"] == pytest.approx(line["x1"]):
                    assert min(abs(line["x0"] - trim[0]), abs(line["x0"] - trim[2])) < 0.01
                else:
                    y = page.height - line["top"]
                    assert min(abs(y - trim[1]), abs(y - trim[3])) < 0.01


def test_no_crop_marks_on_screen(sample_pdf: Path) -> None:
    with pdfplumber.open(sample_pdf) as pdf:
        for page in pdf.pages:
            assert "TrimBox" not in page.page_obj.attrs
            # Registration-coloured strokes would be marks.
            assert not [line for line in page.lines
                        if line.get("stroking_color") == (1, 1, 1, 1)]


def test_cover_photo_runs_into_the_bleed_and_text_keeps_out_of_the_safe_margin(
        sample_print_a5: tuple[Path, BuildResult]) -> None:
    out, _ = sample_print_a5
    safe = 5 * mm
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            h = page.height
            tx0, ty0, tx1, ty1 = (float(v) for v in page.page_obj.attrs["TrimBox"])
            bx0, _, bx1, by1 = (float(v) for v in page.page_obj.attrs["BleedBox"])
            for char in page.chars:
                assert tx0 + safe <= char["x0"] and char["x1"] <= tx1 - safe, char["text"]
                assert h - ty1 + safe <= char["top"] and char["bottom"] <= h - ty0 - safe
            for image in page.images:
                if page.page_number == 1 and image["width"] > tx1 - tx0:
                    # The cover photo: from the bleed's top, left and right edges.
                    assert image["x0"] == pytest.approx(bx0, abs=0.1)
                    assert image["x1"] == pytest.approx(bx1, abs=0.1)
                    assert image["top"] == pytest.approx(h - by1, abs=0.1)
                else:
                    assert image["x0"] >= tx0 + safe and image["x1"] <= tx1 - safe
                    assert image["top"] >= h - ty1 + safe
                    assert image["bottom"] <= h - ty0 - safe


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_safe_margin_on_other_papers(make_event: Callable[..., Path], build: Build,
                                     paper: str) -> None:
    data = minimal_event(intro="Ein Absatz. " * 400)
    out, _ = build(make_event(data), target="print", paper=paper)
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            tx0, ty0, tx1, ty1 = (float(v) for v in page.page_obj.attrs["TrimBox"])
            for char in page.chars:
                assert tx0 + 5 * mm <= char["x0"] and char["x1"] <= tx1 - 5 * mm
                assert page.height - ty1 + 5 * mm <= char["top"]
                assert char["bottom"] <= page.height - ty0 - 5 * mm


def test_fonts_embedded_and_no_transparency_in_print(
        sample_print_a5: tuple[Path, BuildResult], sample_pdf: Path) -> None:
    out, _ = sample_print_a5
    with pikepdf.open(out) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
                assert descriptor is not None and ("/FontFile2" in descriptor
                                                   or "/FontFile" in descriptor)
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                assert "/SMask" not in obj and "/Mask" not in obj
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/ExtGState":
                assert float(obj.get("/ca", 1)) == 1 and float(obj.get("/CA", 1)) == 1
    # On screen the logo keeps its alpha channel (the sample's logo has one).
    with pikepdf.open(sample_pdf) as pdf:
        assert any(isinstance(o, pikepdf.Stream) and "/SMask" in o for o in pdf.objects)


def test_qr_codes_stay_in_print(sample_print_a5: tuple[Path, BuildResult]) -> None:
    out, _ = sample_print_a5
    with pdfplumber.open(out) as pdf:
        # A QR code is a field of small filled squares.
        squares = sum(1 for page in pdf.pages for r in page.rects
                      if r["width"] < 3 and abs(r["width"] - r["height"]) < 0.01)
    assert squares > 200


def test_low_resolution_warning_names_each_photo_once(
        sample_print_a5: tuple[Path, BuildResult]) -> None:
    _, result = sample_print_a5
    low = [w for w in result.warnings if "dpi at its printed size" in w.message]
    # Each warning points at the event.yaml key that named its photo.
    keys = [w.key_path for w in low]
    assert len(keys) == len(set(keys)) == len(low) > 0
    assert all(k.startswith("photos.items[") and k.endswith("].file") for k in keys)
    assert all(w.line is not None for w in low)
    # The cover photo: the largest stand-in, still below 200 dpi across an A5 page.
    assert any("photos/07.jpg" in w.message for w in low)


def _big_photo(path: Path, size: tuple[int, int] = (3600, 2400)) -> None:
    """A photo-like JPEG (many colours) large enough for 300 dpi on an A4 cover."""
    channels = [Image.effect_noise(size, 40).point(lambda v, k=k: (v + 60 * k) % 256)
                for k in range(3)]
    Image.merge("RGB", channels).save(path, "JPEG", quality=80)


def _effective_dpi(pdf_path: Path) -> list[float]:
    with pdfplumber.open(pdf_path) as pdf:
        return [min(image["srcsize"][0] / (image["width"] / 72),
                    image["srcsize"][1] / (image["height"] / 72))
                for page in pdf.pages for image in page.images]


def test_effective_dpi_per_target(make_event: Callable[..., Path], build: Build) -> None:
    folder = make_event(minimal_event(photos={"items": [
        {"file": "photos/big.jpg", "caption": "Groß", "alt": "Rauschen", "cover": True}]}))
    _big_photo(folder / "photos" / "big.jpg")
    screen, _ = build(folder, target="screen", paper="a5")
    dpi = _effective_dpi(screen)
    assert dpi and all(150 <= d <= 150 * 1.1 + 1 for d in dpi), dpi
    printed, result = build(folder, target="print", paper="a5")
    dpi = _effective_dpi(printed)
    assert dpi and all(300 <= d <= 300 * 1.1 + 1 for d in dpi), dpi
    assert not [w for w in result.warnings if "dpi" in w.message]
