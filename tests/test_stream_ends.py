"""A stream whose data ends in a carriage return is wrapped so that its /Length reads one way
(PDF/A-2 6.1.7.1; page's STREAM-LENGTH rule failed on one corpus brochure for it)."""

from __future__ import annotations

import itertools
import zlib
from pathlib import Path

import pikepdf
from pikepdf import Name

from dokureport.postprocess import finish


def content_ending_in_cr() -> bytes:
    """Page content whose Flate data ends in CR.

    zlib data ends in the Adler-32 checksum, whose last byte is 1 + the sum of the
    content's bytes (mod 65521, then 256): a comment makes that 13, a carriage return.
    """
    base = b"q 0 0 1 rg 0 0 10 10 re f Q\n%"
    for chars in itertools.product(range(0x21, 0x7F), repeat=3):  # 280 sums in a row
        content = base + bytes(chars) + b"\n"
        if zlib.compress(content).endswith(b"\r"):
            return content
    raise AssertionError("no such content")  # pragma: no cover


def test_no_stream_ends_in_cr_before_its_end_of_line(tmp_path: Path) -> None:
    content = content_ending_in_cr()
    path = tmp_path / "cr.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.pages[0].obj.Contents = pdf.make_stream(zlib.compress(content),
                                                    Filter=Name.FlateDecode)
        pdf.save(path)
    assert b"\r\nendstream" in path.read_bytes()  # the ambiguity, before

    finish(path, None, archival=False, linearize=False)

    data = path.read_bytes()
    assert b"\r\nendstream" not in data and b"\rendstream" not in data
    with pikepdf.open(path) as pdf:
        stream = pdf.pages[0].obj.Contents
        assert list(stream.Filter) == [Name.ASCII85Decode, Name.FlateDecode]
        assert stream.read_bytes() == content
        # /Length counts exactly the bytes between `stream` EOL and the EOL before endstream.
        raw = stream.read_raw_bytes()
        assert raw.endswith(b"~>") and int(stream.Length) == len(raw)


def test_streams_left_unfiltered_are_compressed_and_the_metadata_stays_plain(
        tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.pages[0].obj.Contents = pdf.make_stream(b"q Q\n" * 200)
        pdf.Root.Metadata = pdf.make_stream(b"<x:xmpmeta/>", Type=Name.Metadata,
                                            Subtype=Name.XML)
        pdf.save(path, compress_streams=False)

    finish(path, None, archival=False, linearize=False)

    with pikepdf.open(path) as pdf:
        assert pdf.pages[0].obj.Contents.Filter == Name.FlateDecode
        assert "/Filter" not in pdf.Root.Metadata
