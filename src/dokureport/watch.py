"""Watch mode: rebuild whenever the event's files change, one line per build, errors survived.

Builds run in this one process, so what a build keeps for the next stays warm: the
registered fonts, the hyphenation patterns and each word's breaks, QR symbols, and the
prepared photos (in the photo cache). A rebuild writes what a one-shot build of the same
input writes, byte for byte: nothing kept changes the output.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from dokureport.core import interrupts
from dokureport.core.errors import DokureportError
from dokureport.core.options import BuildOptions, Target
from dokureport.pipeline import BuildResult, build_brochures

Echo = Callable[[str, bool], None]  # (line, to standard error)


def event_folder(source: Path) -> Path:
    """The folder whose files an event may name: the event folder, or its event.yaml's."""
    return source if source.is_dir() else source.parent


def build_once(source: Path, output: Path, options: BuildOptions, targets: Sequence[Target],
               echo: Echo) -> list[BuildResult] | None:
    """One build, reported in one line (warnings and errors above it, as a one-shot build
    prints them); None when the input was bad."""
    started = time.perf_counter()
    try:
        results = build_brochures(source, output, options, targets)
    except DokureportError as exc:
        for problem in exc.problems:
            echo(f"error: {problem}", True)
        count = len(exc.problems)
        echo(f"Build failed ({count} error{'s' * (count != 1)}); waiting for changes", True)
        return None
    seconds = time.perf_counter() - started
    warnings = list(dict.fromkeys(w for result in results for w in result.warnings))
    for warning in warnings:
        echo(f"warning: {warning}", True)
    pages = ", ".join(f"{r.output} ({r.pages} pages)" for r in results)
    echo(f"Wrote {pages}, {len(warnings)} warning{'s' * (len(warnings) != 1)}, "
         f"{seconds:.2f} s", False)
    return results


def watch_builds(source: Path, output: Path, options: BuildOptions,
                 targets: Sequence[Target], echo: Echo,
                 stop: threading.Event | None = None) -> None:
    """Build, then rebuild on every change in the event's folder until Ctrl-C or `stop`."""
    import watchfiles

    folder = event_folder(source).resolve()
    written = {p.resolve() for p in _outputs(output, targets)}

    def relevant(change: watchfiles.Change, name: str) -> bool:
        path = Path(name)
        # Our own output and its temporary files (".brochure.pdf.XXXX.part") are no edit.
        return (path.resolve() not in written and not path.name.endswith(".part")
                and "__pycache__" not in path.parts)

    build_once(source, output, options, targets, echo)
    echo(f"Watching {folder} for changes (Ctrl-C to stop)", True)
    try:
        for _ in watchfiles.watch(folder, watch_filter=relevant, stop_event=stop,
                                  debounce=200, step=50, raise_interrupt=True):
            build_once(source, output, options, targets, echo)
    except KeyboardInterrupt:
        interrupts.caught()  # Ctrl-C is how watching ends: not an interrupted command
        echo("Stopped watching", True)


def _outputs(output: Path, targets: Sequence[Target]) -> list[Path]:
    from dokureport.pipeline import booklet_path, output_paths

    paths = list(output_paths(output, targets).values())
    return paths + [booklet_path(p) for p in paths]
