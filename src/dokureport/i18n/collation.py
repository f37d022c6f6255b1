"""pyuca's collation table kept in the user's cache: parsing allkeys.txt costs 0.3 s a build.

The cache holds the table as plain data (see plain_cache), keyed by the table file's
content and pyuca's version; a damaged or foreign file means parsing anew. Sort keys are
those of pyuca's own Collator: the same table, looked up by pyuca's own code.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pyuca.collator
from pyuca import Collator
from pyuca.trie import Trie

from dokureport.core import plain_cache
from dokureport.core.cache_dir import default_cache_dir

# Bumped when what a cache file holds, or how it is read, changes.
COLLATION_CACHE_VERSION = 2

# A table entry: the code points it matches, and their collation elements.
Entry = tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]
# Entries are kept in blocks of 256 code points (by their first), each pickled apart:
# Latin names read three or four blocks of the table's 300.
BLOCK_BITS = 8


class _DamagedBlock(Exception):
    """A block of the cached table cannot be read: parse the table file after all."""


class _LazyTrie(Trie):
    """pyuca's trie, filled with the entries that start with a code point when one is
    first looked up: a name needs a few dozen of the table's 30,000 entries."""

    def __init__(self, blocks: dict[int, bytes]) -> None:
        super().__init__()
        self._blocks = dict(blocks)
        self._pending: dict[int, tuple[Entry, ...]] = {}

    def find_prefix(self, key: Any) -> Any:
        if key:
            blob = self._blocks.pop(key[0] >> BLOCK_BITS, None)
            if blob is not None:
                groups = plain_cache.loads(blob)
                if not isinstance(groups, dict):
                    raise _DamagedBlock
                self._pending.update(groups)
            for chars, elements in self._pending.pop(key[0], ()):
                self.add(chars, elements)
        return super().find_prefix(key)


class _CachedCollator(Collator):  # type: ignore[misc, valid-type]
    def __init__(self, blocks: dict[int, bytes], implicit_weights: list[list[int]]) -> None:
        # Not the base __init__: that parses the table file.
        self.table = _LazyTrie(blocks)
        self.implicit_weights = implicit_weights

    def sort_key(self, string: str) -> Any:
        try:
            return super().sort_key(string)
        except _DamagedBlock:
            parsed = Collator()
            self.table, self.implicit_weights = parsed.table, parsed.implicit_weights
            return super().sort_key(string)


def _table_file() -> Path:
    return Path(pyuca.collator.__file__).parent / f"allkeys-{Collator.UCA_VERSION}.txt"


def _cache_path(table: bytes, folder: Path) -> Path:
    try:
        pyuca_version = version("pyuca")
    except PackageNotFoundError:
        pyuca_version = "0"
    digest = hashlib.sha256(table).hexdigest()[:20]
    return (folder / "collation" /
            f"v{COLLATION_CACHE_VERSION}-pyuca{pyuca_version}-{digest}.pickle")


def _plain(collator: Any) -> tuple[dict[int, bytes], list[list[int]]]:
    """A parsed collator's table as plain data: entries grouped by their first code point,
    the groups pickled in blocks (see BLOCK_BITS)."""
    grouped: dict[int, list[Entry]] = {}
    stack: list[tuple[Any, tuple[int, ...]]] = [(collator.table.root, ())]
    while stack:
        node, chars = stack.pop()
        if node.value:
            grouped.setdefault(chars[0], []).append(
                (chars, tuple(tuple(e) for e in node.value)))
        for part, child in (node.children or {}).items():
            stack.append((child, (*chars, part)))
    blocks: dict[int, dict[int, tuple[Entry, ...]]] = {}
    for first, entries in grouped.items():
        blocks.setdefault(first >> BLOCK_BITS, {})[first] = tuple(entries)
    return ({block: plain_cache.dumps(groups) for block, groups in blocks.items()},
            [list(w) for w in collator.implicit_weights])


def _valid(found: Any) -> bool:
    return (isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], dict)
            and isinstance(found[1], list)
            and all(isinstance(blob, bytes) for blob in found[0].values()))


def collator(folder: Path | None = None) -> Any:
    """pyuca's default Collator, from the cache when it holds the table, parsed (and then
    cached) when not."""
    file = _table_file()
    try:
        path = _cache_path(file.read_bytes(), folder or default_cache_dir())
    except OSError:
        return Collator()
    found = plain_cache.load(path)
    if _valid(found):
        return _CachedCollator(*found)
    parsed = Collator()
    plain_cache.store(path, _plain(parsed))
    return parsed
