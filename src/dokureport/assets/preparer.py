"""The preparer: hands images to worker processes, caches results, cleans the cache."""

from __future__ import annotations

import collections
import contextlib
import errno
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dokureport.assets.cmyk import PrintProfile
from dokureport.assets.pixels import (
    Task,
    atomic_write,
    cache_key,
    is_current_hash,
    is_file_digest,
    read_meta,
    work,
    worker_init,
)
from dokureport.assets.plan import (
    JPEG_QUALITY,
    PREPARE_VERSION,
    ImageRequest,
    PreparedImage,
    Settings,
    effective_dpi,
    make_settings,
)
from dokureport.core import interrupts
from dokureport.core.errors import ExitCode, InputError, Problem, SystemFailure

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# Cache clean-up on exit: an entry unused by this build goes when older than this, and
# least recently used unused entries go while the cache is larger than the cap.
CACHE_MAX_AGE_DAYS = 30
CACHE_MAX_BYTES = 2 * 1024**3


@dataclass
class PreparerStats:
    """What a preparer did; tests and the benchmark read it."""

    submitted: int = 0  # distinct preparations asked for
    prepared: int = 0  # decoded and encoded by a worker
    passed_through: int = 0  # the source embedded as it is
    cache_hits: int = 0  # found in the cache (without or with a worker hashing the file)
    hashed: int = 0  # source files whose content a worker hashed
    errors: int = 0


# ---------------------------------------------------------------------------------------
# The preparer: the main process's side


def worker_pool(jobs: int | None = None) -> ProcessPoolExecutor:
    """A pool of photo workers that several preparers may share (a batch of events).

    The workers hold no state between tasks (each task carries its settings and paths),
    so a shared pool is sound; the caller shuts it down.
    """
    # Imported here: a build whose photos are all in the cache starts no workers.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: workers start small (not a copy of a parent busy with layout) and safe
    # next to the parent's threads.
    try:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["dokureport.assets"])
    except ValueError:  # no forkserver on this platform
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=jobs if jobs and jobs > 0 else _default_jobs(),
                               mp_context=context, initializer=worker_init)


def spawn_workers(pool: ProcessPoolExecutor, jobs: int | None = None) -> None:
    """Have `pool` start its workers now (they are otherwise spawned as tasks arrive):
    one trivial task each."""
    for _ in range(jobs if jobs and jobs > 0 else _default_jobs()):
        pool.submit(os.getpid)


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _StatIndex:
    """Source file identity (path, size, mtime, inode) → content hash, kept in the cache.

    A rebuild then needs neither a worker nor a read of the photo to find its entry.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = {}  # identity → [content hash, last used]
        self.dirty = False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == PREPARE_VERSION:
                entries = dict(data.get("entries", {}))
                # Hashes of another algorithm (an older build's SHA-256) are dropped, not
                # trusted: the photo is hashed again the current way.
                self.entries = {k: v for k, v in entries.items() if is_current_hash(v[0])}
                self.dirty = len(self.entries) != len(entries)
        except (OSError, ValueError, AttributeError, TypeError, IndexError, KeyError):
            pass

    @staticmethod
    def identity(source: Path, st: os.stat_result) -> str:
        return f"{source}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}"

    def get(self, ident: str) -> str | None:
        entry = self.entries.get(ident)
        if entry is None:
            return None
        if time.time() - entry[1] > 86400:  # refresh "last used" at most daily
            entry[1] = time.time()
            self.dirty = True
        return str(entry[0])

    def put(self, ident: str, content_hash: str) -> None:
        self.entries[ident] = [content_hash, time.time()]
        self.dirty = True

    def save(self) -> None:
        cutoff = time.time() - CACHE_MAX_AGE_DAYS * 86400
        stale = [k for k, (_, used) in self.entries.items() if used < cutoff]
        for k in stale:
            del self.entries[k]
        if not (self.dirty or stale):
            return
        data = json.dumps({"version": PREPARE_VERSION, "entries": self.entries}).encode()
        with contextlib.suppress(OSError):
            atomic_write(str(self.path), lambda p: Path(p).write_bytes(data))


class ImagePreparer:
    """Prepares images in worker processes while layout goes on.

    `submit` every request up front (cheap, non-blocking), then ask for each `result`
    when it is drawn. With `cache_dir`, prepared files live in `cache_dir/images`
    (keyed by the source's content hash and the preparation settings) and survive the
    build; without, they live in a temporary folder removed on exit: embed them before
    leaving the `with` block.

    Cache clean-up on exit: entries not used by this build go when older than
    CACHE_MAX_AGE_DAYS, then least recently used ones while the cache exceeds
    CACHE_MAX_BYTES.
    """

    def __init__(
        self,
        *,
        dpi: int,
        cache_dir: Path | None = None,
        jobs: int | None = None,
        progress: bool = False,
        quality: int = JPEG_QUALITY,
        pool: ProcessPoolExecutor | None = None,
        on_photo: Callable[[int, int], None] | None = None,
        profile: PrintProfile | None = None,
        early: Callable[[], ProcessPoolExecutor | None] | None = None,
    ) -> None:
        self.dpi = dpi
        # With a print profile every image is made CMYK for it (the print target).
        self._ink = (profile.source, profile.digest) if profile is not None else None
        self.quality = quality
        self.jobs = jobs if jobs and jobs > 0 else _default_jobs()
        self.stats = PreparerStats()
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = pool
        self._own_pool = pool is None  # a shared pool is shut down by its owner
        self._on_photo = on_photo  # (done, total) after each photo: the API's progress
        self._photos_done = 0
        self._futures: dict[tuple[str, Settings], Future[dict[str, Any]]] = {}
        # Tasks not handed to the pool yet, in submission order. The pool is given a few
        # at a time, so that the photo layout waits for (`result`) jumps the queue: the
        # gallery can be submitted before the pages that come first are built.
        self._queued: collections.OrderedDict[tuple[str, Settings], tuple[Task, str | None]] = (
            collections.OrderedDict())
        self._in_pool = 0  # tasks handed to the pool and not finished
        self._feeding = True  # False once this build's workers are stopped
        self._feed_lock = threading.RLock()
        # This build's own pool is started by a thread of its own: the forkserver imports
        # the pixel work's modules before the first worker exists, and the layout goes on
        # meanwhile instead of waiting for it.
        self._starter: threading.Thread | None = None
        self._pool_ready = threading.Event()
        if early is not None and pool is None:
            # A pool started before the build (assets.early): this preparer owns it.
            self._starter = threading.Thread(target=self._adopt_pool, args=(early,),
                                             name="photo-pool-adopt", daemon=True)
            self._starter.start()
        self._done: dict[tuple[str, Settings], dict[str, Any]] = {}
        self._results: dict[ImageRequest, PreparedImage] = {}
        self._used_keys: set[str] = set()
        self._order: list[tuple[str, Settings]] = []
        self._closed = False
        self._tmp_dir: Path | None = None
        self._index: _StatIndex | None = None
        # The cache is only an optimisation: trouble with it is a warning, once.
        self.warnings: list[Problem] = []
        self._caching = False
        self._cache_folder: Path | None = None
        if cache_dir is not None:
            folder = self._cache_folder = Path(cache_dir) / "images"
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                self._cache_failed(str(folder), exc.strerror or str(exc))
            else:
                self._out_dir = folder
                self._index = _StatIndex(folder / "sources.json")
                self._caching = True
        if not self._caching:
            self._use_temp_dir()
        self._bar: Any = None
        if progress:
            from tqdm import tqdm

            self._bar = tqdm(total=0, desc="Photos", unit="photo", file=sys.stderr,
                             leave=False, dynamic_ncols=True)

    # -- public -------------------------------------------------------------------------

    def submit(self, request: ImageRequest) -> None:
        """Start preparing `request` (non-blocking); a duplicate is prepared once."""
        if self._closed:
            raise RuntimeError("ImagePreparer is closed")
        settings = make_settings(request, self.dpi, self.quality, self._ink)
        task_key = (str(request.source), settings)
        if task_key in self._futures or task_key in self._done or task_key in self._queued:
            return
        self.stats.submitted += 1
        self._order.append(task_key)
        self._bar_total(+1)
        content_hash = None
        try:
            st = os.stat(request.source)
        except FileNotFoundError as exc:
            self._finish(task_key, {"vanished": exc.strerror or str(exc)})
            return
        except OSError as exc:
            self._finish(task_key, {"error": f"cannot read image: {exc.strerror or exc}"})
            return
        if self._index is not None:
            ident = _StatIndex.identity(request.source, st)
            content_hash = self._index.get(ident)
            if content_hash is not None:
                key = cache_key(content_hash, settings)
                meta = read_meta(str(self._out_dir), key)
                if meta is not None:
                    # A rebuild's common case: no worker, no read of the photo.
                    self._finish(task_key, {**meta, "key": key, "cache_hit": True,
                                            "hashed": False, "content_hash": content_hash})
                    return
        out_name = hashlib.sha256(
            f"{request.source}|{st.st_size}|{st.st_mtime_ns}|{settings.token()}".encode()
        ).hexdigest()
        task = Task(
            source=str(request.source),
            settings=settings,
            out_base=str(self._out_dir / out_name),
            content_hash=content_hash,
            cache_dir=str(self._out_dir) if self._caching else None,
        )
        ident_for_index = _StatIndex.identity(request.source, st) if self._index else None
        with self._feed_lock:
            self._queued[task_key] = (task, ident_for_index)
        self._feed()

    def ready(self, request: ImageRequest) -> bool:
        """Whether `result` would return (or raise) at once, without waiting for a worker."""
        if request in self._results:
            return True
        task_key = (str(request.source), make_settings(request, self.dpi, self.quality, self._ink))
        future = self._futures.get(task_key)
        return task_key in self._done or (future is not None and future.done())

    def result(self, request: ImageRequest) -> PreparedImage:
        """The prepared image (blocks until ready); InputError naming the file if bad."""
        cached = self._results.get(request)
        if cached is not None:
            return cached
        settings = make_settings(request, self.dpi, self.quality, self._ink)
        task_key = (str(request.source), settings)
        meta = self._done.get(task_key)
        if meta is None:
            if task_key not in self._futures and task_key not in self._queued:
                self.submit(request)
            self._start_now(task_key)
            future = self._futures.get(task_key)
            # The future may have finished (and moved to _done) in the meantime.
            meta = self._collect(task_key, future) if future else self._done[task_key]
        if "write_error" in meta:
            if self._cache_folder is None or not Path(meta["path"]).is_relative_to(
                    self._cache_folder):
                raise SystemFailure([Problem(f"{meta['path']}: {meta['write_error']}",
                                             code="io-error")],
                                    ExitCode.IO_ERROR)
            # A full or read-only cache: prepare this photo (and the rest) without it.
            self._cache_failed(meta["path"], meta["write_error"])
            with self._lock:
                self._done.pop(task_key, None)
            return self.result(request)
        if "vanished" in meta:
            raise SystemFailure.from_os_error(
                FileNotFoundError(errno.ENOENT, meta["vanished"], str(request.source)))
        if "error" in meta:
            raise InputError(self._all_problems())
        digest = None
        if meta["kind"] == "source":
            path = request.source
        else:
            path = Path(meta.get("dir") or self._out_dir) / meta["file"]
            digest = meta.get("digest") if is_file_digest(meta.get("digest")) else None
        size = (int(meta["width"]), int(meta["height"]))
        prepared = PreparedImage(
            path=path,
            width_px=size[0],
            height_px=size[1],
            effective_dpi=effective_dpi(size, request.width_pt, request.height_pt),
            digest=digest,
        )
        self._results[request] = prepared
        return prepared

    def stop_workers(self) -> None:
        """Layout is over: this build's own workers go now, once what they were given is
        done, rather than after post-processing, whose memory peak they would add to.
        A later photo (none is expected) would start new ones."""
        self._stop_own_pool(cancel=False)

    def _stop_own_pool(self, *, cancel: bool) -> None:
        """Shut this build's own pool down (`cancel`: what it has not started is dropped)."""
        with self._feed_lock:
            self._feeding = False  # tasks still queued start one by one, when asked for
        if self._starter is not None:
            self._starter.join()
            self._starter = None
        if self._executor is not None and self._own_pool:
            with interrupts.held():
                self._executor.shutdown(wait=True, cancel_futures=cancel)
            self._executor = None

    def close(self) -> None:
        """Stop the workers, save the cache index, clean the cache or remove temp files."""
        if self._closed:
            return
        self._closed = True
        with self._feed_lock:
            self._feeding = False
            self._queued.clear()
        if self._own_pool:
            self._stop_own_pool(cancel=True)
        elif self._executor is not None:
            # A shared pool: cancel what this build still queued, let running tasks end
            # (their files land in our folders, so wait for them before cleaning up).
            for future in list(self._futures.values()):
                future.cancel()
            with interrupts.held():
                for future in list(self._futures.values()):
                    if not future.cancelled():
                        with contextlib.suppress(Exception):
                            future.exception()
        self._executor = None
        if self._bar is not None:
            self._bar.close()
        if self._index is not None:
            self._index.save()
            self._clean_cache()
        if self._tmp_dir is not None:
            shutil.rmtree(self._tmp_dir, ignore_errors=True)

    def __enter__(self) -> ImagePreparer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------

    def _use_temp_dir(self) -> None:
        self._tmp_dir = Path(tempfile.mkdtemp(prefix="dokureport-images-"))
        self._out_dir = self._tmp_dir

    def _cache_failed(self, where: str, reason: str) -> None:
        """Warn once and go on without the cache; photos prepared so far stay valid."""
        if not self.warnings:
            self.warnings.append(Problem(
                f"photo cache: cannot write {where} ({reason}); photos are prepared "
                "without the cache in this build", code="cache"))
        if self._caching:
            self._caching = False
            self._index = None
            self._use_temp_dir()

    def _pool(self) -> ProcessPoolExecutor:
        if self._starter is not None:
            self._pool_ready.wait()  # the starter's pool (it never takes the feed lock first)
        if self._executor is None:
            self._executor = worker_pool(self.jobs)
        return self._executor

    def _start_pool(self) -> None:
        """In the starter thread: the pool and its workers, then the first tasks."""
        try:
            pool = worker_pool(self.jobs)
            spawn_workers(pool, self.jobs)
            self._executor = pool
        finally:
            self._pool_ready.set()  # without a pool, `_pool` makes one where it is needed
        self._feed()

    def _adopt_pool(self, early: Callable[[], ProcessPoolExecutor | None]) -> None:
        """In the starter thread: the pool started before the build, then the first tasks."""
        try:
            self._executor = early()
        finally:
            self._pool_ready.set()
        self._feed()

    def _limit(self) -> int:
        """Tasks in the pool at once: one running per worker and one waiting each, so a
        worker never idles between tasks and a task asked for starts within a photo."""
        return 2 * self.jobs

    def _feed(self) -> None:
        """Hand queued tasks to the pool, in submission order, up to the limit."""
        with self._feed_lock:
            if self._executor is None and self._feeding and self._queued:
                if self._starter is None:
                    self._starter = threading.Thread(target=self._start_pool,
                                                     name="photo-pool-start", daemon=True)
                    self._starter.start()
                if not self._pool_ready.is_set():
                    return  # the starter feeds the pool once it is up
            while self._feeding and self._queued and self._in_pool < self._limit():
                task_key, _ = next(iter(self._queued.items()))
                self._start(task_key)

    def _start_now(self, task_key: tuple[str, Settings]) -> None:
        """Hand a queued task to the pool at once, whatever waits before it: the layout
        is waiting for it."""
        with self._feed_lock:
            if task_key in self._queued:
                self._start(task_key)

    def _start(self, task_key: tuple[str, Settings]) -> None:
        # Under _feed_lock (re-entrant: a callback of a future that is done already runs
        # in this thread, and feeds again).
        task, ident = self._queued.pop(task_key)
        with interrupts.held():
            future = self._pool().submit(work, task)
        self._in_pool += 1
        self._futures[task_key] = future
        future.add_done_callback(lambda f: self._on_done(f, ident))

    def _all_problems(self) -> list[Problem]:
        """Every bad image, in submission order: the user fixes them all in one go."""
        for task_key in list(self._queued):
            self._start_now(task_key)
        for task_key, future in list(self._futures.items()):
            with contextlib.suppress(Exception):
                self._collect(task_key, future)
        return [
            Problem(meta["error"], file=Path(source), code="bad-image")
            for (source, _), meta in ((k, self._done.get(k, {})) for k in self._order)
            if "error" in meta
        ]

    def _collect(self, task_key: tuple[str, Settings], future: Future[dict[str, Any]]
                 ) -> dict[str, Any]:
        meta = future.result()
        with self._lock:
            self._done.setdefault(task_key, meta)
            self._futures.pop(task_key, None)
        return self._done[task_key]

    def _on_done(self, future: Future[dict[str, Any]], ident: str | None) -> None:
        # Runs in the executor's thread: stats, index, progress, and the next task.
        with self._feed_lock:
            self._in_pool -= 1
        self._feed()
        if future.cancelled() or future.exception() is not None:
            return
        meta = future.result()
        with self._lock:
            self._count(meta)
            if ident is not None and self._index is not None and meta.get("content_hash"):
                self._index.put(ident, meta["content_hash"])
            if meta.get("key"):
                self._used_keys.add(meta["key"])
        self._bar_update()

    def _finish(self, task_key: tuple[str, Settings], meta: dict[str, Any]) -> None:
        with self._lock:
            self._done[task_key] = meta
            self._count(meta)
            if meta.get("key"):
                self._used_keys.add(meta["key"])
        self._bar_update()

    def _count(self, meta: dict[str, Any]) -> None:
        if "error" in meta:
            self.stats.errors += 1
            return
        if meta.get("hashed"):
            self.stats.hashed += 1
        if meta.get("cache_hit"):
            self.stats.cache_hits += 1
        elif meta.get("kind") == "source":
            self.stats.passed_through += 1
        else:
            self.stats.prepared += 1

    def _bar_total(self, delta: int) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.total += delta
                self._bar.refresh()

    def _bar_update(self) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.update(1)
        if self._on_photo is not None:
            with self._lock:
                self._photos_done += 1
                done, total = self._photos_done, self.stats.submitted
            self._on_photo(done, total)

    def _clean_cache(self) -> None:
        """Age first, then an LRU size cap; never touches entries this build used."""
        used = self._used_keys
        now = time.time()
        # Keep this build's entries recent for the LRU order.
        for key in used:
            with contextlib.suppress(OSError):
                os.utime(self._out_dir / f"{key}.json", (now, now))
        entries: dict[str, list[tuple[Path, os.stat_result]]] = {}
        try:
            scan = list(os.scandir(self._out_dir))
        except OSError:
            return
        for entry in scan:
            name = entry.name
            if name == "sources.json" or not entry.is_file():
                continue
            key = name.split(".", 1)[0]
            if len(key) != 64:
                continue
            with contextlib.suppress(OSError):
                entries.setdefault(key, []).append((Path(entry.path), entry.stat()))
        cutoff = now - CACHE_MAX_AGE_DAYS * 86400
        survivors: list[tuple[float, int, str]] = []
        total = 0
        for key, files in entries.items():
            size = sum(st.st_size for _, st in files)
            last_used = max(st.st_mtime for _, st in files)
            if key not in used and last_used < cutoff:
                self._remove(files)
                continue
            total += size
            if key not in used:
                survivors.append((last_used, size, key))
        if total > CACHE_MAX_BYTES:
            for _, size, key in sorted(survivors):
                self._remove(entries[key])
                total -= size
                if total <= CACHE_MAX_BYTES:
                    break

    @staticmethod
    def _remove(files: list[tuple[Path, os.stat_result]]) -> None:
        for path, _ in files:
            with contextlib.suppress(OSError):
                path.unlink()

