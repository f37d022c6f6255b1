"""Read a frab/c3voc (and pretalx) schedule.json; frab_xml shares its event reading."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dokureport.core.errors import show
from dokureport.importers.common import (
    DEFAULT_DAY_CHANGE,
    Entry,
    Person,
    Problems,
    Schedule,
    event_zone,
    find_zone,
    https_url,
    like,
    line,
    listed,
    parse_clock,
    parse_datetime,
    parse_duration,
)
from dokureport.importers.html import to_markup

_BREAK_TYPES = {"break", "pause", "lunch", "coffee break", "kaffeepause", "mittagspause"}
_SLIDES = re.compile(r"slide|folie|pr[aä]sentation|presentation|\.pdf\b", re.I)


@dataclass(frozen=True)
class Context:
    """What every event of one file is read against."""

    base_url: str | None
    zone: dt.tzinfo | None
    day_change: dt.time  # the source's own, to place a bare "start" on its calendar date
    three_parts: str  # how the file's "1:02:03" durations read (see parse_duration)
    warn: Callable[[str | int, str], None]


def truthy(value: object) -> bool:
    """A boolean as sources write it: true, "True", "1", "yes"."""
    return value is True or str(value).strip().lower() in ("true", "1", "yes")


def read(data: dict[str, Any], source: Path, problems: Problems) -> Schedule:
    """The programme in a parsed schedule.json."""
    schedule = data.get("schedule")
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict):
        problems.warn("schedule.conference", "missing: the file holds no conference")
        conference = {}
    schedule = schedule if isinstance(schedule, dict) else {}
    base = line(schedule.get("base_url")) or line(conference.get("base_url")) or line(
        conference.get("url"))
    zone = find_zone(conference.get("time_zone_name"), problems,
                     "schedule.conference.time_zone_name")
    ctx = Context(base, zone, parse_clock(conference.get("day_change")) or DEFAULT_DAY_CHANGE,
                  "dhm", problems.warn)
    entries: list[Entry] = []
    days = conference.get("days")
    if not isinstance(days, list):
        problems.warn("schedule.conference.days", "missing: the file holds no days")
        days = []
    for d, day in enumerate(days):
        rooms = day.get("rooms") if isinstance(day, dict) else None
        if not isinstance(rooms, dict):
            problems.warn(f"schedule.conference.days[{d}].rooms", "missing or not a mapping")
            continue
        for room, events in rooms.items():
            for n, event in enumerate(events if isinstance(events, list) else []):
                where = f"schedule.conference.days[{d}].rooms.{room}[{n}]"
                if not isinstance(event, dict):
                    problems.warn(where, "not an event (a mapping)")
                    continue
                entry = event_entry(event, where, ctx, day_date=day.get("date"), room=room)
                if entry is not None:
                    entries.append(entry)
    zone, zone_name = event_zone(zone, "schedule.conference.time_zone_name",
                                 [e.start for e in entries], problems)
    start = parse_datetime(conference.get("start"))
    end = parse_datetime(conference.get("end"))
    return Schedule(
        source=source, format="frab/c3voc schedule.json", title=line(conference.get("title")),
        entries=tuple(entries), zone=zone, zone_name=zone_name,
        start=start.date() if start else None, end=end.date() if end else None,
        subtitle=line(conference.get("subtitle")), problems=tuple(problems.items),
    )


def event_entry(event: dict[str, Any], where: str | int, ctx: Context, *,
                day_date: object = None, room: object = None) -> Entry | None:
    """One frab event (from JSON, or XML read into the same shape) as an Entry."""

    def at(key: str) -> str | int:
        return f"{where}.{key}" if isinstance(where, str) else where

    title = line(event.get("title"))
    if not title:
        ctx.warn(at("title"), "an event without a title is left out")
        return None
    start = _start(event, ctx, day_date)
    if start is None:
        ctx.warn(at("date"), f"“{title}” has no readable start "
                 f"({show(event.get('date') or event.get('start'))}) and is left out")
        return None
    end = like(parse_datetime(event.get("end")), start)
    if end is None or end < start:
        length = parse_duration(event.get("duration"), three_parts=ctx.three_parts)
        if length is None:
            ctx.warn(at("duration"), f"“{title}”: unreadable or implausible duration "
                     f"{show(event.get('duration'))} (not 0 to 14 days); no end time")
        elif not length:
            ctx.warn(at("duration"), f"“{title}”: duration 0; no end time")
        else:
            end = start + length
    kind = line(event.get("type"))
    key = line(event.get("guid")) or line(event.get("code")) or (
        f"{line(event.get('id'))}@{start.isoformat()}" if line(event.get("id")) else
        f"{title}@{start.isoformat()}")
    speakers = tuple(_people(event.get("persons"), at("persons"), ctx))
    record = not (truthy(event.get("do_not_record")) or truthy(event.get("optout")))
    return Entry(
        key=key, title=title, start=start, end=end, where=where,
        place=line(event.get("room")) or line(room), topic=_name(event.get("track")),
        format=kind, speakers=speakers, abstract=_abstract(event, ctx.base_url),
        slides=_slides(event, ctx.base_url), record=record,
        is_break=bool(kind and kind.lower() in _BREAK_TYPES and not speakers),
        language=line(event.get("language")),
    )


def _start(event: dict[str, Any], ctx: Context, day_date: object) -> dt.datetime | None:
    start = parse_datetime(event.get("date"))
    if start is not None and not (isinstance(event.get("date"), str) and len(
            event["date"]) <= 10):
        if start.tzinfo is None and ctx.zone is not None:
            start = start.replace(tzinfo=ctx.zone)
        return start
    clock = parse_clock(event.get("start"))
    day = parse_datetime(day_date) if isinstance(day_date, str) else None
    day = day or start
    if clock is None or day is None:
        return None
    moment = dt.datetime.combine(day.date(), clock)
    if clock < ctx.day_change:
        moment += dt.timedelta(days=1)  # after midnight, still inside its programme day
    return moment.replace(tzinfo=ctx.zone) if ctx.zone is not None else moment


def _name(value: object) -> str | None:
    if isinstance(value, dict):
        return line(value.get("name"))
    return line(value)


def _people(persons: object, where: str | int, ctx: Context) -> list[Person]:
    out = []
    for i, person in enumerate(persons if isinstance(persons, list) else []):
        spot = f"{where}[{i}]" if isinstance(where, str) else where
        if isinstance(person, str):
            name, organisation = line(person), None
        elif isinstance(person, dict):
            name = (line(person.get("name")) or line(person.get("public_name"))
                    or line(person.get("full_public_name")))
            organisation = line(person.get("organisation")) or line(person.get("affiliation"))
        else:
            name = organisation = None
        if not name:
            ctx.warn(spot, "a person without a name is left out")
            continue
        if "," in name:
            ctx.warn(spot, f"“{name}” may be several people; names are never split")
        out.append(Person(name, organisation))
    return out


def _abstract(event: dict[str, Any], base: str | None) -> str | None:
    parts = []
    subtitle = line(event.get("subtitle"))
    if subtitle:
        parts.append(f"*{subtitle.replace('*', '')}*")
    for key in ("abstract", "description"):
        text = to_markup(event.get(key), base)
        if text and not any(text in p for p in parts):
            parts.append(text)
    return "\n\n".join(parts) or None


def _slides(event: dict[str, Any], base: str | None) -> str | None:
    candidates = []
    for key in ("attachments", "links"):
        for item in listed(event.get(key)):
            if isinstance(item, dict):
                url = https_url(item.get("url") or item.get("href"), base)
                label = f"{item.get('title') or ''} {item.get('url') or item.get('href') or ''}"
                if url and url.startswith("https://"):
                    candidates.append((key == "attachments" or bool(_SLIDES.search(label)),
                                       bool(_SLIDES.search(label)), url))
    # An attachment named like slides first, then any attachment; links only if named so.
    chosen = [c for c in candidates if c[0]]
    chosen.sort(key=lambda c: not c[1])
    return chosen[0][2] if chosen else None
