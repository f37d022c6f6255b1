"""Watch mode: rebuild whenever the event's files change, one line per build, errors survived.

Builds run in this one process, so what a build keeps for the next stays warm: the
registered fonts, the hyphenation patterns and each word's breaks, QR symbols, and the
prepared photos (in the photo cache). A rebuild writes what a one-shot build of the same
input writes, byte for byte: nothing kept changes the output.

What is watched is what the event reads, never a tree (`watched_paths`): the event folder
itself, not its subfolders (so a new or renamed file there is noticed), and each file the
event names inside it, or, for a file it names that is not there yet, the nearest folder
on its way that is (`awaited`), every path watched non-recursively: a link in the folder
(`up -> ..`, or one to `/`) leads the watcher nowhere. The set is computed again after
every build, as the event may name other files, and the watcher restarts on it; a change
made while it restarts is not lost: how each watched path looked before the build read it
is compared with how it looks once the new watcher is up.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from dokureport.core import collector, interrupts
from dokureport.core.errors import DokureportError, Problem
from dokureport.core.options import BuildOptions, Target
from dokureport.event import reload
from dokureport.layout import restart
from dokureport.output import page_reads
from dokureport.pipeline import BuildResult, build_brochures, files_read
from dokureport.validate import EVENT_FILE, ValidatedEvent, locate, validate_event

Echo = Callable[[str, bool], None]  # (line, to standard error)

# How a watched path looked: a file's inode, size and times; a folder's entries.
Stamp = tuple[int, int, int, int] | frozenset[str] | None


def event_folder(source: Path) -> Path:
    """The folder whose files an event may name: the event folder, or its event.yaml's."""
    return source if source.is_dir() else source.parent


def watched_paths(validated: ValidatedEvent, *, allow_outside: bool = False) -> set[Path]:
    """What watch mode watches for a valid event, each path non-recursively, resolved.

    The event folder, its event file and every file the event reads that lies inside the
    folder: photos, the logo, portraits, partners' logos, slides, images in texts,
    chapters' Markdown files, the theme file and its fonts. A file that resolves outside
    the folder (through a link) is left out; with `allow_outside` (the user trusts the
    event's files) it is watched, the file itself only, never the folder it lies in.
    dokureport's own themes and fonts are never watched: they are no file of the event.
    """
    folder = validated.source.parent.resolve()
    # The same files an output may never overwrite (chapters' files are among those named).
    named = files_read(validated.source, validated.file_locations, validated.theme)
    # photos.folder itself: a photo added to it or taken out of it changes the brochure.
    listed = validated.event.photos.folder
    photos = [validated.event.resolve(listed)] if listed is not None else []
    return {folder} | _watchable([*named, *photos], folder, allow_outside=allow_outside)


def _watchable(named: Iterable[Path], folder: Path, *, allow_outside: bool) -> set[Path]:
    """The named files, resolved, that may be watched: those inside the folder and, when
    trusted, files outside it that are not dokureport's own."""
    from dokureport.core.resources import fonts_dir
    from dokureport.design.theme import themes_dir

    own = (fonts_dir().resolve(), themes_dir().resolve())
    kept: set[Path] = set()
    for path in named:
        try:
            resolved = path.resolve()
            inside = resolved.is_relative_to(folder)
            trusted = (allow_outside and not inside and resolved.is_file()
                       and not any(resolved.is_relative_to(o) for o in own))
        except (OSError, RuntimeError, ValueError):
            continue  # a link loop or an unreadable path: nothing to watch
        if inside or trusted:
            kept.add(resolved)
    return kept


def awaited(missing: Iterable[Path], folder: Path) -> set[Path]:
    """Where files the event names but that are not there yet will appear: for each, the
    nearest folder above it that exists, if that is the event folder or one inside it
    (resolved: a link out of the folder leads nowhere). Watched non-recursively, it tells
    when the file, or the next missing folder on its way, is created."""
    found: set[Path] = set()
    for path in missing:
        nearest = path.parent
        try:
            while nearest != folder and nearest.is_relative_to(folder) and not (
                    os.path.lexists(nearest)):
                nearest = nearest.parent
            resolved = nearest.resolve()
            if resolved.is_relative_to(folder) and resolved.is_dir():
                found.add(resolved)
        except (OSError, RuntimeError, ValueError):
            continue  # a link loop or an unreadable path: nothing to watch
    return found


class _Session:
    """One watched event: builds it, and knows after each build what to watch next."""

    def __init__(self, source: Path, output: Path, options: BuildOptions,
                 targets: Sequence[Target], echo: Echo) -> None:
        self.source, self.output, self.options = source, output, options
        self.targets, self.echo = targets, echo
        # A rebuild's layout check reads back only the pages that changed, and its layout
        # takes the last build's pages where its page breaks settle back into them.
        page_reads.keep_between_builds()
        restart.keep_between_builds()
        reload.keep_between_builds()  # and event.yaml's parse: only changed parts again
        self.folder = event_folder(source).resolve()
        self.written = {p.resolve() for p in _outputs(output, targets)}
        try:
            event_file = locate(source)
        except DokureportError:
            event_file = self.folder / EVENT_FILE
        # Watched whatever state the event is in: the folder and the event file.
        self.always = {self.folder} | _watchable(
            [event_file], self.folder, allow_outside=options.allow_outside)
        self.valid: set[Path] = set(self.always)  # what the last valid event named
        self.watching: set[Path] = set(self.always)

    def ignored(self, path: Path) -> bool:
        """Our own output and its temporary files (".brochure.pdf.XXXX.part") are no edit."""
        return (path.resolve() in self.written or path.name.endswith(".part")
                or "__pycache__" in path.parts)

    def stamps(self, paths: Iterable[Path]) -> dict[Path, Stamp]:
        """How each path looks now, to tell later whether it changed."""
        return {path: self._stamp(path) for path in paths}

    def _stamp(self, path: Path) -> Stamp:
        try:
            if path.is_dir():
                return frozenset(name for name in os.listdir(path)
                                 if not self.ignored(path / name))
            st = path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def build(self) -> tuple[list[BuildResult] | None, dict[Path, Stamp]]:
        """One build, reported in one line (warnings and errors above it, as a one-shot
        build prints them): its results (None when the input was bad), and what to watch
        now, each path with how it looked before the build read it."""
        started = time.perf_counter()
        before = self.stamps(self.watching)
        validated: ValidatedEvent | None = None
        try:
            # What a one-shot build does, validation first: its files say what to watch.
            validated = validate_event(self.source, allow_outside=self.options.allow_outside,
                                       decode_images=False, theme=self.options.theme)
            self.valid = self.always | watched_paths(
                validated, allow_outside=self.options.allow_outside)
            self.watching = self.valid
            before |= self.stamps(self.watching - before.keys())  # as validation read them
            results = build_brochures(validated, self.output, self.options, self.targets)
        except DokureportError as exc:
            if validated is None:
                self.watching = (self.valid | self._erring(exc.problems)
                                 | awaited(getattr(exc, "missing", ()), self.folder))
                before |= self.stamps(self.watching - before.keys())
            for problem in exc.problems:
                self.echo(f"error: {problem}", True)
            count = len(exc.problems)
            self.echo(f"Build failed ({count} error{'s' * (count != 1)}); "
                      "waiting for changes", True)
            return None, {path: before[path] for path in self.watching}
        seconds = time.perf_counter() - started
        warnings = list(dict.fromkeys(w for result in results for w in result.warnings))
        for warning in warnings:
            self.echo(f"warning: {warning}", True)
        pages = ", ".join(f"{r.output} ({r.pages} pages)" for r in results)
        self.echo(f"Wrote {pages}, {len(warnings)} warning{'s' * (len(warnings) != 1)}, "
                  f"{seconds:.2f} s", False)
        return results, {path: before[path] for path in self.watching}

    def _erring(self, problems: Iterable[Problem]) -> set[Path]:
        """The files the errors of bad input point into (a chapter's Markdown, a theme
        file), where they may be watched."""
        named = _watchable((p.file for p in problems if p.file is not None), self.folder,
                           allow_outside=self.options.allow_outside)
        return {path for path in named if path.is_file()}


def build_once(source: Path, output: Path, options: BuildOptions, targets: Sequence[Target],
               echo: Echo) -> list[BuildResult] | None:
    """One build, reported in one line (warnings and errors above it, as a one-shot build
    prints them); None when the input was bad."""
    return _Session(source, output, options, targets, echo).build()[0]


def watch_builds(source: Path, output: Path, options: BuildOptions,
                 targets: Sequence[Target], echo: Echo,
                 stop: threading.Event | None = None) -> None:
    """Build, then rebuild on every change of the event's files until Ctrl-C or `stop`."""
    session = _Session(source, output, options, targets, echo)
    watched = _build_then_collect(session)
    echo(f"Watching {session.folder} for changes (Ctrl-C to stop)", True)
    try:
        while _changed(session, watched, stop):
            watched = _build_then_collect(session)
    except KeyboardInterrupt:
        interrupts.caught()  # Ctrl-C is how watching ends: not an interrupted command
        echo("Stopped watching", True)


def _build_then_collect(session: _Session) -> dict[Path, Stamp]:
    """Build, then collect the build's garbage while the next edit is awaited
    (`collector.between_builds`); the PDF is written and reported before this."""
    _, watched = session.build()
    collector.between_builds()
    return watched


def _changed(session: _Session, watched: dict[Path, Stamp],
             stop: threading.Event | None) -> bool:
    """Wait until a watched path changes (True) or `stop` is set (False).

    Each path is watched non-recursively. A change made after the last build read a
    path but before this watcher was up shows as a stamp that differs: a change too.
    """
    import watchfiles

    while not session.folder.is_dir():  # gone (a branch switched?): wait for it to return
        if stop is not None and stop.is_set():
            return False
        time.sleep(0.5)
    paths = sorted(path for path in watched if path.exists())
    checked = False
    try:
        for changes in watchfiles.watch(
                *paths, watch_filter=lambda _, name: not session.ignored(Path(name)),
                stop_event=stop, debounce=200, step=50, rust_timeout=250,
                yield_on_timeout=True, raise_interrupt=True, recursive=False):
            if changes:
                return True
            if not checked:  # the watcher is up: did anything change before it was?
                checked = True
                if session.stamps(watched) != watched:
                    return True
    except FileNotFoundError:
        return True  # a watched path went away while the watcher started: a change
    return False


def _outputs(output: Path, targets: Sequence[Target]) -> list[Path]:
    from dokureport.pipeline import booklet_path, output_paths

    paths = list(output_paths(output, targets).values())
    return paths + [booklet_path(p) for p in paths]
