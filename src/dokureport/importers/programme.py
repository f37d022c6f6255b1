"""Group imported entries into programme days and talks with readable, unique ids."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from dokureport.core.errors import Problem
from dokureport.importers.common import (
    DEFAULT_DAY_CHANGE,
    Entry,
    Person,
    Schedule,
    local,
    one_each,
    place_text,
    problem_at,
    programme_day,
    unique_ids,
)
from dokureport.importers.kinds import readable_kind


@dataclass(frozen=True)
class Slot:
    """One agenda item."""

    time: dt.time
    end: dt.time | None
    title: str
    place: str | None
    people: tuple[str, ...]
    talk: str | None
    note: str | None = None  # a comment, e.g. that it ends after midnight


@dataclass(frozen=True)
class Day:
    date: dt.date
    items: tuple[Slot, ...]


@dataclass(frozen=True)
class Talk:
    id: str
    title: str
    format: str | None
    topic: str | None
    speakers: tuple[Person, ...]
    abstract: str | None
    slides: str | None
    record: bool
    key: str  # the source's identity of the slot, written as a comment
    lang: str | None = None  # only when not the event's language


@dataclass(frozen=True)
class Programme:
    """What `dokureport import` writes into event.yaml."""

    schedule: Schedule
    title: str | None
    lang: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date | None
    day_change: dt.time
    days: tuple[Day, ...]
    talks: tuple[Talk, ...]
    problems: tuple[Problem, ...]


def arrange(schedule: Schedule, *, day_change: dt.time = DEFAULT_DAY_CHANGE,
            lang: str | None = None) -> Programme:
    """The schedule as days of agenda items and a list of talks."""
    problems = list(schedule.problems)
    entries, same_talk = _without_repeats(schedule, problems)
    zone = schedule.zone
    entries.sort(key=lambda e: (local(e.start, zone), e.place or "", e.title))
    talks_in_order = [e for e in entries
                      if not e.is_break and id(e) not in same_talk]
    # Entries by identity: two slots may share key and place (an XML file on one line).
    ids = dict(zip((id(e) for e in talks_in_order),
                   unique_ids(e.title for e in talks_in_order), strict=True))
    first = local(entries[0].start, zone).date() if entries else None
    by_day: dict[dt.date, list[Slot]] = {}
    for entry in entries:
        begin = local(entry.start, zone)
        finish = local(entry.end, zone) if entry.end else None
        if finish is not None and finish < begin:
            problems.append(problem_at(schedule.source, entry.where, f"“{entry.title}” ends "
                                       "before it starts: imported without its end"))
            finish = None
        end, note = (finish.time() if finish else None), None
        if finish and finish.date() != begin.date():
            days = (finish.date() - begin.date()).days
            when = "the next day" if days == 1 else f"on {finish.date().isoformat()}"
            end, note = None, f"ends {finish:%H:%M} {when}"
        talk_id = ids.get(same_talk.get(id(entry), id(entry)))
        by_day.setdefault(programme_day(begin, day_change, first), []).append(Slot(
            time=begin.time().replace(second=0, microsecond=0),
            end=end.replace(second=0, microsecond=0) if end else None,
            title=entry.title, place=entry.place,
            people=tuple(p.name for p in one_each(entry.speakers)), talk=talk_id, note=note))
    event_lang = lang or _language(entries)
    talks = tuple(Talk(id=ids[id(e)], title=e.title, format=readable_kind(e.format, event_lang),
                       topic=e.topic,
                       speakers=one_each(e.speakers), abstract=e.abstract, slides=e.slides,
                       record=e.record, key=e.key,
                       lang=_own_language(e, event_lang, schedule, problems))
                  for e in talks_in_order)
    if entries:
        start: dt.datetime | dt.date = local(entries[0].start, zone)
        end_at = max(max(local(e.start, zone), local(e.end or e.start, zone))
                     for e in entries)
        end: dt.datetime | dt.date | None = end_at if end_at > start else None
    else:
        problems.append(Problem("the schedule holds no talks", file=schedule.source))
        start = schedule.start or dt.date.today()
        end = schedule.end if schedule.end and schedule.end >= start else None
    return Programme(
        schedule=schedule, title=schedule.title, lang=event_lang,
        start=start, end=end, day_change=day_change,
        days=tuple(Day(d, tuple(items)) for d, items in sorted(by_day.items())),
        talks=talks, problems=tuple(problems),
    )


def _without_repeats(schedule: Schedule, problems: list[Problem]
                     ) -> tuple[list[Entry], dict[int, int]]:
    """Entries with one key kept once when they are the same slot, reported either way.

    Also which entries are another slot of an earlier talk (one key, one title: a
    workshop in two slots): those become agenda items naming that talk, not new talks.
    """
    seen: dict[str, Entry] = {}
    slots: set[tuple[str, str, object, object]] = set()  # key, title, start, place
    same_talk: dict[int, int] = {}  # id() of an entry: id() of the talk's first entry
    out = []
    for entry in schedule.entries:
        earlier = seen.get(entry.key)
        if earlier is None:
            seen[entry.key] = entry
            slots.add((entry.key, entry.title, entry.start, entry.place))
            out.append(entry)
            continue
        slot = (entry.key, entry.title, entry.start, entry.place)
        if slot in slots:
            problems.append(problem_at(
                schedule.source, entry.where, f"“{entry.title}” repeats "
                f"{place_text(earlier.where)} (same id {entry.key!r}, time and place): "
                "imported once"))
        elif entry.title == earlier.title:
            slots.add(slot)
            out.append(entry)
            same_talk[id(entry)] = id(earlier)
            problems.append(problem_at(
                schedule.source, entry.where, f"“{entry.title}” has the id {entry.key!r} of "
                f"{place_text(earlier.where)}, at another time or place: one talk, named by "
                "both agenda items"))
        else:
            slots.add(slot)
            out.append(entry)
            problems.append(problem_at(
                schedule.source, entry.where, f"“{entry.title}” has the id {entry.key!r} of "
                f"“{earlier.title}” at {place_text(earlier.where)}, with another time or "
                "place: both are imported; check which is right"))
    return out, same_talk


def _language(entries: list[Entry]) -> str:
    """de or en: what most talks are held in (the brochure's labels follow it)."""
    votes = Counter((e.language or "")[:2].lower() for e in entries if not e.is_break)
    return "de" if votes["de"] > votes["en"] else "en"


def _own_language(entry: Entry, event_lang: str, schedule: Schedule,
                  problems: list[Problem]) -> str | None:
    """The talk's `lang:`: its language as the event format writes it (en, pt-BR), when it
    is not the event's; None for the event's own, and for what Babel does not know."""
    if not entry.language:
        return None
    try:
        locale = Locale.parse(entry.language.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        problems.append(problem_at(
            schedule.source, entry.where, f"“{entry.title}”: the language "
            f"{entry.language!r} is not one Babel knows; the talk is imported without `lang:`"))
        return None
    try:
        same = locale.language == Locale.parse(event_lang.replace("-", "_")).language
    except (UnknownLocaleError, ValueError, TypeError):
        same = False  # the event's own `lang` is checked when the file is validated
    return None if same else str(locale).replace("_", "-")
