"""`build --watch`: a rebuild per change, one line each, byte-identical to a one-shot build;
bad input is reported as a one-shot build reports it, and the watcher stays up."""

from __future__ import annotations

import os
import queue
import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from dokureport.cli import cli
from dokureport.core.options import BuildOptions
from dokureport.pipeline import build_brochure
from dokureport.watch import watch_builds
from tests.conftest import SAMPLE, minimal_event

ABSTRACT = "Kommunale Präventionsketten verbinden Angebote für Familien über Jahre hinweg."


def _event(abstract: str) -> dict:
    return minimal_event(talks=[{"id": "t1", "title": "Präventionsketten",
                                 "speakers": [{"name": "Dana Berg"}], "abstract": abstract}])


class _Watcher:
    def __init__(self, source: Path, output: Path) -> None:
        self.lines: queue.Queue[tuple[str, bool]] = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=watch_builds, daemon=True, args=(
            source, output, BuildOptions(cache_dir=None), ["screen"],
            lambda line, err: self.lines.put((line, err)), self.stop))
        self.thread.start()

    def until(self, wanted: Callable[[str], bool], timeout: float = 60) -> list[str]:
        """Every line up to and including the first that `wanted` accepts."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line, _ = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if wanted(line):
                return seen
        raise AssertionError(f"no such line in time; saw {seen}")


def test_a_change_rebuilds_and_an_error_is_survived(
        make_event: Callable[..., Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = make_event(_event(ABSTRACT))
    out = folder / "brochure.pdf"  # inside the watched folder: its writes are no change
    watcher = _Watcher(folder, out)
    try:
        first = watcher.until(lambda line: line.startswith("Wrote"))
        assert re.fullmatch(r"Wrote .*brochure\.pdf \(\d+ pages\), \d+ warnings?, [\d.]+ s",
                            first[-1])
        watcher.until(lambda line: line.startswith("Watching"))

        (folder / "event.yaml").write_text(
            yaml.safe_dump(_event(ABSTRACT.replace("Familien", "Kinder")), allow_unicode=True),
            encoding="utf-8")
        watcher.until(lambda line: line.startswith("Wrote"))
        one_shot = tmp_path / "one-shot.pdf"
        build_brochure(folder, one_shot, BuildOptions(cache_dir=None))
        assert out.read_bytes() == one_shot.read_bytes()

        (folder / "event.yaml").write_text("title: [unclosed\n", encoding="utf-8")
        failed = watcher.until(lambda line: line.startswith("Build failed"))
        assert any(line.startswith("error: ") and "event.yaml:" in line for line in failed)
        assert watcher.thread.is_alive()

        (folder / "event.yaml").write_text(yaml.safe_dump(_event(ABSTRACT),
                                                          allow_unicode=True), encoding="utf-8")
        watcher.until(lambda line: line.startswith("Wrote"))
    finally:
        watcher.stop.set()
        watcher.thread.join(timeout=10)
    assert not watcher.thread.is_alive()


def test_the_error_lines_match_a_one_shot_build(make_event: Callable[..., Path],
                                                 runner) -> None:
    folder = make_event(minimal_event())
    (folder / "event.yaml").write_text("title: Fachtag\nevent: {start: 2024-13-05}\n",
                                       encoding="utf-8")
    one_shot = runner.invoke(cli, ["build", str(folder), "-o", str(folder / "x.pdf")])
    assert one_shot.exit_code == 2
    lines: list[str] = []
    stop = threading.Event()
    stop.set()  # build once, then leave at once
    watch_builds(folder, folder / "x.pdf", BuildOptions(cache_dir=None), ["screen"],
                 lambda line, err: lines.append(line), stop)
    errors = [line for line in lines if line.startswith("error: ")]
    assert errors and errors == [line for line in one_shot.output.splitlines()
                                 if line.startswith("error: ")]


# --- What is watched: the event's own files, never a tree a link leads to (issue 24) ---

def _linked_event(make_event: Callable[..., Path], link_target: str) -> Path:
    """An event with a photo, a chapter file and a theme file, and a link `up` out of it."""
    folder = make_event(minimal_event(
        theme="haus.yaml", chapters=[{"title": "Grußwort", "file": "gruss.md"}],
        photos={"items": [{"file": "photos/01.jpg", "caption": "Eins"}]}),
        photos=("01.jpg",))
    (folder / "gruss.md").write_text("Willkommen.\n", encoding="utf-8")
    (folder / "haus.yaml").write_text("name: Haus\n", encoding="utf-8")
    (folder / "up").symlink_to(link_target)
    (folder.parent / "elsewhere").mkdir()
    (folder.parent / "elsewhere" / "notes.txt").write_text("eins\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("link_target", ["..", "/"])
def test_what_is_watched_is_the_event_s_files_inside_its_folder(
        make_event: Callable[..., Path], link_target: str) -> None:
    from dokureport.validate import validate_event
    from dokureport.watch import watched_paths

    folder = _linked_event(make_event, link_target).resolve()
    watched = watched_paths(validate_event(folder, decode_images=False))
    assert watched == {folder, folder / "event.yaml", folder / "photos" / "01.jpg",
                       folder / "gruss.md", folder / "haus.yaml"}


def test_with_allow_outside_a_file_outside_is_watched_itself_never_its_folder(
        make_event: Callable[..., Path]) -> None:
    from dokureport.validate import validate_event
    from dokureport.watch import watched_paths

    folder = _linked_event(make_event, "..").resolve()
    shutil.copy(folder / "photos" / "01.jpg", folder.parent / "outside.jpg")
    data = yaml.safe_load((folder / "event.yaml").read_text(encoding="utf-8"))
    data["photos"]["items"].append({"file": "up/outside.jpg", "caption": "Zwei"})
    (folder / "event.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    validated = validate_event(folder, allow_outside=True, decode_images=False)
    outside = {p for p in watched_paths(validated, allow_outside=True)
               if not p.is_relative_to(folder)}
    assert outside == {folder.parent / "outside.jpg"}  # the file, not the parent folder
    assert folder.parent / "outside.jpg" not in watched_paths(validated)


def _inotify_watched_inodes() -> set[int] | None:
    """The inodes this process's inotify instances watch (Linux), None where unknown."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return None
    inodes: set[int] = set()
    for fd in fds.iterdir():
        try:
            if os.readlink(fd) != "anon_inode:inotify":
                continue
            info = (Path("/proc/self/fdinfo") / fd.name).read_text()
        except OSError:
            continue
        for line in info.splitlines():
            if line.startswith("inotify "):
                fields = dict(f.split(":", 1) for f in line.split()[1:])
                inodes.add(int(fields["ino"], 16))
    return inodes


@pytest.mark.parametrize("link_target", ["..", "/"])
def test_a_change_outside_the_folder_rebuilds_nothing_a_photo_does(
        make_event: Callable[..., Path], link_target: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import watchfiles

    folder = _linked_event(make_event, link_target).resolve()
    handed: list[tuple[tuple[Path, ...], bool]] = []
    real_watch = watchfiles.watch

    def spy(*paths: Path, **kwargs: object):  # type: ignore[no-untyped-def]
        handed.append((tuple(Path(p) for p in paths), bool(kwargs.get("recursive", True))))
        return real_watch(*paths, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(watchfiles, "watch", spy)
    before = _inotify_watched_inodes()
    watcher = _Watcher(folder, folder / "brochure.pdf")
    try:
        watcher.until(lambda line: line.startswith("Watching"))
        inside = {os.lstat(folder).st_ino} | {
            os.lstat(Path(root) / name).st_ino
            for root, dirs, files in os.walk(folder) for name in dirs + files}
        deadline = time.monotonic() + 10
        while before is not None and time.monotonic() < deadline:
            watching = _inotify_watched_inodes()
            assert watching is not None
            if watching - before:
                assert watching - before <= inside
                break
            time.sleep(0.05)
        assert handed and all(not recursive for _, recursive in handed)
        assert all(p == folder or p.is_relative_to(folder) for paths, _ in handed for p in paths)

        (folder.parent / "elsewhere" / "notes.txt").write_text("zwei\n", encoding="utf-8")
        (folder.parent / "new.txt").write_text("neu\n", encoding="utf-8")
        with pytest.raises(AssertionError, match="no such line"):
            watcher.until(lambda line: line.startswith(("Wrote", "Build failed")), timeout=2)

        shutil.copy(SAMPLE / "photos" / "02.jpg", folder / "photos" / "01.jpg")
        watcher.until(lambda line: line.startswith("Wrote"))
    finally:
        watcher.stop.set()
        watcher.thread.join(timeout=10)
    assert not watcher.thread.is_alive()


def _write_event(folder: Path, data: dict) -> None:
    (folder / "event.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                       encoding="utf-8")


def _replace(folder: Path, name: str, photo: str) -> None:
    """Save a file as many editors do: a new file renamed over the old one (a new inode)."""
    temp = folder / "photos" / f".{name}.tmp"
    shutil.copy(SAMPLE / "photos" / photo, temp)
    os.replace(temp, folder / "photos" / name)


def test_a_file_the_event_names_anew_is_watched_after_the_rebuild(
        make_event: Callable[..., Path]) -> None:
    def photos(*names: str) -> dict:
        return minimal_event(photos={"items": [{"file": f"photos/{n}", "caption": n}
                                               for n in names]})

    folder = make_event(photos("01.jpg"), photos=("01.jpg", "02.jpg"))
    watcher = _Watcher(folder, folder / "brochure.pdf")
    try:
        watcher.until(lambda line: line.startswith("Watching"))
        _write_event(folder, photos("01.jpg", "02.jpg"))
        watcher.until(lambda line: line.startswith("Wrote"))
        _replace(folder, "02.jpg", "03.jpg")  # in a subfolder, by a new inode: still seen
        watcher.until(lambda line: line.startswith("Wrote"))
        _replace(folder, "02.jpg", "04.jpg")  # and again: the watch follows the new file
        watcher.until(lambda line: line.startswith("Wrote"))
    finally:
        watcher.stop.set()
        watcher.thread.join(timeout=10)
    assert not watcher.thread.is_alive()


def test_a_change_made_while_the_watcher_starts_is_not_lost(
        make_event: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import watchfiles

    folder = make_event(minimal_event(photos={"items": [
        {"file": "photos/01.jpg", "caption": "Eins"}]}), photos=("01.jpg",))
    real_watch = watchfiles.watch
    starts: list[int] = []

    def late(*paths: Path, **kwargs: object):  # type: ignore[no-untyped-def]
        starts.append(1)
        if len(starts) == 1:  # after the build read the photo, before anything watches it
            shutil.copy(SAMPLE / "photos" / "02.jpg", folder / "photos" / "01.jpg")
        return real_watch(*paths, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(watchfiles, "watch", late)
    watcher = _Watcher(folder, folder / "brochure.pdf")
    try:
        watcher.until(lambda line: line.startswith("Wrote"))
        watcher.until(lambda line: line.startswith("Wrote"), timeout=30)  # the rebuild
    finally:
        watcher.stop.set()
        watcher.thread.join(timeout=10)
    assert not watcher.thread.is_alive()


def test_while_event_yaml_is_invalid_it_and_the_last_valid_files_stay_watched(
        make_event: Callable[..., Path]) -> None:
    data = minimal_event(photos={"items": [{"file": "photos/01.jpg", "caption": "Eins"}]})
    folder = make_event(data, photos=("01.jpg",))
    (folder / "event.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    watcher = _Watcher(folder, folder / "brochure.pdf")
    try:
        watcher.until(lambda line: line.startswith("Watching"))
        _write_event(folder, data)  # invalid from the start: event.yaml is watched
        watcher.until(lambda line: line.startswith("Wrote"))
        (folder / "event.yaml").write_text("title: [unclosed\n", encoding="utf-8")
        watcher.until(lambda line: line.startswith("Build failed"))
        _replace(folder, "01.jpg", "02.jpg")  # the photo the last valid event named
        watcher.until(lambda line: line.startswith("Build failed"))
    finally:
        watcher.stop.set()
        watcher.thread.join(timeout=10)
    assert not watcher.thread.is_alive()


# --- Files the event names that are not there yet (issue 24) --------------------------------

def test_a_missing_photo_in_missing_folders_is_noticed_as_each_appears(
        make_event: Callable[..., Path]) -> None:
    folder = make_event(minimal_event(photos={"items": [
        {"file": "bilder/tag1/01.jpg", "caption": "Eins"}]}))
    watcher = _Watcher(folder, folder / "brochure.pdf")
    try:
        failed = watcher.until(lambda line: line.startswith("Build failed"))
        assert any("file not found" in line for line in failed)
        watcher.until(lambda line: line.startswith("Watching"))
        (folder / "bilder").mkdir()  # seen in the event folder: the next folder is watched
        watcher.until(lambda line: line.startswith("Build failed"))
        (folder / "bilder" / "tag1").mkdir()
        watcher.until(lambda line: line.startswith("Build failed"))
        shutil.copy(SAMPLE / "photos" / "01.jpg", folder / "bilder" / "tag1" / "01.jpg")
        watcher.until(lambda line: line.startswith("Wrote"))
    finally:
        watcher.stop.set()
        watcher.thread.join(timeout=10)
    assert not watcher.thread.is_alive()


def test_a_missing_chapter_file_is_noticed_when_it_is_written(
        make_event: Callable[..., Path]) -> None:
    folder = make_event(minimal_event(chapters=[{"title": "Grußwort",
                                                 "file": "texte/gruss.md"}]))
    (folder / "texte").mkdir()
    watcher = _Watcher(folder, folder / "brochure.pdf")
    try:
        watcher.until(lambda line: line.startswith("Watching"))
        (folder / "texte" / "gruss.md").write_text("Willkommen.\n", encoding="utf-8")
        watcher.until(lambda line: line.startswith("Wrote"))
    finally:
        watcher.stop.set()
        watcher.thread.join(timeout=10)
    assert not watcher.thread.is_alive()


@pytest.mark.parametrize("link_target", ["..", "/"])
def test_a_missing_file_behind_a_link_out_of_the_folder_watches_nothing_outside(
        make_event: Callable[..., Path], link_target: str) -> None:
    from dokureport.validate import InvalidEvent, validate_event
    from dokureport.watch import awaited

    folder = _linked_event(make_event, link_target).resolve()
    (folder / "texte").mkdir()
    data = yaml.safe_load((folder / "event.yaml").read_text(encoding="utf-8"))
    data["chapters"] = [{"title": "Eins", "file": "up/neu/eins.md"},
                        {"title": "Zwei", "file": "texte/neu/zwei.md"},
                        {"title": "Drei", "file": "texte/drei.md"}]
    _write_event(folder, data)
    with pytest.raises(InvalidEvent) as caught:
        validate_event(folder, allow_outside=True, decode_images=False)
    assert caught.value.missing == {folder / "up/neu/eins.md", folder / "texte/neu/zwei.md",
                                    folder / "texte/drei.md"}
    # `up` leads out: its file waits unwatched; the others wait in `texte`.
    assert awaited(caught.value.missing, folder) == {folder / "texte"}


def test_each_build_of_a_session_is_collected_before_the_next_edit_is_awaited(
        make_event: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # The command line's collector runs rarely; a watch session hands each build's
    # cycles back while it waits, so a long session does not grow by a brochure a save.
    import gc

    from dokureport.layout.document import BrochureDocument

    folder = make_event(_event(ABSTRACT))
    alive: list[int] = []
    collect = gc.collect

    def counting_collect(*args: object) -> int:
        found = collect(*args)
        alive.append(sum(isinstance(o, BrochureDocument) for o in gc.get_objects()))
        return found

    monkeypatch.setattr(gc, "collect", counting_collect)
    stop = threading.Event()
    stop.set()  # build once, then leave
    watch_builds(folder, folder / "x.pdf", BuildOptions(cache_dir=None), ["screen"],
                 lambda line, err: None, stop)
    assert alive == [0]
