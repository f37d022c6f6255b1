"""Prepare-assets stage, before the build: photo workers start while it imports and validates.

A cold build's workers waited for the build's own start (imports, validation, fonts:
0.5-0.7 s on one core), and then for the forkserver to start and import the pixel work
(0.1 s on an idle machine, 0.3-2 s on a busy one) before the first photo was decoded.
Started first, in a thread, they are up by the time layout hands them the first photo.

A rebuild whose images are all cached needs no worker: each build leaves, in the cache
folder, the identity of every image it placed (`remember`); a build whose event placed
images that are all unchanged since starts none early (one that does need a worker then
starts it when the photo is asked for, as before).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dokureport.assets.preparer import spawn_workers, worker_pool
from dokureport.core import interrupts, plain_cache
from dokureport.core.options import BuildOptions

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

# What starting a pool imports (Python's own modules).
_POOL_MODULES = ("concurrent.futures.process", "multiprocessing.connection",
                 "multiprocessing.forkserver", "multiprocessing.popen_forkserver",
                 "multiprocessing.queues")
# Bumped when what a record holds changes.
_VERSION = 1

Identity = tuple[str, int, int, int]  # path, size, modification time, inode


class EarlyPool:
    """A worker pool being started in a thread of its own; the first preparer that
    `take`s it owns it, else `close` shuts it down."""

    def __init__(self, jobs: int | None) -> None:
        # What starting a pool imports, imported here: the thread then imports nothing
        # while this one imports the build's stages.
        for module in _POOL_MODULES:
            importlib.import_module(module)

        self._jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        self._taken = False
        self._thread = threading.Thread(target=self._start, name="photo-pool-early",
                                        daemon=True)
        self._thread.start()

    def _start(self) -> None:
        try:
            pool = worker_pool(self._jobs)
        except Exception:
            return  # the preparer starts one when a photo needs it, and says why it cannot
        try:
            spawn_workers(pool, self._jobs)
        except Exception:  # likewise: a broken pool is no pool
            pool.shutdown(wait=False, cancel_futures=True)
            return
        self._pool = pool

    def take(self) -> ProcessPoolExecutor | None:
        """The pool, once started (waits for it), for its new owner; None if taken."""
        if self._taken:
            return None
        self._taken = True
        self._thread.join()
        return self._pool

    def close(self) -> None:
        """Shut the pool down unless a preparer took it (which shuts it down itself)."""
        if self._taken:
            return
        self._taken = True
        with interrupts.held():
            self._thread.join()
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)


def _key(source: Path, options: BuildOptions, targets: Sequence[str]) -> str:
    """The event and the options that decide which prepared images its build asks for."""
    return repr((os.path.abspath(source), tuple(targets), options.paper, options.bleed_mm,
                 options.booklet, options.theme))


def _record(cache_dir: Path, key: str) -> Path:
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return cache_dir / "placed" / f"v{_VERSION}-{digest}.pickle"


def _identity(path: str) -> Identity | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (path, st.st_size, st.st_mtime_ns, st.st_ino)


def all_cached(source: Path, options: BuildOptions, targets: Sequence[str]) -> bool:
    """Whether the last build of the event at `source` with these options (and cache
    folder) placed images that are all unchanged since: all are in the cache, and this
    build likely needs no worker."""
    if options.cache_dir is None:
        return False
    key = _key(source, options, targets)
    data = plain_cache.load(_record(options.cache_dir, key))
    if not (isinstance(data, tuple) and len(data) == 2 and data[0] == key
            and isinstance(data[1], tuple)):
        return False
    return all(isinstance(item, tuple) and item and isinstance(item[0], str)
               and _identity(item[0]) == item for item in data[1])


def remember(source: Path, options: BuildOptions, targets: Sequence[str],
             images: Iterable[Path]) -> None:
    """Note the images a build of the event at `source` placed (all now in the cache)."""
    if options.cache_dir is None:
        return
    key = _key(source, options, targets)
    identities = tuple(i for i in (_identity(os.fspath(p)) for p in dict.fromkeys(images))
                       if i is not None)
    plain_cache.store(_record(options.cache_dir, key), (key, identities))


def start_early(source: Path, options: BuildOptions, targets: Sequence[str]
                ) -> EarlyPool | None:
    """Start the photo workers now, unless the cache says the build needs none."""
    if all_cached(source, options, targets):
        return None
    return EarlyPool(options.jobs)
