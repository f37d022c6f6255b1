"""The theme as a model: colour roles, fonts, type, margins, sections, and the checked Theme."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dokureport.core.errors import show

SectionName = Literal["cover", "contents", "intro", "agenda", "talks", "chapters", "gallery",
                      "videos", "contacts", "speakers", "imprint", "partners"]
SECTION_NAMES: tuple[str, ...] = SectionName.__args__  # type: ignore[attr-defined]
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_SHORT_HEX = re.compile(r"^#[0-9a-fA-F]{3}$")


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _colour(value: Any) -> Any:
    if isinstance(value, str) and _SHORT_HEX.match(value):
        value = "#" + "".join(c * 2 for c in value[1:])
    if isinstance(value, str) and not _HEX.match(value):
        raise ValueError(f"not a colour: {show(value)} (write it as #RRGGBB, e.g. \"#7A1F5C\")")
    return value.lower() if isinstance(value, str) else value


class Colours(_Part):
    """Colour roles, as #RRGGBB (quote them in YAML: # starts a comment)."""

    primary: str = Field(description="Headings, links, agenda times, the cover title")
    accent: str = Field(description="Small highlights: overlines, the cover's kind of event")
    text: str = Field(description="Body text")
    muted: str = Field(description="Secondary text: speakers, places, credits, the footer")
    rule: str = Field(description="Hairlines between agenda items")
    tint: str = Field(description="Background of contact cards")
    background: str = Field(description="The paper; contrast is checked against it")
    cover_text: str = Field(description="Text on the cover's panel")
    cover_panel: str = Field(description="The panel behind the cover text: on a full-bleed "
                                         "photo, and on a cover without a photo (the title's)")

    _check = field_validator("*", mode="before")(_colour)


ColourRole = Literal["primary", "accent", "text", "muted", "rule", "tint", "background",
                     "cover_text", "cover_panel"]
PrintInks = tuple[Annotated[float, Field(ge=0, le=100)], Annotated[float, Field(ge=0, le=100)],
                  Annotated[float, Field(ge=0, le=100)], Annotated[float, Field(ge=0, le=100)]]


class PrintTarget(_Part):
    """The print shop's printing condition: its CMYK profile and the condition's name."""

    icc: str | None = Field(default=None, description="A CMYK output ICC profile (.icc) "
                            "beside the theme file; unset: the bundled FOGRA39 profile")
    condition: str | None = Field(default=None, description="The condition's registered "
                                  "name, e.g. FOGRA51; unset: the profile's description")


class FallbackFont(_Part):
    """A font for the characters the family lacks (a script, CJK): its files by style."""

    regular: str
    bold: str | None = Field(default=None, description="Unset: bold text in it is set regular")
    italic: str | None = Field(default=None, description="Unset: italic text in it is upright")
    bold_italic: str | None = Field(default=None, description="Unset: set in its bold")


def _fallback_entries(value: Any) -> Any:
    # A file name alone is a font of one style: `fallback: [fonts/Arabic.ttf]`.
    if isinstance(value, list | tuple):
        return [{"regular": v} if isinstance(v, str) else v for v in value]
    return value


def _file_name_or_entry(schema: dict[str, Any]) -> None:
    # The schema an editor checks against: a file name alone is an entry too.
    schema["items"] = {"anyOf": [{"type": "string"}, schema["items"]]}


class Fonts(_Part):
    """Font files (.ttf or .otf), relative to the theme file (bundled: the fonts folder)."""

    regular: str
    bold: str | None = None
    italic: str | None = None
    bold_italic: str | None = None
    fallback: tuple[FallbackFont, ...] = Field(
        default=(),
        description="Fonts tried in order, run by run, for characters the family lacks, "
                    "before the bundled ones (Noto Sans Arabic, Hebrew, Devanagari, Bengali, "
                    "Tamil, DejaVu Sans, Droid Sans Fallback, Nanum Gothic), which end every "
                    "chain. Each a file name or {regular, bold, italic, bold_italic}",
        json_schema_extra=_file_name_or_entry)

    _entries = field_validator("fallback", mode="before")(_fallback_entries)


class TypeScale(_Part):
    base_size: float | None = Field(default=None, ge=6, le=16,
                                    description="Body text size in pt (A4/Letter); A5 scales it")
    leading: float | None = Field(default=None, ge=1.0, le=2.5,
                                  description="Line height as a multiple of base_size")
    scale: float = Field(ge=1.05, le=1.6, description="Each heading step multiplies by this")
    headings: Literal["normal", "uppercase"] = "normal"
    min_size: float = Field(default=7, ge=7, le=12,
                            description="The smallest type anywhere (footers, credits, captions) "
                                        "in pt, on every paper: steps of the scale below it "
                                        "are set at it")
    measure: int = Field(default=63, ge=40, le=75,
                         description="Body text characters per line on average: the text "
                                     "column narrows to it and the margins take the rest "
                                     "(see margins.spare)")
    word_space_max: float = Field(default=0.6, ge=0.3, le=1.5,
                                  description="The widest word space of a justified line, in "
                                              "em: a line that would be looser is set "
                                              "ragged-right")
    ragged_below: int = Field(default=40, ge=0, le=75,
                              description="Columns narrower than this many characters (cards, "
                                          "cells, captions) are set ragged-right, never "
                                          "justified")


class Margins(_Part):
    """Page margins in mm on A4/Letter (A5 scales them); unset: the paper's defaults."""

    inner: float | None = Field(default=None, ge=5, le=60)
    outer: float | None = Field(default=None, ge=5, le=60)
    top: float | None = Field(default=None, ge=5, le=60)
    bottom: float | None = Field(default=None, ge=10, le=60)
    spare: Literal["outer", "both"] = Field(
        default="outer",
        description="Where the width the measure leaves goes: the outer margin (a margin "
                    "column) or both margins alike (a centred column)")


class Logo(_Part):
    position: Literal["bottom-right", "bottom-left", "top-right", "top-left"]
    height: float = Field(ge=5, le=60, description="In mm")


class Cover(_Part):
    photo: Literal["top", "full", "none"] = Field(
        description="top: across the top edge; full: the whole page; none: no photo")
    photo_share: float = Field(ge=0.2, le=0.8, description="Page height the top photo takes; "
                             "without a photo, the panel that holds the title")
    band: bool = Field(description="A band in the primary colour under the photo")
    logo: Logo


class Gallery(_Part):
    columns: int | None = Field(default=None, ge=1, le=6,
                                description="Photos per row at most; unset: 3 (A5: 2)")


class ContentsDesign(_Part):
    """How the contents set their entries and page numbers (see docs/themes.md)."""

    number_gap: float = Field(default=3.0, ge=0.5, le=20,
                              description="In mm: the least space between an entry and its "
                                          "page number, which stand in a column of their own")
    hanging_indent: float = Field(default=4.0, ge=0, le=20,
                                  description="In mm: how far an entry's second and later "
                                              "lines are indented under its first")
    talks_listed_up_to: int = Field(
        default=40, ge=0, le=100000,
        description="The contents list every talk up to this many talks; a larger programme's "
                    "contents list its days and tracks (each with its first page) instead")


class Agenda(_Part):
    """How the agenda sets a day whose sessions run in parallel rooms (see docs/themes.md)."""

    grid_rooms: int = Field(
        default=4, ge=0, le=8,
        description="A day with parallel sessions in at most this many rooms is a room × time "
                    "grid, if its columns are wide enough; more rooms: a listing per room. "
                    "0: never a grid")
    grid_column: float = Field(
        default=8, ge=5, le=40,
        description="The narrowest room column of a grid, in ems of the body size")
    dense_from: int = Field(
        default=60, ge=0, le=100_000,
        description="An agenda of at least this many items is a large programme: its time "
                    "lists are set like the listings per room, place and people after the "
                    "title. 0: never")
    listing_step: float = Field(
        default=-0.5, ge=-2, le=0,
        description="Type size of a listing per room and a large programme's time lists, "
                    "as a step of the type scale (0: body text)")


class Index(_Part):
    """The speaker index (see docs/themes.md)."""

    columns: int = Field(default=3, ge=1, le=4,
                         description="Most columns of the speaker index; it takes fewer when "
                                     "most of its entries would not fit on one line")


class TalksDesign(_Part):
    """The talks section of a large programme (see docs/themes.md)."""

    columns_from: int = Field(
        default=100, ge=0, le=100_000,
        description="A programme of at least this many talks sets its talks in two columns "
                    "over the whole text width (both margins' spare) on A4 and Letter; "
                    "0: never")
    column_gap: float = Field(default=6, ge=2, le=30,
                              description="The space between the two columns, in mm")
    column_step: float = Field(
        default=-1, ge=-2, le=0,
        description="Type size of talks set in columns, as a step of the type scale "
                    "(0: body text); never under type.min_size")
    column_leading: float = Field(
        default=1.35, ge=1.1, le=2,
        description="Line spacing of talks set in columns, as a multiple of their size: "
                    "short lines need less than the page's")


class Pages(_Part):
    """Page planning: when a section that starts a page runs on instead, and how far a
    figure may shrink to stay with its text."""

    run_on_below: float = Field(
        default=0.5, ge=0, le=1,
        description="A section listed in new_page runs on (after space) when the page "
                    "before it is filled less than this share; 0: every one starts a page")
    figure_shrink: float = Field(
        default=0.8, gt=0, le=1,
        description="The smallest share of its size a photo row may shrink to, to stay "
                    "on the page with its text instead of moving on")


class Footer(_Part):
    text: Literal["title", "organiser", "none"]
    page_number: bool
    rule: bool = Field(description="A hairline above the footer")


class ThemeFile(_Part):
    """A dokureport theme: what a theme file (or `theme:` in event.yaml) may say."""

    name: str | None = None
    extends: str | None = Field(default=None, description="A bundled theme this one changes")
    colours: Colours
    fonts: Fonts
    sections: tuple[SectionName, ...] = Field(description="Order; leaving one out drops it")
    new_page: tuple[SectionName, ...] = Field(
        description="Sections that start on a new page; the others follow on the same page "
                    "when enough of it is free")
    type: TypeScale
    margins: Margins = Margins()
    cover: Cover
    gallery: Gallery = Gallery()
    contents: ContentsDesign = ContentsDesign()
    agenda: Agenda = Agenda()
    index: Index = Index()
    talks: TalksDesign = TalksDesign()
    footer: Footer
    pages: Pages = Pages()
    labels: dict[str, str] = Field(default_factory=dict,
                                   description="Printed labels to replace, e.g. agenda: Ablauf")
    print: PrintTarget | None = Field(default=None, description="The print target's "
                                      "output intent (PDF/X-4)")
    print_colours: dict[ColourRole, PrintInks] = Field(
        default_factory=dict,
        description="Exact inks for the print target, e.g. primary: [100, 0, 30, 40] "
                    "(cyan, magenta, yellow, black in %); a colour not named here is "
                    "converted through the print profile")

    @field_validator("sections")
    @classmethod
    def _unique_sections(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        twice = sorted({s for s in value if value.count(s) > 1})
        if twice:
            raise ValueError(f"lists {', '.join(twice)} more than once")
        if "cover" in value and value[0] != "cover":
            raise ValueError("the cover can only come first")
        return value


class Theme(BaseModel):
    """The design one build uses: the checked theme with its font files resolved."""

    model_config = ConfigDict(frozen=True)

    name: str
    colours: Colours
    font_files: dict[str, Path]  # style → file, styles not given are absent
    # fonts.fallback: style → file for each, in order (checked font files)
    fallback_files: tuple[dict[str, Path], ...] = ()
    sections: tuple[str, ...]
    new_page: frozenset[str]
    type: TypeScale
    margins: Margins
    cover: Cover
    gallery: Gallery
    index: Index = Index()
    talks: TalksDesign = TalksDesign()
    footer: Footer
    pages: Pages = Pages()
    labels: dict[str, str]
    contents: ContentsDesign = ContentsDesign()
    agenda: Agenda = Agenda()
    print_colours: dict[str, tuple[float, float, float, float]] = {}  # role → CMYK in %
    print_icc: Path | None = None  # the theme's own print profile (checked), if it names one
    print_condition: str | None = None
    source: Path | None = None  # the file it came from (messages)

    def starts_page(self, section: str) -> bool:
        return section in self.new_page
