"""Booklets: padding to a multiple of four pages, and imposition into printer's spreads."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A3, A4, TABLOID, landscape
from reportlab.lib.units import mm

from dokureport.layout.marks import (
    MARKS_AREA,
    crop_mark_lines,
    fold_mark_lines,
    marks_operators,
)

if TYPE_CHECKING:
    import pikepdf

Box = tuple[float, float, float, float]

# Sheets a home printer takes, landscape. A spread a little smaller than one (two A5
# pages are 296 mm wide, A4 is 297) is centred on it, so that printing "actual size"
# needs no scaling.
SHEETS = (landscape(A4), landscape(A3), landscape(TABLOID))
SHEET_SLACK = 3 * mm


def padding(pages: int) -> int:
    """How many blank pages make `pages` a multiple of four (a saddle-stitched booklet)."""
    return -pages % 4


def sheet_sides(pages: int, *, right_to_left: bool = False
                ) -> list[tuple[int | None, int | None]]:
    """(left, right) page indices (0-based) of each sheet side, in printing order.

    Sheet 1 front: last + first, its back: second + second-last, and so on inwards;
    a stack printed duplex (flip on short edge), folded and stapled then reads in order.
    Indices at or past `pages` (when it is no multiple of four) are None: blank.
    `right_to_left`: bound at the right edge (a brochure in Arabic or Hebrew), each side
    mirrored: the first page left of the last, and each spread's earlier page at the right.
    """
    total = pages + padding(pages)
    sides: list[tuple[int | None, int | None]] = []
    for sheet in range(total // 4):
        front = (total - 1 - 2 * sheet, 2 * sheet)
        back = (2 * sheet + 1, total - 2 - 2 * sheet)
        for left, right in (front, back):
            if right_to_left:
                left, right = right, left
            sides.append((left if left < pages else None, right if right < pages else None))
    return sides


@dataclass(frozen=True)
class _PageGeometry:
    trim: Box  # in the page's own coordinates
    bleed: float  # 0 when the page has none (the screen target)
    marks: bool  # a print page (TrimBox inside the MediaBox): the sheets get marks too

    @property
    def width(self) -> float:
        return self.trim[2] - self.trim[0]

    @property
    def height(self) -> float:
        return self.trim[3] - self.trim[1]


def _box(page: pikepdf.Page, name: str) -> Box | None:
    value = page.obj.get(name)
    if value is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _geometry(page: pikepdf.Page) -> _PageGeometry:
    media = _box(page, "/MediaBox")
    assert media is not None
    trim = _box(page, "/TrimBox") or media
    bleed_box = _box(page, "/BleedBox") or trim
    bleed = round(min(trim[0] - bleed_box[0], trim[1] - bleed_box[1],
                      bleed_box[2] - trim[2], bleed_box[3] - trim[3]), 4)
    return _PageGeometry(trim=trim, bleed=max(bleed, 0.0), marks=trim != media)


def _num(value: float) -> Decimal:
    return Decimal(f"{value:.4f}")


def impose(source: Path, target: Path, *, right_to_left: bool = False) -> int:
    """Write the pages of `source` as printer's spreads into `target`; returns the sheet sides.
    `right_to_left`: for a booklet bound at its right edge (see `sheet_sides`).

    Each sheet side is twice the page's trimmed width (A5 pages on A4 landscape, centred). Print
    pages (with a bleed and crop marks) keep their bleed on the sheet's outer edges, and
    the sheet gets its own crop and fold marks; screen pages are placed edge to edge.
    The file is written with a content-derived /ID: reproducible.
    """
    import pikepdf  # only a booklet build pays for loading qpdf

    from dokureport.output.stream_ends import end_streams_unambiguously

    with pikepdf.open(source) as src, pikepdf.new() as out:
        if len(src.pages) == 0:
            raise ValueError(f"{source}: no pages")
        geo = _geometry(src.pages[0])
        w, h, b = geo.width, geo.height, geo.bleed
        origin = b + (MARKS_AREA if geo.marks else 0.0)  # the sheet's trim corner
        media = (2 * w + 2 * origin, h + 2 * origin)
        x_origin = y_origin = origin
        if not geo.marks:
            for sheet_w, sheet_h in SHEETS:
                extra_w, extra_h = sheet_w - media[0], sheet_h - media[1]
                if -0.01 <= extra_w <= SHEET_SLACK and -0.01 <= extra_h <= SHEET_SLACK:
                    x_origin += (sheet_w - media[0]) / 2
                    y_origin += (sheet_h - media[1]) / 2
                    media = (sheet_w, sheet_h)
                    break
        sheet_trim = (x_origin, y_origin, x_origin + 2 * w, y_origin + h)
        marks = b""
        if geo.marks:
            marks = marks_operators(crop_mark_lines(sheet_trim, b),
                                    fold_mark_lines(x_origin + w, sheet_trim, b))
        forms: dict[int, pikepdf.Object] = {}
        for left, right in sheet_sides(len(src.pages), right_to_left=right_to_left):
            sheet = out.add_blank_page(page_size=media)
            resources = pikepdf.Dictionary()
            ops = [b""]
            for index, side in ((left, 0), (right, 1)):
                if index is None:
                    continue
                if index not in forms:
                    forms[index] = out.copy_foreign(src.pages[index].as_form_xobject())
                name = f"/P{index + 1}"
                resources[name] = forms[index]
                page_trim = _box(src.pages[index], "/TrimBox") or geo.trim
                dx = x_origin + side * w - page_trim[0]
                dy = y_origin - page_trim[1]
                # Clip to the page's trim plus the bleed on the sheet's outer edges only:
                # at the fold the two pages meet exactly at their trim lines.
                x0 = x_origin + side * w - (b if side == 0 else 0)
                x1 = x_origin + (side + 1) * w + (b if side == 1 else 0)
                y0, y1 = y_origin - b, y_origin + h + b
                ops.append(
                    f"q {x0:.4f} {y0:.4f} {x1 - x0:.4f} {y1 - y0:.4f} re W n "
                    f"1 0 0 1 {dx:.4f} {dy:.4f} cm {name} Do Q\n".encode("ascii")
                )
            ops.append(marks)
            sheet.obj.Resources = pikepdf.Dictionary(XObject=resources)
            sheet.obj.Contents = out.make_stream(b"".join(ops))
            if geo.marks:
                sheet.obj.TrimBox = pikepdf.Array([_num(v) for v in sheet_trim])
                sheet.obj.BleedBox = pikepdf.Array([
                    _num(x_origin - b), _num(y_origin - b),
                    _num(x_origin + 2 * w + b), _num(y_origin + h + b),
                ])
        info = {key: value for key, value in src.docinfo.items()
                if key in ("/Title", "/Author", "/Subject", "/Keywords", "/Creator",
                           "/Producer", "/CreationDate", "/ModDate")}
        if info:
            out.docinfo = out.make_indirect(pikepdf.Dictionary(info))
        lang = src.Root.get("/Lang")
        if lang is not None:
            out.Root.Lang = lang
        sides = len(out.pages)
        # The sheets' own streams (and the pages made forms) are new: none may end in CR
        # before `endstream`, or its /Length reads two ways (PDF/A-2 6.1.7.1).
        end_streams_unambiguously(out)
        out.save(target, deterministic_id=True, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return sides
