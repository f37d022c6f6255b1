"""No stream's data ends in a carriage return: its /Length then reads one way only.

qpdf writes a line feed before `endstream`. When the (compressed) data itself ends in CR,
the file reads `…CR LF endstream`, and a reader that takes CR LF for the end-of-line
marker counts one byte less than /Length says (page's STREAM-LENGTH rule, PDF/A-2
6.1.7.1). A Flate stream ends in the Adler-32 checksum of its decoded data, so
compressing it again never helps; wrapping it in ASCII85, whose data ends in `~>`, does.
One stream in about 256 needs it.

qpdf writes one stream itself, after all this: a linearized file's hint stream, binary
tables of where each page's objects and the bookmarks lie, ending in one of their lengths.
When it ends in CR, or in LF (qpdf then writes no line feed of its own before
`endstream`; again one file in 256 each), the first page's content gets a line feed
more and a bookmark its default flags (`/F 0`), which changes those lengths, and the file
is written again (`written_unambiguously`).
"""

from __future__ import annotations

import base64
import mmap
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Name

from dokureport.output.file_blocks import overlapping_blocks


def end_streams_unambiguously(pdf: pikepdf.Pdf, *, no_streams: range | None = None) -> None:
    """Compress unfiltered streams now, then wrap any whose data ends in CR in ASCII85.

    `no_streams`: object numbers known to hold no stream (the structure tree's), not
    looked at. Save with `compress_streams=False` and `stream_decode_level=none`
    afterwards: qpdf, left to compress, would strip the ASCII85 again.
    """
    for obj in pdf.objects if no_streams is None else _objects_but(pdf, no_streams):
        if isinstance(obj, pikepdf.Stream):
            _end_unambiguously(obj)


def _end_unambiguously(obj: pikepdf.Stream) -> None:
    """One stream compressed, if it is not, and wrapped in ASCII85 if it ends in CR."""
    if obj.get("/Type") == Name.Metadata:
        return  # PDF/A keeps the XMP metadata unfiltered; it ends in `?>`
    if "/Filter" not in obj:
        data = obj.read_raw_bytes()
        if not data:
            return
        # What qpdf would do at save time, done here so that its result is seen below.
        obj.write(zlib.compress(data), filter=Name.FlateDecode)
    raw = obj.read_raw_bytes()
    if not raw.endswith(b"\r"):
        return
    filters = obj.Filter if isinstance(obj.Filter, Array) else Array([obj.Filter])
    parms = obj.get("/DecodeParms")
    if not isinstance(parms, Array):
        parms = Array([parms] * len(filters))  # one filter with parameters, or none
    obj.write(base64.a85encode(raw) + b"~>",
              filter=Array([Name.ASCII85Decode, *filters]),
              decode_parms=Array([None, *parms]) if any(p is not None for p in parms)
              else None)


def _objects_but(pdf: pikepdf.Pdf, skipped: range) -> Iterator[pikepdf.Object]:
    """Every object of `pdf` but those numbered in `skipped`, a range of objects made in
    it (`pdf.objects` would wrap each of them: 18,000 structure elements of a 1,000-talk
    brochure, 0.02 s). Those numbered below are the file's; those above, made after
    them: qpdf numbers a new object on from the highest, so they end at the first
    number that has none."""
    for number in range(1, skipped.start):
        obj = pdf.get_object(number, 0)
        if obj is not None:
            yield obj
    number = skipped.stop
    while (obj := pdf.get_object(number, 0)) is not None:
        yield obj
        number += 1


# A file whose hint stream ends in CR after this many lengthenings is one in 256**8.
_ATTEMPTS = 8


def written_unambiguously(pdf: pikepdf.Pdf, destination: Path, **save: Any) -> None:
    """`pdf` saved to `destination` (with `save`'s options) so that no stream, qpdf's own
    included, ends in CR before `endstream`; deterministic, like the save itself.

    Written to the file, not to memory: a 1,000-page brochure's bytes (twice, in a buffer
    and copied out of it) would sit on top of the whole object graph.
    """
    pdf.save(destination, **save)
    for _ in range(_ATTEMPTS):
        if not (_has_cr_before_endstream(destination) or _hint_stream_ends_in_eol(destination)):
            break
        _lengthen(pdf)
        # The same Pdf written again, not the file read back (1,000 talks: 0.08 s, not
        # 0.4 s). Its XMP says its PDF version since the first save: pikepdf, asked to
        # fix it again, dropped the catalog's /Metadata from the second linearized file.
        pdf.save(destination, **{**save, "fix_metadata_version": False})


_CR_END = b"\r\nendstream"


def _has_cr_before_endstream(path: Path) -> bool:
    """Whether the file at `path` has CR LF before an `endstream`, read in blocks."""
    with open(path, "rb") as fh:
        return any(_CR_END in block
                   for _, block in overlapping_blocks(fh, len(_CR_END) - 1))


# A linearized file's primary hint stream: its dictionary has /S (and maybe /O, /E …) and
# a direct /Length, as qpdf writes it.
_HINT_STREAM = re.compile(rb"<< /S \d+(?: /[A-Z] \d+)* /Length (\d+) >>\r?\nstream\r?\n")


def _hint_stream_ends_in_eol(path: Path) -> bool:
    """Whether the hint stream's data ends in LF or CR: qpdf then writes no end-of-line
    marker of its own before `endstream`, and a reader takes the data's last byte for it
    (one byte less than /Length)."""
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        found = _HINT_STREAM.search(data)
        if found is None:
            return False
        end = found.end() + int(found.group(1))
        return data[end - 1:end] in (b"\n", b"\r")


def _lengthen(pdf: pikepdf.Pdf) -> None:
    """The first page and the bookmarks a few bytes longer, drawn and read the same."""
    contents = pdf.pages[0].obj.Contents
    stream = contents[-1] if isinstance(contents, Array) else contents
    stream.write(stream.read_bytes() + b"\n")  # white space after the last operator
    # The only stream changed: every other one is as end_streams_unambiguously left it
    # (saved without recompressing). Going over them all again cost a warm build of 300
    # photos 0.03 s.
    _end_unambiguously(stream)
    item = pdf.Root.get("/Outlines", {}).get("/First")
    while item is not None and "/F" in item:
        item = item.get("/Next")
    if item is not None:
        item.F = 0  # plain text, the default
