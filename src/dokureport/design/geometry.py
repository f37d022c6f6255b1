"""Page geometry per paper, made from a theme at build time; the few technical constants."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4, A5, LETTER
from reportlab.lib.units import mm


@dataclass(frozen=True)
class Geometry:
    """Page and grid for one paper size; sizes in points."""

    name: str
    page_width: float
    page_height: float
    margin_inner: float  # left on a single-sided PDF
    margin_outer: float
    margin_top: float
    margin_bottom: float  # the footer sits inside this
    footer_offset: float  # baseline of the footer above the page's bottom edge
    body_size: float
    body_leading: float
    gallery_columns: int  # photos per justified gallery row, at most
    gallery_gutter: float
    safe_margin: float = 5 * mm  # nothing important closer than this to the trim
    scale: float = 1.25  # the type scale's step

    @property
    def frame_width(self) -> float:
        return self.page_width - self.margin_inner - self.margin_outer

    @property
    def frame_height(self) -> float:
        return self.page_height - self.margin_top - self.margin_bottom

    def size(self, step: int) -> float:
        """The type scale: step 0 is body text, each step up multiplies by `scale`."""
        return round(self.body_size * self.scale**step, 1)


GEOMETRIES: dict[str, Geometry] = {
    "a4": Geometry(
        name="a4", page_width=A4[0], page_height=A4[1],
        margin_inner=25 * mm, margin_outer=25 * mm, margin_top=22 * mm, margin_bottom=24 * mm,
        footer_offset=12 * mm, body_size=10.5, body_leading=15.5,
        gallery_columns=3, gallery_gutter=5 * mm,
    ),
    "letter": Geometry(
        name="letter", page_width=LETTER[0], page_height=LETTER[1],
        margin_inner=25 * mm, margin_outer=25 * mm, margin_top=20 * mm, margin_bottom=24 * mm,
        footer_offset=12 * mm, body_size=10.5, body_leading=15.5,
        gallery_columns=3, gallery_gutter=5 * mm,
    ),
    "a5": Geometry(
        name="a5", page_width=A5[0], page_height=A5[1],
        margin_inner=17 * mm, margin_outer=15 * mm, margin_top=15 * mm, margin_bottom=18 * mm,
        footer_offset=8 * mm, body_size=9, body_leading=13,
        gallery_columns=2, gallery_gutter=4 * mm,
    ),
}


def geometry_for(paper: str, theme: Any) -> Geometry:
    """The paper's geometry with what the theme changes: type, margins, gallery columns.

    Theme sizes are for A4 and Letter; on A5 they shrink with the page width.
    """
    g = GEOMETRIES[paper]
    factor = 1.0 if paper != "a5" else A5[0] / A4[0]
    changes: dict[str, Any] = {"scale": theme.type.scale}
    if theme.type.base_size is not None:
        size = round(theme.type.base_size * (1.0 if factor == 1 else 9 / 10.5), 2)
        changes["body_size"] = size
        changes["body_leading"] = round(size * (theme.type.leading or 15.5 / 10.5), 2)
    elif theme.type.leading is not None:
        changes["body_leading"] = round(g.body_size * theme.type.leading, 2)
    m = theme.margins
    for field, value in (("margin_inner", m.inner), ("margin_outer", m.outer),
                         ("margin_top", m.top), ("margin_bottom", m.bottom)):
        if value is not None:
            changes[field] = value * mm * factor
    if theme.gallery.columns is not None:
        changes["gallery_columns"] = theme.gallery.columns
    return dataclasses.replace(g, **changes)

QR_SIZE_MM = 26
GALLERY_MAX_ROW_SHARE = 0.42  # a gallery row never takes more of the frame height
GALLERY_ASPECT_RANGE = (0.5, 3.0)  # width/height beyond these is cropped in the gallery
