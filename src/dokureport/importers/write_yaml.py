"""Write the imported programme as a commented event.yaml, or splice it into an existing one."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap

import yaml

from dokureport.importers.programme import Day, Programme, Talk

# Top-level blocks `import` writes, and the ones `--update` adds only when missing.
IMPORTED = ("agenda", "talks")
ONLY_IF_ABSENT = ("title", "event")

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*$")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")


def scalar(text: str, *, flow: bool = False) -> str:
    """text as a YAML scalar that reads back as exactly this string."""
    plain = (
        _PLAIN.match(text) is not None
        and text == text.strip()
        and ": " not in text and " #" not in text and not text.endswith(":")
        and not (flow and any(c in text for c in ",[]{}"))
        and text.isprintable()
    )
    if plain:
        try:
            plain = yaml.safe_load(text) == text
        except (yaml.YAMLError, ValueError, OverflowError):  # a timestamp in year 0
            plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def _when(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _block_text(key: str, text: str, indent: str) -> list[str]:
    """A text field; several lines as a literal block so paragraphs stay readable."""
    if "\n" not in text:
        return [f"{indent}{key}: {scalar(text)}"]
    lines = [f"{indent}{key}: |-"]
    lines += [f"{indent}  {ln}".rstrip() for ln in _wrapped(text)]
    return lines


# A wrapped line must not start what Markdown reads as a list item, heading or quote.
_STARTS_BLOCK = re.compile(r"^(?:[-+*#>]|\d+[.)])(?:\s|$)")


def _wrapped(text: str, width: int = 88) -> list[str]:
    """Long lines folded at spaces: a single newline is a space in the contract's text."""
    out: list[str] = []
    for source_line in text.split("\n"):
        pieces = textwrap.wrap(source_line, width, break_long_words=False,
                               break_on_hyphens=False) or [""]
        merged = [pieces[0]]
        for piece in pieces[1:]:
            if _STARTS_BLOCK.match(piece):
                merged[-1] += " " + piece
            else:
                merged.append(piece)
        out += merged
    return out


def blocks(programme: Programme) -> dict[str, str]:
    """Each top-level block the import writes, as text (with its trailing newline)."""
    out = {"title": f"title: {scalar(programme.title or 'Programme')}\n"}
    event = ["event:", f"  start: {_when(programme.start)}"]
    if programme.end is not None:
        event.append(f"  end: {_when(programme.end)}")
    schedule = programme.schedule
    if schedule.venue or schedule.city:
        event.append("  venue:")
        if schedule.venue:
            event.append(f"    name: {scalar(schedule.venue)}")
        if schedule.city:
            event.append(f"    address: [{scalar(schedule.city, flow=True)}]")
    out["event"] = "\n".join(event) + "\n"
    out["agenda"] = _agenda(programme) + "\n"
    out["talks"] = _talks(programme.talks) + "\n"
    return out


def _agenda(programme: Programme) -> str:
    change = programme.day_change.strftime("%H:%M")
    lines = ["agenda:",
             f"  # Imported; `dokureport import --update` rewrites this block. A day runs "
             f"from {change} to {change}:",
             "  # a talk after midnight stays on its evening."]
    if not programme.days:
        return "agenda: []"
    for day in programme.days:
        lines += _day(day)
    return "\n".join(lines)


def _day(day: Day) -> list[str]:
    lines = [f"  - date: {day.date.isoformat()}", "    items:"]
    for item in day.items:
        lines.append(f"      - time: {item.time:%H:%M}"
                     + (f"   # {item.note}" if item.note else ""))
        if item.end is not None:
            lines.append(f"        end: {item.end:%H:%M}")
        lines.append(f"        title: {scalar(item.title)}")
        if item.place:
            lines.append(f"        place: {scalar(item.place)}")
        if item.people:
            names = ", ".join(scalar(n, flow=True) for n in item.people)
            lines.append(f"        people: [{names}]")
        if item.talk:
            lines.append(f"        talk: {scalar(item.talk)}")
    return lines


def _talks(talks: tuple[Talk, ...]) -> str:
    if not talks:
        return "talks: []"
    lines = ["talks:",
             "  # Imported; `dokureport import --update` rewrites this block."]
    for talk in talks:
        lines.append(f"  - id: {scalar(talk.id)}   # source: {talk.key}")
        lines.append(f"    title: {scalar(talk.title)}")
        if talk.lang:
            lines.append(f"    lang: {scalar(talk.lang)}")
        if talk.format:
            lines.append(f"    format: {scalar(talk.format)}")
        if talk.topic:
            lines.append(f"    topic: {scalar(talk.topic)}")
        if talk.speakers:
            lines.append("    speakers:")
            for person in talk.speakers:
                lines.append(f"      - name: {scalar(person.name)}")
                if person.organisation:
                    lines.append(f"        organisation: {scalar(person.organisation)}")
        if not talk.record:
            lines.append("    record: false   # the speakers opted out of recording")
        if talk.slides:
            lines.append(f"    slides: {scalar(talk.slides)}")
        if talk.abstract:
            lines += _block_text("abstract", talk.abstract, "    ")
    return "\n".join(lines)


def render(programme: Programme) -> str:
    """A new event.yaml: header comments, the event, the agenda and the talks."""
    schedule = programme.schedule
    parts = blocks(programme)
    zone = programme.schedule.zone_name or "as written in the source (it names no zone)"
    header = f"""\
# Imported by `dokureport import` from {schedule.source.name} ({schedule.format}).
# Times are local to the event: {zone}.
# Build the brochure:  dokureport build .      Check it:  dokureport validate .
#
# `dokureport import --update SOURCE DIR` reads the schedule again and replaces only
# the `agenda:` and `talks:` blocks below; everything else you add here (intro,
# photos, contacts, organiser, comments) stays as you wrote it.

format: 1
lang: {programme.lang}                  # de or en: labels, date format, hyphenation

"""
    hints = """
# Add by hand what no schedule holds (kept on --update):
# organiser:
#   name: …
# intro: |
#   …
# photos:
#   items:
#     - file: photos/01.jpg
#       caption: …
# contacts:
#   - name: …

"""
    return (header + parts["title"] + parts["event"] + hints + parts["agenda"] + "\n"
            + parts["talks"])


def splice(existing: str, programme: Programme) -> str:
    """existing with the imported blocks replaced; every other line kept byte for byte."""
    new = blocks(programme)
    lines = existing.splitlines(keepends=True)
    spans = _top_level_spans(lines)
    # Replace from the bottom up so earlier spans keep their positions.
    for key, (first, last) in sorted(spans.items(), key=lambda kv: -kv[1][0]):
        if key in IMPORTED:
            lines[first:last] = [new[key]]
    text = "".join(lines)
    missing = [k for k in (*ONLY_IF_ABSENT, *IMPORTED) if k not in spans]
    if missing:
        if text and not text.endswith("\n"):
            text += "\n"
        text += "".join("\n" + new[k] for k in missing)
    return text


def _top_level_spans(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Each top-level key's lines [first, last): its own line and everything that belongs
    to it. Comments and blank lines just before the next key belong to that key."""
    starts = [(i, m[1]) for i, ln in enumerate(lines) if (m := _TOP_KEY.match(ln))]
    spans = {}
    for n, (first, key) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        last = first + 1
        for i in range(first + 1, stop):
            text = lines[i]
            if text.strip() and not text.startswith("#"):
                last = i + 1
            elif text.startswith("#") and any(
                    ln.strip() and not ln.startswith("#") for ln in lines[i + 1:stop]):
                last = i + 1  # a comment inside the block, more of the block follows
        spans.setdefault(key, (first, last))
    return spans
