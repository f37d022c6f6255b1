"""Watch mode reads an edited event.yaml by parsing only the parts whose text changed
(event/reload.py), and what it reads is exactly what a full parse reads: the same data,
the same positions and source texts in the same order, the same problems, the same
refusal of bad input."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dokureport.core.errors import InputError
from dokureport.event import load, reload
from dokureport.validate import validate_event

ROOT = Path(__file__).resolve().parents[1]
EVENTS = sorted({*ROOT.glob("tests/**/event.yaml"), *ROOT.glob("data/**/event.yaml"),
                 *ROOT.glob("examples/**/event.yaml")})


@pytest.fixture(autouse=True)
def _keeping() -> Iterator[None]:
    reload.keep_between_builds()
    yield
    reload.keep_between_builds(False)


def read(path: Path, reader: Callable[[Path], load.Loaded]) -> tuple[Any, ...]:
    """All a read gives, positions in their order, or the problems it was refused with."""
    try:
        loaded = reader(path)
    except InputError as exc:
        return ("refused", [str(p) for p in exc.problems])
    source = loaded.source
    return ("read", loaded.data, list(source.values.items()), list(source.keys.items()),
            list(source.texts.items()), [str(p) for p in loaded.problems])


def edited_as_in_full(path: Path, before: str, after: str) -> int:
    """Reads `before` (kept), then `after` both ways and asserts they agree; returns how
    many parts the second read parsed."""
    path.write_text(before, encoding="utf-8")
    read(path, reload.load_yaml)
    path.write_text(after, encoding="utf-8")
    parsed = reload.parsed_parts
    incremental = read(path, reload.load_yaml)
    count = reload.parsed_parts - parsed
    assert incremental == read(path, load.load_yaml)
    return count


def edits(text: str) -> Iterator[tuple[str, str]]:
    """Edits at the start, middle and end of a text: words, lines, items, and bad ones."""
    lines = text.splitlines(keepends=True)
    content = [i for i, line in enumerate(lines) if line.strip() and
               not line.lstrip().startswith("#")]
    if not content:
        return
    for where, i in (("first", content[0]), ("middle", content[len(content) // 2]),
                     ("last", content[-1])):
        line = lines[i]
        body = line.rstrip("\n")
        rest = lines[:i], lines[i + 1:]
        yield f"{where}: a word", "".join([*rest[0], body + " Neu\n", *rest[1]])
        yield f"{where}: a word in front", "".join(
            [*rest[0], body[:len(body) - len(body.lstrip())] + "x" + body.lstrip() + "\n",
             *rest[1]])
        yield f"{where}: line doubled", "".join([*rest[0], line, line, *rest[1]])
        yield f"{where}: line dropped", "".join([*rest[0], *rest[1]])
        yield f"{where}: blank line", "".join([*rest[0], line, "\n", *rest[1]])
        yield f"{where}: syntax error", "".join([*rest[0], body + ": [\n", *rest[1]])
        yield f"{where}: tab", "".join([*rest[0], "\t" + line, *rest[1]])
        yield f"{where}: anchor", "".join([*rest[0], body + " &a\n", *rest[1]])
        yield f"{where}: reindented", "".join([*rest[0], " " + line, *rest[1]])
    # Whole list items: the first, a middle and the last one doubled and dropped.
    dashes = [i for i, line in enumerate(lines) if line.lstrip().startswith("- ")
              and len(line) - len(line.lstrip()) <= 2]
    for where, i in (("first", 0), ("middle", len(dashes) // 2), ("last", len(dashes) - 1)):
        if not dashes:
            break
        start = dashes[i]
        indent = len(lines[start]) - len(lines[start].lstrip())
        end = start + 1
        while end < len(lines) and (len(lines[end]) - len(lines[end].lstrip()) > indent
                                    or not lines[end].strip()):
            end += 1
        item = lines[start:end]
        yield f"{where} item doubled", "".join([*lines[:end], *item, *lines[end:]])
        yield f"{where} item dropped", "".join([*lines[:start], *lines[end:]])


@pytest.mark.parametrize("path", EVENTS, ids=lambda p: str(p.parent.relative_to(ROOT)))
def test_every_event_file_edited_reads_as_a_full_parse_reads_it(path: Path,
                                                                tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    target = tmp_path / "event.yaml"
    # A file with anchors is always parsed whole (its aliases reach across parts); each of
    # the billion laughs' parses runs into the value limit (about a second): two edits show
    # the fallback as well as thirty would.
    every = list(edits(text))
    for _, after in every[:2] if "billion" in str(path) else every:
        edited_as_in_full(target, text, after)


def talks_event(n: int) -> str:
    talks = "".join(
        f"  - id: t{i}\n    title: \"Vortrag {i}\"\n    speakers:\n      - name: Rednerin {i}\n"
        f"    abstract: |\n      Erster Absatz von {i}.\n\n      Zweiter Absatz.\n\n"
        for i in range(1, n + 1))
    agenda = "".join(f"      - time: 09:{i:02d}\n        talk: t{i}\n" for i in range(1, n + 1))
    return (f"# Ein Fachtag\ntitle: Fachtag\nevent:\n  start: 2024-03-05\n"
            f"agenda:\n  - date: 2024-03-05\n    items:\n{agenda}"
            f"talks:\n{talks}organiser:\n  name: Stiftung\n")


@pytest.mark.parametrize("talk", [1, 20, 40])
def test_a_one_word_edit_of_a_talk_parses_only_that_talk(talk: int, tmp_path: Path) -> None:
    text = talks_event(40)
    after = text.replace(f"Erster Absatz von {talk}.", f"Erster langer Absatz von {talk}.")
    assert edited_as_in_full(tmp_path / "event.yaml", text, after) == 1


def test_an_edit_that_adds_lines_moves_what_follows_it(tmp_path: Path) -> None:
    text = talks_event(40)
    after = text.replace("Erster Absatz von 7.", "Erster Absatz von 7.\n\n      Neu.")
    path = tmp_path / "event.yaml"
    assert edited_as_in_full(path, text, after) == 1
    assert reload.load_yaml(path).source.keys[("organiser", "name")][0] == (
        text.count("\n") + 2)


def test_a_changed_top_level_key_parses_only_its_block(tmp_path: Path) -> None:
    text = talks_event(40)
    after = text.replace("name: Stiftung", "name: Deutsche Stiftung")
    assert edited_as_in_full(tmp_path / "event.yaml", text, after) == 1


@pytest.mark.parametrize("edit", [
    lambda t: t.replace("  - id: t5\n", "  - id: t4b\n    title: Neu\n  - id: t5\n"),
    lambda t: t.replace("  - id: t5\n", "  - id: t5\n    slides: neu.pdf\n"),
    lambda t: t.replace("Erster Absatz von 5.", "Erster Absatz von 5.\nnew: 1"),
    lambda t: t.replace("Erster Absatz von 5.", "Erster Absatz von 5. *alias"),
    lambda t: t.replace("Erster Absatz von 5.", "x: [1,\n  2]"),
    lambda t: t.replace("    title: \"Vortrag 5\"", "    title: \"Vortrag 5"),
    lambda t: t.replace("    title: \"Vortrag 5\"", "    title: \"Vortrag 5\"\n    title: x"),
    lambda t: t.replace("    title: \"Vortrag 5\"", "    title: !!python/object x"),
    lambda t: t.replace("talks:\n", "talks:\n  # die Vorträge\n"),
    lambda t: t.replace("title: Fachtag\n", "title: Fachtag\n---\n"),
], ids=["item inserted", "key added", "new top-level key", "alias", "flow over lines",
        "quote left open", "duplicate key", "python tag", "list head", "second document"])
def test_edits_that_change_the_parts_read_as_a_full_parse_reads_them(
        edit: Callable[[str], str], tmp_path: Path) -> None:
    text = talks_event(20)
    edited_as_in_full(tmp_path / "event.yaml", text, edit(text))


def test_a_syntax_error_in_a_talk_is_the_full_parse_s_problem(tmp_path: Path) -> None:
    text = talks_event(20)
    path = tmp_path / "event.yaml"
    edited_as_in_full(path, text, text.replace("Vortrag 9\"", "Vortrag 9\": x: y"))
    with pytest.raises(InputError) as info:
        reload.load_yaml(path)
    assert info.value.problems[0].line == text.splitlines().index(
        "    title: \"Vortrag 9\"") + 1


def test_nothing_is_kept_unless_asked(tmp_path: Path) -> None:
    reload.keep_between_builds(False)
    path = tmp_path / "event.yaml"
    path.write_text(talks_event(5), encoding="utf-8")
    reload.load_yaml(path)
    assert reload._kept == {}


def test_a_watch_validation_after_edits_is_a_one_shot_validation(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data" / "duisburg-2019", tmp_path / "event")
    path = tmp_path / "event" / "event.yaml"
    text = path.read_text(encoding="utf-8")
    validate_event(path, decode_images=False)
    abstract = text.index("abstract:", len(text) // 2)
    for after in (text[:abstract] + "abstarct:" + text[abstract + 9:],  # an unknown key
                  text[:abstract + 18] + "Neu " + text[abstract + 18:]):
        path.write_text(after, encoding="utf-8")
        parsed = reload.parsed_parts
        try:
            watch: Any = validate_event(path, decode_images=False)
        except InputError as exc:
            watch = [str(p) for p in exc.problems]
        assert reload.parsed_parts == parsed + 1
        reload.keep_between_builds(False)
        try:
            once: Any = validate_event(path, decode_images=False)
        except InputError as exc:
            once = [str(p) for p in exc.problems]
        reload.keep_between_builds()
        assert watch == once
        if isinstance(once, list):
            assert any("abstarct" in p for p in once)
        else:
            assert watch.source_map == once.source_map
        path.write_text(text, encoding="utf-8")
        validate_event(path, decode_images=False)  # kept again as it was before the edit


def validated(path: Path) -> Any:
    """What validation says: the event and its warnings, or its problems."""
    try:
        result = validate_event(path, decode_images=False)
    except InputError as exc:
        return [str(p) for p in exc.problems]
    return result.event, [str(w) for w in result.warnings]


def one_shot(path: Path) -> Any:
    reload.keep_between_builds(False)
    try:
        return validated(path)
    finally:
        reload.keep_between_builds()


def test_a_watch_validation_checks_again_only_the_texts_of_the_edited_talk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dokureport.event import markdown, sizes

    path = tmp_path / "event.yaml"
    text = talks_event(20)
    path.write_text(text, encoding="utf-8")
    validated(path)
    sized: list[str] = []
    found: list[str] = []
    real_sizes, real_references = sizes._markdown_oversizes, markdown._find_references
    monkeypatch.setattr(sizes, "_markdown_oversizes",
                        lambda at, t: (sized.append(t), real_sizes(at, t))[1])
    monkeypatch.setattr(markdown, "_find_references",
                        lambda t: (found.append(t), real_references(t))[1])
    path.write_text(text.replace("Erster Absatz von 12.", "Erster Absatz von zwölf."),
                    encoding="utf-8")
    watch = validated(path)
    edited = "Erster Absatz von zwölf.\n\nZweiter Absatz.\n"
    assert sized == [edited] and found == [edited]
    assert watch == one_shot(path)
    assert len(sized) == len(found) == 1 + 20  # a one-shot validation reads all 20 texts


def test_text_problems_found_in_watch_mode_are_where_a_one_shot_build_finds_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dokureport.event import sizes

    sized: list[str] = []
    real = sizes._markdown_oversizes
    monkeypatch.setattr(sizes, "_markdown_oversizes",
                        lambda at, t: (sized.append(t), real(at, t))[1])
    path = tmp_path / "event.yaml"
    text = talks_event(20)
    path.write_text(text, encoding="utf-8")
    validated(path)
    long_word = "Donaudampfschifffahrt" * 20
    bad = text.replace("Zweiter Absatz.\n\n  - id: t6", f"Zweiter {long_word}.\n\n  - id: t6")
    bad = bad.replace("Erster Absatz von 9.", "Erster ![Bild](fehlt.png) von 9.")
    seen: list[tuple[str, Any]] = []
    for n, after in enumerate((
            bad, bad.replace("Erster Absatz von 2.", "Erster Absatz von 2.\n\n\n      Neu."),
            bad.replace("Vortrag 3", "Vortrag drei"))):
        path.write_text(after, encoding="utf-8")
        sized.clear()
        watch = validated(path)
        # The long word's talk is measured once, when it changed; then its problem is kept
        # (at the lines where its talk now is).
        assert sum(long_word in t for t in sized) == (n == 0)
        assert any("a word of" in p for p in watch) and any("fehlt.png" in p for p in watch)
        seen.append((after, watch))
    for after, watch in seen:  # one-shot validations forget what watch mode keeps: after
        path.write_text(after, encoding="utf-8")
        assert watch == one_shot(path)


# Lists as people write them: indentless, kept trailing lines, comments between items,
# items on the dash's next line, a last line without its line break, a list in flow style.
SHAPES = {
    "indentless": "title: T\ntalks:\n- id: a\n  abstract: eins\n- id: b\n  abstract: zwei\n"
                  "- id: c\n  abstract: drei\nend: 1\n",
    "kept trailing lines": "talks:\n  - id: a\n    abstract: |+\n      eins\n\n\n"
                           "  - id: b\n    abstract: >+\n      zwei\n\n  - id: c\n"
                           "    abstract: |-\n      drei\n\n",
    "comments": "# Kopf\n\ntalks:\n  # erste\n  - id: a # a\n#x\n  - id: b\n  # dazwischen\n"
                "  - id: c\n    title: \"x # y\"\n# Ende\n",
    "item below its dash": "talks:\n  -\n    id: a\n  -\n    id: b\n  - id: c\n",
    "no last line break": "title: T\ntalks:\n  - id: a\n  - id: b\n  - id: c",
    "flow list": "talks: [a, b,\n  c]\nevent:\n  start: 2024-03-05\n",
    "scalars": "people:\n  - Ada\n  - Bob\n  - \"Cy\"\n  - 'Di'\n",
    "nested lists": "agenda:\n  - date: 1\n    items:\n      - a\n      - b\n  - date: 2\n"
                    "    items:\n    - c\n",
}


@pytest.mark.parametrize("name", SHAPES)
def test_lists_of_every_shape_edited_read_as_a_full_parse_reads_them(name: str,
                                                                     tmp_path: Path) -> None:
    text = SHAPES[name]
    for _, after in edits(text):
        edited_as_in_full(tmp_path / "event.yaml", text, after)
    for word in ("eins", "zwei", "drei", "Ada", "Di", "id: c", "b"):
        if word in text:
            edited_as_in_full(tmp_path / "event.yaml", text, text.replace(word, word + "x"))
