"""Ctrl-C and SIGTERM as exceptions in the main thread, held back where a cut would harm.

The command line installs the handlers. Code that must not be cut in half (starting or
stopping a worker process) runs inside `held()`: a signal that arrives meanwhile is
raised when the block ends. Blocking the signal per thread would not do: the process's
other threads still receive it, and Python then runs the handler in the main thread.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt is for SIGINT (not an Exception: nothing
    that catches errors may swallow it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_holding = 0
_pending: int | None = None


def _raise(signum: int) -> None:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


def _handler(signum: int, frame: object) -> None:
    global _pending
    if _holding:
        _pending = signum
        return
    _raise(signum)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Run the block whole; a SIGINT or SIGTERM that arrives meanwhile is raised after it."""
    global _holding, _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
        if not _holding and _pending is not None:
            signum, _pending = _pending, None
            _raise(signum)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """Install the handlers for the block (the command line's whole run)."""
    previous: dict[int, Callable[[int, Any], Any] | int | None] = {
        signum: signal.signal(signum, _handler) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
