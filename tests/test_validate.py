"""Validation: the model with source positions, cross-key checks, files, warnings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image

from dokureport.core.errors import InputError
from dokureport.event.model import Event
from dokureport.validate import ValidatedEvent, validate_event

FULL = """\
title: Dokumentation
event:
  start: 2019-10-29 12:00
  end: 2019-10-31
  venue:
    name: Halle
    address: |
      Emscherstraße 71
      47137 Duisburg
organiser:
  name: Stiftung
  logo: logo.png
agenda:
  - date: 2019-10-29
    items:
      - time: 9:00
        end: 12:00
        title: 12:00
        people: Thomas Krützberg
        talk: t1
      - {time: 9.30, title: yes}
talks:
  - id: t1
    title: Vortrag
    slides: slides/t1.pdf
  - id: t2
    title: Zweiter
    slides: https://example.org/t2.pdf
photos:
  items:
    - file: photos/01.jpg
      caption: Eins
      cover: true
    - file: photos/02.jpg
contacts:
  - name: Max
    phone: 0401234
    email: max@example.org
    photo: max.png
"""


def image(path: Path, size: tuple[int, int] = (40, 30)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 100, 50)).save(path)


@pytest.fixture
def full(tmp_path: Path) -> Path:
    (tmp_path / "event.yaml").write_text(FULL, encoding="utf-8")
    for name in ("logo.png", "photos/01.jpg", "photos/02.jpg", "max.png"):
        image(tmp_path / name)
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "t1.pdf").write_bytes(b"%PDF-1.4\n")
    return tmp_path


def errors(folder: Path, text: str | None = None, **kwargs: bool) -> list[str]:
    if text is not None:
        (folder / "event.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        validate_event(folder, **kwargs)
    return [str(p) for p in info.value.problems]


def test_full_event(full: Path) -> None:
    result = validate_event(full)
    assert isinstance(result, ValidatedEvent)
    event = result.event
    assert isinstance(event, Event)
    assert result.source == full / "event.yaml"
    assert event.folder == full.resolve()
    assert event.event.start == dt.datetime(2019, 10, 29, 12, 0)
    assert event.event.end == dt.date(2019, 10, 31)
    assert event.event.venue.address == ("Emscherstraße 71", "47137 Duisburg")
    first, second = event.agenda[0].items
    assert (first.time, first.end, first.title) == (dt.time(9), dt.time(12), "12:00")
    assert first.people == ("Thomas Krützberg",)
    assert (second.time, second.title) == (dt.time(9, 30), "yes")
    assert event.contacts[0].phone == "0401234"
    # Every file absolute and inside the folder; slides stay a str.
    assert event.organiser.logo == full.resolve() / "logo.png"
    assert event.photos.items[0].file == full.resolve() / "photos/01.jpg"
    assert event.contacts[0].photo == full.resolve() / "max.png"
    assert event.talks[0].slides == str(full.resolve() / "slides/t1.pdf")
    assert event.talks[1].slides == "https://example.org/t2.pdf"
    assert event.talks[1].slides_url == "https://example.org/t2.pdf"
    assert [str(w) for w in result.warnings] == [
        "event.yaml:26:5: talks[1]: the talk “Zweiter” is in no agenda item "
        "(name its id in an item's `talk:`)",
        "event.yaml:31:7: photos.items[0]: no `alt` text: screen readers get the caption as "
        "the photo's description",
        "event.yaml:34:7: photos.items[1]: the photo 'photos/02.jpg' has neither a caption "
        "nor an `alt` text: nothing describes it",
    ]


def test_the_yaml_file_itself_may_be_named(full: Path) -> None:
    assert validate_event(full / "event.yaml").event.title == "Dokumentation"


def test_no_event_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no event\.yaml in the folder"):
        validate_event(tmp_path)
    with pytest.raises(InputError, match="not found"):
        validate_event(tmp_path / "nope.yaml")


def test_missing_key_points_at_its_mapping(tmp_path: Path) -> None:
    text = "title: x\nevent:\n  start: 2019-10-29\ntalks:\n  - title: a\n    speakers:\n" \
           "      - role: Chefin\n"
    assert errors(tmp_path, text) == ["event.yaml:7:9: talks[0].speakers[0].name: required"]


def test_plain_messages(tmp_path: Path) -> None:
    text = ("title:\nlang: xx\nevent:\n  start: soon\n  venue: [a]\n"
            "agenda:\n  - date: 2019-10-29\n    items:\n      - time: 930\n        title: x\n"
            "photos:\n  items: {file: a}\n")
    assert errors(tmp_path, text) == [
        "event.yaml:1:7: title: is empty",
        "event.yaml:2:7: lang: not a language Babel knows: 'xx' (e.g. de, en, fr, it, pt-BR)",
        "event.yaml:4:10: event.start: not a date: 'soon' (write 2019-10-29 or 2019-10-29 12:00)",
        "event.yaml:5:10: event.venue: must be a mapping (indented `key: value` lines), not a list",
        "event.yaml:9:15: agenda[0].items[0].time: not a time: '930' (write 9:00 or 13:30)",
        "event.yaml:12:10: photos.items: must be a list (lines starting with `- `), "
        "not a mapping (key: value lines)",
    ]


def test_unknown_keys_suggest(tmp_path: Path) -> None:
    text = "Title: x\nevent:\n  start: 2019-10-29\n  strat: 1\nstart: 2\nfoo: 3\n"
    assert errors(tmp_path, text) == [
        "event.yaml:1:1: Title: unknown key `Title` (did you mean `title`?)",
        "event.yaml:1:1: title: required",
        "event.yaml:4:3: event.strat: unknown key `strat` (did you mean `start`?)",
        "event.yaml:5:1: start: unknown key `start` (`start` belongs under `event`)",
        "event.yaml:6:1: foo: unknown key `foo`; known keys here: format, lang, title, subtitle, "
        "event, organiser, intro, agenda, talks, photos, videos, contacts, chapters, partners, "
        "theme, labels, print, privacy",
    ]


def test_cross_checks(tmp_path: Path) -> None:
    text = """\
title: x
event:
  start: 2019-10-29 12:00
  end: 2019-10-29 10:00
agenda:
  - date: 2019-10-30
    items:
      - {time: 10:00, end: 9:00, title: a, talk: t3}
talks:
  - {id: t1, title: a}
  - {id: t1, title: b}
"""
    assert errors(tmp_path, text) == [
        "event.yaml:4:8: event.end: ends before it starts (2019-10-29 12:00)",
        "event.yaml:6:11: agenda[0].date: 2019-10-30 is not a day of the event (2019-10-29)",
        "event.yaml:8:28: agenda[0].items[0].end: ends before it starts (10:00)",
        "event.yaml:8:50: agenda[0].items[0].talk: no talk has the id `t3`",
        "event.yaml:11:10: talks[1].id: the id `t1` is already used by talks[0]",
    ]


def test_date_only_end_covers_the_day(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text(
        "title: x\nevent:\n  start: 2019-10-29 12:00\n  end: 2019-10-29\n"
        "agenda:\n  - date: 2019-10-29\n")
    assert validate_event(tmp_path).warnings == ()


def test_an_end_without_a_time_zone_compares_with_a_start_that_has_one(tmp_path: Path
                                                                       ) -> None:
    # 12:00 +02:00 is 10:00 UTC; an end of 12:30 without a zone is read as UTC, so the
    # event lasts 2½ hours: valid, and no warning.
    (tmp_path / "event.yaml").write_text(
        "title: x\nevent:\n  start: 2019-10-29 12:00 +02:00\n  end: 2019-10-29 12:30\n")
    result = validate_event(tmp_path)
    assert result.warnings == ()
    assert result.event.event.start.utcoffset() == dt.timedelta(hours=2)
    # And an end that is earlier once both are in UTC is refused.
    (tmp_path / "event.yaml").write_text(
        "title: x\nevent:\n  start: 2019-10-29 12:00 -02:00\n  end: 2019-10-29 12:30\n")
    with pytest.raises(InputError, match=r"event\.end: .*before"):
        validate_event(tmp_path)


def test_links(tmp_path: Path) -> None:
    text = """\
title: x
event: {start: 2019-10-29}
intro: "[a](https://ok.org) [b](mailto:a@b.de) [c](http://ok.org/x_(y)) [d](ftp://x.org)"
videos:
  - {title: v, url: "https://example.org/a b"}
  - {title: w, url: "//example.org"}
contacts:
  - {name: n, email: "mailto:a@b.de"}
  - {name: m, email: "a@b"}
"""
    # [d](ftp://…) in text is printed as typed (a warning, see test_links.py); link fields refuse.
    assert errors(tmp_path, text) == [
        "event.yaml:5:21: videos[0].url: 'https://example.org/a b' contains a space, <, > or \"; "
        "write them as %20, %3C, %3E, %22",
        "event.yaml:6:21: videos[1].url: '//example.org' is not a web address: "
        "only http:// or https:// links are allowed",
        "event.yaml:9:22: contacts[1].email: not an e-mail address: 'a@b'",
    ]


def test_script_links_in_text_are_text_but_link_fields_refuse_them(tmp_path: Path) -> None:
    text = "title: 'JavaScript:void(0)'\nevent: {start: 2019-10-29}\n" \
           "talks:\n  - {title: a, slides: 'file:///etc/passwd'}\n" \
           "subtitle: 'a javascript : b, the file: x <script>alert(1)</script>'\n"
    assert errors(tmp_path, text) == [
        "event.yaml:4:24: talks[0].slides: 'file:///etc/passwd' is not a web address: "
        "only http:// or https:// links are allowed",
    ]


def test_paths_stay_inside(full: Path) -> None:
    outside = full.parent / f"{full.name}-outside.png"
    image(outside)
    (full / "photos" / "link.png").symlink_to(outside)
    text = FULL.replace("logo.png", "../x.png").replace("photos/02.jpg", "photos/link.png") \
        .replace("max.png", str(outside)).replace("slides/t1.pdf", "slides/../../t1.pdf")
    found = errors(full, text)
    assert found == [
        "event.yaml:12:9: organiser.logo: '../x.png' leaves the event folder (`..`); "
        "only files inside it are used",
        "event.yaml:25:13: talks[0].slides: 'slides/../../t1.pdf' leaves the event folder (`..`); "
        "only files inside it are used",
        "event.yaml:34:13: photos.items[1].file: 'photos/link.png' is a symbolic link that leads "
        "outside the event folder; only files inside it are used",
        f"event.yaml:39:12: contacts[0].photo: {str(outside)!r} is an absolute path outside the "
        "event folder; only files inside it are used",
    ]
    # Trusted local use: outside is fine, missing is still missing.
    found = errors(full, allow_outside=True)
    assert found == [
        "event.yaml:12:9: organiser.logo: file not found: '../x.png'",
        "event.yaml:25:13: talks[0].slides: file not found: 'slides/../../t1.pdf'",
    ]


def test_absolute_path_inside_is_fine(full: Path) -> None:
    text = FULL.replace("logo.png", str(full / "logo.png"))
    (full / "event.yaml").write_text(text)
    assert validate_event(full).event.organiser.logo == full.resolve() / "logo.png"


def test_file_problems(full: Path) -> None:
    (full / "photos" / "02.jpg").write_bytes(b"GIF89a broken")  # a GIF signature, then junk
    (full / "max.png").unlink()
    (full / "Max.PNG").write_bytes((full / "logo.png").read_bytes())
    found = errors(full)
    assert len(found) == 2
    assert found[0].startswith(
        "event.yaml:34:13: photos.items[1].file: 'photos/02.jpg' is not an image")
    assert found[1] == (
        "event.yaml:39:12: contacts[0].photo: file not found: 'max.png' (did you mean 'Max.PNG'?)")


def test_focus_range(full: Path) -> None:
    text = FULL.replace("      cover: true\n", "      cover: true\n      focus: [0.5, 2]\n")
    assert errors(full, text) == [
        "event.yaml:34:14: photos.items[0].focus: must be two numbers between 0 and 1, "
        "e.g. [0.5, 0.3]"]


def test_one_message_per_bad_value(tmp_path: Path) -> None:
    text = "title: !!python/object:os.system x\nevent: {start: 2019-10-29}\n"
    assert errors(tmp_path, text) == [
        "event.yaml:1:8: title: YAML tag `!!python/object:os.system` is not allowed; "
        "only plain text, numbers, dates, lists and mappings"]


def test_problems_are_sorted_by_position(tmp_path: Path) -> None:
    text = "talks:\n  - {id: a}\n  - {id: a}\ntitle: 5\nevent: {end: x}\n"
    found = errors(tmp_path, text)
    lines = [int(p.split(":")[1]) for p in found]
    assert lines == sorted(lines)


def test_empty_sections_mean_absent(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text(
        "title: x\nevent: {start: 2019-10-29}\nagenda:\nphotos:\ntalks:\nlang:\nsubtitle:\n")
    event = validate_event(tmp_path).event
    assert (event.agenda, event.talks, event.lang, event.subtitle) == ((), (), "de", None)
    assert errors(tmp_path, "title:\nevent: {start: 2019-10-29}\n") == [
        "event.yaml:1:7: title: is empty"]


def test_a_photo_with_an_alt_text_needs_no_caption(full: Path) -> None:
    # A gallery of "impressions" has photos without captions: an alt text describes them.
    text = FULL.replace("    - file: photos/02.jpg\n",
                        "    - file: photos/02.jpg\n      alt: Eine Ziegelmauer\n")
    (full / "event.yaml").write_text(text, encoding="utf-8")
    result = validate_event(full)
    assert not [w for w in result.warnings if w.key_path.startswith("photos.items[1]")]
    assert result.notes == ()


def test_a_caption_without_alt_describes_the_photo_with_a_warning(full: Path) -> None:
    text = FULL.replace("      caption: Eins\n", "      caption: Eins\n      alt: Eins\n")
    text = text.replace("    - file: photos/02.jpg\n",
                        "    - file: photos/02.jpg\n      caption: Zwei\n      alt: ' '\n")
    (full / "event.yaml").write_text(text, encoding="utf-8")
    # A blank alt text is no alt text: the caption stands in for it, and the user hears so.
    warned = [w for w in validate_event(full).warnings if w.key_path.startswith("photos")]
    assert [(w.key_path, w.code) for w in warned] == [("photos.items[1]", "alt-from-caption")]
    assert warned[0].message == ("no `alt` text: screen readers get the caption as the "
                                 "photo's description")
    (full / "event.yaml").write_text(text.replace("      alt: ' '\n", "      alt: Zwei\n"),
                                     encoding="utf-8")
    assert not [w for w in validate_event(full).warnings if w.key_path.startswith("photos")]


def test_a_folder_of_photos_is_resolved_once_not_per_photo(
        full: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Forty photos in one folder: each file is looked at once, not every folder on its
    way (a warm build of 300 photos spent 1,500 lstat calls there). A photo that is a
    link inside the folder still names its target; one leading outside is still refused."""
    import os

    for i in range(3, 43):
        image(full / "photos" / f"{i:02}.jpg")
    (full / "photos" / "42.jpg").unlink()
    (full / "photos" / "42.jpg").symlink_to(full / "photos" / "01.jpg")
    listed = "".join(f"    - file: photos/{i:02}.jpg\n" for i in range(3, 43))
    text = FULL.replace("    - file: photos/02.jpg\n", "    - file: photos/02.jpg\n" + listed)
    (full / "event.yaml").write_text(text, encoding="utf-8")
    looked: list[str] = []
    lstat = os.lstat
    monkeypatch.setattr(os, "lstat", lambda p, *a, **k: looked.append(os.fspath(p))
                        or lstat(p, *a, **k))
    photos = validate_event(full).event.photos.items
    in_photos = [p for p in looked if "photos" in Path(p).parts]
    # One per photo, the folder once, the link resolved the usual way (four more).
    assert len(in_photos) <= 42 + 5
    real = full.resolve() / "photos"
    assert [p.file for p in photos][-2:] == [real / "41.jpg", real / "01.jpg"]

    outside = full.parent / f"{full.name}-outside.jpg"
    image(outside)
    (full / "photos" / "42.jpg").unlink()
    (full / "photos" / "42.jpg").symlink_to(outside)
    assert errors(full) == [
        "event.yaml:74:13: photos.items[41].file: 'photos/42.jpg' is a symbolic link that "
        "leads outside the event folder; only files inside it are used"]
