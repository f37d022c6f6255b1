"""Ctrl-C and SIGTERM as exceptions in the main thread, held back where a cut would harm.

The command line installs the handlers. Code that must not be cut in half (starting or
stopping a worker process) runs inside `held()`: a signal that arrives meanwhile is
raised when the block ends. Blocking the signal per thread would not do: the process's
other threads still receive it, and Python then runs the handler in the main thread.

Python runs a handler at the next bytecode, which may be a finalizer's (`__del__`, a
weakref callback, the garbage collector's), where a raised exception is printed as
"Exception ignored" and lost: a SIGTERM then ended nothing, and the build exited 0. So a
signal stays noted until its exception reaches the command line's edge; `check()`, before
an output is put in place and before a command succeeds, raises it again.
"""

from __future__ import annotations

import contextlib
import signal
import sys
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
_unraised: int | None = None  # raised by the handler, not yet seen at the edge (`caught`)


def _raise(signum: int) -> None:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


def _handler(signum: int, frame: object) -> None:
    global _pending, _unraised
    if _holding:
        _pending = signum
        return
    _unraised = signum
    _raise(signum)


def check() -> None:
    """Raise again a signal whose exception a finalizer swallowed (see above)."""
    global _unraised
    if _unraised is not None and not _holding:
        signum, _unraised = _unraised, None
        _raise(signum)


def caught() -> None:
    """The command line's edge has the signal's exception: nothing is left to raise."""
    global _unraised
    _unraised = None


def _quiet_unraisable(default: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def hook(unraisable: Any) -> None:
        # A signal's exception lost in a finalizer: `check()` raises it again.
        if _unraised is not None and isinstance(unraisable.exc_value,
                                                KeyboardInterrupt | Terminated):
            return
        default(unraisable)
    return hook


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Run the block whole; a SIGINT or SIGTERM that arrives meanwhile is raised after it."""
    global _holding, _pending, _unraised
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
            _unraised = signum
            _raise(signum)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """Install the handlers for the block (the command line's whole run)."""
    global _unraised
    previous: dict[int, Callable[[int, Any], Any] | int | None] = {
        signum: signal.signal(signum, _handler) for signum in (signal.SIGINT, signal.SIGTERM)}
    unraisable_hook, _unraised = sys.unraisablehook, None
    sys.unraisablehook = _quiet_unraisable(unraisable_hook)
    try:
        yield
    finally:
        sys.unraisablehook = unraisable_hook
        for signum, handler in previous.items():
            signal.signal(signum, handler)
