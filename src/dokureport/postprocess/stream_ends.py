"""No stream's data ends in a carriage return: its /Length then reads one way only.

qpdf writes a line feed before `endstream`. When the (compressed) data itself ends in CR,
the file reads `…CR LF endstream`, and a reader that takes CR LF for the end-of-line
marker counts one byte less than /Length says (page's STREAM-LENGTH rule, PDF/A-2
6.1.7.1). A Flate stream ends in the Adler-32 checksum of its decoded data, so
compressing it again never helps; wrapping it in ASCII85, whose data ends in `~>`, does.
One stream in about 256 needs it.
"""

from __future__ import annotations

import base64
import zlib

import pikepdf
from pikepdf import Array, Name


def end_streams_unambiguously(pdf: pikepdf.Pdf) -> None:
    """Compress unfiltered streams now, then wrap any whose data ends in CR in ASCII85.

    Save with `compress_streams=False` and `stream_decode_level=none` afterwards: qpdf,
    left to compress, would strip the ASCII85 again.
    """
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Type") == Name.Metadata:
            continue  # PDF/A keeps the XMP metadata unfiltered; it ends in `?>`
        if "/Filter" not in obj:
            data = obj.read_raw_bytes()
            if not data:
                continue
            # What qpdf would do at save time, done here so that its result is seen below.
            obj.write(zlib.compress(data), filter=Name.FlateDecode)
        raw = obj.read_raw_bytes()
        if not raw.endswith(b"\r"):
            continue
        filters = obj.Filter if isinstance(obj.Filter, Array) else Array([obj.Filter])
        parms = obj.get("/DecodeParms")
        if not isinstance(parms, Array):
            parms = Array([parms] * len(filters))  # one filter with parameters, or none
        obj.write(base64.a85encode(raw) + b"~>",
                  filter=Array([Name.ASCII85Decode, *filters]),
                  decode_parms=Array([None, *parms]) if any(p is not None for p in parms)
                  else None)
