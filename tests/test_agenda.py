"""The agenda reads like a programme: every page names its day, parallel rooms are listed
per room (or in a room × time grid when few), and on paper items give their talk's page."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pdfplumber
import pytest

from dokureport.core.options import BuildOptions
from dokureport.event.model import AgendaDay
from dokureport.i18n.dates import long_date, time_span
from dokureport.importers import import_schedule
from dokureport.pipeline import build_brochure
from dokureport.sections.agenda import rooms, setting
from dokureport.validate import validate_event
from tests.conftest import SAMPLE, minimal_event, squash

IMPORTS = Path(__file__).parent / "imports"
TIME = re.compile(r"^\d{1,2}:\d\d(–\d{1,2}:\d\d)?$")


def _agenda_pages(result) -> range:
    agenda = next(s for s in result.sections if s.key == "agenda")
    return range(agenda.first, agenda.last + 1)


def _lines(page) -> list[tuple[str, float]]:
    """The page's lines, top to bottom: their text and the size of their first glyph."""
    return [(line["text"], line["chars"][0]["size"])
            for line in page.extract_text_lines(return_chars=True)]


def _first_word(line: tuple[str, float]) -> str:
    return line[0].split()[0]


@pytest.fixture(scope="module")
def fosdem(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("fosdem") / "event"
    import_schedule(IMPORTS / "frab_xml/fosdem-2024.xml.gz", folder)
    out = folder.parent / "fosdem.pdf"
    result = build_brochure(folder, out, BuildOptions(cache_dir=None, jobs=1))
    return validate_event(folder).event, out, result


@pytest.mark.slow
def test_every_page_of_a_large_agenda_names_its_day(fosdem) -> None:
    event, out, result = fosdem
    days = [long_date(day.date, "en") for day in event.agenda]
    assert days == ["Saturday, 3 February 2024", "Sunday, 4 February 2024"]
    pages = _agenda_pages(result)
    assert len(pages) > 5
    named = []
    with pdfplumber.open(out) as pdf:
        for number in pages:
            text = pdf.pages[number - 1].extract_text()
            found = [day for day in days if day in text]
            assert found, f"agenda page {number} names no day"
            named.append(found)
    # Saturday's pages, then Sunday's: the page where Sunday begins names both.
    first_sunday = next(i for i, found in enumerate(named) if days[1] in found)
    assert all(found == [days[0]] for found in named[:first_sunday])
    assert all(days[1] in found for found in named[first_sunday:])
    assert all(found == [days[1]] for found in named[first_sunday + 1:])


@pytest.mark.slow
def test_a_multi_track_day_lists_its_items_under_room_headings_in_time_order(fosdem) -> None:
    event, out, result = fosdem
    expected: list[tuple[str, list[str]]] = []
    for day in event.agenda:
        assert setting(day, 4, False) == "rooms"
        for room in rooms(day.items):
            items = sorted((i for i in day.items if i.place == room),
                           key=lambda i: (i.time, i.end or i.time))
            expected.append((room, [time_span(i.time, i.end, "en") for i in items]))
    places = {room for room, _ in expected}
    found: list[tuple[str, list[str]]] = []
    with pdfplumber.open(out) as pdf:
        item_size = None
        for number in _agenda_pages(result):
            for line in _lines(pdf.pages[number - 1]):
                text, size = line
                if TIME.match(_first_word(line)):
                    assert found, f"an item before any room heading: {text}"
                    found[-1][1].append(_first_word(line))
                    item_size = size
                    continue
                room = next((p for p in places if text == p or text.startswith(p + " ·")),
                            None)
                # A room heading, not the running head (smaller) that names it too.
                if room and (item_size is None or size > item_size):
                    found.append((room, []))
    assert found == expected


@pytest.mark.slow
def test_a_large_agenda_takes_at_most_a_page_per_22_items(fosdem) -> None:
    # 25 at the full frame width; at the 63-character measure a title wraps more often
    # (FOSDEM: 674 items on 30 pages, the rows kept within 75 characters).
    event, _, result = fosdem
    items = sum(len(day.items) for day in event.agenda)
    assert len(_agenda_pages(result)) <= items / 22


def test_on_paper_agenda_items_give_the_page_their_talk_is_on(tmp_path: Path) -> None:
    out = tmp_path / "print.pdf"
    result = build_brochure(SAMPLE, out, BuildOptions(target="print"))
    event = validate_event(SAMPLE).event
    linked = [event.talk_by_id(i.talk) for day in event.agenda for i in day.items if i.talk]
    assert len(linked) >= 3
    agenda = _agenda_pages(result)
    with pdfplumber.open(out) as pdf:
        references = []
        for number in agenda:
            text = pdf.pages[number - 1].extract_text()
            references += [int(n) for n in re.findall(r"→ S\. (\d+)", text)]
        assert len(references) == len(linked)
        for talk, page in zip(linked, references, strict=True):
            assert page > agenda[-1]
            # The page the talk's heading is on: its title's first words begin a line there.
            lines = [squash(text) for text, _ in _lines(pdf.pages[page - 1])]
            start = squash(" ".join(talk.title.split()[:3]))
            assert any(line.startswith(start) for line in lines), (talk.title, page)
            before = [squash(text) for text, _ in _lines(pdf.pages[page - 2])]
            assert not any(line.startswith(start) for line in before), (talk.title, page)


def test_on_screen_the_sample_agenda_is_one_linked_time_list_per_day(sample_pdf: Path) -> None:
    event = validate_event(SAMPLE).event
    with pdfplumber.open(sample_pdf) as pdf:
        # A section may run on after the one before: found as a line of its own.
        lines = [(p.extract_text() or "").splitlines() for p in pdf.pages]
        first = next(n for n, page in enumerate(lines) if "Programm" in page)
        talks = next(n for n, page in enumerate(lines) if "Vorträge" in page) + 1
        times: list[str] = []
        links = 0
        for page in pdf.pages[first:talks]:
            text = page.extract_text()
            assert "→" not in text
            times += [_first_word(line) for line in _lines(page) if TIME.match(_first_word(line))]
            links += sum(1 for link in page.annots if "Dest" in link["data"])
    expected = [time_span(i.time, i.end, "de") for day in event.agenda for i in day.items]
    assert times == expected
    assert links >= sum(1 for day in event.agenda for i in day.items if i.talk)


def test_the_sample_days_are_time_lists_and_parallel_rooms_are_not() -> None:
    event = validate_event(SAMPLE).event
    assert all(setting(day, 4, True) == "list" for day in event.agenda)
    day = AgendaDay.model_validate({"date": "2024-03-05", "items": [
        {"time": "9:00", "end": "10:00", "title": "A", "place": "Saal"},
        {"time": "9:30", "end": "10:00", "title": "B", "place": "Raum 2"},
        {"time": "9:00", "title": "C", "place": "Raum 10"}]})
    assert rooms(day.items) == ["Raum 2", "Raum 10", "Saal"]
    assert setting(day, 4, True) == "grid"
    assert setting(day, 4, False) == "rooms"
    assert setting(day, 2, True) == "rooms"
    assert setting(day, 0, True) == "rooms"


def _three_rooms() -> dict:
    items = [{"time": "9:00", "end": "9:30", "title": "Opening Plenary", "people": ["Host"]}]
    for slot, start in enumerate(("9:30", "10:30", "11:30")):
        for room in ("Room A", "Room B", "Room C"):
            items.append({"time": start, "end": f"{10 + slot}:15",
                          "title": f"Session {room[-1]}{slot + 1}", "place": room,
                          "people": [f"Speaker {room[-1]}{slot + 1}"]})
    return minimal_event(lang="en", agenda=[{"date": "2024-03-05", "items": items}])


def test_a_small_event_with_three_rooms_is_a_room_by_time_grid(make_event, build) -> None:
    out, result = build(make_event(_three_rooms()))
    page_number = _agenda_pages(result)[0]
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[page_number - 1]
        words = page.extract_words()
    heads = {w["text"]: w for w in words if w["text"] in ("A", "B", "C")
             and any(v["text"] == "Room" and abs(v["top"] - w["top"]) < 1 for v in words)}
    assert set(heads) == {"A", "B", "C"}
    assert len({round(w["top"]) for w in heads.values()}) == 1, "room names on one line"
    columns = sorted(next(v["x0"] for v in words if v["text"] == "Room"
                          and abs(v["top"] - w["top"]) < 1 and v["x1"] < w["x0"])
                     for w in heads.values())
    sessions = [w for before, w in itertools.pairwise(words)
                if before["text"] == "Session" and re.fullmatch(r"[ABC][123]", w["text"])]
    assert len(sessions) == 9
    for session in sessions:
        title = next(v for v in words if v["text"] == "Session"
                     and abs(v["top"] - session["top"]) < 1 and v["x1"] < session["x0"])
        column = columns["ABC".index(session["text"][0])]
        assert abs(title["x0"] - column) < 1, session["text"]
    # Three sessions a row: the rows are the start times.
    rows = {round(w["top"]) for w in words if w["text"] == "Session"}
    assert len(rows) == 3
    # The plenary in no room spans the rooms: it starts in the first room's column.
    opening = next(w for w in words if w["text"] == "Opening")
    assert abs(opening["x0"] - columns[0]) < 1


def test_where_a_grid_is_too_narrow_the_rooms_are_listed_one_after_another(
        make_event, build) -> None:
    # Room columns of at least 11 ems do not fit three rooms into an A5 page's measure.
    wide = _three_rooms() | {"theme": {"agenda": {"grid_column": 11}}}
    out, result = build(make_event(wide), paper="a5")
    with pdfplumber.open(out) as pdf:
        text = "\n".join(pdf.pages[n - 1].extract_text() for n in _agenda_pages(result))
    lines = text.splitlines()
    headings = [line for line in lines if line in ("Room A", "Room B", "Room C")]
    assert headings == ["Room A", "Room B", "Room C"]
    b = lines.index("Room B")
    assert any("Session A3" in line for line in lines[:b])
    assert not any("Session B" in line for line in lines[:b])


def test_a_theme_that_wants_no_grid_lists_the_rooms(make_event, build) -> None:
    out, result = build(make_event(_three_rooms() | {"theme": {"agenda": {"grid_rooms": 0}}}))
    with pdfplumber.open(out) as pdf:
        text = "\n".join(pdf.pages[n - 1].extract_text() for n in _agenda_pages(result))
    headings = [line for line in text.splitlines() if line in ("Room A", "Room B", "Room C")]
    assert headings == ["Room A", "Room B", "Room C"]


def test_a_theme_s_agenda_settings_are_checked_at_their_key(make_event, runner) -> None:
    from dokureport.cli import cli

    folder = make_event(_three_rooms() | {"theme": {"agenda": {"grid_rooms": -1}}})
    result = runner.invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "theme.agenda.grid_rooms" in result.stderr


def test_a_page_reference_label_fills_in_the_page_only(make_event, runner) -> None:
    from dokureport.cli import cli

    folder = make_event(_three_rooms() | {"labels": {"page_reference": "siehe {seite}"}})
    result = runner.invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "labels.page_reference" in result.stderr and "{page}" in result.stderr


def test_a_page_reference_label_of_your_own_is_printed(make_event, build) -> None:
    event = _three_rooms() | {"labels": {"page_reference": "see p. {page}"},
                              "talks": [{"id": "a1", "title": "Session A1 in full"}]}
    event["agenda"][0]["items"][1]["talk"] = "a1"
    out, result = build(make_event(event), target="print")
    talk_page = next(s for s in result.sections if s.key == "talks").first
    with pdfplumber.open(out) as pdf:
        text = pdf.pages[_agenda_pages(result)[0] - 1].extract_text()
    assert f"see p. {talk_page}" in text


def _single_room(count: int) -> dict:
    items = [{"time": f"{8 + i // 6}:{i % 6 * 10:02d}", "title": f"Talk {i + 1}",
              "place": "Hall", "people": [f"Person {i + 1}"]} for i in range(count)]
    return minimal_event(lang="en", agenda=[{"date": "2024-03-05", "items": items}])


@pytest.mark.parametrize(("theme", "one_line"), [({}, True),
                                                 ({"agenda": {"dense_from": 0}}, False)])
def test_a_large_programme_sets_a_time_list_closely(make_event, build, theme, one_line
                                                    ) -> None:
    out, result = build(make_event(_single_room(60) | {"theme": theme}))
    with pdfplumber.open(out) as pdf:
        pages = _agenda_pages(result)
        lines = [text for n in pages for text, _ in _lines(pdf.pages[n - 1])]
    assert ("8:00 Talk 1 · Hall · Person 1" in lines) is one_line
    assert ("Hall · Person 1" in lines) is not one_line
    if one_line:
        assert len(pages) <= 2
