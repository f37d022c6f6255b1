"""Read a frab/pentabarf schedule.xml (FOSDEM's layouts too), each element with its line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from dokureport.core.errors import InputError, Problem
from dokureport.importers.common import (
    DEFAULT_DAY_CHANGE,
    Problems,
    Schedule,
    event_zone,
    find_zone,
    line,
    parse_clock,
    parse_datetime,
)
from dokureport.importers.frab_json import Context, event_entry


@dataclass
class Node:
    """An XML element with the line it starts on (ElementTree forgets lines)."""

    tag: str
    attrib: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findtext(self, tag: str) -> str | None:
        node = self.find(tag)
        return node.text if node is not None else None

    def iter(self, tag: str) -> list[Node]:
        """The descendants named tag, in document order, not looking inside them."""
        out = []
        stack = list(reversed(self.children))  # without recursion: depth is the source's
        while stack:
            child = stack.pop()
            if child.tag == tag:
                out.append(child)
            else:
                stack.extend(reversed(child.children))
        return out


class _TooDeep(Exception):
    """The document nests deeper than MAX_DEPTH."""


# A schedule.xml nests 6 levels deep (schedule, day, room, event, persons, person).
MAX_DEPTH = 100


def parse(raw: bytes, source: Path) -> Node:
    """The element tree of raw; broken XML is an InputError naming its line and column.

    Refused, with its line, when elements nest more than MAX_DEPTH levels deep: expat
    itself does not recurse, but a tree that deep is no schedule.
    """
    parser = expat.ParserCreate()
    root: list[Node] = []
    stack: list[Node] = []
    texts: list[list[str]] = []

    def start(tag: str, attrib: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise _TooDeep(parser.CurrentLineNumber)
        node = Node(tag, attrib, parser.CurrentLineNumber)
        (stack[-1].children if stack else root).append(node)
        stack.append(node)
        texts.append([])

    def end(tag: str) -> None:
        node = stack.pop()
        node.text = "".join(texts.pop())

    def data(text: str) -> None:
        if texts:
            texts[-1].append(text)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    # No DTD, no external entities: a schedule needs neither.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        raise InputError([Problem(f"not well-formed XML: {expat.ErrorString(exc.code)}",
                                  file=source, line=exc.lineno, column=exc.offset + 1)]) from None
    except _TooDeep as exc:
        raise InputError([Problem(f"elements nested more than {MAX_DEPTH} levels deep: not a "
                                  "schedule", file=source, line=exc.args[0])]) from None
    return root[0]


def read(root: Node, source: Path, problems: Problems) -> Schedule:
    """The programme in a parsed schedule.xml."""
    conference = root.find("conference") or Node("conference", {}, root.line)
    zone_node = conference.find("time_zone_name")
    zone = find_zone(conference.findtext("time_zone_name"), problems,
                     zone_node.line if zone_node else conference.line)
    base = line(conference.findtext("base_url")) or line(root.findtext("base_url"))
    ctx = Context(base, zone, parse_clock(conference.findtext("day_change"))
                  or DEFAULT_DAY_CHANGE, "hms", problems.warn)
    people = _people_index(root)
    entries = []
    for day in root.iter("day"):
        for room in [day, *day.iter("room")]:
            # FOSDEM 2010 has events straight under <day>, later files under <room>.
            events = [c for c in room.children if c.tag == "event"]
            for event in events:
                entry = event_entry(_as_frab(event, people), event.line, ctx,
                                    day_date=day.attrib.get("date"),
                                    room=room.attrib.get("name"))
                if entry is not None:
                    entries.append(entry)
    if not root.iter("day"):
        problems.warn(root.line, "no <day> elements: the file holds no programme")
    zone_line = zone_node.line if zone_node else conference.line
    zone, zone_name = event_zone(zone, zone_line, [e.start for e in entries], problems)
    start = parse_datetime(conference.findtext("start"))
    end = parse_datetime(conference.findtext("end"))
    return Schedule(
        source=source, format="frab/pentabarf schedule.xml",
        title=line(conference.findtext("title")), entries=tuple(entries), zone=zone,
        zone_name=zone_name, start=start.date() if start else None,
        end=end.date() if end else None, subtitle=line(conference.findtext("subtitle")),
        venue=line(conference.findtext("venue")), city=line(conference.findtext("city")),
        problems=tuple(problems.items),
    )


def _people_index(root: Node) -> dict[str, dict[str, str | None]]:
    """FOSDEM 2026's top-level <persons>: full names (and more) by id."""
    top = next((c for c in root.children if c.tag == "persons"), None)
    index: dict[str, dict[str, str | None]] = {}
    for person in top.children if top else []:
        pid = person.attrib.get("id")
        if pid:
            index[pid] = {"name": person.findtext("name"),
                          "organisation": person.findtext("organisation")
                          or person.findtext("affiliation")}
    return index


def _as_frab(event: Node, people: dict[str, dict[str, str | None]]) -> dict[str, Any]:
    """An <event> in the shape of a schedule.json event."""
    out: dict[str, Any] = {c.tag: c.text for c in event.children if not c.children}
    out.update({k: v for k, v in event.attrib.items() if k in ("id", "guid", "code")})
    persons = []
    for person in event.iter("person"):
        known = people.get(person.attrib.get("id", ""), {})
        persons.append({"name": known.get("name") or person.text,
                        "organisation": known.get("organisation")})
    out["persons"] = persons
    out["attachments"] = [{"url": a.attrib.get("href"), "title": a.text}
                          for a in event.iter("attachment")]
    out["links"] = [{"url": a.attrib.get("href"), "title": a.text} for a in event.iter("link")]
    recording = event.find("recording")
    if recording is not None:
        out["optout"] = recording.findtext("optout")
    return out
