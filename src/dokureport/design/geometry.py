"""Page geometry per paper, made from a theme at build time; the few technical constants."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4, A5, LETTER
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

# Running text whose average character width (spaces included) stands for a body line's:
# German and English prose, as the brochures print.
_MEASURE_SAMPLE = (
    "Die Fachtagung brachte Jugendämter, freie Träger und Schulen zusammen, um über "
    "Beteiligung, Kinderschutz und neue Wege der Zusammenarbeit zu sprechen. "
    "The workshop looked at how young people take part in the decisions that shape their "
    "neighbourhood, and what the city can learn from them."
)


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
    min_size: float = 7.0  # no type is smaller, whatever the scale says
    char_width: float = 0.0  # a body character's average width (0: not measured)
    ragged_below: float = 0.0  # columns narrower than this are set ragged-right
    word_space_max: float = 0.0  # the widest justified word space, in em (0: no bound)
    spare_outer: float = 0.0  # what the measure added to the outer margin (not the cover's)
    spare_inner: float = 0.0  # what the measure added to the inner margin

    @property
    def frame_width(self) -> float:
        return self.page_width - self.margin_inner - self.margin_outer

    @property
    def cover_width(self) -> float:
        """The cover's text width: the cover has no body lines, so no measure narrows it."""
        return self.frame_width + self.spare_outer

    @property
    def wide_width(self) -> float:
        """The width between the paper's own margins, without the measure's spare."""
        return self.frame_width + self.spare_outer + self.spare_inner

    @property
    def cover_margin_outer(self) -> float:
        return self.margin_outer - self.spare_outer

    @property
    def frame_height(self) -> float:
        return self.page_height - self.margin_top - self.margin_bottom

    def size(self, step: int) -> float:
        """The type scale: step 0 is body text, each step up multiplies by `scale`."""
        return max(self.min_size, round(self.body_size * self.scale**step, 1))


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


def average_char_width(font: str, size: float) -> float:
    """The average width of a character of running text (spaces included) in `font`."""
    return stringWidth(_MEASURE_SAMPLE, font, size) / len(_MEASURE_SAMPLE)


def geometry_for(paper: str, theme: Any, font: str | None = None) -> Geometry:
    """The paper's geometry with what the theme changes: type, margins, measure, gallery
    columns.

    Theme sizes are for A4 and Letter; on A5 they shrink with the page width. With the
    body `font` (a registered name) the text column narrows to the theme's measure.
    """
    g = GEOMETRIES[paper]
    factor = 1.0 if paper != "a5" else A5[0] / A4[0]
    changes: dict[str, Any] = {"scale": theme.type.scale}
    if theme.type.base_size is not None:
        size = round(theme.type.base_size * (1.0 if factor == 1 else 9 / 10.5), 2)
        size = max(size, theme.type.min_size)  # a small base on A5 stays readable too
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
    changes["min_size"] = theme.type.min_size
    changes["word_space_max"] = theme.type.word_space_max
    g = dataclasses.replace(g, **changes)
    if font is None:
        return g
    char = average_char_width(font, g.body_size)
    spare = g.frame_width - theme.type.measure * char
    changes = {"char_width": char, "ragged_below": theme.type.ragged_below * char}
    if spare > 0:
        outer = spare if m.spare == "outer" else spare / 2
        changes["margin_inner"] = g.margin_inner + spare - outer
        changes["margin_outer"] = g.margin_outer + outer
        changes["spare_outer"] = outer
        changes["spare_inner"] = spare - outer
    return dataclasses.replace(g, **changes)


@dataclass(frozen=True)
class Columns:
    """Two columns over a page's wide width: one column's geometry, and the gap."""

    column: Geometry  # its frame_width is the column's; its type is the columns' size
    gap: float


def talk_columns(g: Geometry, theme: Any, talks: int) -> Columns | None:
    """The talks section's two columns for a programme of `talks` talks, or None when it
    keeps the page's one column: on A5, or below the theme's `talks.columns_from`.

    The columns share the wide width (the page's margins without the measure's spare);
    each is set one `talks.column_step` smaller and never wider than the theme's measure.
    """
    t = theme.talks
    if g.name == "a5" or not t.columns_from or talks < t.columns_from or not g.char_width:
        return None
    gap = t.column_gap * mm
    size = max(g.min_size, round(g.body_size * g.scale**t.column_step, 1))
    char = g.char_width * size / g.body_size
    width = min((g.wide_width - gap) / 2, theme.type.measure * char)
    left = g.margin_inner - g.spare_inner
    column = dataclasses.replace(
        g, margin_inner=left, margin_outer=g.page_width - left - width,
        spare_outer=0.0, spare_inner=0.0, body_size=size,
        body_leading=round(size * t.column_leading, 2), char_width=char,
        ragged_below=theme.type.ragged_below * char, gallery_columns=2)
    return Columns(column=column, gap=gap)

QR_SIZE_MM = 26
GALLERY_MAX_ROW_SHARE = 0.42  # a gallery row never takes more of the frame height
GALLERY_ASPECT_RANGE = (0.5, 3.0)  # width/height beyond these is cropped in the gallery
