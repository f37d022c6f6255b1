"""`photos.folder`: a photographer's folder builds with no entry typed; its files' texts print."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pikepdf
import pytest
import yaml

from dokureport.event import photo_metadata
from dokureport.report import report_schema
from tests.conftest import captions_under_images, squash
from tests.helpers import invoke, pdftotext
from tests.test_accessibility import elements
from tests.test_photo_metadata import FIXTURES, dataset, jpeg, xmp_caption

# The fixtures made with exiftool (SOURCES.md), in the order they were taken.
TAKEN = ["camera-default.jpg", "iim-utf8.jpg", "alt-text.jpg", "iim-latin1.jpg"]
UNDATED = "exif-only.jpg"  # no DateTimeOriginal: after the dated ones


@pytest.fixture(autouse=True)
def _read_afresh() -> None:
    photo_metadata.forget()


@pytest.fixture
def event(tmp_path: Path) -> Callable[..., Path]:
    def make(photos: dict, files: tuple[str, ...] = (*TAKEN, UNDATED), lang: str = "de") -> Path:
        folder = tmp_path / "event"
        (folder / "photos").mkdir(parents=True, exist_ok=True)
        for name in files:
            shutil.copy(FIXTURES / name, folder / "photos" / name)
        data = {"lang": lang, "title": "Fotos", "event": {"start": "2019-10-29"},
                "photos": photos}
        (folder / "event.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                           encoding="utf-8")
        return folder
    return make


def figure_alts(pdf_path: Path) -> list[str]:
    with pikepdf.open(pdf_path) as pdf:
        return [str(e.Alt) for e in elements(pdf) if e.S == "/Figure"]


def build(folder: Path, *args: str) -> tuple[Path, str]:
    out = folder.parent / "out.pdf"
    code, _, err = invoke("build", str(folder), "-o", str(out), *args)
    assert code == 0, err
    return out, err


def test_a_folder_of_photos_builds_with_captions_credits_and_alt_from_the_files(
        event: Callable[..., Path]) -> None:
    out, _ = build(event({"folder": "photos"}))
    captions = [text for _, text in captions_under_images(out)]
    # In the order taken; numbered; caption then credit under each photo.
    assert [squash(c) for c in captions] == [squash(c) for c in [
        "1",  # SONY DSC is no caption
        "2 Podiumsgespräch „Zukunft“ – Jürgen Müller © Jürgen Müller",  # IPTC, UTF-8
        "3 Begrüßung im Foyer © Jana Fotografin/DKJS",  # XMP over IPTC, German
        "4 Kaffeepause im Café – Größe zählt © Renée Åberg",  # IPTC, Latin-1
        "5 Podium am Nachmittag © Erika Muster",  # EXIF
    ]]
    alts = figure_alts(out)
    assert "Eine runde gelbe Sonne über blauem Meer" in alts  # Iptc4xmpCore:AltTextAccessibility
    assert "Kaffeepause im Café – Größe zählt" in alts  # the caption stands in


def test_the_events_language_picks_the_xmp_alternative(event: Callable[..., Path]) -> None:
    out, _ = build(event({"folder": "photos"}, files=("alt-text.jpg",), lang="en"))
    assert squash(captions_under_images(out)[0][1]).startswith(squash("1 Welcome in the foyer"))
    assert "A round yellow sun over a blue sea" in figure_alts(out)


def test_typed_entries_override_and_exclude_single_files(event: Callable[..., Path],
                                                          tmp_path: Path) -> None:
    folder = event({"folder": "photos", "credit": "© Fallback", "items": [
        {"file": "photos/alt-text.jpg", "caption": "Typed caption wins"},
        {"file": "photos/iim-latin1.jpg", "publish": False},
    ]})
    report = tmp_path / "report.json"
    out, _ = build(folder, "--report", str(report))
    captions = [squash(text) for _, text in captions_under_images(out)]
    assert captions == [squash(c) for c in [
        "1 © Fallback",  # nothing in the file: the default credit
        "2 Podiumsgespräch „Zukunft“ – Jürgen Müller © Jürgen Müller",
        "3 Typed caption wins © Jana Fotografin/DKJS",  # still in its place by time
        "4 Podium am Nachmittag © Erika Muster",
    ]]
    assert "Eine runde gelbe Sonne über blauem Meer" in figure_alts(out)  # the file's alt stays
    data = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(data, report_schema())
    assert data["withheld"]["photos"] == ["photos.items[1]"]
    texts = {Path(p["file"]).name: p for p in data["photo_texts"]}
    assert list(texts) == ["camera-default.jpg", "iim-utf8.jpg", "alt-text.jpg",
                           "exif-only.jpg"]
    assert texts["alt-text.jpg"] == {
        "file": texts["alt-text.jpg"]["file"], "named": "photos.items[0]",
        "caption": "event.yaml", "credit": "xmp", "alt": "xmp", "title": "xmp"}
    assert texts["camera-default.jpg"]["credit"] == "photos.credit"
    assert texts["iim-utf8.jpg"]["named"] == "photos.folder"
    assert (texts["exif-only.jpg"]["caption"], texts["exif-only.jpg"]["alt"]) == ("exif", None)


def test_order_by_name(event: Callable[..., Path]) -> None:
    out, _ = build(event({"folder": "photos", "order": "name"},
                         files=("iim-utf8.jpg", "alt-text.jpg", "exif-only.jpg")))
    firsts = [squash(text)[1:8] for _, text in captions_under_images(out)]
    assert firsts == [squash(t)[:7] for t in ("Begrüßung", "Podium am", "Podiumsgespräch")]


def test_validate_says_where_the_texts_came_from_and_counts_missing_alt(
        event: Callable[..., Path]) -> None:
    folder = event({"folder": "photos"})
    (folder / "photos" / "notes.txt").write_text("not a photo")
    (folder / "photos" / "._IMG_0001.jpg").write_bytes(b"resource fork")  # macOS: hidden
    code, out, err = invoke("validate", str(folder))
    assert code == 0, err
    assert ("photo texts: 5 photos: caption 1 xmp, 2 iptc, 1 exif, 1 none; "
            "credit 1 xmp, 2 iptc, 1 exif, 1 none; alt 1 xmp, 4 none") in out
    assert "photos.folder: 4 photos without alt text" in err
    assert "1 of them has no caption either" in err
    code, out, _ = invoke("validate", str(folder), "--report", "-")
    data = json.loads(out)
    jsonschema.validate(data, report_schema())
    assert [p["alt"] for p in data["photo_texts"]] == [None, None, "xmp", None, None]


def test_an_event_without_folder_reads_no_metadata_unless_asked(
        event: Callable[..., Path]) -> None:
    items = [{"file": "photos/iim-utf8.jpg", "alt": "Podium"}]
    out, _ = build(event({"items": items}))
    assert squash(captions_under_images(out)[0][1]) == "1"  # as before: nothing typed
    out, _ = build(event({"items": items, "metadata": True}))
    assert squash(captions_under_images(out)[0][1]) == squash(
        "1 Podiumsgespräch „Zukunft“ – Jürgen Müller")
    # The one photo's credit is every photo's credit: printed once, in the imprint.
    assert squash("© Jürgen Müller") in squash(pdftotext(out))


def test_hostile_metadata_is_a_warning_naming_the_file_and_the_build_goes_on(
        event: Callable[..., Path]) -> None:
    folder = event({"folder": "photos"}, files=("alt-text.jpg",))
    photos = folder / "photos"
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    jpeg(photos / "bomb.jpg", xmp=xmp_caption("&b;", bomb))
    jpeg(photos / "charset.jpg",
         iptc=dataset(1, 90, b"\x1b%G") + dataset(2, 120, "Größe".encode("latin-1")))
    jpeg(photos / "control.jpg", iptc=dataset(2, 120, b"Bell\x07 rings"))
    out, err = build(folder)
    assert "photos/bomb.jpg': its XMP declares entities" in err
    assert "photos/charset.jpg': IPTC Caption-Abstract declares UTF-8 but is not" in err
    assert "photos/control.jpg': iptc 2:120 Caption-Abstract contains control characters" in err
    texts = " ".join(squash(t) for _, t in captions_under_images(out))
    assert squash("Größe") in texts and squash("Bell rings") in texts
    assert "aaaa" not in texts


def test_only_photos_inside_the_event_folder(event: Callable[..., Path], tmp_path: Path) -> None:
    folder = event({"folder": "../elsewhere"}, files=())
    code, _, err = invoke("validate", str(folder))
    assert code == 2 and "photos.folder: '../elsewhere' leaves the event folder" in err
    folder = event({"folder": "Photos"}, files=())
    code, _, err = invoke("validate", str(folder))
    assert code == 2 and "folder not found: 'Photos' (did you mean 'photos'?)" in err
    outside = tmp_path / "outside.jpg"
    shutil.copy(FIXTURES / "iim-utf8.jpg", outside)
    folder = event({"folder": "photos"}, files=("alt-text.jpg",))
    os.symlink(outside, folder / "photos" / "link.jpg")
    code, _, err = invoke("validate", str(folder))
    assert code == 2
    assert "'photos/link.jpg' is a symbolic link that leads outside the event folder" in err


def test_init_writes_the_folders_photos_with_their_metadata_as_comments(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    (folder / "photos").mkdir(parents=True)
    for name in (*TAKEN, UNDATED):
        shutil.copy(FIXTURES / name, folder / "photos" / name)
    code, _, err = invoke("init", str(folder), "--photos", "photos")
    assert code == 0, err
    text = (folder / "event.yaml").read_text(encoding="utf-8")
    assert not (folder / "photos" / "placeholder.jpg").exists()
    photos = yaml.safe_load(text)["photos"]
    assert photos["metadata"] is True
    assert [Path(p["file"]).name for p in photos["items"]] == [*TAKEN, UNDATED]
    assert photos["items"][0]["cover"] is True
    assert ("      # caption: Begrüßung im Foyer   # from xmp dc:description\n"
            "      # credit: © Jana Fotografin/DKJS   # from xmp photoshop:Credit\n"
            "      # alt: Eine runde gelbe Sonne über blauem Meer   # from xmp "
            "Iptc4xmpCore:AltTextAccessibility\n") in text
    # Uncommenting a line gives valid YAML that overrides the file.
    edited = text.replace("      # caption: Podium am", "      caption: Podium am")
    assert yaml.safe_load(edited)["photos"]["items"][4]["caption"] == "Podium am Nachmittag"
    code, out, err = invoke("validate", str(folder))
    assert code == 0, err
    assert "photo texts: 5 photos" in out


def test_watch_mode_watches_the_folder_for_photos_added_or_taken_out(
        event: Callable[..., Path]) -> None:
    from dokureport.validate import validate_event
    from dokureport.watch import watched_paths

    folder = event({"folder": "photos"}, files=("alt-text.jpg",)).resolve()
    watched = watched_paths(validate_event(folder, decode_images=False))
    assert folder / "photos" in watched
    assert folder / "photos" / "alt-text.jpg" in watched


def test_each_photos_metadata_is_read_once_per_build(event: Callable[..., Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[Path] = []
    real = photo_metadata._read
    monkeypatch.setattr(photo_metadata, "_read", lambda path, lang: read.append(path) or
                        real(path, lang))
    build(event({"folder": "photos", "items": [{"file": "photos/alt-text.jpg", "cover": True}]},
                lang="de"))
    assert sorted(p.name for p in read) == sorted([*TAKEN, UNDATED])
