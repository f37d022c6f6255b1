"""What every schedule importer shares: the imported programme, durations, times, days, ids."""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dokureport.core.errors import Problem
from dokureport.i18n.name_parts import identity

DEFAULT_DAY_CHANGE = dt.time(4, 0)


@dataclass(frozen=True)
class Person:
    name: str
    organisation: str | None = None


def one_each(people: Iterable[Person]) -> tuple[Person, ...]:
    """A talk's speakers, each person once: a source that lists someone twice (two person
    records, "Anna Müller" and "anna  müller (she/her)") gives the first spelling, with the
    first organisation any of them names (see i18n/name_parts.identity)."""
    found: dict[str, Person] = {}
    for person in people:
        same = identity(person.name) or person.name
        kept = found.setdefault(same, person)
        if kept.organisation is None and person.organisation:
            found[same] = Person(kept.name, person.organisation)
    return tuple(found.values())


@dataclass(frozen=True)
class Entry:
    """One programme slot as the source describes it: a talk, or a break (no talk)."""

    key: str  # guid, else code, else id plus date: what tells two slots apart
    title: str
    start: dt.datetime  # aware when the source gave an offset, else local wall time
    end: dt.datetime | None
    where: str | int  # JSON path, or line (XML): where the source holds it, for messages
    place: str | None = None
    topic: str | None = None
    format: str | None = None
    speakers: tuple[Person, ...] = ()
    abstract: str | None = None  # the contract's markup already
    slides: str | None = None
    record: bool = True
    is_break: bool = False
    language: str | None = None


@dataclass(frozen=True)
class Schedule:
    """A whole imported programme, before it is grouped into days and written."""

    source: Path
    format: str  # a human name of the source format
    title: str | None
    entries: tuple[Entry, ...]
    zone: dt.tzinfo | None  # the event's time zone; None: the source's wall times
    zone_name: str | None
    start: dt.date | None = None  # the conference's own dates, when it states them
    end: dt.date | None = None
    subtitle: str | None = None
    venue: str | None = None
    city: str | None = None
    problems: tuple[Problem, ...] = field(default=())


class Problems:
    """Collects warnings about one source file, each located by JSON path or line."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.items: list[Problem] = []

    def warn(self, where: str | int | None, message: str) -> None:
        self.items.append(problem_at(self.source, where, message))


def problem_at(source: Path, where: str | int | None, message: str) -> Problem:
    """A problem at a JSON path (str) or an XML line (int) of source."""
    if isinstance(where, int):
        return Problem(message, file=source, line=where)
    return Problem(message, file=source, key_path=where or "")


def listed(value: object) -> list[object]:
    """value if it is a list, else no items: a source's lists may hold anything."""
    return value if isinstance(value, list) else []


def ref(value: object) -> str | int | None:
    """A reference (an id, a code) usable as a key: a text or a number, else None."""
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def place_text(where: str | int) -> str:
    return f"line {where}" if isinstance(where, int) else where


# --- text -------------------------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")


def clean(text: str) -> str:
    """Text without control characters, with plain newlines (pasted Word text has both)."""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))


def line(value: object) -> str | None:
    """A one-line field (title, name, room): references decoded, spaces collapsed, or None."""
    if value is None or isinstance(value, dict | list | bool):
        return None
    text = " ".join(clean(html.unescape(str(value))).split())
    return text if text and text.lower() != "none" else None


# --- durations and times ----------------------------------------------------------------

_HM = re.compile(r"^(\d{1,9})(?:\.0+)?:(\d{1,2})$")
_THREE = re.compile(r"^(\d{1,9}):(\d{1,2}):(\d{1,2})$")
_MINUTES = re.compile(r"^\d{1,12}(?:\.\d{1,12})?$")
# The longest duration taken as written: a two-week camp. Longer, negative, infinite or
# NaN durations are unreadable (the item gets no end, with a warning).
MAX_DURATION = dt.timedelta(days=14)
# Timestamps outside these years are unreadable: nothing overflows computing with them.
YEARS = range(1900, 3000)


def parse_duration(value: object, *, three_parts: str = "hms") -> dt.timedelta | None:
    """A duration as schedules write it: minutes, `H:MM`, `HH:MM:SS` or `D:HH:MM`.

    Three parts are ambiguous: the frab XML schema means H:MM:SS (FOSDEM writes
    "00:50:00"), pretalx's JSON means D:HH:MM past a day; the caller says which.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        minutes = float(value) if abs(value) < 1e12 else math.inf
    elif not isinstance(value, str):
        return None
    elif _MINUTES.match(text := value.strip()):
        minutes = float(text)
    elif match := _HM.match(text):
        minutes = int(match[1]) * 60 + int(match[2])
    elif match := _THREE.match(text):
        a, b, c = (int(g) for g in match.groups())
        minutes = a * 24 * 60 + b * 60 + c if three_parts == "dhm" else a * 60 + b + c / 60
    else:
        return None
    if not (math.isfinite(minutes) and 0 <= minutes <= MAX_DURATION.total_seconds() / 60):
        return None
    return dt.timedelta(minutes=minutes)


_OFFSET_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_datetime(value: object) -> dt.datetime | None:
    """An ISO timestamp, with `Z`, `+02:00` or `+0200`, or without any offset."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace(" ", "T", 1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _OFFSET_NO_COLON.sub(r"\1:\2", text) if "T" in text else text
    try:
        return sane(dt.datetime.fromisoformat(text))
    except ValueError:
        return None


def like(moment: dt.datetime | None, other: dt.datetime) -> dt.datetime | None:
    """moment comparable with other: given other's zone, or without its own, as other is."""
    if moment is None or (moment.tzinfo is None) == (other.tzinfo is None):
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=other.tzinfo)
    return moment.replace(tzinfo=None)


def sane(moment: dt.datetime) -> dt.datetime | None:
    """moment, if its year is one a schedule can mean (YEARS); else None."""
    try:
        year = moment.astimezone(dt.UTC).year if moment.tzinfo is not None else moment.year
    except (OverflowError, ValueError):
        return None
    return moment if year in YEARS and moment.year in YEARS else None


def parse_clock(value: object) -> dt.time | None:
    """A wall-clock time "HH:MM" or "HH:MM:SS"."""
    if not isinstance(value, str):
        return None
    match = re.match(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$", value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return dt.time(int(match[1]), int(match[2]), int(match[3] or 0))


def find_zone(name: object, problems: Problems, where: str | int) -> ZoneInfo | None:
    """The zone a source names; frab before PR #729 wrote "Berlin" for "Europe/Berlin"."""
    text = line(name)
    if not text:
        return None
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
        pass
    matches = sorted(z for z in available_timezones() if z.endswith("/" + text.replace(" ", "_")))
    if len(matches) == 1:
        problems.warn(where, f"time zone {text!r} taken as {matches[0]}")
        return ZoneInfo(matches[0])
    problems.warn(where, f"unknown time zone {text!r}; times are taken as written")
    return None


def event_zone(zone: dt.tzinfo | None, zone_where: str | int, times: Iterable[dt.datetime],
               problems: Problems) -> tuple[dt.tzinfo | None, str | None]:
    """The event's zone: the named one, else the offset most times carry, else none.

    A named zone whose offsets differ from the timestamps' (hub writes UTC, Indico
    the requester's zone) wins, with a warning: the wall clock at the venue is
    what the brochure prints.
    """
    aware = [t for t in times if t.tzinfo is not None]
    if zone is not None:
        wrong = Counter(t.utcoffset() for t in aware
                        if t.utcoffset() != zone.utcoffset(t.replace(tzinfo=None)))
        if wrong:
            offsets = ", ".join(offset_text(o) for o in sorted(wrong))  # type: ignore[type-var]
            problems.warn(zone_where, f"the time zone {zone} disagrees with the offset "
                          f"{offsets} of {sum(wrong.values())} times; times are converted to "
                          f"{zone}")
        return zone, str(zone)
    if not aware:
        return None, None
    offset = Counter(t.utcoffset() for t in aware).most_common(1)[0][0]
    assert offset is not None
    return dt.timezone(offset), offset_text(offset)


def offset_text(offset: dt.timedelta | None) -> str:
    """+02:00 as people read it: UTC+02:00."""
    minutes = int((offset or dt.timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def local(moment: dt.datetime, zone: dt.tzinfo | None) -> dt.datetime:
    """A moment as the wall clock at the event shows it, without zone."""
    if moment.tzinfo is not None and zone is not None:
        moment = moment.astimezone(zone)
    return moment.replace(tzinfo=None)


def programme_day(moment: dt.datetime, day_change: dt.time,
                  first_day: dt.date | None = None) -> dt.date:
    """The programme day a local time belongs to: before the day change, the evening before.

    Not before the first day, though: a 00:30 start on the first date opens the event.
    """
    day = moment.date()
    if moment.time() < day_change:
        previous = day - dt.timedelta(days=1)
        if first_day is None or previous >= first_day:
            return previous
    return day


# --- ids --------------------------------------------------------------------------------

_LIGATURES = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe",
                            "Œ": "OE", "đ": "d", "ł": "l", "Ł": "L", "þ": "th"})


def slug(text: str, limit: int = 40) -> str:
    """A readable id from a title: ascii, lower case, words joined by hyphens."""
    # Letters NFKD does not take apart: Straße is strasse, not strae.
    text = text.translate(_LIGATURES)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        if out and len(out) + 1 + len(word) > limit:
            break
        out = f"{out}-{word}" if out else word[:limit]
    return out or "talk"


def unique_ids(titles: Iterable[str]) -> list[str]:
    """One id per title, unique: a repeated slug gets -2, -3, …"""
    seen: set[str] = set()
    out = []
    for title in titles:
        base = slug(title)
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base}-{n}"
        seen.add(candidate)
        out.append(candidate)
    return out


def https_url(url: object, base: str | None) -> str | None:
    """An absolute web address: relative ones resolved against base; others None."""
    from urllib.parse import quote, urljoin, urlsplit

    text = line(url)
    if not text:
        return None
    if base and not urlsplit(text).scheme:
        text = urljoin(base, text)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    # The contract's [text](url) ends at `)`, and the validator refuses spaces.
    return quote(text, safe=":/?#[]@!$&'*+,;=%~")
