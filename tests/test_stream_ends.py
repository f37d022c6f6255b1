"""A stream whose data ends in a carriage return is wrapped so that its /Length reads one way
(PDF/A-2 6.1.7.1; page's STREAM-LENGTH rule failed on one corpus brochure for it)."""

from __future__ import annotations

import io
import itertools
import zlib
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Name

from dokureport.output.postprocess import finish


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


def linearized(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, linearize=True, static_id=True, compress_streams=False)
    return buffer.getvalue()


def with_bookmark(n: int) -> pikepdf.Pdf:
    """A file with bookmarks shown on opening: its hint stream ends in the outline hint
    table, whose last field is the outlines' length in bytes (the title's `n` sets it)."""
    pdf = pikepdf.new()
    for _ in range(3):
        pdf.add_blank_page()
        pdf.pages[-1].obj.Contents = pdf.make_stream(b"q Q")
    pdf.Root.PageMode = Name.UseOutlines
    pdf.Root.Metadata = pdf.make_stream(b"<x:xmpmeta/>", Type=Name.Metadata)
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("x" * n, 1))
    return pdf


def hint_stream_ending_in_cr() -> int:
    """A title length whose file's hint stream ends in CR."""
    return next(n for n in range(600) if b"\r\nendstream" in linearized(with_bookmark(n)))


LINEARIZED = {"linearize": True, "static_id": True, "compress_streams": False}


def test_a_linearized_files_hint_stream_never_ends_in_cr(tmp_path: Path) -> None:
    """qpdf writes the hint stream itself, after every stream of ours was seen to: a file
    whose hint tables end in CR is written again with its first page a byte longer."""
    from dokureport.output.stream_ends import written_unambiguously

    n = hint_stream_ending_in_cr()
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    written_unambiguously(with_bookmark(n), first, **LINEARIZED)
    written_unambiguously(with_bookmark(n), second, **LINEARIZED)
    data = first.read_bytes()
    assert b"\r\nendstream" not in data
    assert data == second.read_bytes()  # deterministic
    with pikepdf.open(io.BytesIO(data)) as written:
        assert written.check_linearization()
        assert written.pages[0].obj.Contents.read_bytes().rstrip() == b"q Q"
        assert b"xmpmeta" in written.Root.Metadata.read_bytes()  # (pikepdf adds a version)
        assert [str(i.title) for i in written.open_outline().root] == ["x" * n]


def test_a_file_written_again_is_written_from_memory_as_the_file_read_back_would_be(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second write saves the Pdf in memory again, lengthened, instead of reading the
    file just written back (a 1,000-talk watch rebuild that needed it took 1.1 s, not
    0.8 s): the same bytes, its XMP metadata kept."""
    from dokureport.output import stream_ends

    n = hint_stream_ending_in_cr()
    # What the file read back gives: save, open it, lengthen it, save it again.
    read_back = tmp_path / "read-back.pdf"
    with_bookmark(n).save(read_back, **LINEARIZED)
    with pikepdf.open(read_back, allow_overwriting_input=True) as again:
        stream_ends._lengthen(again)
        again.save(read_back, **LINEARIZED)

    opened: list[object] = []
    real_open = pikepdf.open
    monkeypatch.setattr(pikepdf, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    from_memory = tmp_path / "from-memory.pdf"
    stream_ends.written_unambiguously(with_bookmark(n), from_memory, **LINEARIZED)
    monkeypatch.undo()

    assert opened == []
    assert from_memory.read_bytes() == read_back.read_bytes()
    with pikepdf.open(from_memory) as written:
        assert b"xmpmeta" in written.Root.Metadata.read_bytes()


def test_objects_known_to_hold_no_stream_are_not_looked_at(tmp_path: Path) -> None:
    """Post-processing passes over the structure tree (18,000 elements at 1,000 talks):
    every stream of the file and every one made after the tree is seen to, and only
    those."""
    from dokureport.output.stream_ends import end_streams_unambiguously

    content = content_ending_in_cr()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        page = pdf.pages[0].obj
        page.Contents = pdf.make_stream(zlib.compress(content), Filter=Name.FlateDecode)
        before = pdf.make_stream(b"q Q\n" * 50)
        first = pdf.make_indirect(pikepdf.Dictionary(S=Name.P))
        skipped = pdf.make_stream(b"q Q\n" * 50)  # a stream in the range: left as it is
        last = pdf.make_indirect(pikepdf.Dictionary(S=Name.P))
        after = pdf.make_stream(b"q Q\n" * 50)
        end_streams_unambiguously(pdf, no_streams=range(first.objgen[0], last.objgen[0] + 1))
        assert list(page.Contents.Filter) == [Name.ASCII85Decode, Name.FlateDecode]
        assert before.Filter == Name.FlateDecode and after.Filter == Name.FlateDecode
        assert "/Filter" not in skipped


def test_the_structure_tree_names_the_objects_it_made_and_none_is_a_stream(
        tmp_path: Path) -> None:
    from dokureport.output.structure import write_structure
    from tests.test_layout_check import _paragraphs

    path = tmp_path / "tagged.pdf"
    canvas = _paragraphs(path, [(10, 60), (10, 70)])
    with pikepdf.open(path) as pdf:
        count = len(pdf.objects)
        made = write_structure(pdf, canvas.tags)
        assert made.start == count + 1 and made.stop == len(pdf.objects) + 1
        objects = [pdf.get_object(number, 0) for number in made]
        assert not any(isinstance(obj, pikepdf.Stream) for obj in objects)
        root = pdf.Root.StructTreeRoot
        assert root.objgen[0] == made.start and root.ParentTree.objgen[0] == made[-1]
        assert sum("/S" in obj and "/P" in obj for obj in objects
                   if isinstance(obj, pikepdf.Dictionary)) >= 3  # Document, 2 P


def test_lengthening_a_file_touches_no_stream_but_its_first_pages_content(
        tmp_path: Path) -> None:
    """A file written again (its hint stream ended in CR or LF) changes only its first
    page's content: every other stream is as end_streams_unambiguously left it, and is
    not read and compressed again (a warm build of 300 photos spent 0.03 s on that)."""
    from dokureport.output.stream_ends import _lengthen

    path = tmp_path / "written.pdf"
    with pikepdf.new() as pdf:
        for _ in range(2):
            pdf.add_blank_page()
            pdf.pages[-1].obj.Contents = pdf.make_stream(b"q Q")
        pdf.save(path, compress_streams=False)
    with pikepdf.open(path) as pdf:
        _lengthen(pdf)
        first, second = (page.obj.Contents for page in pdf.pages)
        assert first.Filter == Name.FlateDecode and first.read_bytes() == b"q Q\n"
        # Not ours to change: left unfiltered as it was read.
        assert "/Filter" not in second and second.read_raw_bytes() == b"q Q"
