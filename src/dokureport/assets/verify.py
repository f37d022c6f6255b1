"""Decode the pixels of many images in the photo workers, to find damaged ones early."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

from dokureport.assets.preparer import worker_pool
from dokureport.core import interrupts
from dokureport.event.files import decode_problem

# Below this many bytes of images, decoding them here is faster than starting workers
# (a forkserver and its workers take about half a second to come up).
POOL_MIN_BYTES = 24 * 1024**2


def decode_problems(paths: Sequence[Path], jobs: int | None = None) -> list[str | None]:
    """Per path, in order, why its pixels cannot be decoded (None if they can).

    Each image is decoded as `dokureport validate` always did (a JPEG in draft mode at
    1/8 scale, which still reads the whole stream), but on every core, in the same
    worker processes a build prepares photos in.
    """
    if not paths:
        return []
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):  # decode_problem words it
            total += os.stat(path).st_size
    if total < POOL_MIN_BYTES or jobs == 1:
        return [decode_problem(path) for path in paths]
    pool = worker_pool(jobs)
    try:
        with interrupts.held():  # starting workers must not be cut in half
            futures = [pool.submit(decode_problem, path) for path in paths]
        return [future.result() for future in futures]
    finally:
        with interrupts.held():
            pool.shutdown(wait=True, cancel_futures=True)
