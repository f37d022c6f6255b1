"""`dokureport import SOURCE DIR`: real schedule exports become an event.yaml that builds."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dokureport.cli import cli
from dokureport.core.options import BuildOptions
from dokureport.importers import import_schedule
from dokureport.importers.common import parse_duration
from dokureport.importers.html import to_markup
from dokureport.pipeline import build_brochure
from dokureport.validate import validate_event
from tests.conftest import squash
from tests.helpers import cli_runner, pdftotext

IMPORTS = Path(__file__).parent / "imports"

# Each real export, with talks and speakers that must reach the brochure.
REAL = {
    "frab_json/camp2019.json": ["Opening Ceremony", "jinxx"],
    "frab_json/pretalx-rc3.json": ["selbstmachradio", "Chris Fiege"],
    "pretalx/democon-schedule.json": ["Brian Robinson"],
    "pretalx/democon-widget.json": ["Coffee break", "Brian Robinson"],
    "frab_xml/fosdem-2010.xml.gz": ["An introduction to Asterisk Development", "Mark Michelson"],
    "frab_xml/fosdem-2026-excerpt.xml": ["Welcome to FOSDEM 2026", "Michiel Leenaars"],
    "indico/xdc2021-event.json": ["Making bare-metal testing accessible to every developer",
                                  "Martin Peres"],
}


def run(*args: str) -> object:
    return cli_runner().invoke(cli, list(args), catch_exceptions=False)


def imported(tmp_path: Path, name: str, **options: object) -> Path:
    folder = tmp_path / "event"
    import_schedule(IMPORTS / name, folder, **options)  # type: ignore[arg-type]
    return folder


def run_main(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command line, with its exit status and messages."""
    return subprocess.run([sys.executable, "-m", "dokureport", *args], capture_output=True,
                          text=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(REAL))
def test_a_real_export_imports_validates_and_builds(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "event"
    result = run("import", str(IMPORTS / name), str(folder))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    event = validate_event(folder).event
    assert event.talks and event.agenda
    out = tmp_path / "brochure.pdf"
    build_brochure(folder, out, BuildOptions(cache_dir=None, jobs=1))
    text = squash(pdftotext(out))
    for expected in REAL[name]:
        assert squash(expected) in text, expected


def test_over_500_talks_import_and_validate(tmp_path: Path) -> None:
    folder = imported(tmp_path, "frab_xml/fosdem-2024.xml.gz")
    event = validate_event(folder).event
    assert len(event.talks) == 674
    assert sum(len(day.items) for day in event.agenda) == 674
    assert [day.date for day in event.agenda] == [dt.date(2024, 2, 3), dt.date(2024, 2, 4)]


@pytest.mark.slow
def test_over_500_talks_build(tmp_path: Path) -> None:
    folder = imported(tmp_path, "frab_xml/fosdem-2024.xml.gz")
    out = tmp_path / "fosdem.pdf"
    result = build_brochure(folder, out, BuildOptions(cache_dir=None, jobs=1))
    assert result.pages > 100


def test_german_talks_keep_their_text_and_relative_slides_resolve(tmp_path: Path) -> None:
    event = validate_event(imported(tmp_path, "frab_json/camp2019.json")).event
    german = next(t for t in event.talks if t.slides and "XR_CCC_2019" in t.slides)
    assert german.slides.startswith("https://fahrplan.events.ccc.de/system/event_attachments/")
    assert any("Aufstand" in (t.title + (t.abstract or "")) for t in event.talks)


def test_opt_outs_are_kept_as_record_false(tmp_path: Path) -> None:
    folder = imported(tmp_path, "frab_json/pretalx-rc3.json")
    event = validate_event(folder).event
    opted_out = {t.title for t in event.talks if not t.record}
    assert "selbstmachradio" in opted_out and len(opted_out) == 3
    assert "record: false   # the speakers opted out" in (folder / "event.yaml").read_text()


def test_indico_times_in_utc_are_converted_to_the_event_zone_with_a_warning(
        tmp_path: Path) -> None:
    result = import_schedule(IMPORTS / "indico/xdc2021-event.json", tmp_path / "e")
    assert any("Europe/Warsaw disagrees" in str(w) for w in result.warnings)
    event = validate_event(tmp_path / "e").event
    item = next(i for d in event.agenda for i in d.items
                if i.title == "Making bare-metal testing accessible to every developer")
    assert item.time == dt.time(16, 10)  # 14:10 UTC is 16:10 in Warsaw in September
    talk = event.talk_by_id(item.talk)  # type: ignore[arg-type]
    assert talk is not None and talk.speakers[0].name == "Martin Peres"
    assert talk.speakers[0].organisation == "X.Org"


def test_fosdem_2026_takes_full_names_from_top_level_persons(tmp_path: Path) -> None:
    event = validate_event(imported(tmp_path, "frab_xml/fosdem-2026-excerpt.xml")).event
    names = {s.name for t in event.talks for s in t.speakers}
    assert "Michiel Leenaars" in names
    assert not any("<" in (t.abstract or "") for t in event.talks)


# --- the traps, each round-tripped through event.yaml -----------------------------------

def frab(events: list[dict], **conference: object) -> dict:
    """A minimal frab schedule.json holding events in one room on 2024-05-10."""
    base = {"title": "Trap Camp", "start": "2024-05-10", "end": "2024-05-11",
            "time_zone_name": "Europe/Berlin"} | conference
    base["days"] = [{"index": 1, "date": "2024-05-10", "rooms": {"Saal 1": events}}]
    return {"schedule": {"version": "1", "base_url": "https://example.org/", "conference": base}}


def talk(title: str, date: str, duration: object = "00:30", **more: object) -> dict:
    return {"title": title, "date": date, "duration": duration, "guid": f"guid-{title}",
            "persons": [{"public_name": "Ada Lovelace"}], "type": "lecture"} | more


def round_trip(tmp_path: Path, data: dict, *args: str) -> tuple[object, object]:
    source = tmp_path / "schedule.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    folder = tmp_path / "event"
    result = run("import", str(source), str(folder), *args)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return result, validate_event(folder).event


def test_a_talk_after_midnight_stays_on_its_evening(tmp_path: Path) -> None:
    _, event = round_trip(tmp_path, frab([
        talk("Evening", "2024-05-10T22:00:00+02:00"),
        talk("Late", "2024-05-11T00:30:00+02:00"),
        talk("Crossing", "2024-05-10T23:45:00+02:00", "01:00"),
        talk("Morning", "2024-05-11T10:00:00+02:00"),
    ]))
    days = {d.date: [(i.time, i.title) for i in d.items] for d in event.agenda}  # type: ignore
    assert days[dt.date(2024, 5, 10)] == [(dt.time(22, 0), "Evening"),
                                          (dt.time(23, 45), "Crossing"),
                                          (dt.time(0, 30), "Late")]
    assert days[dt.date(2024, 5, 11)] == [(dt.time(10, 0), "Morning")]
    assert "# ends 00:45 the next day" in (tmp_path / "event/event.yaml").read_text()


def test_day_change_can_be_set(tmp_path: Path) -> None:
    _, event = round_trip(tmp_path, frab([
        talk("Evening", "2024-05-10T22:00:00+02:00"),
        talk("Early", "2024-05-11T05:00:00+02:00"),
    ]), "--day-change", "06:00")
    assert [(d.date, [i.title for i in d.items]) for d in event.agenda] == [  # type: ignore
        (dt.date(2024, 5, 10), ["Evening", "Early"])]


def test_offsets_are_converted_to_the_named_zone(tmp_path: Path) -> None:
    result, event = round_trip(tmp_path, frab([
        talk("Written in UTC", "2024-05-10T08:00:00Z"),
        talk("No colon", "2024-05-10T11:00:00+0200"),
    ], time_zone_name="Berlin"))  # frab before PR #729 wrote the city alone
    times = {i.title: i.time for d in event.agenda for i in d.items}  # type: ignore
    assert times == {"Written in UTC": dt.time(10, 0), "No colon": dt.time(11, 0)}
    output = result.output  # type: ignore[attr-defined]
    assert "'Berlin' taken as Europe/Berlin" in output
    assert "disagrees with the offset UTC+00:00 of 1 times" in output


def test_without_a_zone_name_the_offsets_decide(tmp_path: Path) -> None:
    data = frab([talk("Talk", "2024-05-10T10:00:00-04:00")])
    del data["schedule"]["conference"]["time_zone_name"]
    _, event = round_trip(tmp_path, data)
    assert event.agenda[0].items[0].time == dt.time(10, 0)  # type: ignore[attr-defined]
    assert "UTC-04:00" in (tmp_path / "event/event.yaml").read_text()


@pytest.mark.parametrize(("written", "three_parts", "minutes"), [
    ("0:30", "hms", 30), ("01:30", "hms", 90), ("00:50:00", "hms", 50),
    ("1:02:00", "dhm", 24 * 60 + 120), (45, "hms", 45), ("45", "hms", 45),
    ("135.0:00", "hms", 135 * 60),
])
def test_durations_in_every_form(written: object, three_parts: str, minutes: int) -> None:
    assert parse_duration(written, three_parts=three_parts) == dt.timedelta(minutes=minutes)


def test_durations_round_trip_and_end_wins(tmp_path: Path) -> None:
    _, event = round_trip(tmp_path, frab([
        talk("Minutes", "2024-05-10T10:00:00+02:00", 45),
        talk("Days", "2024-05-10T11:00:00+02:00", "0:01:15"),
        talk("End given", "2024-05-10T12:00:00+02:00", "00:10",
             end="2024-05-10T12:40:00+02:00"),
        talk("Broken", "2024-05-10T13:00:00+02:00", "soon"),
    ]))
    ends = {i.title: i.end for d in event.agenda for i in d.items}  # type: ignore
    assert ends == {"Minutes": dt.time(10, 45), "Days": dt.time(12, 15),
                    "End given": dt.time(12, 40), "Broken": None}


def test_html_becomes_the_contracts_markup() -> None:
    html = ("<p>Intro with <em>emphasis</em>, <strong>strength</strong> and "
            "<a href='/talks/1'>a link</a>.</p><ul><li>first</li><li>second</li></ul>"
            "<p>caf&eacute; &amp; more</p><script>alert(1)</script>")
    assert to_markup(html, "https://example.org/") == (
        "Intro with *emphasis*, **strength** and [a link](https://example.org/talks/1).\n\n"
        "- first\n\n- second\n\ncafé & more")
    assert to_markup("&lt;p&gt;escaped&lt;/p&gt;&lt;ol&gt;&lt;li&gt;one&lt;/li&gt;&lt;/ol&gt;"
                     ) == "escaped\n\n1. one"
    assert to_markup("Markdown **stays**\r\n\r\n- a list\x07") == (
        "Markdown **stays**\n\n- a list")


def test_html_lists_reach_the_brochure_without_tags(tmp_path: Path) -> None:
    _, event = round_trip(tmp_path, frab([talk(
        "Lists", "2024-05-10T10:00:00+02:00",
        description="<p>We cover:</p><ul><li>apples</li><li>pears</li></ul>")]))
    assert event.talks[0].abstract == "We cover:\n\n- apples\n\n- pears"  # type: ignore
    out = tmp_path / "b.pdf"
    build_brochure(tmp_path / "event", out, BuildOptions(cache_dir=None, jobs=1))
    text = pdftotext(out)
    # The importer writes Markdown: the list prints as a list.
    assert "• apples" in text and "• pears" in text and "<" not in text.replace("<>", "")


def test_duplicates_are_reported_not_merged_blindly(tmp_path: Path) -> None:
    same = talk("Twice", "2024-05-10T10:00:00+02:00")
    clash = talk("Other", "2024-05-10T11:00:00+02:00", guid="guid-Twice")
    result, event = round_trip(tmp_path, frab([same, dict(same), clash]))
    output = result.output  # type: ignore[attr-defined]
    assert "repeats schedule.conference.days[0].rooms.Saal 1[0]" in output
    assert "both are imported" in output
    assert [t.title for t in event.talks] == ["Twice", "Other"]  # type: ignore
    assert len({t.id for t in event.talks}) == 2  # type: ignore


def test_readable_unique_ids(tmp_path: Path) -> None:
    _, event = round_trip(tmp_path, frab([
        talk("Grüße aus Köln: eine Einführung", "2024-05-10T10:00:00+02:00"),
        talk("Grüße aus Köln: eine Einführung", "2024-05-10T12:00:00+02:00", guid="g2"),
    ]))
    assert [t.id for t in event.talks] == [  # type: ignore
        "grusse-aus-koln-eine-einfuhrung", "grusse-aus-koln-eine-einfuhrung-2"]


def test_problems_name_their_place_and_come_all_at_once(tmp_path: Path) -> None:
    result, _ = round_trip(tmp_path, frab([
        talk("Fine", "2024-05-10T10:00:00+02:00"),
        {"title": "", "date": "2024-05-10T11:00:00+02:00"},
        talk("No start", "yesterday"),
        talk("Crowd", "2024-05-10T12:00:00+02:00", persons=[{"public_name": "A, B"}, {}]),
    ]))
    output = result.output  # type: ignore[attr-defined]
    for expected in ("rooms.Saal 1[1].title: an event without a title",
                     "rooms.Saal 1[2].date: “No start” has no readable start",
                     "rooms.Saal 1[3].persons[0]: “A, B” may be several people",
                     "rooms.Saal 1[3].persons[1]: a person without a name"):
        assert expected in output


def test_broken_xml_names_its_line(tmp_path: Path) -> None:
    source = tmp_path / "schedule.xml"
    source.write_text('<?xml version="1.0"?>\n<schedule>\n  <conference>\n'
                      '    <track id="1"> /> "x"\n  </conference>\n</schedule>\n')
    result = run_main("import", str(source), str(tmp_path / "e"))
    assert result.returncode == 2
    assert "schedule.xml:5:" in result.stderr and "mismatched tag" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "e" / "event.yaml").exists()


def test_unreadable_and_unknown_input_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"schedule": ', encoding="utf-8")
    (tmp_path / "b.json").write_text('{"hello": 1}', encoding="utf-8")
    for name, message in (("a.json", "a.json:1:14: neither XML nor valid JSON"),
                          ("b.json", "not a schedule format")):
        result = run_main("import", str(tmp_path / name), str(tmp_path / "e"))
        assert result.returncode == 2 and message in result.stderr


def test_detection_reads_content_not_the_file_name(tmp_path: Path) -> None:
    disguised = tmp_path / "programme.txt"
    shutil.copy(IMPORTS / "frab_xml/fosdem-2026-excerpt.xml", disguised)
    assert run("import", str(disguised), str(tmp_path / "e")).exit_code == 0  # type: ignore


# --- re-import -----------------------------------------------------------------------------

HAND_WORK = """\
# Our own note, kept.
organiser:
  name: Trap Camp e. V.   # written by hand
intro: |
  Welcome to the camp.

  Second paragraph.
contacts:
  - name: Grace Hopper
    email: grace@example.org
"""


def test_an_existing_event_yaml_is_never_overwritten(tmp_path: Path) -> None:
    folder = imported(tmp_path, "frab_json/camp2019.json")
    before = (folder / "event.yaml").read_bytes()
    result = run_main("import", str(IMPORTS / "indico/xdc2021-event.json"), str(folder))
    assert result.returncode == 2 and "--update" in result.stderr
    assert (folder / "event.yaml").read_bytes() == before


def test_update_keeps_hand_work_byte_for_byte(tmp_path: Path) -> None:
    source = tmp_path / "schedule.json"
    source.write_text(json.dumps(frab([talk("Old talk", "2024-05-10T10:00:00+02:00")])))
    folder = tmp_path / "event"
    assert run("import", str(source), str(folder)).exit_code == 0  # type: ignore
    yaml_file = folder / "event.yaml"
    first = yaml_file.read_text(encoding="utf-8")
    agenda_at = first.index("\nagenda:") + 1
    edited = (first[:agenda_at].replace("title: Trap Camp", "title: Trap Camp 2024 (edited)")
              + HAND_WORK + "\n" + first[agenda_at:] + "\n# closing remark, kept\n")
    yaml_file.write_text(edited, encoding="utf-8")

    source.write_text(json.dumps(frab([talk("New talk", "2024-05-10T11:00:00+02:00")])))
    assert run("import", "--update", str(source), str(folder)).exit_code == 0  # type: ignore
    updated = yaml_file.read_text(encoding="utf-8")

    # Everything before the agenda, and after the talks, is the hand-edited text unchanged.
    assert updated[:agenda_at + len(HAND_WORK) + 1] == edited[:agenda_at + len(HAND_WORK) + 1]
    assert updated.endswith("\n# closing remark, kept\n")
    assert "Old talk" not in updated and "New talk" in updated
    event = validate_event(folder).event
    assert event.title == "Trap Camp 2024 (edited)"
    assert event.intro == "Welcome to the camp.\n\nSecond paragraph.\n"
    assert event.contacts[0].name == "Grace Hopper"
    assert [t.title for t in event.talks] == ["New talk"]
