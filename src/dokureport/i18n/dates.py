"""Dates and times as the event's locale writes them ("Dienstag, 29. Oktober 2019, 12:00 Uhr")."""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, format_time

# The two languages the brochure started with keep their house style; the others
# follow CLDR through Babel.
_LOCALE = {"de": "de_DE", "en": "en_GB"}


@cache
def locale(lang: str) -> Locale:
    """The Babel locale of a `lang:` value ("de", "fr", "pt-BR", "sr_Latn")."""
    return Locale.parse(_LOCALE.get(lang, lang.replace("-", "_")))


# A large programme's talks print a few days, a thousand times each: Babel formats each once.
@lru_cache(maxsize=1024)
def long_date(day: dt.date, lang: str) -> str:
    """Weekday and full date: "Dienstag, 29. Oktober 2019", "mardi 29 octobre 2019"."""
    if lang == "en":
        return format_date(day, "EEEE, d MMMM y", locale=locale(lang))
    return format_date(day, "full", locale=locale(lang))


def clock(time: dt.time, lang: str, *, suffix: bool = True) -> str:
    """A time of day: "12:00 Uhr" in German, "12:00" in English, the locale's short time else."""
    if lang in ("de", "en"):
        text = f"{time.hour:d}:{time.minute:02d}"
        return f"{text} Uhr" if suffix and lang == "de" else text
    return format_time(time, "short", locale=locale(lang))


def time_span(start: dt.time, end: dt.time | None, lang: str) -> str:
    """An agenda slot: "9:30–10:15"."""
    first = clock(start, lang, suffix=False)
    return f"{first}–{clock(end, lang, suffix=False)}" if end else first


def _split(moment: dt.date | dt.datetime) -> tuple[dt.date, dt.time | None]:
    if isinstance(moment, dt.datetime):
        return moment.date(), moment.time()
    return moment, None


def date_range(start: dt.date | dt.datetime, end: dt.date | dt.datetime | None, lang: str) -> str:
    """The event's dates as one line: "Dienstag, 29. Oktober 2019, 12:00 Uhr – Donnerstag, …"."""
    start_day, start_time = _split(start)
    if end is None:
        end_day, end_time = start_day, None
    else:
        end_day, end_time = _split(end)
    first = long_date(start_day, lang)
    if end_day == start_day:
        if start_time and end_time:
            times = f"{clock(start_time, lang, suffix=False)}–{clock(end_time, lang)}"
            return f"{first}, {times}"
        return f"{first}, {clock(start_time, lang)}" if start_time else first
    if start_time:
        first += f", {clock(start_time, lang)}"
    last = long_date(end_day, lang)
    if end_time:
        last += f", {clock(end_time, lang)}"
    return f"{first} – {last}"
