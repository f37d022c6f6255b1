"""The brochure's own words in each supported language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Labels:
    contents: str
    introduction: str
    agenda: str
    talks: str
    gallery: str
    videos: str
    contacts: str
    imprint: str
    page: str
    slides: str
    watch: str
    publisher: str
    photo_credits: str
    # Photo credits cite the numbers printed in the gallery; the cover photo is one of them.
    photo_numbered: str  # "Foto {numbers}": one photo
    photos_numbered: str  # "Fotos {numbers}": more than one
    cover_and_photo: str  # "Titelbild und Foto {numbers}"
    cover_and_photos: str  # "Titelbild und Fotos {numbers}"
    built_on: str  # "{date}"
    phone: str
    email: str
    event_kind: str
    event: str
    speaker_sep: str


LABELS: dict[str, Labels] = {
    "de": Labels(
        contents="Inhalt", introduction="Einführung", agenda="Programm", talks="Vorträge",
        gallery="Fotogalerie", videos="Videos", contacts="Ansprechpersonen",
        imprint="Impressum", page="Seite", slides="Präsentation", watch="Video ansehen",
        publisher="Herausgeber", photo_credits="Bildnachweis",
        photo_numbered="Foto {numbers}", photos_numbered="Fotos {numbers}",
        cover_and_photo="Titelbild und Foto {numbers}",
        cover_and_photos="Titelbild und Fotos {numbers}",
        built_on="Stand: {date}", phone="Telefon", email="E-Mail", event_kind="Art",
        event="Veranstaltung",
        speaker_sep=", ",
    ),
    "en": Labels(
        contents="Contents", introduction="Introduction", agenda="Agenda", talks="Talks",
        gallery="Photo gallery", videos="Videos", contacts="Contacts",
        imprint="Imprint", page="Page", slides="Slides", watch="Watch the video",
        publisher="Publisher", photo_credits="Photo credits",
        photo_numbered="Photo {numbers}", photos_numbered="Photos {numbers}",
        cover_and_photo="Cover and photo {numbers}",
        cover_and_photos="Cover and photos {numbers}",
        built_on="As of {date}", phone="Phone", email="Email", event_kind="Kind",
        event="Event",
        speaker_sep=", ",
    ),
}
