"""Validation's listing of `photos.folder`: its photos, in the order they were taken."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from dokureport.core.errors import show
from dokureport.event.files import near_miss

# What dokureport prints (event/files.py says the same to a file of another type).
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})
# A folder of a few hundred photos is a real delivery; beyond this it is a mistake
# (the camera card's DCIM of a year), and listing and reading it would take minutes.
MAX_FILES = 2000
_DIGITS = re.compile(r"(\d+)")


def resolve_folder(event_folder: Path, name: str, *, allow_outside: bool = False
                   ) -> tuple[str | None, Path | None]:
    """Why `name` is not a folder of the event (None if it is), and its absolute path."""
    given = Path(name)
    if not name.strip():
        return "is empty: name a folder in the event folder, e.g. photos", None
    try:
        resolved = (event_folder / given).resolve()
    except (OSError, RuntimeError, ValueError):
        return f"{show(name, 200)} is not a usable folder name (a symbolic link loop?)", None
    if not allow_outside and not resolved.is_relative_to(event_folder):
        why = ("is an absolute path outside the event folder" if given.is_absolute()
               else "leaves the event folder (`..`)" if ".." in given.parts
               else "is a symbolic link that leads outside the event folder")
        return f"{show(name, 200)} {why}; only files inside it are used", None
    if not resolved.exists():
        return f"folder not found: {show(name, 200)}{near_miss(event_folder, given)}", None
    if not resolved.is_dir():
        return f"{show(name, 200)} is a file, not a folder of photos", None
    return None, resolved


def listed_photos(folder: Path) -> tuple[list[str], int]:
    """The names of the photos (JPEG, PNG) in `folder`, not its subfolders, and how many
    other entries it has. Hidden files are no photos: macOS leaves `._IMG_0001.jpg`
    (its resource forks) beside each photo copied to a foreign disk."""
    names, others = [], 0
    for entry in folder.iterdir():
        if entry.name.startswith("."):
            continue
        if entry.suffix.lower() in PHOTO_SUFFIXES and not entry.is_dir():
            names.append(entry.name)
        else:
            others += 1
    return sorted(names, key=natural_key), others


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """IMG_2 before IMG_10: runs of digits compare as numbers, the rest without case."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold())
                 for part in _DIGITS.split(name) if part)


def in_order(names: Sequence[str], taken: Sequence[dt.datetime | None], order: str
             ) -> list[int]:
    """The indices of `names` in the folder's order: by capture time (photos without one
    after those with one), then by name; or by name alone."""
    def key(i: int) -> tuple[object, ...]:
        when = taken[i] if order == "taken" else None
        return (when is None, when or dt.datetime.min, natural_key(names[i]))

    return sorted(range(len(names)), key=key)
