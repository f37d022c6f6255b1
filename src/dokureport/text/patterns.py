"""Parsed hyphenation patterns, kept in the user's cache: parsing them costs a second a build.

The cache holds plain data only (see plain_cache); a file that is damaged, from another
version of the cache or of pyphen, or cannot be written means parsing anew.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyphen

from dokureport.core import plain_cache
from dokureport.core.cache_dir import default_cache_dir

# Bumped when what a cache file holds, or how it is read, changes.
PATTERN_CACHE_VERSION = 2


def cache_path(dictionary: bytes, part: str, folder: Path | None = None) -> Path:
    """Where the parsed `part` of a dictionary (by its content) is kept."""
    digest = hashlib.sha256(dictionary).hexdigest()[:20]
    version = f"v{PATTERN_CACHE_VERSION}-pyphen{getattr(pyphen, '__version__', '0')}"
    return (folder or default_cache_dir()) / "hyphenation" / f"{version}-{digest}-{part}.pickle"


def _load(path: Path) -> tuple[dict[str, tuple[int, tuple[int, ...]]], int] | None:
    found = plain_cache.load(path)
    if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], dict)
            and isinstance(found[1], int)):
        return None
    return found


def _parse(text: bytes) -> pyphen.HyphDict:
    # pyphen reads a dictionary only from a file, and reads it whole when it is made: the
    # file lives exactly as long as that takes.
    with tempfile.TemporaryDirectory(prefix="dokureport-hyph-") as temp:
        path = Path(temp) / "patterns.dic"
        path.write_bytes(text)
        return pyphen.HyphDict(path)


def _plain(hd: pyphen.HyphDict) -> dict[str, tuple[int, tuple[int, ...]]] | None:
    """The patterns as plain data, or None when some carry a nonstandard break (data).

    Equal values are one object: 58,000 German patterns share 1,500 of them, and the
    pickle then stores (and a build loads) each once, in less than half the time.
    """
    out = {}
    shared: dict[tuple[int, tuple[int, ...]], tuple[int, tuple[int, ...]]] = {}
    for key, (start, values) in hd.patterns.items():
        if any(getattr(v, "data", None) for v in values):
            return None
        value = (start, tuple(int(v) for v in values))
        out[key] = shared.setdefault(value, value)
    return out


def pyphen_for(dictionary: bytes, part: str, text: bytes | Callable[[], bytes], *, left: int,
               right: int, folder: Path | None = None) -> pyphen.Pyphen:
    """A pyphen hyphenator for the patterns `text` (the `part` of `dictionary`), from the
    cache when it has them, parsed (and then cached) when not.

    `text` may be a function that makes it: it is then called only to parse.
    """
    path = cache_path(dictionary, part, folder)
    found = _load(path)
    if found is not None:
        hd = pyphen.HyphDict.__new__(pyphen.HyphDict)
        hd.patterns, hd.maxlen, hd.cache = found[0], found[1], {}
    else:
        hd = _parse(text() if callable(text) else text)
        plain = _plain(hd)
        if plain is not None:
            plain_cache.store(path, (plain, hd.maxlen))
    hyphenator = pyphen.Pyphen.__new__(pyphen.Pyphen)
    hyphenator.left, hyphenator.right, hyphenator.hd = left, right, hd
    return hyphenator
