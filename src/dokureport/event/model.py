"""The typed, immutable model of one event: what validation produces and layout reads."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from dokureport.core.errors import show

# What people type for a time of day: 9:00, 09:00, 9.00 (German), 12:00:30.
# A QR code holds at most this many bytes (version 40, error correction M, byte mode).
QR_MAX_BYTES = 2331


def fits_qr_code(url: str) -> bool:
    """Whether a web address can be printed as a QR code at all."""
    return len(url.encode("utf-8")) <= QR_MAX_BYTES


_TIME = re.compile(r"^\s*([01]?[0-9]|2[0-3])[:.]([0-5][0-9])(?::([0-5][0-9]))?\s*$")


def parse_time(value: Any) -> Any:
    """A time of day from the text people type; anything else is returned unchanged."""
    if isinstance(value, str) and (match := _TIME.match(value)):
        hour, minute, second = match.groups()
        return dt.time(int(hour), int(minute), int(second or 0))
    return value


def known_locale(value: str) -> str:
    """`value` if Babel knows the locale (de, en, fr, pt-BR, …), else ValueError."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(f"not a language Babel knows: {show(value)} (e.g. de, en, fr, it, "
                         "pt-BR)") from None
    return value


def _known_locale(value: str | None) -> str | None:
    return None if value is None else known_locale(value)


class Model(BaseModel):
    """Frozen, strict about unknown keys: the base of every part of the event."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Venue(Model):
    name: str | None = None
    address: tuple[str, ...] = Field(default=(), description="Address lines")


class EventInfo(Model):
    kind: str | None = Field(default=None, description='"Art" of event, e.g. Großstadtnetzwerk')
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date | None = None
    venue: Venue | None = None


class Organiser(Model):
    name: str
    logo: Path | None = Field(default=None, description="Image file in the event folder")


class AgendaItem(Model):
    time: dt.time
    end: dt.time | None = None
    title: str
    place: str | None = None
    people: tuple[str, ...] = ()
    talk: str | None = Field(default=None, description="id of an entry in talks")

    # pydantic alone wants two-digit hours; organisers type 9:00 and 9.00.
    _lenient_time = field_validator("time", "end", mode="before")(parse_time)


class AgendaDay(Model):
    date: dt.date
    items: tuple[AgendaItem, ...] = ()


class Speaker(Model):
    name: str
    role: str | None = None
    organisation: str | None = None
    email: str | None = Field(
        default=None,
        description="Extension: printed only when privacy.print_speaker_emails is true",
    )


class Talk(Model):
    id: str | None = None
    format: str | None = Field(default=None, description="e.g. Impulsvortrag, Aus der Praxis")
    topic: str | None = None
    title: str
    speakers: tuple[Speaker, ...] = ()
    abstract: str | None = Field(default=None, description="Paragraphs split by a blank line")
    slides: str | None = Field(default=None, description="A file in the folder or an https URL")
    record: bool = Field(
        default=True,
        description="Extension: false when the speakers opted out of recording "
                    "(do_not_record/optout in an imported schedule): no recording is linked",
    )
    publish: bool = Field(
        default=True,
        description="Extension: false leaves this out of every output (consent withdrawn); "
                    "the build report counts it",
    )
    lang: str | None = Field(
        default=None,
        description="Extension: the language the talk is held in, when not the event's (en, "
                    "de, fr, …): its title and abstract are hyphenated, quoted and tagged "
                    "(/Lang) in it",
    )

    _known_lang = field_validator("lang")(_known_locale)

    @property
    def slides_url(self) -> str | None:
        """The slides' address when it is a web link (then a QR code is printed too)."""
        if self.slides and self.slides.startswith(("https://", "http://")):
            return self.slides
        return None


class Photo(Model):
    file: Path
    caption: str | None = None
    credit: str | None = None
    alt: str | None = Field(
        default=None,
        description="Text description: the photo's /Alt in the tagged PDF, for screen readers",
    )
    cover: bool = False
    talk: str | None = Field(default=None, description="id of a talk: the photo is shown with "
                             "that talk (a row under its abstract) instead of in the gallery")
    gallery: bool | None = Field(default=None, description="true: a photo shown with its talk "
                                 "is in the gallery too")
    focus: tuple[float, float] | None = Field(
        default=None,
        description="Focal point [x, y] in 0..1 (extension): kept in view when a slot crops",
    )
    publish: bool = Field(
        default=True,
        description="Extension: false leaves this out of every output (consent withdrawn); "
                    "the build report counts it",
    )

    @field_validator("focus")
    @classmethod
    def _focus_inside(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and not all(0.0 <= v <= 1.0 for v in value):
            raise ValueError("must be two numbers between 0 and 1, e.g. [0.5, 0.3]")
        return value


class TextSources(Model):
    """Where a photo's texts came from: "event.yaml", "xmp", "iptc", "exif", or
    "photos.credit" (the default credit); None where it has none."""

    caption: str | None = None
    credit: str | None = None
    alt: str | None = None
    title: str | None = None
    # Where the photo was named: its key path, or "photos.folder" for a file only listed.
    named: str = "photos.items"


class Photos(Model):
    credit: str | None = Field(default=None, description="Default credit for every photo")
    folder: Path | None = Field(
        default=None,
        description="Extension: a folder in the event folder whose JPEG and PNG photos are "
                    "all in the brochure, ordered by `order`, with captions, credits and alt "
                    "texts from their metadata; `items` changes or leaves out single files",
    )
    order: Literal["taken", "name"] = Field(
        default="taken",
        description="Extension: the order of the folder's photos: taken (EXIF "
                    "DateTimeOriginal, then file name) or name",
    )
    metadata: bool | None = Field(
        default=None,
        description="Extension: read captions, credits and alt texts from the photos' "
                    "XMP, IPTC and EXIF where `items` gives none; on with `folder`, off "
                    "without",
    )
    items: tuple[Photo, ...] = ()
    # Set by validation, one per item, in step: not a key of the file.
    sources: SkipJsonSchema[tuple[TextSources, ...]] = Field(default=(), exclude=True)

    def sources_of(self, index: int) -> TextSources:
        """Where the texts of items[index] came from (all typed, if validation did not say)."""
        if index < len(self.sources):
            return self.sources[index]
        photo = self.items[index]
        typed = "event.yaml"
        return TextSources(caption=typed if photo.caption else None,
                           credit=typed if photo.credit else (
                               "photos.credit" if self.credit else None),
                           alt=typed if photo.alt else None,
                           named=f"photos.items[{index}]")

    @property
    def reads_metadata(self) -> bool:
        return self.metadata if self.metadata is not None else self.folder is not None

    def credit_of(self, photo: Photo) -> str | None:
        """The photo's own credit, else the default one."""
        return photo.credit or self.credit

    @property
    def cover(self) -> Photo | None:
        return next((p for p in self.items if p.cover), None)

    def in_gallery(self, photo: Photo) -> bool:
        """A photo shown with a talk is in the gallery only if it says `gallery: true`."""
        return photo.gallery if photo.gallery is not None else photo.talk is None

    def of_talk(self, talk_id: str | None) -> list[tuple[int, Photo]]:
        """The photos shown with a talk, with their numbers (1-based, as credits cite them)."""
        if talk_id is None:
            return []
        return [(n, p) for n, p in enumerate(self.items, start=1) if p.talk == talk_id]


class Video(Model):
    title: str
    url: str
    description: str | None = None


class Contact(Model):
    name: str
    role: str | None = None
    city: str | None = None
    phone: str | None = None
    email: str | None = None
    photo: Path | None = None
    publish: bool = Field(
        default=True,
        description="Extension: false leaves this out of every output (consent withdrawn); "
                    "the build report counts it",
    )


class Privacy(Model):
    print_speaker_emails: bool = Field(
        default=False,
        description="Extension: print speakers' e-mail addresses (they agreed to it)",
    )


class Chapter(Model):
    """A chapter of Markdown: a welcome note, results of working groups, an outlook."""

    title: str
    file: Path | None = Field(default=None, description="A Markdown file in the event folder")
    text: str | None = Field(default=None, description="The Markdown itself (instead of file)")
    after: str | None = Field(default=None, description="The section it follows, e.g. intro; "
                              "without it, before the gallery")
    lang: str | None = Field(
        default=None,
        description="The language of the chapter, when not the event's: its title and text "
                    "are hyphenated, quoted and tagged (/Lang) in it",
    )

    _known_lang = field_validator("lang")(_known_locale)


class PartnerLogo(Model):
    file: Path = Field(description="SVG (drawn as vectors), PNG or JPEG in the event folder")
    name: str = Field(description="Who it stands for: the logo's text alternative")
    url: str | None = Field(default=None, description="A web address: the logo is a link")


class PartnerGroup(Model):
    """Funders or partners under one heading ("Gefördert von")."""

    title: str
    logos: tuple[PartnerLogo, ...] = ()


class PrintCondition(Model):
    """The print shop's printing condition, for the print target's output intent."""

    icc: Path | None = Field(default=None, description="The shop's CMYK output ICC profile "
                             "(.icc) in the event folder; unset: the theme's, else the "
                             "bundled FOGRA39")
    condition: str | None = Field(default=None, description="The condition's registered "
                                  "name, e.g. FOGRA51 (the output intent's identifier)")


class Event(Model):
    """One event, as described by an event.yaml. Paths are resolved against `folder`."""

    format: Literal[1] = 1
    lang: str = Field(default="de", description="A locale Babel knows: de, en, fr, it, "
                      "pt-BR, …; labels, dates, hyphenation and quotation marks follow it")
    title: str
    subtitle: str | None = None
    event: EventInfo
    organiser: Organiser | None = None
    intro: str | None = None
    agenda: tuple[AgendaDay, ...] = ()
    talks: tuple[Talk, ...] = ()
    photos: Photos = Photos()
    videos: tuple[Video, ...] = ()
    contacts: tuple[Contact, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    partners: tuple[PartnerGroup, ...] = ()
    theme: str | dict[str, Any] | None = Field(
        default=None, description="A bundled theme's name, a theme file in this folder, or "
                                  "the theme's keys themselves")
    labels: dict[str, str] = Field(
        default_factory=dict, description="Printed labels to replace, e.g. agenda: Ablauf")
    print: PrintCondition | None = Field(
        default=None, description="The print target's CMYK profile and printing condition")

    _known_lang = field_validator("lang")(known_locale)
    privacy: Privacy = Privacy()

    folder: Path = Field(
        default=Path("."), exclude=True, description="Set by the loader, not by the file"
    )

    def resolve(self, path: Path) -> Path:
        """A path named in the file, as a path on disk."""
        return path if path.is_absolute() else self.folder / path

    def talk_by_id(self, talk_id: str) -> Talk | None:
        return next((t for t in self.talks if t.id == talk_id), None)

    def talk_slots(self) -> dict[str, tuple[dt.date, AgendaItem]]:
        """Where and when each talk is held, by talk id: the day and the first agenda
        item that names it (`talk:`)."""
        out: dict[str, tuple[dt.date, AgendaItem]] = {}
        for day in self.agenda:
            for item in day.items:
                if item.talk is not None:
                    out.setdefault(item.talk, (day.date, item))
        return out
