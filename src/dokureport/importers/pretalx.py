"""Read pretalx's widget schedule JSON (the flat feed that also carries breaks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dokureport.core.errors import show
from dokureport.importers.common import (
    Entry,
    Person,
    Problems,
    Schedule,
    event_zone,
    find_zone,
    like,
    line,
    listed,
    parse_datetime,
    parse_duration,
    ref,
)
from dokureport.importers.frab_json import truthy
from dokureport.importers.html import to_markup


def is_widget(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("talks"), list) and (
        "rooms" in data or "speakers" in data) and ("timezone" in data or "event_start" in data)


def i18n(value: object) -> str | None:
    """pretalx's multi-language strings come as {"en": …, "de": …}."""
    if isinstance(value, dict):
        value = value.get("en") or next((v for v in value.values() if v), None)
    return line(value)


def read(data: dict[str, Any], source: Path, problems: Problems) -> Schedule:
    """The programme in a parsed widget schedule.json, breaks included."""
    zone = find_zone(data.get("timezone"), problems, "timezone")
    rooms = {ref(r.get("id")): i18n(r.get("name")) for r in _dicts(data.get("rooms"))}
    tracks = {ref(t.get("id")): i18n(t.get("name")) for t in _dicts(data.get("tracks"))}
    people = {ref(s.get("code")): line(s.get("name")) for s in _dicts(data.get("speakers"))}
    entries = []
    for n, talk in enumerate(listed(data.get("talks"))):
        where = f"talks[{n}]"
        if not isinstance(talk, dict):
            problems.warn(where, "not a talk (a mapping)")
            continue
        title = i18n(talk.get("title"))
        start = parse_datetime(talk.get("start"))
        if not title or start is None:
            problems.warn(where, f"no title or no readable start ({show(talk.get('start'))}"
                          "): left out")
            continue
        if start.tzinfo is None and zone is not None:
            start = start.replace(tzinfo=zone)
        end = like(parse_datetime(talk.get("end")), start)
        if end is None or end < start:
            length = parse_duration(talk.get("duration"), three_parts="dhm")
            end = start + length if length else None
        speakers = []
        for i, code in enumerate(listed(talk.get("speakers"))):
            name = people.get(ref(code)) if ref(code) is not None else None
            if name:
                speakers.append(Person(name))
            else:
                problems.warn(f"{where}.speakers[{i}]", f"no speaker has the code {show(code)}")
        is_break = "code" not in talk
        entries.append(Entry(
            key=line(talk.get("code")) or f"{line(talk.get('id'))}@{start.isoformat()}",
            title=title, start=start, end=end, where=where, place=rooms.get(ref(talk.get("room"))),
            topic=tracks.get(ref(talk.get("track"))), speakers=tuple(speakers),
            abstract=to_markup(talk.get("abstract")),
            record=not truthy(talk.get("do_not_record")), is_break=is_break,
            language=line(talk.get("content_locale")),
        ))
    zone, zone_name = event_zone(zone, "timezone", [e.start for e in entries], problems)
    start, end = parse_datetime(data.get("event_start")), parse_datetime(data.get("event_end"))
    return Schedule(
        source=source, format="pretalx widget schedule.json", title=None,
        entries=tuple(entries), zone=zone, zone_name=zone_name,
        start=start.date() if start else None, end=end.date() if end else None,
        problems=tuple(problems.items),
    )


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
