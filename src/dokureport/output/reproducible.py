"""Reproducible files: a document /ID derived from the file's own content."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any, BinaryIO

from dokureport.output.file_blocks import BLOCK, overlapping_blocks

# reportlab writes the trailer's /ID as two 16-byte hex strings. Patching them in place
# keeps every byte offset (and so the xref table) valid: no rewrite of the file needed.
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]")


_OVERLAP = 256  # longer than an /ID entry: one cut by a block's end is whole in the next


def _id_spans(fh: BinaryIO) -> list[tuple[int, int]]:
    """Where the two hex strings of each /ID entry lie in the file, in order."""
    spans: dict[int, int] = {}
    for base, block in overlapping_blocks(fh, _OVERLAP):
        for match in _ID.finditer(block):
            for group in (1, 2):
                start, end = match.span(group)
                spans[base + start] = base + end
    return sorted(spans.items())


def _feed(fh: BinaryIO, digest: Any, size: int | None) -> None:
    """Hash the next `size` bytes of `fh` (None: the rest), a block at a time."""
    while size is None or size > 0:
        chunk = fh.read(BLOCK if size is None else min(BLOCK, size))
        if not chunk:
            return
        digest.update(chunk)
        if size is not None:
            size -= len(chunk)


def set_content_id(path: Path) -> str:
    """Replace the /ID of the PDF at `path` by a digest of its content; returns the new ID.

    reportlab's own ID (with `invariant`) hashes only the date and the metadata, so two
    different brochures with the same title and date would share one. The digest is
    taken over the file with the ID zeroed, so the result does not depend on the old ID.
    """
    # Read in blocks, the IDs written back where they lie: a 1,000-page brochure is never
    # in memory whole (post-processing has just let go of the PDF's object graph).
    with open(path, "r+b") as fh:
        spans = _id_spans(fh)
        if not spans:
            raise ValueError(f"{path}: no /ID in the trailer")
        digest = hashlib.sha256()
        fh.seek(0)
        at = 0
        for start, end in spans:
            _feed(fh, digest, start - at)
            digest.update(b"0" * (end - start))
            fh.seek(end)
            at = end
        _feed(fh, digest, None)
        new_id = digest.hexdigest()[:32].encode("ascii")
        for start, _ in spans:
            fh.seek(start)
            fh.write(new_id)
    return new_id.decode("ascii")


# reportlab (with `invariant`, or SOURCE_DATE_EPOCH) writes UTC dates of fixed length.
_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})\+00'00'\)")


def set_dates(path: Path, day: dt.date) -> None:
    """Set the PDF's creation and modification dates to `day`, 00:00 UTC, in place.

    The new dates are as long as the old, so byte offsets and the xref stay valid.
    """
    data = path.read_bytes()
    stamp = day.strftime("%Y%m%d000000").encode("ascii")
    new, found = _DATE.subn(lambda m: m[0].replace(m[2], stamp), data)
    if found != 2:
        raise ValueError(f"{path}: expected a CreationDate and a ModDate, found {found} dates")
    path.write_bytes(new)
