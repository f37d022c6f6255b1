"""libyaml parses event files for speed; every file reads exactly as PyYAML's own parser
reads it: the same data, positions, source texts, problems and error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import dokureport.event.load as load
from dokureport.core.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
# Every event, theme and starter file the project ships or tests with, hostile ones included.
FILES = sorted(p for pattern in ("tests/**/*.yaml", "examples/**/*.yaml", "src/**/*.yaml")
               for p in ROOT.glob(pattern))

# Where the two parsers are known to differ, or could: tabs, escapes, odd characters,
# keys, flow collections, documents and directives.
SNIPPETS = {
    "tab indent": "title: a\nevent:\n\tstart: 2019-01-01\n",
    "tab after a colon": "title:\ta\n",
    "tab between words": "title: a\tb\n",
    "line separator": "title: a\u2028b\n",
    "next line": "title: a\x85b\n",
    "BOM inside": "title: a\ufeffb\n",
    "CR LF": "title: a\r\nevent:\r\n  start: 2019-01-01\r\n",
    "CR only": "title: a\revent: b\r",
    "long key": "k" * 1100 + ": v\n",
    "flow": "a: {b: [1, 2, {c: d}], e: f}\n",
    "flow colon": "a: [b:c, d: e]\n",
    "trailing comma": "a: [1, 2,]\n",
    "merge": "x: &x {a: 1}\ny:\n  <<: *x\n  b: 2\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "directive 1.2": "%YAML 1.2\n---\na: 1\n",
    "python tag": "a: !!python/object:os.system x\n",
    "local tag": "a: !foo x\n",
    "escapes": 'a: "\\x41\\U0001F600\\L\\P\\_\\N\\0"\n',
    "unknown escape": 'a: "\\q"\n',
    "lone surrogate escape": 'a: "\\ud800"\n',
    "literal block": "a: |\n  x\n   y\n  z\nb: 1\n",
    "kept folded block": "a: >+\n  x\n\n  y\n\n",
    "complex key": "? [a, b]\n: c\n",
    "undefined alias": "a: *nope\n",
    "indentation": "a:\n  b: 1\n c: 2\n",
    "quoted over lines": 'a: "x\n  y"\n',
    "reserved character": "a: @b\n",
    "C1 control": "a: \x80\n",
    "deep flow": "a: " + "[" * 50 + "]" * 50 + "\n",
    "times and numbers": "a: 2019-10-29 12:00\nb: 12:00\nc: 1e3\nd: 0o7\n",
}


def read(path: Path, loader_class: type) -> tuple[Any, ...]:
    try:
        loaded = load._parse(path, load.read_text(path), loader_class)
    except InputError as exc:
        return ("refused", [str(problem) for problem in exc.problems])
    return ("read", loaded.data, loaded.source.values, loaded.source.keys,
            loaded.source.texts, [str(problem) for problem in loaded.problems])


def both_ways(path: Path) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """What load_yaml gives, and what PyYAML's parser alone gives."""
    try:
        loaded = load.load_yaml(path)
    except InputError as exc:
        fast: tuple[Any, ...] = ("refused", [str(problem) for problem in exc.problems])
    else:
        fast = ("read", loaded.data, loaded.source.values, loaded.source.keys,
                loaded.source.texts, [str(problem) for problem in loaded.problems])
    return fast, read(path, load._Loader)


def test_libyaml_is_there_to_be_used() -> None:
    # PyYAML's wheels bring it; without it the build is right but slower.
    assert load.CParser is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_and_hostile_file_reads_the_same(path: Path) -> None:
    fast, pure = both_ways(path)
    assert fast == pure


@pytest.mark.parametrize("name", SNIPPETS)
def test_tricky_yaml_reads_the_same(name: str, tmp_path: Path) -> None:
    path = tmp_path / "event.yaml"
    path.write_text(SNIPPETS[name], encoding="utf-8")
    fast, pure = both_ways(path)
    assert fast == pure


def test_an_event_is_parsed_by_libyaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[str] = []
    real = load._parse
    monkeypatch.setattr(load, "_parse", lambda path, text, cls: (used.append(cls.__name__),
                                                                  real(path, text, cls))[1])
    path = tmp_path / "event.yaml"
    path.write_text("title: Fachtag\nevent:\n  start: 2019-10-29\n", encoding="utf-8")
    assert load.load_yaml(path).data["event"]["start"].year == 2019
    assert used == ["_FastLoader"]


def test_a_file_libyaml_refuses_is_worded_by_pythons_parser(tmp_path: Path) -> None:
    path = tmp_path / "event.yaml"
    path.write_text("title: Fachtag\nevent: [\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load.load_yaml(path)
    fast = [str(problem) for problem in info.value.problems]
    assert fast == read(path, load._Loader)[1]
    assert read(path, load._FastLoader)[1] != fast  # libyaml words it otherwise


def test_a_tab_between_words_is_still_refused(tmp_path: Path) -> None:
    # libyaml would take it; the contract is what PyYAML's parser says.
    path = tmp_path / "event.yaml"
    path.write_text("title:\tFachtag\n", encoding="utf-8")
    with pytest.raises(InputError, match="a tab character"):
        load.load_yaml(path)
