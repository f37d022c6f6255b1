"""What an image file's header says (its size as displayed), read once per version of the file.

Validation opens every photo's header to check it, and layout needs each photo's size
after EXIF orientation to set the gallery's rows: two opens of each file (reading the
sizes of 300 camera photos takes 36-46 ms of CPU). What the first open found is kept
for the process, keyed by the file's identity and version (path, device, inode, size,
modification time), so the second asks `stat` instead (2 ms for 300); a file written
since is read again.

A build with a cache folder keeps them there too (`load`, `save`): a rebuild of the same
photos then opens none of them, neither to check them nor to size them.
"""

from __future__ import annotations

import os
from pathlib import Path

import PIL
from PIL import Image

from dokureport.core import plain_cache

_ORIENTATION_TAG = 0x0112
# Oriented sizes kept: enough for every photo of the largest events, small (≈ 200 B each).
_KEPT = 8192

Version = tuple[str, int, int, int, int]  # path, device, inode, size, modification time
_sizes: dict[Version, tuple[int, int]] = {}
# Whether _sizes holds a size that the file it was loaded from (if any) does not.
_changed = False
_loaded: set[Path] = set()  # the stores `load` has read in this process


def version(path: Path, st: os.stat_result | None = None) -> Version:
    """The identity and version of the file at `path` (from `st`, its stat, if given)."""
    st = st if st is not None else os.stat(path)
    return (os.fspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def orientation(im: Image.Image) -> int:
    """The EXIF orientation (1-8) of an opened image; 1 when absent or broken."""
    try:
        value = im.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # a broken EXIF block must not sink the photo: show it as stored
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def displayed_size(im: Image.Image) -> tuple[int, int]:
    """Width and height of an opened image as displayed, after its EXIF orientation."""
    width, height = im.size
    return (height, width) if orientation(im) in (5, 6, 7, 8) else (width, height)


def remember(im: Image.Image, opened: Version | None) -> tuple[int, int]:
    """Keep the displayed size of `im`, opened from the file whose version `opened` was
    taken before it was opened (None: unknown, kept for nothing), and return it."""
    global _changed
    size = displayed_size(im)
    if opened is not None:
        if len(_sizes) >= _KEPT:
            _sizes.pop(next(iter(_sizes)))
        _sizes[opened] = size
        _changed = True
    return size


def kept_size(version: Version) -> tuple[int, int] | None:
    """The displayed size kept for this version of a file (one whose header was read and
    found an image that is no PNG), or None."""
    return _sizes.get(version)


def known_size(path: Path) -> tuple[tuple[int, int] | None, Version | None]:
    """The displayed size kept for this version of `path` (or None), and the version
    (None if the file cannot be looked at: opening it will say why)."""
    try:
        now = version(path)
    except OSError:
        return None, None
    return _sizes.get(now), now


def _stamp() -> tuple[str, int | None]:
    # A header read by another Pillow, or under another pixel limit, is read again.
    return (PIL.__version__, Image.MAX_IMAGE_PIXELS)


def load(store: Path) -> None:
    """Keep the sizes that `save` left at `store` too (what this process read wins); once
    per process (a watch session's rebuilds keep what they read anyway)."""
    if store in _loaded:
        return
    _loaded.add(store)
    data = plain_cache.load(store)
    if not (isinstance(data, tuple) and len(data) == 2 and data[0] == _stamp()
            and isinstance(data[1], dict)):
        return
    for version, size in data[1].items():
        if len(_sizes) >= _KEPT:
            break
        if _plain(version, 5) and isinstance(version[0], str) and _plain(size, 2):
            _sizes.setdefault(version, size)


def _plain(value: object, length: int) -> bool:
    """A tuple of `length` items, all but a first string positive integers."""
    return (isinstance(value, tuple) and len(value) == length and all(
        isinstance(v, int) and v >= 0 for v in value[1 if length == 5 else 0:]))


def save(store: Path) -> None:
    """Leave the kept sizes at `store` for the next build's `load`, if any is new."""
    global _changed
    if _changed:
        plain_cache.store(store, (_stamp(), dict(_sizes)))
        _changed = False


def forget() -> None:
    """Drop every kept size (tests)."""
    global _changed
    _sizes.clear()
    _loaded.clear()
    _changed = False
