"""`publish: false` leaves a talk, photo or contact out of every output; speakers'
e-mail addresses are printed only when the event allows it."""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber

from dokureport.cli import cli
from tests.conftest import minimal_event
from tests.helpers import pdftotext


def _event(**extra: object) -> dict:
    return minimal_event(
        talks=[{"id": "offen", "title": "Öffentlicher Vortrag",
                "speakers": [{"name": "Ada Offen", "email": "ada@example.org"}]},
               {"id": "privat", "title": "Zurückgezogener Vortrag", "publish": False,
                "speakers": [{"name": "Bea Privat"}]}],
        agenda=[{"date": "2024-03-05", "items": [
            {"time": "9:00", "title": "Programmpunkt Offen", "talk": "offen"},
            {"time": "10:00", "title": "Programmpunkt Privat", "talk": "privat"}]}],
        photos={"items": [{"file": "photos/01.jpg", "caption": "Sichtbares Foto"},
                          {"file": "photos/02.jpg", "caption": "Verborgenes Foto",
                           "publish": False}]},
        contacts=[{"name": "Eva Sichtbar"}, {"name": "Max Verborgen", "publish": False}],
    ) | extra


def test_unpublished_items_are_in_no_output_and_counted(make_event, tmp_path: Path,
                                                        runner) -> None:
    folder = make_event(_event(), ("01.jpg", "02.jpg"))
    out = tmp_path / "b.pdf"
    result = runner.invoke(cli, ["build", str(folder), "-o", str(out), "--target", "all",
                                 "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.stderr
    for pdf in (out, tmp_path / "b-print.pdf"):
        text = pdftotext(pdf)
        assert "Öffentlicher Vortrag" in text and "Eva Sichtbar" in text
        assert "Sichtbares Foto" in text
        for hidden in ("Zurückgezogener Vortrag", "Bea Privat", "Verborgenes Foto",
                       "Max Verborgen"):
            assert hidden not in text
        with pdfplumber.open(pdf) as doc:
            assert sum(len(p.images) for p in doc.pages) == 1  # the published photo only
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["withheld"] == {"count": 3, "talks": ["talks[1]"],
                                  "photos": ["photos.items[1]"], "contacts": ["contacts[1]"],
                                  "speaker_emails": 1}
    assert {Path(p["file"]).name for p in report["photos"]} == {"01.jpg"}


def test_the_agenda_item_of_an_unpublished_talk_stays_without_its_link(
        make_event, tmp_path: Path, runner) -> None:
    folder = make_event(_event(), ("01.jpg", "02.jpg"))
    out = tmp_path / "b.pdf"
    assert runner.invoke(cli, ["build", str(folder), "-o", str(out)]).exit_code == 0
    with pdfplumber.open(out) as doc:
        page = next(p for p in doc.pages if "Programmpunkt Privat" in (p.extract_text() or ""))
        words = {w["text"]: w for w in page.extract_words()}
        links = [a for a in page.annots if a.get("data", {}).get("Dest")
                 or a.get("data", {}).get("A")]
        offen, privat = words["Offen"], words["Privat"]

        def linked(word: dict) -> bool:
            return any(a["top"] - 2 <= word["top"] <= a["bottom"] + 2 for a in links)

        assert linked(offen) and not linked(privat)


def test_speaker_emails_are_printed_only_when_the_event_allows(make_event, tmp_path: Path,
                                                               runner) -> None:
    folder = make_event(_event(), ("01.jpg", "02.jpg"))
    out = tmp_path / "b.pdf"
    assert runner.invoke(cli, ["build", str(folder), "-o", str(out)]).exit_code == 0
    assert "ada@example.org" not in pdftotext(out)
    folder = make_event(_event(privacy={"print_speaker_emails": True}), ("01.jpg", "02.jpg"),
                        name="allowed")
    assert runner.invoke(cli, ["build", str(folder), "-o", str(out)]).exit_code == 0
    assert "ada@example.org" in pdftotext(out)


def test_a_speaker_email_is_checked_like_a_contacts(make_event, runner) -> None:
    data = _event()
    data["talks"][0]["speakers"][0]["email"] = "keine adresse"
    result = runner.invoke(cli, ["validate", str(make_event(data, ("01.jpg", "02.jpg")))])
    assert result.exit_code == 2
    assert "talks[0].speakers[0].email: not an e-mail address" in result.stderr
