"""The YAML loader: what people type, positions, and refusing hostile files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dokureport.core.errors import InputError
from dokureport.event.load import MAX_BYTES, Loaded, format_path, load_yaml, parse_when


def load(tmp_path: Path, text: str | bytes) -> Loaded:
    path = tmp_path / "event.yaml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return load_yaml(path)


def refused(tmp_path: Path, text: str | bytes) -> str:
    with pytest.raises(InputError) as info:
        load(tmp_path, text)
    assert len(info.value.problems) == 1
    return str(info.value.problems[0])


def test_times_stay_times_not_base_60(tmp_path: Path) -> None:
    data = load(tmp_path, "a: 9:00\nb: 12:00\nc: 12:00:30\nd: 190:20\ne: 1:30.5\n").data
    assert data == {"a": "9:00", "b": "12:00", "c": "12:00:30", "d": "190:20", "e": "1:30.5"}


def test_dates_and_datetimes_as_typed(tmp_path: Path) -> None:
    data = load(tmp_path, "a: 2019-10-29\nb: 2019-10-29 12:00\nc: 2019-10-29T12:00:30\n"
                "d: 2019-10-29   9:05\ne: 2019-02-30\nf: '2019-10-29'\n").data
    assert data["a"] == dt.date(2019, 10, 29)
    assert data["b"] == dt.datetime(2019, 10, 29, 12, 0)
    assert data["c"] == dt.datetime(2019, 10, 29, 12, 0, 30)
    assert data["d"] == dt.datetime(2019, 10, 29, 9, 5)
    assert data["e"] == "2019-02-30"  # impossible: kept as text for validation to name
    assert data["f"] == "2019-10-29"  # quoted: text (validation still reads it as a date)


def test_time_zone_offsets(tmp_path: Path) -> None:
    assert parse_when("2019-10-29 12:00 +01:00") == dt.datetime(
        2019, 10, 29, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert parse_when("2019-10-29T12:00Z").tzinfo is dt.UTC
    assert parse_when("29.10.2019") is None


def test_numbers_booleans_null_still_work(tmp_path: Path) -> None:
    data = load(tmp_path, "a: 1\nb: 1.5\nc: true\nd: ~\ne: 0x10\nf: 1_000\ng: =\n").data
    assert data == {"a": 1, "b": 1.5, "c": True, "d": None, "e": 16, "f": 1000, "g": "="}


def test_source_text_is_kept(tmp_path: Path) -> None:
    loaded = load(tmp_path, "phone: 0401234\nyear: 2019\n")
    assert loaded.data["phone"] == 0o401234  # YAML 1.1 octal …
    assert loaded.source.texts[("phone",)] == "0401234"  # … but what was typed is known


def test_positions_of_keys_and_values(tmp_path: Path) -> None:
    loaded = load(tmp_path, "title: x\ntalks:\n  - id: a\n    speakers:\n      - name: Eva\n")
    source = loaded.source
    assert source.values[("title",)] == (1, 8)
    assert source.values[("talks", 0)] == (3, 5)
    assert source.values[("talks", 0, "speakers", 0, "name")] == (5, 15)
    assert source.keys[("talks", 0, "speakers", 0, "name")] == (5, 9)
    # A key that is not there points at its mapping.
    assert source.where(("talks", 0, "speakers", 0, "role")) == (5, 9)
    assert str(source.problem(("talks", 0, "title"), "required")) == (
        "event.yaml:3:5: talks[0].title: required")


def test_format_path() -> None:
    assert format_path(("talks", 2, "speakers", 0, "name")) == "talks[2].speakers[0].name"
    assert format_path(()) == ""
    assert format_path(("a\nb",)) == "a\\nb"


def test_duplicate_keys_are_errors_with_positions(tmp_path: Path) -> None:
    loaded = load(tmp_path, "title: a\nevent:\n  start: 1\n  start: 2\ntitle: b\n")
    assert sorted(str(p) for p in loaded.problems) == [
        "event.yaml:4:3: event.start: duplicate key `start` (first at line 3): only one is allowed",
        "event.yaml:5:1: title: duplicate key `title` (first at line 1): only one is allowed",
    ]
    assert loaded.data["title"] == "b"


def test_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    loaded = load(tmp_path, "a: &x {k: 1, l: 2}\nb:\n  <<: *x\n  l: 3\n")
    assert loaded.problems == []
    assert loaded.data["b"] == {"k": 1, "l": 3}
    assert loaded.source.values[("b", "l")] == (4, 6)


def test_aliases_are_copies(tmp_path: Path) -> None:
    data = load(tmp_path, "a: &x [1]\nb: *x\n").data
    data["a"].append(2)
    assert data["b"] == [1]


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['true']",
                                 "!!python/name:os.system", "!!binary aGk=", "!!set {a}",
                                 "!custom x"])
def test_tags_beyond_plain_data_are_refused(tmp_path: Path, tag: str) -> None:
    loaded = load(tmp_path, f"title: {tag}\n")
    assert loaded.data == {"title": None}
    assert len(loaded.problems) == 1
    assert "is not allowed" in str(loaded.problems[0])
    assert str(loaded.problems[0]).startswith("event.yaml:1:8: title: YAML tag")


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    # How fast it is refused is measured in benchmarks/bench_hostile.py.
    message = refused(tmp_path, "\n".join(lines) + "\n")
    assert "billion laughs" in message


def test_recursive_alias(tmp_path: Path) -> None:
    loaded = load(tmp_path, "a: &x [*x]\n")
    assert [str(p) for p in loaded.problems] == [
        "event.yaml:1:4: a[0]: refers to itself (recursive alias)"]


def test_deep_nesting(tmp_path: Path) -> None:
    assert refused(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n") == (
        "event.yaml:1:43: is nested more than 40 levels deep: not an event file")
    # Aliases can nest what the composer saw as shallow.
    text = "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 30))
    loaded = load(tmp_path, "a0: &a0 [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]\n" + text)
    assert "nested too deeply" in str(loaded.problems[0])


@pytest.mark.parametrize(("raw", "message"), [
    ("title: Gro\xdf\n".encode("latin-1"),
     "event.yaml:1:11: is not UTF-8 text (byte 0xdf here; saved as Latin-1/Windows-1252?): "
     "save it as UTF-8"),
    (b"PK\x03\x04\x14\x00\x00\x00", "event.yaml: is a binary file, not YAML text"),
    (b"", "event.yaml: is empty: it needs at least `title:` and `event:`"),
    (b"# only a comment\n", "event.yaml: is empty: it needs at least `title:` and `event:`"),
    (b"a: 1\n---\nb: 2\n",
     "event.yaml:2:1: YAML syntax: a second document (`---`); put everything in one"),
    (b"a:\n\tb: 1\n", "event.yaml:2:1: YAML syntax: a tab character; indent with spaces"),
    (b"title: a: b\n", "event.yaml:1:9: YAML syntax: mapping values are not allowed here; "
     "a value with `: ` in it needs quotes"),
    (b"a: \x07\n", "event.yaml:1:4: contains the control character U+0007, "
     "which YAML does not allow"),
    (b"a: *nowhere\n", "event.yaml:1:4: YAML syntax: found undefined alias 'nowhere'"),
])
def test_unreadable_files_are_named(tmp_path: Path, raw: bytes, message: str) -> None:
    assert refused(tmp_path, raw) == message


def test_utf8_bom_and_utf16_are_read(tmp_path: Path) -> None:
    assert load(tmp_path, "\ufefftitle: Größe\r\n".encode()).data == {"title": "Größe"}
    assert load(tmp_path, "title: Größe\n".encode("utf-16")).data == {"title": "Größe"}


def test_size_is_capped(tmp_path: Path) -> None:
    assert "larger than 5 MB" in refused(tmp_path, b"#" * (MAX_BYTES + 1))


def test_not_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").mkdir()
    with pytest.raises(InputError, match="is not a regular file"):
        load_yaml(tmp_path / "event.yaml")
