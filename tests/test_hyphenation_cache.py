"""Parsed hyphenation patterns come from the user's cache; a bad cache only costs time."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pyphen
import pytest

from dokureport.text import patterns
from dokureport.text.hyphenation import PyphenHyphenator, TwoLevelHyphenator

GERMAN = Path(pyphen.LANGUAGES["de_DE"])
WORDS = ("bedarfsorientiert", "Armutsprävention", "Kinderarmutsbekämpfungsstrategie")


def _expected() -> list[str]:
    return [TwoLevelHyphenator(GERMAN, cache_folder=None).inserted(w) for w in WORDS]


def test_a_second_load_reads_the_cache_and_parses_nothing(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    first = TwoLevelHyphenator(GERMAN, cache_folder=tmp_path)
    files = sorted(p.name for p in (tmp_path / "hyphenation").iterdir())
    assert [f.rsplit("-", 1)[-1] for f in files] == ["compounds.pickle", "syllables.pickle"]
    assert all(f.startswith(f"v{patterns.PATTERN_CACHE_VERSION}-") for f in files)

    def no_parsing(text: bytes) -> None:
        raise AssertionError("parsed although the cache had the patterns")

    monkeypatch.setattr(patterns, "_parse", no_parsing)
    second = TwoLevelHyphenator(GERMAN, cache_folder=tmp_path)
    assert [second.inserted(w) for w in WORDS] == [first.inserted(w) for w in WORDS]
    assert second.inserted("bedarfsorientiert") == "bedarfs-ori-en-tiert"


def test_another_dictionary_content_gets_another_cache_entry(tmp_path: Path) -> None:
    one = patterns.cache_path(b"a", "whole", tmp_path)
    other = patterns.cache_path(b"b", "whole", tmp_path)
    assert one != other and one.parent == other.parent


def test_a_damaged_cache_file_is_parsed_anew(tmp_path: Path) -> None:
    TwoLevelHyphenator(GERMAN, cache_folder=tmp_path)
    for file in (tmp_path / "hyphenation").iterdir():
        file.write_bytes(file.read_bytes()[:100])
    again = TwoLevelHyphenator(GERMAN, cache_folder=tmp_path)
    assert [again.inserted(w) for w in WORDS] == _expected()


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo pwned > /dev/null",))


def test_a_cache_file_that_names_any_class_is_refused(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    data = GERMAN.read_bytes()
    path = patterns.cache_path(data, "whole", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps(({"ab": _Boom()}, 3)))
    called: list[str] = []
    monkeypatch.setattr(os, "system", lambda cmd: called.append(cmd))
    hyphenator = patterns.pyphen_for(data, "whole", data, left=2, right=2, folder=tmp_path)
    assert called == []
    assert len(hyphenator.hd.patterns) > 1000  # parsed from the dictionary instead


def test_an_unwritable_cache_folder_still_hyphenates(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    english = PyphenHyphenator(Path(pyphen.LANGUAGES["en_GB"]), cache_folder=blocked)
    plain = pyphen.Pyphen(lang="en_GB", left=3, right=3)
    assert english.inserted("hyphenation") == plain.inserted("hyphenation") == "hyphen-a-tion"
    assert blocked.is_file()


def test_the_cache_stores_each_distinct_pattern_value_once(tmp_path: Path) -> None:
    from dokureport.core import plain_cache

    TwoLevelHyphenator(GERMAN, cache_folder=tmp_path)
    compounds = next((tmp_path / "hyphenation").glob("*-compounds.pickle"))
    kept, _ = plain_cache.load(compounds)
    # Loaded back, equal values are still one object: fewer objects to make per build.
    assert len({id(value) for value in kept.values()}) < len(kept) / 10
    from dokureport.text.hyphenation import _level

    assert kept == patterns._plain(patterns._parse(_level(GERMAN.read_bytes(), 0)))


def test_a_cached_dictionary_level_is_not_even_cut_out_of_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dokureport.text import hyphenation

    TwoLevelHyphenator(GERMAN, cache_folder=tmp_path)

    def no_cutting(data: bytes, level: int) -> bytes:
        raise AssertionError("made a level's pattern text although the cache had it")

    monkeypatch.setattr(hyphenation, "_level", no_cutting)
    assert TwoLevelHyphenator(GERMAN, cache_folder=tmp_path).inserted(
        "bedarfsorientiert") == "bedarfs-ori-en-tiert"
