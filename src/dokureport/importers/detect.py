"""Recognise a schedule export by its content (never its name) and read it."""

from __future__ import annotations

import gzip
import json
import os
import stat
import zlib
from pathlib import Path

from dokureport.core.errors import InputError, Problem
from dokureport.importers import frab_json, frab_xml, indico, pretalx
from dokureport.importers.common import Problems, Schedule

# FOSDEM's whole schedule.xml is under 3 MB. A gzipped source is inflated up to this
# limit and no further (a "gzip bomb" of 200 kB inflates to gigabytes).
MAX_BYTES = 64 * 1024 * 1024
# Real schedules nest about 10 levels deep (Indico's folders and attachments the deepest).
MAX_DEPTH = 100


def read_schedule(source: Path) -> Schedule:
    """The programme in source; InputError when the file cannot be read as any format."""
    raw = _bytes(source)
    text = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    problems = Problems(source)
    if text.startswith(b"<"):
        root = frab_xml.parse(raw, source)
        if root.tag != "schedule":
            raise InputError([Problem(f"an XML file with <{root.tag}>, not a <schedule>",
                                      file=source, line=root.line)])
        return frab_xml.read(root, source, problems)
    try:
        data = json.loads(text.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError([Problem(f"not UTF-8 text (byte {exc.start})", file=source)]) from None
    except json.JSONDecodeError as exc:
        raise InputError([Problem(f"neither XML nor valid JSON: {exc.msg}", file=source,
                                  line=exc.lineno, column=exc.colno)]) from None
    except RecursionError:
        raise too_deep(source) from None
    except ValueError as exc:  # an integer of more than 4300 digits
        raise InputError([Problem(f"not a schedule: {exc}".split(";")[0],
                                  file=source)]) from None
    if _depth(data) > MAX_DEPTH:
        raise too_deep(source)
    if isinstance(data, dict) and isinstance(data.get("schedule"), dict):
        return frab_json.read(data, source, problems)
    if pretalx.is_widget(data):
        return pretalx.read(data, source, problems)  # type: ignore[arg-type]
    if indico.is_indico(data):
        return indico.read(data, source, problems)  # type: ignore[arg-type]
    raise InputError([Problem(
        "not a schedule format dokureport knows (frab/c3voc schedule.json or .xml, "
        "pretalx widget JSON, Indico event export)", file=source)])


def too_deep(source: Path) -> InputError:
    return InputError([Problem(f"nested more than {MAX_DEPTH} levels deep: not a schedule",
                               file=source)])


def _depth(data: object) -> int:
    """How deeply lists and mappings nest in data, counted without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            stack.extend((item, depth + 1) for item in value)
    return deepest


def _bytes(source: Path) -> bytes:
    """The file's bytes, inflated if gzipped; only a regular file, never more than MAX_BYTES.

    A named pipe, a device or a folder is refused before anything is read: opened
    without blocking (a FIFO with no writer would block `open` forever) and checked.
    """
    limit = f"larger than {MAX_BYTES // (1024 * 1024)} MB"
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(source, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno is not None and os.path.isdir(source):
            raise InputError([Problem("not a regular file (a folder)", file=source)]) from None
        raise InputError([Problem(f"cannot read: {exc.strerror}", file=source)]) from None
    try:
        kind = os.fstat(fd).st_mode
        if not stat.S_ISREG(kind):
            what = ("a folder" if stat.S_ISDIR(kind) else "a named pipe" if stat.S_ISFIFO(kind)
                    else "a device" if stat.S_ISCHR(kind) or stat.S_ISBLK(kind)
                    else "a socket" if stat.S_ISSOCK(kind) else "not a file")
            raise InputError([Problem(f"not a regular file ({what}): export the schedule "
                                      "to a file first", file=source)])
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_BYTES + 1)
            if raw[:2] == b"\x1f\x8b":  # a gzipped export, as archives keep them
                raw = _inflate(raw, source, limit)
    except OSError as exc:
        raise InputError([Problem(f"cannot read: {exc.strerror or exc}",
                                  file=source)]) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise InputError([Problem(f"{limit}: not a schedule", file=source)])
    return raw


def _inflate(raw: bytes, source: Path, limit: str) -> bytes:
    """The gzipped bytes inflated in chunks, stopping past MAX_BYTES (a gzip bomb)."""
    import io

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            inflated = stream.read(MAX_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError([Problem(f"damaged gzip file: {exc}", file=source)]) from None
    if len(inflated) > MAX_BYTES:
        raise InputError([Problem(f"{limit} when inflated: not a schedule", file=source)])
    return inflated
