"""Read Indico's event export JSON (/export/event/ID.json?detail=contributions)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dokureport.importers.common import (
    Entry,
    Person,
    Problems,
    Schedule,
    event_zone,
    find_zone,
    https_url,
    line,
    listed,
    parse_duration,
    sane,
)
from dokureport.importers.html import to_markup

_SLIDES = re.compile(r"slide|folie|presentation|\.pdf\b", re.I)


def is_indico(data: object) -> bool:
    if not isinstance(data, dict):
        return False
    results = data.get("results")
    first = results[0] if isinstance(results, list) and results else None
    return data.get("_type") == "HTTPAPIResult" or (
        isinstance(first, dict) and first.get("_type") == "Conference")


def when(value: object) -> dt.datetime | None:
    """Indico's {date, time, tz}: a moment in the zone the request asked for."""
    if not isinstance(value, dict) or not value.get("date"):
        return None
    try:
        moment = dt.datetime.fromisoformat(f"{value['date']}T{value.get('time') or '00:00'}")
        return sane(moment.replace(tzinfo=ZoneInfo(str(value.get("tz") or "UTC"))))
    except (ValueError, TypeError, OSError, ZoneInfoNotFoundError):
        return None


def read(data: dict[str, Any], source: Path, problems: Problems) -> Schedule:
    """The contributions of the first event in the export."""
    results = data.get("results")
    event = results[0] if isinstance(results, list) and results else None
    if not isinstance(event, dict):
        problems.warn("results", "no event in the export")
        event = {}
    zone = find_zone(event.get("timezone"), problems, "results[0].timezone")
    base = line(event.get("url"))
    entries = []
    contributions = event.get("contributions")
    if not isinstance(contributions, list):
        problems.warn("results[0].contributions",
                      "missing: export the event with ?detail=contributions")
        contributions = []
    for n, item in enumerate(contributions):
        where = f"results[0].contributions[{n}]"
        if not isinstance(item, dict):
            continue
        title, start = line(item.get("title")), when(item.get("startDate"))
        if not title or start is None:
            problems.warn(where, f"“{title or '?'}” is not in the timetable: left out")
            continue
        end = when(item.get("endDate"))
        if end is not None and end < start:
            problems.warn(f"{where}.endDate", f"“{title}” ends before it starts: its end is "
                          "taken from its duration, else left out")
            end = None
        if end is None and (length := parse_duration(item.get("duration"))):
            end = start + length
        entries.append(Entry(
            key=f"{line(item.get('id')) or line(item.get('db_id'))}@{start.isoformat()}",
            title=title, start=start, end=end, where=where,
            place=line(item.get("roomFullname")) or line(item.get("room")),
            topic=line(item.get("track")) or line(item.get("session")),
            format=line(item.get("type")),
            speakers=tuple(_people(item, where, problems)),
            abstract=to_markup(item.get("description"), base),
            slides=_slides(item, base),
        ))
    zone, zone_name = event_zone(zone, "results[0].timezone", [e.start for e in entries],
                                 problems)
    start, end = when(event.get("startDate")), when(event.get("endDate"))
    return Schedule(
        source=source, format="Indico event export", title=line(event.get("title")),
        entries=tuple(entries), zone=zone, zone_name=zone_name,
        start=start.astimezone(zone).date() if start and zone else None,
        end=end.astimezone(zone).date() if end and zone else None,
        venue=line(event.get("location")), city=line(event.get("address")),
        problems=tuple(problems.items),
    )


def _people(item: dict[str, Any], where: str, problems: Problems) -> list[Person]:
    """The speakers; where none is marked, the primary authors present."""
    key = "speakers" if item.get("speakers") else "primaryauthors"
    out = []
    for i, person in enumerate(listed(item.get(key))):
        if not isinstance(person, dict):
            continue
        first, last = line(person.get("first_name")), line(person.get("last_name"))
        # Joining the given parts is not splitting: fullName reads "Last, First".
        name = " ".join(p for p in (first, last) if p) or line(person.get("name")) or line(
            person.get("fullName"))
        if not name:
            problems.warn(f"{where}.{key}[{i}]", "a person without a name is left out")
            continue
        out.append(Person(name, line(person.get("affiliation"))))
    return out


def _slides(item: dict[str, Any], base: str | None) -> str | None:
    found = []
    for folder in listed(item.get("folders")):
        for attachment in listed(folder.get("attachments")) if isinstance(folder, dict) else []:
            if not isinstance(attachment, dict):
                continue
            url = https_url(attachment.get("download_url") or attachment.get("link_url"), base)
            label = f"{folder.get('title') or ''} {attachment.get('title') or ''}"
            if url and url.startswith("https://"):
                found.append((not _SLIDES.search(label), url))
    return sorted(found)[0][1] if found else None
