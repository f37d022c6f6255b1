"""Property tests: whatever a schedule holds, `import` writes an event that validates, or
stops with exit 2. Never another exit status, never a traceback (issue 24)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dokureport.core.errors import InputError
from dokureport.validate import validate_event
from tests.helpers import invoke

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Numbers as JSON writes them, the absurd ones too (json.dumps writes NaN and Infinity).
NUMBERS = st.one_of(st.integers(-10**40, 10**40), st.integers(-10**4000, 10**4000),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([0, -1, 1e309, -1e309, 1e300, 2**63, 30, 90.5]))
TEXT = st.one_of(st.text(max_size=40), st.sampled_from([
    "", "None", "00:30", "0:30", "135.0:00", "1:02:03", "99999999:00", "-1:00", "nan", "inf",
    "2024-05-10T10:00:00+02:00", "2024-05-10T25:00:00", "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-12:00", "2024-05-10", "10:00", "23:59", "24:00", "Europe/Berlin",
    "Berlin", "../../etc/passwd", "<p>x</p><template>t</template>", "&lt;script&gt;",
    "de", "de-formal", "xx-YY", "https://example.org/s.pdf", "javascript:alert(1)"]))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
# Random nesting: lists and mappings of anything, a few levels deep.
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)


def _value(plausible: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly a plausible value, often anything at all."""
    return st.one_of(plausible, plausible, VALUES)


DATES = st.builds(lambda d, h, m, z: f"2024-05-{d:02d}T{h:02d}:{m:02d}:00{z}",
                  st.integers(9, 12), st.integers(0, 23), st.integers(0, 59),
                  st.sampled_from(["+02:00", "Z", "", "+0200", "-04:00"]))
DURATIONS = st.one_of(st.sampled_from(["00:30", "1:00", "0:00", "", "00:50:00", "1:02:03"]),
                      NUMBERS)

FRAB_EVENT = st.fixed_dictionaries({
    "title": _value(st.sampled_from(["Talk", "Talk", "Grüße", "A: b", "- x", "#1"])),
    "date": _value(DATES),
}, optional={
    "start": _value(st.sampled_from(["10:00", "00:30", "25:00"])),
    "duration": _value(DURATIONS),
    "end": _value(DATES),
    "guid": _value(st.sampled_from(["g1", "g2", "g3"])),
    "id": _value(st.integers(1, 3)),
    "room": VALUES, "track": VALUES, "type": _value(st.sampled_from(["lecture", "break"])),
    "persons": _value(st.lists(st.fixed_dictionaries({"public_name": VALUES}), max_size=2)),
    "abstract": VALUES, "description": VALUES, "subtitle": VALUES, "language": VALUES,
    "do_not_record": VALUES, "links": VALUES, "attachments": VALUES,
})


def _imports_or_exit_2(data: object, name: str = "schedule.json", raw: str | None = None
                       ) -> None:
    with tempfile.TemporaryDirectory() as temp:
        source = Path(temp) / name
        source.write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
        folder = Path(temp) / "event"
        code, out, err = invoke("import", str(source), str(folder))
        assert code in (0, 2), out + err
        assert "internal error" not in err and "Traceback" not in err, err
        if code == 2:
            assert not (folder / "event.yaml").exists()
            return
        try:
            validate_event(folder, decode_images=False)
        except InputError as exc:  # pragma: no cover - the failure this test looks for
            raise AssertionError(f"{exc}\n---\n{(folder / 'event.yaml').read_text()}") from None


@SETTINGS
@given(events=st.lists(FRAB_EVENT, max_size=5), zone=_value(st.sampled_from(
    ["Europe/Berlin", "UTC", "Berlin", "Mars/Olympus"])), day_date=_value(
    st.sampled_from(["2024-05-10", "9999-12-31"])), title=VALUES)
def test_frab_json_imports_or_is_exit_2(events: list, zone: object, day_date: object,
                                        title: object) -> None:
    _imports_or_exit_2({"schedule": {"version": "1", "base_url": "https://example.org/",
                                     "conference": {
                                         "title": title, "time_zone_name": zone,
                                         "start": "2024-05-10", "end": "2024-05-12",
                                         "days": [{"index": 1, "date": day_date,
                                                   "rooms": {"Saal 1": events}}]}}})


@SETTINGS
@given(anything=VALUES, depth=st.integers(1, 3000), inside=st.sampled_from(
    ["schedule", "conference", "title", "duration", "date", "persons"]))
def test_random_nesting_anywhere_imports_or_is_exit_2(anything: object, depth: int,
                                                       inside: str) -> None:
    deep = "[" * depth + json.dumps(anything) + "]" * depth
    event = {"title": "T", "date": "2024-05-10T10:00:00+02:00", "duration": "00:30"}
    conference = {"title": "C", "days": [{"date": "2024-05-10", "rooms": {"R": [event]}}]}
    data: dict = {"schedule": {"conference": conference}}
    if inside == "schedule":
        data["schedule"] = "DEEP"
    elif inside == "conference":
        data["schedule"]["conference"] = "DEEP"
    elif inside == "title":
        conference["title"] = "DEEP"
    else:
        event[inside] = "DEEP"
    _imports_or_exit_2(None, raw=json.dumps(data).replace('"DEEP"', deep))


INDICO_WHEN = st.fixed_dictionaries({
    "date": _value(st.sampled_from(["2024-05-10", "0001-01-01", "9999-12-31", "2024-02-30"])),
    "time": _value(st.sampled_from(["10:00:00", "09:00:00", "23:59:59", "25:00"])),
    "tz": _value(st.sampled_from(["Europe/Berlin", "UTC", "Nowhere/Else", "../x"])),
})


@SETTINGS
@given(contributions=st.lists(st.fixed_dictionaries({
    "title": _value(st.just("Talk")), "startDate": _value(INDICO_WHEN),
}, optional={"endDate": _value(INDICO_WHEN), "duration": _value(DURATIONS),
             "id": _value(st.integers(1, 3)), "description": VALUES, "speakers": VALUES,
             "folders": VALUES, "roomFullname": VALUES}), max_size=5),
       zone=_value(st.sampled_from(["Europe/Berlin", "UTC"])))
def test_indico_imports_or_is_exit_2(contributions: list, zone: object) -> None:
    _imports_or_exit_2({"_type": "HTTPAPIResult", "results": [{
        "_type": "Conference", "title": "I", "timezone": zone, "contributions": contributions,
        "startDate": {"date": "2024-05-10", "time": "09:00:00", "tz": "UTC"}}]})


@SETTINGS
@given(talks=st.lists(st.fixed_dictionaries({
    "title": _value(st.just({"en": "Talk"})), "start": _value(DATES),
}, optional={"end": _value(DATES), "duration": _value(DURATIONS),
             "code": _value(st.sampled_from(["A", "B"])), "room": VALUES, "speakers": VALUES,
             "abstract": VALUES, "content_locale": VALUES, "do_not_record": VALUES}),
    max_size=5), zone=_value(st.sampled_from(["Europe/Berlin", "UTC"])))
def test_pretalx_widget_imports_or_is_exit_2(talks: list, zone: object) -> None:
    _imports_or_exit_2({"talks": talks, "rooms": [], "speakers": [], "timezone": zone,
                        "event_start": "2024-05-10"})


XML_TEXT = st.one_of(TEXT, NUMBERS.map(str))


@SETTINGS
@given(events=st.lists(st.fixed_dictionaries({
    "title": XML_TEXT, "date": st.one_of(DATES, XML_TEXT), "start": XML_TEXT,
    "duration": XML_TEXT, "abstract": XML_TEXT, "guid": st.sampled_from(["g1", "g2"]),
}), max_size=4), depth=st.integers(0, 300), zone=XML_TEXT)
def test_frab_xml_imports_or_is_exit_2(events: list, depth: int, zone: str) -> None:
    body = "".join(
        f"<event guid={quoteattr(e['guid'])}>"
        + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in e.items() if k != "guid")
        + "</event>" for e in events)
    nest = "<x>" * depth + "</x>" * depth
    raw = (f"<schedule><conference><title>X</title><time_zone_name>{escape(zone)}"
           f"</time_zone_name></conference><day date='2024-05-10'>{nest}"
           f"<room name='R'>{body}</room></day></schedule>")
    _imports_or_exit_2(None, name="schedule.xml", raw=raw)
