"""Reproducible files: a document /ID derived from the file's own content."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

# reportlab writes the trailer's /ID as two 16-byte hex strings. Patching them in place
# keeps every byte offset (and so the xref table) valid: no rewrite of the file needed.
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]")


def set_content_id(path: Path) -> str:
    """Replace the /ID of the PDF at `path` by a digest of its content; returns the new ID.

    reportlab's own ID (with `invariant`) hashes only the date and the metadata, so two
    different brochures with the same title and date would share one. The digest is
    taken over the file with the ID zeroed, so the result does not depend on the old ID.
    """
    data = bytearray(path.read_bytes())
    matches = list(_ID.finditer(data))
    if not matches:
        raise ValueError(f"{path}: no /ID in the trailer")
    # A linearized file has the /ID twice (first-page and main trailer): both change.
    spans = [m.span(g) for m in matches for g in (1, 2)]
    for start, end in spans:
        data[start:end] = b"0" * (end - start)
    new_id = hashlib.sha256(data).hexdigest()[:32].encode("ascii")
    for start, end in spans:
        data[start:end] = new_id
    path.write_bytes(bytes(data))
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
