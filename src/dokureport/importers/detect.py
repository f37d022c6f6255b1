"""Recognise a schedule export by its content (never its name) and read it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from dokureport.core.errors import InputError, Problem
from dokureport.importers import frab_json, frab_xml, indico, pretalx
from dokureport.importers.common import Problems, Schedule

MAX_BYTES = 100 * 1024 * 1024  # FOSDEM's whole schedule.xml is under 3 MB


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
    if isinstance(data, dict) and isinstance(data.get("schedule"), dict):
        return frab_json.read(data, source, problems)
    if pretalx.is_widget(data):
        return pretalx.read(data, source, problems)  # type: ignore[arg-type]
    if indico.is_indico(data):
        return indico.read(data, source, problems)  # type: ignore[arg-type]
    raise InputError([Problem(
        "not a schedule format dokureport knows (frab/c3voc schedule.json or .xml, "
        "pretalx widget JSON, Indico event export)", file=source)])


def _bytes(source: Path) -> bytes:
    try:
        with source.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError([Problem(f"cannot read: {exc.strerror}", file=source)]) from None
    if raw[:2] == b"\x1f\x8b":  # a gzipped export, as archives keep them
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise InputError([Problem(f"damaged gzip file: {exc}", file=source)]) from None
    if len(raw) > MAX_BYTES:
        raise InputError([Problem("larger than 100 MB: not a schedule", file=source)])
    return raw
