"""What every section needs to lay itself out: the event, theme, geometry, styles, text, images."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from dokureport.assets import ImageRequest, PreparedImage
from dokureport.assets.cmyk import PrintProfile
from dokureport.core.errors import Problem
from dokureport.core.options import BuildOptions
from dokureport.design.geometry import Columns, Geometry, geometry_for, talk_columns
from dokureport.design.model import Theme
from dokureport.design.theme import default_theme
from dokureport.event.model import Event
from dokureport.i18n.labels import Labels, labels_for
from dokureport.layout.direction import Direction
from dokureport.layout.plan import PagePlan, SectionStartRecord
from dokureport.layout.styles import Styles, make_styles
from dokureport.text.fonts import FontSet, default_fonts
from dokureport.text.typesetter import Typesetter


class Images(Protocol):
    """Prepares photos while layout goes on (see dokureport.assets.ImagePreparer)."""

    def submit(self, request: ImageRequest) -> None: ...

    def ready(self, request: ImageRequest) -> bool: ...

    def result(self, request: ImageRequest) -> PreparedImage: ...


class PassImages:
    """The images as a layout pass sees them.

    reportlab lays the whole brochure out several times until the table of contents
    settles. Passes that are not known to be the last leave out an image that is not
    prepared yet instead of waiting for it: their text layout then overlaps the photo
    work. If the last pass left one out, `lay_out` runs one more, waiting for each.
    """

    def __init__(self, images: Images) -> None:
        self._images = images
        self.wait = False  # the final pass: every image is drawn
        self.skipped = False  # this pass left an image out
        # Every image drawn, at its placed size: the low-resolution warnings read it.
        self.placed: dict[ImageRequest, PreparedImage] = {}
        self.submitted = 0  # requests so far: what layout.reuse never hands to a later build

    def submit(self, request: ImageRequest) -> None:
        self.submitted += 1
        self._images.submit(request)

    def ready(self, request: ImageRequest) -> bool:
        return self._images.ready(request)

    def result(self, request: ImageRequest) -> PreparedImage:
        prepared = self._images.result(request)
        self.placed[request] = prepared
        return prepared

    def for_drawing(self, request: ImageRequest) -> PreparedImage | None:
        """The prepared image, or None if this pass does without it."""
        if self.wait or self._images.ready(request):
            return self.result(request)
        self.skipped = True
        return None


@dataclass
class SectionPages:
    """Where one section of the brochure begins and ends (1-based pages, inclusive)."""

    key: str  # the section's link destination: introduction, agenda, talks, …
    title: str
    first: int
    last: int


@dataclass
class LayoutContext:
    event: Event
    options: BuildOptions
    images: PassImages
    build_date: dt.date
    theme: Theme | None = None  # None: the default theme
    fonts: FontSet | None = None  # the theme's registered family; None: the default's
    profile: PrintProfile | None = None  # the print target's CMYK output intent
    geometry: Geometry = field(init=False)
    styles: Styles = field(init=False)
    labels: Labels = field(init=False)
    text: Typesetter = field(init=False)
    # Which way the brochure reads (the event's language): what its sections mirror.
    direction: Direction = field(init=False)
    warnings: list[Problem] = field(default_factory=list)
    # Filled by the document as the last layout pass places each section's flowables.
    sections: list[SectionPages] = field(default_factory=list)
    # The structure tree the last layout pass recorded (an engine.tags.TagRecorder).
    tags: Any = None
    # The last layout's document when its PDF is not written yet (compose.write_laid_out).
    unwritten: Any = None
    # The page planner's decisions for this layout, and where each section started.
    plan: PagePlan = field(default_factory=PagePlan)
    starts: list[SectionStartRecord] = field(default_factory=list)
    pages_used: list[float | None] = field(default_factory=list)  # points, by page
    # The talks section's two columns (a large programme on a wide page), or None.
    columns: Columns | None = field(init=False, default=None)
    # A full-photo cover's panel top, as the cover measured its text (sections.cover).
    cover_panel_top: float | None = None
    # A typographic cover's title block and facts, their heights at full size (measured
    # by sections.cover).
    cover_text: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.images, PassImages):
            self.images = PassImages(self.images)
        if self.theme is None:
            self.theme = default_theme()
        if self.fonts is None:
            self.fonts = default_fonts()
        self.direction = Direction.of_language(self.event.lang)
        self.geometry = geometry_for(self.options.paper, self.theme, self.fonts.regular)
        self.styles = make_styles(self.geometry, self.theme, self.fonts)
        self.columns = talk_columns(self.geometry, self.theme, len(self.event.talks))
        self.labels, _ = labels_for(self.event.lang, self.theme.labels, self.event.labels)
        # On paper a link cannot be clicked: print names its address after it.
        on_paper = self.options.target == "print"
        self.text = Typesetter(lang=self.event.lang, fonts=self.fonts,
                               link_colour=self.theme.colours.primary,
                               address_colour=self.theme.colours.muted if on_paper else None)

    def in_language(self, lang: str | None) -> LayoutContext:
        """This context, its text set in `lang` (a talk's or chapter's own language):
        hyphenation and quotation marks follow it; labels, dates and styles stay the event's.
        """
        if lang is None or lang == self.event.lang:
            return self
        other = copy.copy(self)  # shares images, warnings and sections with this one
        other.text = self.text.in_language(lang)
        return other

    def in_columns(self) -> LayoutContext:
        """This context for a section set in the talks' columns: a column's width and
        type size (see design.geometry.talk_columns); itself without columns."""
        if self.columns is None:
            return self
        other = copy.copy(self)  # shares images, warnings and sections with this one
        other.geometry = self.columns.column
        other.styles = make_styles(other.geometry, self.theme, self.fonts)
        return other

    @property
    def design(self) -> Theme:
        """The theme, never None after construction."""
        assert self.theme is not None
        return self.theme

    def colour(self, role: str) -> str:
        """A theme colour as "#RRGGBB" (for inline markup and canvas calls)."""
        return str(getattr(self.design.colours, role))

    @property
    def bleed(self) -> float:
        """Bleed around the trimmed page, in points (0 on screen)."""
        from reportlab.lib.units import mm

        return self.options.bleed_mm * mm if self.options.target == "print" else 0.0

    @staticmethod
    def talk_anchor(number: int) -> str:
        """The link destination of the talk at `number` (1-based) in the event's order."""
        return f"talk-{number}"

    def talk_key(self, talk_id: str) -> str | None:
        """The link destination of a talk's heading, by the talk's id."""
        for number, talk in enumerate(self.event.talks, start=1):
            if talk.id == talk_id:
                return self.talk_anchor(number)
        return None
