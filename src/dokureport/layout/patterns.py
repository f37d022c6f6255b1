"""Parsed hyphenation patterns, kept in the user's cache: parsing them costs a second a build.

A cache file holds only plain data (dicts, tuples, strings and integers) and is read by an
unpickler that refuses every class, so a tampered file can fail to load but run nothing.
Any trouble with the cache (unwritable, damaged, from another version) means parsing anew.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import pyphen

from dokureport.cache_dir import default_cache_dir

# Bumped when what a cache file holds, or how it is read, changes.
PATTERN_CACHE_VERSION = 1


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not plain data: {module}.{name}")


def cache_path(dictionary: bytes, part: str, folder: Path | None = None) -> Path:
    """Where the parsed `part` of a dictionary (by its content) is kept."""
    digest = hashlib.sha256(dictionary).hexdigest()[:20]
    version = f"v{PATTERN_CACHE_VERSION}-pyphen{getattr(pyphen, '__version__', '0')}"
    return (folder or default_cache_dir()) / "hyphenation" / f"{version}-{digest}-{part}.pickle"


def _load(path: Path) -> tuple[dict[str, tuple[int, tuple[int, ...]]], int] | None:
    try:
        with path.open("rb") as file:
            patterns, maxlen = _PlainUnpickler(io.BufferedReader(file)).load()
    except (OSError, pickle.UnpicklingError, ValueError, TypeError, EOFError):
        return None
    if not isinstance(patterns, dict) or not isinstance(maxlen, int):
        return None
    return patterns, maxlen


def _store(path: Path, patterns: dict[str, Any], maxlen: int) -> None:
    # Written to a temporary file and renamed: a reader sees a whole file or none.
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as file:
                pickle.dump((patterns, maxlen), file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def _parse(text: bytes) -> pyphen.HyphDict:
    # pyphen reads a dictionary only from a file, and reads it whole when it is made: the
    # file lives exactly as long as that takes.
    with tempfile.TemporaryDirectory(prefix="dokureport-hyph-") as temp:
        path = Path(temp) / "patterns.dic"
        path.write_bytes(text)
        return pyphen.HyphDict(path)


def _plain(hd: pyphen.HyphDict) -> dict[str, tuple[int, tuple[int, ...]]] | None:
    """The patterns as plain data, or None when some carry a nonstandard break (data)."""
    out = {}
    for key, (start, values) in hd.patterns.items():
        if any(getattr(v, "data", None) for v in values):
            return None
        out[key] = (start, tuple(int(v) for v in values))
    return out


def pyphen_for(dictionary: bytes, part: str, text: bytes, *, left: int, right: int,
               folder: Path | None = None) -> pyphen.Pyphen:
    """A pyphen hyphenator for the patterns `text` (the `part` of `dictionary`), from the
    cache when it has them, parsed (and then cached) when not."""
    path = cache_path(dictionary, part, folder)
    found = _load(path)
    if found is not None:
        hd = pyphen.HyphDict.__new__(pyphen.HyphDict)
        hd.patterns, hd.maxlen, hd.cache = found[0], found[1], {}
    else:
        hd = _parse(text)
        plain = _plain(hd)
        if plain is not None:
            _store(path, plain, hd.maxlen)
    hyphenator = pyphen.Pyphen.__new__(pyphen.Pyphen)
    hyphenator.left, hyphenator.right, hyphenator.hd = left, right, hd
    return hyphenator
