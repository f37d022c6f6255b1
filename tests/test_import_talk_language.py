"""`dokureport import`: a talk held in another language than the event's gets `lang:`, and
the brochure tags it; talks in the event's language get no key."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
import yaml

from dokureport.core.options import BuildOptions
from dokureport.importers import import_schedule
from dokureport.pipeline import build_brochure
from dokureport.validate import validate_event
from tests.conftest import squash
from tests.test_accessibility import elements
from tests.test_talk_language import _headings_in_order

IMPORTS = Path(__file__).parent / "imports"
CAMP = IMPORTS / "frab_json/camp2019.json"  # frab, German and English talks


def _source_languages(path: Path) -> dict[str, str]:
    """Each talk's title and language as the export itself states them."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {" ".join(event["title"].split()): event["language"]
            for day in data["schedule"]["conference"]["days"]
            for events in day["rooms"].values() for event in events}


@pytest.fixture(scope="module")
def camp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("camp") / "event"
    import_schedule(CAMP, folder)
    return folder


def _minority(languages: dict[str, str]) -> tuple[str, set[str]]:
    """The event's language (most talks') and the titles of the talks held in another."""
    event_lang = Counter(languages.values()).most_common(1)[0][0]
    return event_lang, {t for t, lang in languages.items() if lang != event_lang}


def test_exactly_the_talks_in_the_other_language_get_lang(camp: Path) -> None:
    event_lang, others = _minority(_source_languages(CAMP))
    assert others  # the export mixes languages
    written = yaml.safe_load((camp / "event.yaml").read_text(encoding="utf-8"))
    assert written["lang"] == event_lang
    with_lang = {t["title"]: t["lang"] for t in written["talks"] if "lang" in t}
    source = _source_languages(CAMP)
    assert with_lang == {title: source[title] for title in others}
    event = validate_event(camp).event
    assert {t.title for t in event.talks if t.lang} == others


@pytest.mark.slow
def test_the_imported_talks_in_the_other_language_are_tagged_in_the_pdf(
        camp: Path, tmp_path: Path) -> None:
    _, others = _minority(_source_languages(CAMP))
    # A programme this large lists its days and tracks in the contents (a track's row
    # is in the event's language); listed talk by talk, each has its entry.
    grouped = tmp_path / "grouped.pdf"
    build_brochure(camp, grouped, BuildOptions(cache_dir=None, jobs=1))
    with pikepdf.open(grouped) as pdf:
        rows = [e for e in elements(pdf) if e.S == "/TOCI"]
        assert len(rows) < len(validate_event(camp).event.talks) / 2  # grouped
        assert not [e for e in rows if "/Lang" in e]
    folder = tmp_path / "listed"
    shutil.copytree(camp, folder)
    with (folder / "event.yaml").open("a", encoding="utf-8") as event:
        event.write("theme:\n  contents:\n    talks_listed_up_to: 1000\n")
    out = tmp_path / "camp.pdf"
    build_brochure(folder, out, BuildOptions(cache_dir=None, jobs=1))
    headings = iter(_headings_in_order(out))
    tagged_h2: set[str] = set()
    untagged_h2: set[str] = set()
    with pikepdf.open(out) as pdf:
        assert str(pdf.Root.Lang).startswith("en")
        german_entries = [e for e in elements(pdf)
                          if e.S == "/TOCI" and str(e.get("/Lang", "")).startswith("de")]
        assert len(german_entries) == len(others)  # their contents entries too
        for e in elements(pdf):
            if e.S in ("/H1", "/H2"):
                text = next(headings)
                if e.S == "/H2":
                    (tagged_h2 if str(e.get("/Lang", "")).startswith("de")
                     else untagged_h2).add(text)
    # pdfinfo gives a heading's first line (cut where a long title wraps), with the
    # brochure's quotation marks and dashes: compared as squash() leaves them.
    assert len(tagged_h2) == len(others)
    titles = {squash(t) for t in others}
    assert all(any(title.startswith(squash(h)) for title in titles) for h in tagged_h2)
    assert not titles & {squash(h) for h in untagged_h2}


def test_a_language_babel_does_not_know_is_dropped_with_a_warning(tmp_path: Path) -> None:
    from tests.test_import import frab, talk

    source = tmp_path / "schedule.json"
    source.write_text(json.dumps(frab([
        talk("Keynote", "2024-05-10T10:00:00+02:00", language="en"),
        talk("Closing", "2024-05-10T11:00:00+02:00", language="en"),
        talk("Vortrag", "2024-05-10T12:00:00+02:00", language="DE-de"),
        talk("Exposé", "2024-05-10T13:00:00+02:00", language="french"),
        talk("Same, other spelling", "2024-05-10T14:00:00+02:00", language="EN-us"),
    ])))
    result = import_schedule(source, tmp_path / "event")
    written = yaml.safe_load((tmp_path / "event" / "event.yaml").read_text(encoding="utf-8"))
    assert written["lang"] == "en"
    assert {t["title"]: t.get("lang") for t in written["talks"]} == {
        "Keynote": None, "Closing": None, "Vortrag": "de-DE", "Exposé": None,
        "Same, other spelling": None}
    [warning] = [str(w) for w in result.warnings if "french" in str(w)]
    assert "schedule.conference.days[0].rooms.Saal 1[3]" in warning and "Exposé" in warning
    assert validate_event(tmp_path / "event").event.talks[2].lang == "de-DE"


def test_update_writes_lang_against_the_file_s_own_language(tmp_path: Path) -> None:
    from tests.test_import import frab, talk

    source = tmp_path / "schedule.json"
    source.write_text(json.dumps(frab([
        talk("Keynote", "2024-05-10T10:00:00+02:00", language="en"),
        talk("Closing", "2024-05-10T11:00:00+02:00", language="en"),
        talk("Vortrag", "2024-05-10T12:00:00+02:00", language="de")])))
    folder = tmp_path / "event"
    import_schedule(source, folder)
    yaml_file = folder / "event.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace(
        "lang: en ", "lang: de ", 1), encoding="utf-8")  # the organiser's choice
    import_schedule(source, folder, update=True)
    written = yaml.safe_load(yaml_file.read_text(encoding="utf-8"))
    assert written["lang"] == "de"
    assert {t["title"]: t.get("lang") for t in written["talks"]} == {
        "Keynote": "en", "Closing": "en", "Vortrag": None}


def test_schedule_xml_s_language_element_is_read_too(tmp_path: Path) -> None:
    # FOSDEM 2026 holds English talks only: one of them, declared German here, is the
    # only one to get `lang:`.
    text = (IMPORTS / "frab_xml/fosdem-2026-excerpt.xml").read_text(encoding="utf-8")
    first, rest = text.split("<language>en</language>", 1)
    title = " ".join(first.rsplit("<title>", 1)[1].split("</title>", 1)[0].split())
    source = tmp_path / "schedule.xml"
    source.write_text(first + "<language>de</language>" + rest, encoding="utf-8")
    import_schedule(source, tmp_path / "event")
    event = validate_event(tmp_path / "event").event
    assert event.lang == "en"
    assert [(t.title, t.lang) for t in event.talks if t.lang] == [(title, "de")]
