"""Layout constants in one place: page geometry per paper, type scale, colours, spacing."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5, LETTER
from reportlab.lib.units import mm

# Colours: a deep petrol for structure, a warm accent for small highlights, and
# near-black text (pure black looks harsh next to photos).
INK = colors.HexColor("#1d1d1b")
MUTED = colors.HexColor("#5b6770")
ACCENT = colors.HexColor("#00576b")
ACCENT_WARM = colors.HexColor("#d4531c")
RULE = colors.HexColor("#c9d1d6")
TINT = colors.HexColor("#eef3f5")
PAPER_WHITE = colors.white

# The same colours for inline markup (<font color>, <a color>), which wants "#rrggbb".
ACCENT_HEX = "#" + ACCENT.hexval()[2:]
MUTED_HEX = "#" + MUTED.hexval()[2:]

FONT_FAMILY = "NotoSans"


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

    @property
    def frame_width(self) -> float:
        return self.page_width - self.margin_inner - self.margin_outer

    @property
    def frame_height(self) -> float:
        return self.page_height - self.margin_top - self.margin_bottom

    def size(self, step: int) -> float:
        """The type scale: step 0 is body text, each step up multiplies by a fifth."""
        return round(self.body_size * 1.25**step, 1)


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

# Vertical rhythm, in multiples of the body leading.
SPACE_BEFORE_SECTION = 0.0  # sections start on a new page
SPACE_AFTER_HEADING = 0.75
SPACE_BETWEEN_BLOCKS = 1.0

COVER_PHOTO_SHARE = 0.52  # of the page height, from the top edge
LOGO_HEIGHT_MM = 16
QR_SIZE_MM = 26
GALLERY_MAX_ROW_SHARE = 0.42  # a gallery row never takes more of the frame height
GALLERY_ASPECT_RANGE = (0.5, 3.0)  # width/height beyond these is cropped in the gallery
