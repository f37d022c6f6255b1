"""Process policy: how the garbage collector runs in a build and in the command line's process.

A build allocates millions of small objects (flowables, broken lines, tag records) and
keeps most of them to the end. CPython's full collections scan every tracked object,
and how many of them a build triggers depends on how many objects existed before it:
the modules, fonts and hyphenation dictionaries imported and loaded, and, in watch
mode, the previous builds' caches. None of those can become garbage while the build
runs, so they are moved out of the collector's sight (`gc.freeze`) for the build and
handed back afterwards (`gc.unfreeze`), when whatever they drop can be collected again.
Measured on the 300-photo event: the tagged build's third full collection (80 ms) goes.

The command line's process also collects less often (`COMMAND_LINE_THRESHOLDS`) and
skips the full collection CPython makes as it exits (`command_line_policy`).
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived_frozen() -> Iterator[None]:
    """Freeze the objects that exist now for the `with` block, then unfreeze them.

    Left alone when the collector is off or something else froze objects already:
    unfreezing would undo a caller's own policy.
    """
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# A build makes millions of small objects and few cycles: with Python's default (a young
# collection every 700 allocations, each full pass over what survived) the cyclic
# collector took about 5 % of a text build's CPU; this leaves cycles collected, later.
COMMAND_LINE_THRESHOLDS = (100_000, 50, 1000)

_exit_registered = False


def command_line_policy() -> None:
    """The command line's collector: fewer collections, and none over everything at exit.

    As it exits, CPython runs a last full collection over every object still alive
    (modules, fonts, hyphenation dictionaries, caches): 160-250 ms after a 60-talk
    build, about a tenth of it, spent finding the garbage the operating system is about
    to take back whole. Freezing everything after the exit handlers have run (files
    closed, workers stopped, temporary files removed) leaves that collection nothing to
    scan: 25-30 ms. Objects still alive are freed as modules are torn down, as before;
    only finalizers of unreachable cycles do not run, and the command line leaves none
    that matter (every file it writes is closed by its stage).
    """
    global _exit_registered
    gc.set_threshold(*COMMAND_LINE_THRESHOLDS)
    if not _exit_registered:
        # Registered before the command runs, so it runs after the exit handlers that
        # running the command registers (they run last in, first out).
        atexit.register(gc.freeze)
        _exit_registered = True


# What builds let go of whose freeing takes long, freed by `between_builds` instead.
_dropped: list[object] = []

# At most this many are held: a process that builds again without `between_builds`
# (the API, a test) frees the oldest as it hands over more, not never.
DROPPED_HELD = 4


def drop_between_builds(obj: object) -> None:
    """Let go of `obj` while the next edit is awaited (`between_builds`), not now.

    For what a build no longer needs but whose freeing costs: qpdf takes 0.07-0.1 s of
    CPU to free the object graph of a 1,000-talk brochure's finished PDF (24,000
    objects), after the file is written but before the rebuild is done. Only a process
    that builds again and again hands objects over (watch mode).
    """
    _dropped.append(obj)
    while len(_dropped) > DROPPED_HELD:
        del _dropped[0]


def between_builds() -> None:
    """What a process that builds again and again (watch mode) does while it waits for
    the next edit: free what its builds dropped (`drop_between_builds`) and collect the
    last build's garbage.

    A layout leaves cycles behind (its document, canvas and story); the command line's
    thresholds, tuned for one build and an exit, would let them pile up across rebuilds
    (about 40 MB a save at 1,000 talks) and collect them in the middle of a later build,
    each full pass over everything the session keeps (0.3-0.6 s at 1,000 talks)."""
    _dropped.clear()
    gc.collect()
