"""What every section needs to lay itself out: the event, geometry, styles, text and images."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from dokureport.assets import ImageRequest, PreparedImage
from dokureport.errors import Problem
from dokureport.layout.labels import LABELS, Labels
from dokureport.layout.styles import Styles, make_styles
from dokureport.layout.text import Typesetter
from dokureport.layout.theme import GEOMETRIES, Geometry
from dokureport.model import Event
from dokureport.options import BuildOptions


class Images(Protocol):
    """Prepares photos while layout goes on (see dokureport.assets.ImagePreparer)."""

    def submit(self, request: ImageRequest) -> None: ...

    def result(self, request: ImageRequest) -> PreparedImage: ...


@dataclass
class LayoutContext:
    event: Event
    options: BuildOptions
    images: Images
    build_date: dt.date
    geometry: Geometry = field(init=False)
    styles: Styles = field(init=False)
    labels: Labels = field(init=False)
    text: Typesetter = field(init=False)
    warnings: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.geometry = GEOMETRIES[self.options.paper]
        self.styles = make_styles(self.geometry)
        self.labels = LABELS[self.event.lang]
        self.text = Typesetter(lang=self.event.lang)

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
