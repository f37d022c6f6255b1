"""`dokureport import` is total: hostile schedules import cleanly or stop with exit 2.

Issue 24, "Nothing overwritten, nothing hangs": every input here once crashed the import
(exit 1), hung it, wrote an event.yaml that `validate` refused, or overwrote what it must
not. The hostile files are made here, in tmp_path.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import tracemalloc
from pathlib import Path

import pytest

from dokureport.event.load import load_yaml
from dokureport.validate import validate_event
from tests.helpers import invoke


def frab(events: list[dict], **conference: object) -> dict:
    """A minimal frab schedule.json holding events in one room on 2024-05-10."""
    base = {"title": "Trap Camp", "start": "2024-05-10", "end": "2024-05-11",
            "time_zone_name": "Europe/Berlin"} | conference
    base["days"] = [{"index": 1, "date": "2024-05-10", "rooms": {"Saal 1": events}}]
    return {"schedule": {"version": "1", "base_url": "https://example.org/", "conference": base}}


def talk(title: str, date: str = "2024-05-10T10:00:00+02:00", duration: object = "00:30",
         **more: object) -> dict:
    return {"title": title, "date": date, "duration": duration, "guid": f"guid-{title}",
            "persons": [{"public_name": "Ada Lovelace"}], "type": "lecture"} | more


def write_json(tmp_path: Path, data: object, name: str = "schedule.json") -> Path:
    source = tmp_path / name
    source.write_text(json.dumps(data), encoding="utf-8")
    return source


def import_ok(source: Path, folder: Path, *args: str) -> str:
    """Import, expect exit 0 and an event.yaml that validates; the warnings printed."""
    code, out, err = invoke("import", *args, str(source), str(folder))
    assert code == 0, out + err
    validate_event(folder)
    return err


def refused(source: Path, folder: Path, *args: str) -> str:
    """Import, expect exit 2 with no traceback and no event.yaml written; the message."""
    code, out, err = invoke("import", *args, str(source), str(folder))
    assert code == 2, out + err
    assert "internal error" not in err and "Traceback" not in err
    return err


# --- nesting --------------------------------------------------------------------------------

def test_json_nested_100000_levels_is_exit_2_naming_the_file(tmp_path: Path) -> None:
    source = tmp_path / "deep.json"
    source.write_text('{"schedule": ' + "[" * 100_000 + "]" * 100_000 + "}")
    err = refused(source, tmp_path / "e")
    assert "deep.json" in err and "nested" in err
    assert not (tmp_path / "e" / "event.yaml").exists()


def test_json_nested_inside_a_field_is_exit_2(tmp_path: Path) -> None:
    # Deep enough to break repr() in the warning about an unreadable start.
    deep = "[" * 980 + "]" * 980
    source = tmp_path / "deep.json"
    source.write_text(json.dumps(frab([talk("T", date="DEEP")])).replace('"DEEP"', deep))
    err = refused(source, tmp_path / "e")
    assert "deep.json" in err and "nested" in err


def test_xml_nested_100000_levels_is_exit_2_naming_the_file(tmp_path: Path) -> None:
    source = tmp_path / "deep.xml"
    source.write_text("<schedule><day>" + "<room>" * 100_000 + "</room>" * 100_000
                      + "</day></schedule>")
    err = refused(source, tmp_path / "e")
    assert "deep.xml" in err and "nested" in err


# --- numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("duration", ["1e309", "NaN", "-Infinity", "1e300", "-30",
                                      '"99999999999999999999:00"', '"' + '9' * 5000 + '"'])
def test_absurd_durations_import_without_an_end_and_warn(tmp_path: Path,
                                                         duration: str) -> None:
    text = json.dumps(frab([talk("Odd", duration="PLACEHOLDER"), talk("Fine", guid="g2")]))
    source = tmp_path / "schedule.json"
    source.write_text(text.replace('"PLACEHOLDER"', duration))
    err = import_ok(source, tmp_path / "e")
    assert "“Odd”" in err and "duration" in err
    event = validate_event(tmp_path / "e").event
    assert sorted(t.title for t in event.talks) == ["Fine", "Odd"]  # type: ignore[union-attr]


@pytest.mark.parametrize("date", ["9999-12-31T23:50:00+02:00", "0001-01-01T00:10:00+02:00"])
def test_dates_at_the_ends_of_the_calendar_do_not_overflow(tmp_path: Path, date: str) -> None:
    source = write_json(tmp_path, frab([talk("Edge", date, "23:59"), talk("Fine", guid="g2")]))
    import_ok(source, tmp_path / "e")


def test_a_huge_integer_is_bad_input_not_a_crash(tmp_path: Path) -> None:
    source = tmp_path / "schedule.json"
    source.write_text('{"schedule": {"version": ' + "9" * 5000 + "}}")
    err = refused(source, tmp_path / "e")
    assert "schedule.json" in err


# --- compressed and special files -----------------------------------------------------------

def test_a_gzip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    source = tmp_path / "bomb.json.gz"
    zeros = bytes(1 << 20)
    with gzip.open(source, "wb", compresslevel=9) as out:
        for _ in range(200):  # 200 MB inflated, 200 kB on disk
            out.write(zeros)
    assert source.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        err = refused(source, tmp_path / "e")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "bomb.json.gz" in err and "MB" in err
    assert peak < 150 << 20, f"{peak >> 20} MB held: the whole bomb was inflated"


def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "schedule.json"
    os.mkfifo(fifo)
    result: list[tuple[int, str, str]] = []
    worker = threading.Thread(target=lambda: result.append(
        invoke("import", str(fifo), str(tmp_path / "e"))), daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():  # unblock the hung import so the test run can go on
        with open(fifo, "wb"):
            pass
        worker.join(5)
        pytest.fail("import blocked on a named pipe")
    code, _, err = result[0]
    assert code == 2 and "not a regular file" in err


@pytest.mark.parametrize("kind", ["directory", "device"])
def test_a_directory_or_device_is_refused(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "dir" if kind == "directory" else Path("/dev/zero")
    source.mkdir() if kind == "directory" else None
    code, _, err = invoke("import", str(source), str(tmp_path / "e"))
    assert code == 2 and ("not a regular file" in err or "is a directory" in err), err


# --- what import writes validates ---------------------------------------------------------

def indico(contributions: list[dict]) -> dict:
    return {"_type": "HTTPAPIResult", "count": 1, "results": [{
        "_type": "Conference", "title": "Indico Camp", "timezone": "Europe/Berlin",
        "startDate": {"date": "2024-05-10", "time": "09:00:00", "tz": "Europe/Berlin"},
        "endDate": {"date": "2024-05-10", "time": "18:00:00", "tz": "Europe/Berlin"},
        "contributions": contributions}]}


def contribution(title: str, start: str, end: str, n: int, duration: int = 30) -> dict:
    return {"_type": "Contribution", "id": n, "title": title, "duration": duration,
            "startDate": {"date": "2024-05-10", "time": start, "tz": "Europe/Berlin"},
            "endDate": {"date": "2024-05-10", "time": end, "tz": "Europe/Berlin"}}


def test_an_indico_contribution_ending_before_it_starts_is_a_warning(tmp_path: Path) -> None:
    source = write_json(tmp_path, indico([
        contribution("Backwards", "11:00:00", "10:00:00", 1),
        contribution("Fine", "12:00:00", "12:30:00", 2)]))
    err = import_ok(source, tmp_path / "e")
    assert "“Backwards”" in err and "ends before it starts" in err
    event = validate_event(tmp_path / "e").event
    items = {i.title: i for i in event.agenda[0].items}  # type: ignore[union-attr]
    assert items["Backwards"].end is None or items["Backwards"].end >= items["Backwards"].time


def test_many_duplicate_ids_in_different_slots_write_a_file_that_loads(tmp_path: Path) -> None:
    events = [talk("Again", f"2024-05-10T{10 + n // 60:02d}:{n % 60:02d}:00+02:00",
                   guid="same") for n in range(600)] * 17  # 10,200 slots, one guid
    for n, event in enumerate(events):
        events[n] = dict(event, date=event["date"][:17] + f"{n % 60:02d}+02:00")
    source = write_json(tmp_path, frab(events))
    code, out, err = invoke("import", str(source), str(tmp_path / "e"))
    assert code in (0, 2), out + err
    if code == 0:
        validate_event(tmp_path / "e")
        load_yaml(tmp_path / "e" / "event.yaml")
        assert len(validate_event(tmp_path / "e").event.talks) == 1  # type: ignore[union-attr]
    else:
        assert "internal error" not in err
        assert not (tmp_path / "e" / "event.yaml").exists()


def test_one_talk_in_two_slots_is_one_talk_in_two_agenda_items(tmp_path: Path) -> None:
    source = write_json(tmp_path, frab([
        talk("Workshop", "2024-05-10T10:00:00+02:00", guid="w"),
        talk("Workshop", "2024-05-10T14:00:00+02:00", guid="w")]))
    err = import_ok(source, tmp_path / "e")
    assert "“Workshop”" in err
    event = validate_event(tmp_path / "e").event
    assert [t.title for t in event.talks] == ["Workshop"]  # type: ignore[union-attr]
    assert [i.talk for i in event.agenda[0].items] == ["workshop", "workshop"]  # type: ignore


# --- --update -------------------------------------------------------------------------------

def test_update_refuses_an_event_yaml_linked_outside_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("title: Secret\nevent: {start: 2024-05-10}\nintro: do not copy me\n")
    folder = tmp_path / "e"
    folder.mkdir()
    (folder / "event.yaml").symlink_to(outside)
    source = write_json(tmp_path, frab([talk("T")]))
    err = refused(source, folder, "--update")
    assert "outside" in err
    assert (folder / "event.yaml").is_symlink()
    assert outside.read_text().endswith("intro: do not copy me\n")
    assert not [p for p in folder.iterdir() if p.name != "event.yaml"]


def test_update_never_writes_a_file_that_does_not_load(tmp_path: Path) -> None:
    source = write_json(tmp_path, frab([talk("Old talk")]))
    folder = tmp_path / "e"
    import_ok(source, folder)
    event_yaml = folder / "event.yaml"
    text = event_yaml.read_text()
    # An anchor inside the talks, used by a hand-written key: the update replaces the talks.
    text = text.replace("\n    title: Old talk", "\n    title: &name Old talk")
    text += "\nintro: *name\n"
    event_yaml.write_text(text)
    validate_event(folder)
    source.write_text(json.dumps(frab([talk("New talk")])))
    err = refused(source, folder, "--update")
    assert "event.yaml" in err and "name" in err
    assert event_yaml.read_text() == text
    assert sorted(p.name for p in folder.iterdir()) == ["event.yaml"]


# --- exit statuses ----------------------------------------------------------------------------

def _in_namespace(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run shell `script` with a read-only tmpfs at $SMALL (unshare: no root needed)."""
    small = tmp_path / "small"
    small.mkdir()
    command = f'mount -t tmpfs -o size=200k,ro tmpfs "$SMALL" && {script}'
    env = dict(os.environ, SMALL=str(small), PY=sys.executable)
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                           command], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_a_read_only_output_folder_is_exit_73(tmp_path: Path) -> None:
    source = write_json(tmp_path, frab([talk("T")]))
    done = _in_namespace(f'"$PY" -m dokureport import {source} "$SMALL"; echo "exit=$?"',
                         tmp_path)
    assert done.stdout.strip().splitlines()[-1] == "exit=73", done.stdout + done.stderr
    assert "Read-only file system" in done.stderr


def test_a_folder_that_cannot_be_written_is_exit_73(tmp_path: Path, monkeypatch) -> None:
    # In process, for machines without user namespaces: the system refuses the write.
    import errno

    from dokureport import importers

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "e"))

    monkeypatch.setattr(importers.os, "replace", refuse)
    source = write_json(tmp_path, frab([talk("T")]))
    code, _, err = invoke("import", str(source), str(tmp_path / "e"))
    assert code == 73, err
    assert "Permission denied" in err
    assert not (tmp_path / "e" / "event.yaml").exists()
    assert not list((tmp_path / "e").iterdir()), "no temporary file is left behind"


# --- HTML that is never shown -------------------------------------------------------------

@pytest.mark.parametrize("tag", ["template", "script", "style", "noscript", "iframe", "object",
                                 "noembed", "noframes", "datalist", "canvas", "video",
                                 "audio"])
def test_inert_html_elements_are_dropped_with_their_text(tag: str) -> None:
    from dokureport.importers.html import to_markup

    for text in (f"<p>Shown.</p><{tag}>HIDDEN <ul><li>item</li></ul> <em>x</em></{tag}>",
                 f"<{tag}>HIDDEN</{tag}>Shown."):
        out = to_markup(text) or ""
        assert "HIDDEN" not in out and "item" not in out and "<" not in out, (tag, out)
        assert "Shown." in out


def test_two_talks_with_one_guid_on_one_xml_line_get_two_ids(tmp_path: Path) -> None:
    # Found by the property tests: entries told apart by key and line collided.
    events = "".join(f"<event guid='g1'><title>{title}</title><date>2024-05-10T10:00:00+02:00"
                     "</date><duration>00:30</duration></event>" for title in ("One", "Two"))
    source = tmp_path / "schedule.xml"
    source.write_text(f"<schedule><day date='2024-05-10'><room name='R'>{events}</room></day>"
                      "</schedule>")
    import_ok(source, tmp_path / "e")
    event = validate_event(tmp_path / "e").event
    assert sorted(t.id for t in event.talks) == ["one", "two"]  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["fifo", "huge"])
def test_update_reads_only_a_regular_event_yaml_of_sane_size(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "e"
    folder.mkdir()
    if kind == "fifo":
        os.mkfifo(folder / "event.yaml")
    else:
        (folder / "event.yaml").write_text("title: x\n" + "# padding\n" * 700_000)
    source = write_json(tmp_path, frab([talk("T")]))
    result: list[tuple[int, str, str]] = []
    worker = threading.Thread(target=lambda: result.append(
        invoke("import", "--update", str(source), str(folder))), daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():
        with open(folder / "event.yaml", "wb"):
            pass
        worker.join(5)
        pytest.fail("--update blocked on a named pipe")
    code, _, err = result[0]
    assert code == 2, err
    assert "not a regular file" in err or "larger than 5 MB" in err


@pytest.mark.parametrize("field", ["title", "abstract", "room"])
def test_a_text_longer_than_a_brochure_sets_is_not_written(tmp_path: Path, field: str) -> None:
    # Each limit of docs/validation.md holds for imports too: `validate` would refuse it.
    word = "x" * 301
    event = talk("Ein Titel", abstract="Kurz.")
    if field == "room":
        data = frab([event])
        conference = data["schedule"]["conference"]
        conference["days"][0]["rooms"] = {word: [event]}
    else:
        data = frab([event | {field: word}])
    err = refused(write_json(tmp_path, data), tmp_path / "event")
    assert "too long: a word of 301 characters without a space (at most 300)" in err
    assert "shorten it there" in err
    assert not (tmp_path / "event" / "event.yaml").exists()


def test_texts_at_the_limits_import_and_validate(tmp_path: Path) -> None:
    word = "x" * 300
    data = frab([talk(f"Titel {word}", abstract=f"Ein {word} Wort.")])
    import_ok(write_json(tmp_path, data), tmp_path / "event")
