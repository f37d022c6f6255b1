"""Resolve the files an event names: inside its folder, existing, and readable images."""

from __future__ import annotations

import difflib
import os
import re
import stat
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from dokureport.core.errors import show
from dokureport.event import image_headers

# A URL scheme; two letters at least, so that C:\ stays a path.
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]+:")


def leads_outside(event_file: Path) -> bool:
    """Whether the event file (a symbolic link, say) resolves to a file outside its folder."""
    try:
        resolved = event_file.resolve()
        folder = event_file.parent.resolve()
    except (OSError, RuntimeError, ValueError):
        return True  # a link loop: nothing to read inside the folder either
    return not resolved.is_relative_to(folder)


def _plain_file(folder: Path, given: Path, folders: dict[Path, Path | None]
                ) -> tuple[Path, os.stat_result] | None:
    """`(folder / given).resolve()` and its stat when the file is no symbolic link, its
    folder resolved once for every file named in it (`folders`: resolved folders); None
    when it is a link, not there or not looked at: resolved the usual way then."""
    if os.name != "posix" or given.name in ("", ".", ".."):
        return None
    parent = (folder / given).parent
    if parent not in folders:
        try:
            folders[parent] = parent.resolve()
        except (OSError, RuntimeError, ValueError):
            folders[parent] = None  # a link loop, say: the usual way says so
    real_parent = folders[parent]
    if real_parent is None:
        return None
    # A real path is its folder's real path and, for a name that is no link, the name:
    # what resolve finds lstat-ing every component of every file's path.
    path = real_parent / given.name
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return None
    return None if stat.S_ISLNK(st.st_mode) else (path, st)


def resolve_file(folder: Path, name: str, *, image: bool, allow_outside: bool = False,
                 decode_images: bool = True, folders: dict[Path, Path | None] | None = None
                 ) -> tuple[str | None, Path | None]:
    """Why `name` is not a usable file of the event (None if it is), and its absolute path.

    `folders` keeps the folders resolved for the files named before (in one validation).
    """
    if not name.strip():
        return "is empty: name a file in the event folder", None
    if SCHEME.match(name):
        return f"{show(name, 200)} must be a file in the event folder, not a web address", None
    given = Path(name)
    plain = _plain_file(folder, given, folders) if folders is not None else None
    if plain is not None:
        resolved, st = plain
    else:
        st = None
        try:
            resolved = (folder / given).resolve()
        except (OSError, RuntimeError, ValueError):
            return f"{show(name, 200)} is not a usable file name (a symbolic link loop?)", None
    if not allow_outside and not resolved.is_relative_to(folder):
        if given.is_absolute():
            why = "is an absolute path outside the event folder"
        elif ".." in given.parts:
            why = "leaves the event folder (`..`)"
        else:
            why = "is a symbolic link that leads outside the event folder"
        return f"{show(name, 200)} {why}; only files inside it are used", None
    try:
        if st is None and not resolved.exists():
            return f"file not found: {show(name, 200)}{near_miss(folder, given)}", None
        if not (stat.S_ISREG(st.st_mode) if st is not None else resolved.is_file()):
            kind = "a folder" if resolved.is_dir() else "not a regular file"
            return f"{show(name, 200)} is {kind}, not a file", None
    except OSError as exc:
        return f"{show(name, 200)} cannot be read: {exc.strerror or exc}", None
    if image:
        problem = image_problem(resolved, decode=decode_images, st=st)
        if problem:
            return f"{show(name, 200)} {problem}", None
    return None, resolved

def near_miss(folder: Path, given: Path) -> str:
    """A hint at the file the user probably meant: same name in other case, or close."""
    if "\\" in str(given):
        return " (use / between folder names)"
    parent = (folder / given).parent
    try:
        names = [p.name for p in parent.iterdir()] if parent.is_dir() else []
    except OSError:
        return ""
    lowered = {n.lower(): n for n in names}
    found = lowered.get(given.name.lower()) or next(
        iter(difflib.get_close_matches(given.name, names, n=1, cutoff=0.75)), None)
    if not found:
        return ""
    return f" (did you mean {show(str(given.with_name(found)), 200)}?)"


def image_problem(path: Path, *, decode: bool = True, st: os.stat_result | None = None
                  ) -> str | None:
    """Why path is not a usable image (None if it is), opening as little of it as needed.

    Without decode, a JPEG or other compressed photo is only opened (format, size, bomb
    limit), and `decode_problem` may check its pixels later (in a worker); PNG chunk
    checksums are checked either way, as that needs no decoding. `st`: the file's stat,
    if taken already.
    """
    try:
        st = st if st is not None else path.stat()
        if st.st_size == 0:
            return "is empty (0 bytes), not an image"
        if not decode and image_headers.kept_size(image_headers.version(path, st)):
            # This version of the file was opened and found an image before (in this
            # process, or in an earlier build with the same cache): not opened again.
            return None
        with path.open("rb") as stream:
            head = stream.read(512).lstrip()
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if head.startswith((b"<svg", b"<?xml")) or b"<svg" in head:
        return "is an SVG drawing: convert it to PNG"
    with warnings.catch_warnings():
        # Pillow only warns between 1× and 2× its limit; a file that large is refused too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as im:
                if im.format == "PNG":
                    im.verify()  # every chunk's checksum, without decoding the pixels
                else:
                    # Layout needs a photo's size as displayed: read with its header
                    # here, it is not read again. (A PNG's verify must come first.)
                    image_headers.remember(im, image_headers.version(path, st))
                    if decode:
                        _decode(im)
        except Exception as exc:
            return _read_problem(exc)
    return None


def decode_problem(path: Path) -> str | None:
    """Why the pixels of an image that `image_problem(decode=False)` passed cannot be
    decoded (None if they can); worded as `image_problem` words it. Safe in a worker."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as im:
                if im.format != "PNG":  # a PNG's checksums were verified with its header
                    _decode(im)
        except Exception as exc:
            return _read_problem(exc)
    return None


def _decode(im: Image.Image) -> None:
    if im.format == "JPEG":
        # Decoding at 1/8 scale still reads the whole stream: finds truncation fast.
        im.draft("RGB", (max(1, im.width // 8), max(1, im.height // 8)))
    im.load()


def _read_problem(exc: Exception) -> str:
    """What an exception from opening or decoding an image says to the user."""
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        limit = Image.MAX_IMAGE_PIXELS
        pixels = f"more than {limit / 1e6:.0f} megapixels" if limit else "too many pixels"
        return f"has {pixels}: refused as a possible decompression bomb; scale it down"
    if isinstance(exc, UnidentifiedImageError):
        return "is not an image (or not one dokureport reads: use JPEG or PNG)"
    detail = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
    return f"is damaged or truncated ({detail})"
