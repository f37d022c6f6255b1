"""Paragraph styles made at build time from one paper's geometry and the theme."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from dokureport.design.geometry import Geometry
from dokureport.engine.spacing import RAGGED_BELOW, WORD_SPACE_MAX
from dokureport.text.fonts import FontSet, default_fonts

if TYPE_CHECKING:
    from dokureport.design.model import Theme


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    lead: ParagraphStyle  # the introduction's larger reading text
    h1: ParagraphStyle  # section heading
    h2: ParagraphStyle  # talk title, agenda day
    h3: ParagraphStyle  # video title
    overline: ParagraphStyle  # "Impulsvortrag · Strategie"
    meta: ParagraphStyle  # speakers, places, people
    small: ParagraphStyle
    caption: ParagraphStyle
    credit: ParagraphStyle
    agenda_time: ParagraphStyle
    agenda_item: ParagraphStyle
    toc_level0: ParagraphStyle
    toc_level1: ParagraphStyle
    footer: ParagraphStyle
    footer_right: ParagraphStyle
    cover_kind: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_meta: ParagraphStyle


def make_styles(g: Geometry, theme: Theme | None = None, fonts: FontSet | None = None
                ) -> Styles:
    """The brochure's styles for one geometry and theme: every size from the type scale."""
    if theme is None:
        from dokureport.design.theme import default_theme

        theme = default_theme()
    fonts = fonts or default_fonts()
    c = theme.colours
    INK, MUTED = colors.HexColor(c.text), colors.HexColor(c.muted)
    ACCENT, ACCENT_WARM = colors.HexColor(c.primary), colors.HexColor(c.accent)
    COVER_INK = colors.HexColor(c.cover_text) if theme.cover.photo == "full" else None
    base = ParagraphStyle(
        "body", fontName=fonts.regular, fontSize=g.body_size, leading=g.body_leading,
        textColor=INK, alignment=TA_JUSTIFY, spaceAfter=g.body_leading * 0.5,
        allowWidows=0, allowOrphans=0, splitLongWords=1, uriWasteReduce=0.3,
        # Justified lines stay within the theme's word space; narrow columns are ragged.
        **{WORD_SPACE_MAX: g.word_space_max, RAGGED_BELOW: g.ragged_below},
    )

    def derive(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    heading = dict(alignment=TA_LEFT, keepWithNext=1, textColor=ACCENT, fontName=fonts.bold)
    return Styles(
        body=base,
        lead=derive("lead", fontSize=g.size(1), leading=g.size(1) * 1.45,
                    spaceAfter=g.body_leading * 0.6),
        h1=derive("h1", fontSize=g.size(4), leading=g.size(4) * 1.2,
                  spaceBefore=g.body_leading * 2, spaceAfter=g.body_leading * 1.2, **heading),
        h2=derive("h2", fontSize=g.size(2), leading=g.size(2) * 1.25, spaceBefore=g.body_leading,
                  spaceAfter=g.body_leading * 0.4, **heading | {"textColor": INK}),
        h3=derive("h3", fontSize=g.size(1), leading=g.size(1) * 1.3,
                  spaceBefore=g.body_leading * 0.8, spaceAfter=g.body_leading * 0.3,
                  **heading | {"textColor": INK}),
        overline=derive("overline", fontName=fonts.bold, fontSize=g.size(-1),
                        leading=g.size(-1) * 1.3, textColor=ACCENT_WARM, alignment=TA_LEFT,
                        keepWithNext=1, spaceBefore=g.body_leading * 1.2, spaceAfter=2),
        meta=derive("meta", textColor=MUTED, alignment=TA_LEFT, keepWithNext=1,
                    spaceAfter=g.body_leading * 0.25),
        small=derive("small", fontSize=g.size(-1), leading=g.size(-1) * 1.4, alignment=TA_LEFT),
        caption=derive("caption", fontSize=g.size(-1.5), leading=g.size(-1.5) * 1.3,
                       alignment=TA_LEFT, spaceAfter=0),
        credit=derive("credit", fontSize=g.size(-2), leading=g.size(-2) * 1.3, textColor=MUTED,
                      alignment=TA_LEFT, spaceAfter=0),
        agenda_time=derive("agenda_time", fontName=fonts.bold, alignment=TA_LEFT,
                           textColor=ACCENT, spaceAfter=0),
        agenda_item=derive("agenda_item", alignment=TA_LEFT, spaceAfter=0),
        toc_level0=derive("toc0", fontName=fonts.bold, fontSize=g.size(1),
                          leading=g.size(1) * 1.4, spaceBefore=g.body_leading * 0.6,
                          alignment=TA_LEFT),
        toc_level1=derive("toc1", alignment=TA_LEFT, leftIndent=g.body_size * 1.5,
                          textColor=INK, spaceAfter=0),
        footer=derive("footer", fontSize=g.size(-2), leading=g.size(-2) * 1.2, textColor=MUTED,
                      alignment=TA_LEFT, spaceAfter=0),
        footer_right=derive("footer_right", fontSize=g.size(-2), leading=g.size(-2) * 1.2,
                            textColor=MUTED, alignment=TA_RIGHT, spaceAfter=0),
        cover_kind=derive("cover_kind", fontName=fonts.bold, fontSize=g.size(0),
                          textColor=COVER_INK or ACCENT_WARM, alignment=TA_LEFT,
                          spaceAfter=g.body_leading * 0.4),
        cover_title=derive("cover_title", fontName=fonts.bold, fontSize=g.size(5),
                           leading=g.size(5) * 1.12, textColor=COVER_INK or ACCENT,
                           alignment=TA_LEFT,
                           spaceAfter=g.body_leading * 0.7),
        cover_subtitle=derive("cover_subtitle", fontSize=g.size(1), leading=g.size(1) * 1.35,
                              alignment=TA_LEFT, spaceAfter=g.body_leading,
                              textColor=COVER_INK or INK),
        cover_meta=derive("cover_meta", alignment=TA_LEFT, spaceAfter=g.body_leading * 0.2,
                          textColor=COVER_INK or INK),
    )
