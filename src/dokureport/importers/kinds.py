"""Import: a talk's kind in plain words, from the type codes frab, pentabarf and FOSDEM write."""

from __future__ import annotations

import re

# Type codes that say what a session is, by code (lower case, no spaces or separators),
# in the words of the built-in languages; other languages get the English ones.
_WORDS: dict[str, dict[str, str]] = {
    "lecture": {"de": "Vortrag", "en": "Talk", "fr": "Conférence"},
    "talk": {"de": "Vortrag", "en": "Talk", "fr": "Conférence"},
    "workshop": {"de": "Workshop", "en": "Workshop", "fr": "Atelier"},
    "podium": {"de": "Podiumsgespräch", "en": "Panel", "fr": "Table ronde"},
    "panel": {"de": "Podiumsgespräch", "en": "Panel", "fr": "Table ronde"},
    "lightningtalk": {"de": "Kurzvortrag", "en": "Lightning talk", "fr": "Présentation éclair"},
    "meeting": {"de": "Treffen", "en": "Meeting", "fr": "Réunion"},
    "performance": {"de": "Performance", "en": "Performance", "fr": "Performance"},
    "keynote": {"de": "Keynote", "en": "Keynote", "fr": "Keynote"},
    "film": {"de": "Film", "en": "Film", "fr": "Film"},
}

# Codes that name where or how a session is organised, not what it is: FOSDEM's
# "devroom", "maintrack", "junior" and "bof" (the track says it in words), frab's "other".
TECHNICAL = frozenset({"devroom", "maintrack", "junior", "bof", "other", "certification"})

_SEPARATORS = re.compile(r"[\s_\-]+")
_CODE = re.compile(r"^[a-z][a-z_\-]*$")


def readable_kind(kind: str | None, lang: str) -> str | None:
    """`kind` as a reader of the brochure says it: a known code in words, a technical one
    left out (None), the organiser's own words ("Talk 30 min + 10 min Q&A") as written."""
    if not kind:
        return None
    code = _SEPARATORS.sub("", kind.lower())
    if code in TECHNICAL:
        return None
    if not _CODE.match(kind.strip()):
        return kind  # not a code: capitals or words, chosen by the organisers
    words = _WORDS.get(code)
    if words is None:
        return kind
    return words.get(lang.replace("_", "-").split("-")[0].lower(), words["en"])
