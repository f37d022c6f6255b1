"""Plain data (dicts, tuples, strings, numbers) kept in the user's cache between builds.

A file is read by an unpickler that refuses every class, so a tampered file can fail to
load but run nothing. Any trouble (unwritable folder, damaged file) reads as "not cached":
the caller works it out anew, and a cache only ever costs or saves time.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not plain data: {module}.{name}")


def load(path: Path) -> Any | None:
    """The plain data at `path`, or None when there is none that can be read."""
    try:
        with path.open("rb") as file:
            return _PlainUnpickler(io.BufferedReader(file)).load()
    except (OSError, pickle.UnpicklingError, ValueError, TypeError, EOFError,
            AttributeError, IndexError, KeyError):
        return None


def loads(blob: bytes) -> Any | None:
    """The plain data pickled in `blob` (by `dumps`), or None when it is not that."""
    try:
        return _PlainUnpickler(io.BytesIO(blob)).load()
    except (pickle.UnpicklingError, ValueError, TypeError, EOFError, AttributeError,
            IndexError, KeyError):
        return None


def dumps(data: Any) -> bytes:
    """`data` pickled, for plain data kept inside other plain data (read lazily by `loads`)."""
    return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


def store(path: Path, data: Any) -> None:
    """Keep `data` at `path`, whole or not at all; silently nothing when it cannot be written."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as file:
                pickle.dump(data, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
