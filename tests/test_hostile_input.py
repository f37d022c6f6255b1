"""Bad and nasty event folders (tests/corpus/ plus generated ones) and random broken events."""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from dokureport.cli import main
from dokureport.core.limits import MAX_LABEL, MAX_PARAGRAPH, MAX_TITLE, MAX_WORD

CORPUS = Path(__file__).parent / "corpus"


# --- running the command line in-process ---------------------------------------------------

def run_cli(*args: str) -> tuple[int, str, str]:
    """`dokureport ARGS` through main(): exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def lines_with(prefix: str, text: str) -> list[str]:
    return [line[len(prefix):] for line in text.splitlines() if line.startswith(prefix)]


# --- making files -------------------------------------------------------------------------

def make_image(path: Path, size: tuple[int, int], fmt: str | None = None) -> Path:
    """A small, noisy image (noise keeps JPEGs from compressing to nothing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = size
    rng = random.Random(size[0] * 7919 + size[1])
    small = Image.new("RGB", (max(1, width // 50), max(1, height // 50)))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256))
                   for _ in range(small.width * small.height)])
    image = small.resize(size)
    fmt = fmt or ("PNG" if path.suffix.lower() == ".png" else "JPEG")
    image.save(path, fmt)
    return path


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG that claims a size: Pillow decides bomb or not from the header alone."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))
    return path


def photo_event(files: list[str], **extra: Any) -> str:
    """An event.yaml naming files as captioned photos."""
    data: dict[str, Any] = {
        "title": "Fachtag",
        "event": {"start": "2019-10-29"},
        "photos": {"items": [{"file": f, "caption": f"Foto {i}"} for i, f in enumerate(files)]},
        **extra,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _write(folder: Path, text: str, name: str = "event.yaml") -> None:
    (folder / name).write_text(text, encoding="utf-8")


# --- generated cases: binary files, links, huge things --------------------------------------
# Each writes into an empty folder and returns its expected outcome (as expect.yaml would).

def gen_bomb_image(folder: Path) -> dict[str, Any]:
    png_header_only(folder / "bomb.png", 30_000, 30_000)
    _write(folder, photo_event(["bomb.png"]))
    return {"exit": 2, "messages": [
        "event.yaml:6:11: photos.items[0].file: 'bomb.png' has more than 89 megapixels: "
        "refused as a possible decompression bomb; scale it down"]}


def gen_bomb_warning_size(folder: Path) -> dict[str, Any]:
    png_header_only(folder / "big.png", 10_000, 10_000)  # 100 MP: Pillow only warns
    _write(folder, photo_event(["big.png"]))
    return {"exit": 2, "contains": ["possible decompression bomb"]}


def gen_truncated_jpeg(folder: Path) -> dict[str, Any]:
    data = make_image(folder / "cut.jpg", (600, 400)).read_bytes()
    (folder / "cut.jpg").write_bytes(data[: len(data) // 2])
    _write(folder, photo_event(["cut.jpg"]))
    return {"exit": 2, "contains": ["photos.items[0].file: 'cut.jpg' is damaged or truncated"]}


def gen_corrupt_png(folder: Path) -> dict[str, Any]:
    data = bytearray(make_image(folder / "bad.png", (300, 200)).read_bytes())
    at = data.index(b"IDAT") + 20
    data[at:at + 8] = b"\x00" * 8
    (folder / "bad.png").write_bytes(bytes(data))
    _write(folder, photo_event(["bad.png"]))
    return {"exit": 2, "contains": ["'bad.png' is damaged or truncated"]}


def gen_empty_image(folder: Path) -> dict[str, Any]:
    (folder / "empty.jpg").write_bytes(b"")
    _write(folder, photo_event(["empty.jpg"]))
    return {"exit": 2, "messages": [
        "event.yaml:6:11: photos.items[0].file: 'empty.jpg' is empty (0 bytes), not an image"]}


def gen_tiny_png(folder: Path) -> dict[str, Any]:
    make_image(folder / "dot.png", (1, 1))
    _write(folder, photo_event(["dot.png"]))
    return {"exit": 0}


def gen_panorama(folder: Path) -> dict[str, Any]:
    make_image(folder / "photos" / "panorama.jpg", (20_000, 300))
    _write(folder, photo_event(["photos/panorama.jpg"]))
    return {"exit": 0}


def gen_symlink_escape(folder: Path) -> dict[str, Any]:
    outside = make_image(folder.parent / f"{folder.name}-outside.jpg", (50, 50))
    (folder / "photos").mkdir()
    (folder / "photos" / "01.jpg").symlink_to(outside)
    _write(folder, photo_event(["photos/01.jpg"]))
    return {"exit": 2, "messages": [
        "event.yaml:6:11: photos.items[0].file: 'photos/01.jpg' is a symbolic link that leads "
        "outside the event folder; only files inside it are used"]}


def gen_symlink_escape_allowed(folder: Path) -> dict[str, Any]:
    outside = make_image(folder.parent / f"{folder.name}-outside.jpg", (50, 50))
    (folder / "01.jpg").symlink_to(outside)
    _write(folder, photo_event(["01.jpg", str(outside)]))
    return {"exit": 0, "allow_outside": True}


def gen_symlink_folder_escape(folder: Path) -> dict[str, Any]:
    (folder / "etc").symlink_to("/etc")
    _write(folder, photo_event([], organiser={"name": "x", "logo": "etc/hostname"}))
    return {"exit": 2, "contains": [
        "organiser.logo: 'etc/hostname' is a symbolic link that leads outside the event folder"]}


def gen_symlink_inside(folder: Path) -> dict[str, Any]:
    make_image(folder / "real.jpg", (80, 60))
    (folder / "alias.jpg").symlink_to("real.jpg")
    _write(folder, photo_event(["alias.jpg"]))
    return {"exit": 0}


def gen_symlink_loop(folder: Path) -> dict[str, Any]:
    (folder / "a.jpg").symlink_to("b.jpg")
    (folder / "b.jpg").symlink_to("a.jpg")
    _write(folder, photo_event(["a.jpg"]))
    return {"exit": 2, "contains": ["photos.items[0].file: 'a.jpg'"]}


def gen_fifo_photo(folder: Path) -> dict[str, Any]:
    os.mkfifo(folder / "pipe.jpg")  # opening it would block forever
    _write(folder, photo_event(["pipe.jpg"]))
    return {"exit": 2, "messages": [
        "event.yaml:6:11: photos.items[0].file: 'pipe.jpg' is not a regular file, not a file"]}


def gen_folder_as_photo(folder: Path) -> dict[str, Any]:
    (folder / "photos").mkdir()
    _write(folder, photo_event(["photos"]))
    return {"exit": 2, "messages": [
        "event.yaml:6:11: photos.items[0].file: 'photos' is a folder, not a file"]}


def gen_binary_yaml(folder: Path) -> dict[str, Any]:
    (folder / "event.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return {"exit": 2, "messages": ["event.yaml: is a binary file, not YAML text"]}


def gen_latin1_yaml(folder: Path) -> dict[str, Any]:
    (folder / "event.yaml").write_bytes(
        "title: Großstadtnetzwerk\nevent:\n  start: 2019-10-29\n".encode("latin-1"))
    return {"exit": 2, "messages": [
        "event.yaml:1:11: is not UTF-8 text (byte 0xdf here; saved as Latin-1/Windows-1252?): "
        "save it as UTF-8"]}


def gen_utf16_yaml(folder: Path) -> dict[str, Any]:
    (folder / "event.yaml").write_bytes(
        "title: Großstadtnetzwerk\nevent:\n  start: 2019-10-29\n".encode("utf-16"))
    return {"exit": 0}


def gen_bom_crlf_yaml(folder: Path) -> dict[str, Any]:
    text = "title: Großstadt\r\nevent:\r\n  start: 2019-10-29 9:30\r\n  kind: ‚x‘\r\n"
    (folder / "event.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    return {"exit": 0}


def gen_oversized_yaml(folder: Path) -> dict[str, Any]:
    line = "# " + "x" * 1000 + "\n"
    _write(folder, "title: Fachtag\nevent:\n  start: 2019-10-29\n" + line * 5300)
    return {"exit": 2, "messages": ["event.yaml: is larger than 5 MB: not an event file"]}


def gen_deep_nesting(folder: Path) -> dict[str, Any]:
    _write(folder, "title: " + "[" * 3000 + "]" * 3000 + "\nevent: {start: 2019-10-29}\n")
    return {"exit": 2, "messages": [
        "event.yaml:1:47: is nested more than 40 levels deep: not an event file"]}


def gen_event_yaml_is_folder(folder: Path) -> dict[str, Any]:
    (folder / "event.yaml").mkdir()
    return {"exit": 2, "messages": ["event.yaml: is not a regular file"]}


def gen_huge_agenda(folder: Path) -> dict[str, Any]:
    items = [{"time": f"{8 + i // 60 % 12}:{i % 60:02d}", "title": f"Punkt {i} <&>"}
             for i in range(400)]
    _write(folder, yaml.safe_dump({"title": "Fachtag", "event": {"start": "2019-10-29"},
                                   "agenda": [{"date": "2019-10-29", "items": items}]}))
    return {"exit": 0}


def gen_long_texts(folder: Path) -> dict[str, Any]:
    """Texts at the limits of docs/validation.md build: a word, a paragraph, a title."""
    make_image(folder / "p.jpg", (64, 48))
    word = ("Donaudampfschifffahrtsgesellschaftskapitän" * 8)[:MAX_WORD]
    abstract = " ".join(["Teilhabe"] * 3000)[:MAX_PARAGRAPH].rstrip()
    data = {
        "title": word, "event": {"start": "2019-10-29"},
        "talks": [{"id": "t", "title": word, "abstract": abstract,
                   "speakers": [{"name": word, "role": abstract[:5000]}]}],
        "agenda": [{"date": "2019-10-29", "items": [{"time": "9:00", "title": word, "talk": "t"}]}],
        "photos": {"items": [{"file": "p.jpg", "caption": abstract, "credit": word}]},
    }
    _write(folder, yaml.safe_dump(data, allow_unicode=True))
    return {"exit": 0}


def gen_texts_over_limits(folder: Path) -> dict[str, Any]:
    """One character over each limit: refused, every key named (the time to set such
    texts grows with the square of their length)."""
    make_image(folder / "p.jpg", (64, 48))
    word = "x" * (MAX_WORD + 1)
    abstract = " ".join(["Teilhabe"] * 3000)[: MAX_PARAGRAPH + 1]
    title = " ".join(["Titel"] * 100)[: MAX_TITLE + 1]
    data = {
        "title": title, "event": {"start": "2019-10-29"},
        "labels": {"agenda": "A" * (MAX_LABEL + 1)},
        "talks": [{"id": "t", "title": f"Wort {word}", "abstract": f"Kurz.\n\n{abstract}",
                   "speakers": [{"name": "Anna", "role": abstract}]}],
        "agenda": [{"date": "2019-10-29", "items": [{"time": "9:00", "title": "Vortrag",
                                                      "talk": "t"}]}],
        "photos": {"items": [{"file": "p.jpg", "caption": "Bild", "credit": word}]},
    }
    _write(folder, yaml.safe_dump(data, allow_unicode=True, width=10**9))
    return {"exit": 2, "contains": [
        "labels.agenda: too long: a label of 201 characters (at most 200: shorten it)",
        "photos.items[0].credit: too long: a word of 301 characters without a space "
        "(at most 300)",
        "talks[0].abstract: too long: a paragraph of 5,001 characters (at most 5,000: "
        "split it with a blank line)",
        "talks[0].speakers[0].role: too long: a text of 5,001 characters (at most 5,000: "
        "shorten it)",
        "talks[0].title: too long: a word of 301 characters without a space (at most 300)",
        "title: too long: a title of 501 characters (at most 500: shorten it)"]}


def gen_many_problems(folder: Path) -> dict[str, Any]:
    """Every problem at once, in file order."""
    make_image(folder / "ok.jpg", (40, 40))
    _write(folder, "titel: x\nevent:\n  start: nope\nphotos:\n  items:\n    - file: missing.jpg\n"
           "    - file: ok.jpg\n      cover: maybe\n")
    return {"exit": 2, "messages": [
        "event.yaml:1:1: titel: unknown key `titel` (did you mean `title`?)",
        "event.yaml:1:1: title: required",
        "event.yaml:3:10: event.start: not a date: 'nope' (write 2019-10-29 or 2019-10-29 12:00)",
        "event.yaml:6:13: photos.items[0].file: file not found: 'missing.jpg'",
        "event.yaml:8:14: photos.items[1].cover: must be true or false, not 'maybe'",
    ], "exact": True}


GENERATED: dict[str, Callable[[Path], dict[str, Any]]] = {
    name[4:].replace("_", "-"): fn for name, fn in dict(globals()).items()
    if name.startswith("gen_") and callable(fn)
}
COMMITTED = sorted(p.name for p in CORPUS.iterdir() if (p / "expect.yaml").is_file())


def materialise(name: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The case's event folder (a fresh copy under tmp_path) and its expected outcome."""
    folder = tmp_path / name
    if name in GENERATED:
        folder.mkdir()
        return folder, GENERATED[name](folder)
    shutil.copytree(CORPUS / name, folder, symlinks=True)
    expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
    (folder / "expect.yaml").unlink()
    for file, size in (expect.get("images") or {}).items():
        make_image(folder / file, tuple(size))
    return folder, expect


CASES = [*COMMITTED, *sorted(GENERATED)]


@pytest.fixture(params=CASES)
def corpus_case(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """(event folder, expected outcome) for every corpus case: the build tests reuse it."""
    return materialise(request.param, tmp_path)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert len(set(CASES)) == len(CASES)


def test_corpus_validate(corpus_case: tuple[Path, dict[str, Any]]) -> None:
    folder, expect = corpus_case
    args = ["validate", str(folder)] + (["--allow-outside"] if expect.get("allow_outside") else [])
    code, out, err = run_cli(*args)  # its speed: benchmarks/bench_hostile.py
    assert "Traceback" not in out + err and "internal error" not in err, err
    errors = lines_with("error: ", err)
    assert code == expect["exit"], err
    for message in expect.get("messages", []):
        assert message in errors, f"{message!r} not in {errors}"
    for fragment in expect.get("contains", []):
        assert any(fragment in e for e in errors), f"{fragment!r} not in {errors}"
    if expect.get("exact"):
        assert errors == expect["messages"]
    if "warnings" in expect:
        assert lines_with("warning: ", err) == expect["warnings"]
    if code == 0:
        assert not errors


# --- random, partly broken events -----------------------------------------------------------

_weird_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from([
        "<b>", "&amp;", "Q&A", "<img src=x>", "\x07", "\x00", "\ud800", "👨‍👩‍👧", "עברית",
        "العربية", "\u202e", "12:00", "9:00", "2019-10-29", "2019-10-29 12:00", "yes", "null",
        "~", "0x1F", "1e3", ".inf", "[x](javascript:alert(1))", "[x](https://ok.org)",
        "../../etc/passwd", "/etc/passwd", "photo.jpg", "https://example.org", "mailto:a@b.de",
        "*a", "&a", "!!python/name:os.system", "- x", ": y", "#", "'", '"', "\\", "{", "[",
    ]),
)
_scalar = st.one_of(_weird_text, st.integers(-10**20, 10**20), st.floats(), st.booleans(),
                    st.none(), st.dates())
_value = st.recursive(_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(_weird_text, st.sampled_from(["title", "name", "time", "file"])),
                    inner, max_size=4),
), max_leaves=12)

_KEYS = {
    "": ["format", "lang", "title", "subtitle", "event", "organiser", "intro", "agenda", "talks",
         "photos", "videos", "contacts", "titel"],
    "event": ["kind", "start", "end", "venue"],
    "agenda": ["date", "items"], "item": ["time", "end", "title", "place", "people", "talk"],
    "talk": ["id", "format", "topic", "title", "speakers", "abstract", "slides"],
    "photo": ["file", "caption", "credit", "alt", "cover", "focus"],
}


def _part(keys: list[str], value: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys), value, max_size=len(keys))


@st.composite
def broken_events(draw: st.DrawFn) -> Any:
    """Mostly event-shaped data, with wrong types, missing and unknown keys, weird strings."""
    item = _part(_KEYS["item"], st.one_of(_value, st.sampled_from(["9:00", "12:30", "t1"])))
    day_value = st.one_of(_value, st.just("2019-10-29"), st.lists(item, max_size=3))
    day = _part(_KEYS["agenda"], day_value)
    talk = _part(_KEYS["talk"], st.one_of(_value, st.just("t1")))
    photo = _part(_KEYS["photo"], st.one_of(_value, st.just("p.jpg")))
    parts = {
        "event": _part(_KEYS["event"], st.one_of(_value, st.just("2019-10-29 12:00"))),
        "agenda": st.lists(day, max_size=2), "talks": st.lists(talk, max_size=3),
        "photos": st.fixed_dictionaries({"items": st.lists(photo, max_size=3)}),
    }
    top = draw(_part(_KEYS[""], _value))
    for key, strategy in parts.items():
        if draw(st.booleans()):
            top[key] = draw(st.one_of(strategy, _value))
    return draw(st.one_of(st.just(top), _value)) if draw(st.integers(0, 9)) == 0 else top


@pytest.fixture(scope="module")
def random_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("random")
    make_image(folder / "p.jpg", (32, 24))
    (folder / "outside.txt").write_text("x")
    return folder


@pytest.mark.slow
@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=broken_events())
def test_random_broken_events_never_crash(random_folder: Path, data: Any) -> None:
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return  # PyYAML cannot even write it
    (random_folder / "event.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    code, out, err = run_cli("validate", str(random_folder))
    assert code in (0, 2), err
    assert "Traceback" not in out + err and "internal error" not in err, err
    if code == 2:
        assert lines_with("error: ", err)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_random_text_files_never_crash(random_folder: Path, text: str) -> None:
    (random_folder / "event.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    code, out, err = run_cli("validate", str(random_folder))
    assert code == 2 or (code == 0 and not err.startswith("error")), err
    assert "Traceback" not in out + err and "internal error" not in err, err
