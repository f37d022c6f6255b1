"""The brochure's own words: built in for de, en and fr, and any label given in `labels:`."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


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
    speakers: str  # the speaker index
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
    notes: str  # a booklet's notes page


LABELS: dict[str, Labels] = {
    "de": Labels(
        contents="Inhalt", introduction="Einführung", agenda="Programm", talks="Vorträge",
        gallery="Fotogalerie", videos="Videos", contacts="Ansprechpersonen",
        imprint="Impressum", page="Seite",
        speakers="Referentinnen und Referenten", slides="Präsentation", watch="Video ansehen",
        publisher="Herausgeber", photo_credits="Bildnachweis",
        photo_numbered="Foto {numbers}", photos_numbered="Fotos {numbers}",
        cover_and_photo="Titelbild und Foto {numbers}",
        cover_and_photos="Titelbild und Fotos {numbers}",
        built_on="Stand: {date}", phone="Telefon", email="E-Mail", event_kind="Art",
        event="Veranstaltung",
        speaker_sep=", ",
        notes="Notizen",
    ),
    "en": Labels(
        contents="Contents", introduction="Introduction", agenda="Agenda", talks="Talks",
        gallery="Photo gallery", videos="Videos", contacts="Contacts",
        imprint="Imprint", page="Page",
        speakers="Speakers", slides="Slides", watch="Watch the video",
        publisher="Publisher", photo_credits="Photo credits",
        photo_numbered="Photo {numbers}", photos_numbered="Photos {numbers}",
        cover_and_photo="Cover and photo {numbers}",
        cover_and_photos="Cover and photos {numbers}",
        built_on="As of {date}", phone="Phone", email="Email", event_kind="Kind",
        event="Event",
        speaker_sep=", ",
        notes="Notes",
    ),
}
LABELS["fr"] = Labels(
    contents="Sommaire", introduction="Introduction", agenda="Programme", talks="Interventions",
    gallery="Galerie de photos", videos="Vidéos", contacts="Contacts",
    imprint="Mentions légales", page="Page",
    speakers="Intervenants", slides="Présentation", watch="Voir la vidéo",
    publisher="Éditeur", photo_credits="Crédits photo",
    photo_numbered="Photo {numbers}", photos_numbered="Photos {numbers}",
    cover_and_photo="Couverture et photo {numbers}",
    cover_and_photos="Couverture et photos {numbers}",
    built_on="État : {date}", phone="Téléphone", email="E-mail", event_kind="Type",
    event="Événement",
    speaker_sep=", ",
    notes="Notes",
)
LABEL_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Labels))


def base_language(lang: str) -> str:
    """"fr" for "fr-CH" or "fr_CH": the language the built-in labels are keyed by."""
    return lang.replace("-", "_").split("_")[0].lower()


def labels_for(lang: str, *overrides: dict[str, str]) -> tuple[Labels, tuple[str, ...]]:
    """The labels for lang with each override mapping applied in turn (theme, then event).

    Returns the labels and the names still missing: a language without built-in labels
    starts from English, and every label it does not override is missing.
    """
    built_in = LABELS.get(base_language(lang))
    labels = built_in or LABELS["en"]
    given: dict[str, str] = {}
    for mapping in overrides:
        given.update({k: v for k, v in mapping.items() if k in LABEL_NAMES})
    labels = replace(labels, **given)
    missing = () if built_in else tuple(n for n in LABEL_NAMES
                                        if n not in given and n != "speaker_sep")
    return labels, missing
