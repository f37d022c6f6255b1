"""A photo's own texts: XMP over IPTC over EXIF, charsets, languages, and hostile packets."""

from __future__ import annotations

import io
import shutil
import struct
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from dokureport.event import photo_metadata
from dokureport.event.photo_metadata import MAX_XMP_BYTES, read_metadata

FIXTURES = Path(__file__).parent / "photo_metadata"


@pytest.fixture(autouse=True)
def _read_afresh() -> None:
    photo_metadata.forget()


def texts(path: Path, lang: str = "de") -> dict[str, tuple[str, str] | None]:
    found = read_metadata(path, lang)
    return {name: (f.text, f.source) if (f := getattr(found, name)) else None
            for name in ("caption", "credit", "alt", "title")}


# --- real files --------------------------------------------------------------------------

def test_exiftools_own_test_photo_gives_xmp_before_iptc_before_exif() -> None:
    # ExifTool.jpg has a caption in all three: "A witty caption" in IPTC and EXIF, its
    # own words in (UTF-16) XMP; its credit only in XMP (photoshop:Credit) and IPTC 2:110.
    found = texts(FIXTURES / "ExifTool.jpg")
    assert found["caption"] == ("UTF-16 (big-endian) encoded XMP", "xmp")
    assert found["credit"] == ("My Credit", "xmp")
    # photoshop:Headline says "No headline": no title, so dc:title is the next choice.
    assert found["title"] == ("Test IPTC picture", "xmp")
    assert found["alt"] is None


def test_pillows_iptc_and_xmp_photos_carry_no_caption_and_give_none() -> None:
    # City, country and keywords only; an XMP packet without properties.
    for name in ("iptc.jpg", "xmp_no_prefix.jpg"):
        found = read_metadata(FIXTURES / name)
        assert (found.caption, found.credit, found.alt, found.warnings) == (None, None, None, ())
    assert str(read_metadata(FIXTURES / "iptc.jpg").taken) == "2006-07-08 21:14:45"


def test_iptc_2021_alt_text_and_language_alternatives_follow_the_events_language() -> None:
    german = texts(FIXTURES / "alt-text.jpg", "de")
    assert german["caption"] == ("Begrüßung im Foyer", "xmp")
    assert german["alt"] == ("Eine runde gelbe Sonne über blauem Meer", "xmp")
    assert german["credit"] == ("© Jana Fotografin/DKJS", "xmp")  # photoshop:Credit first
    english = texts(FIXTURES / "alt-text.jpg", "en-GB")
    assert english["caption"] == ("Welcome in the foyer", "xmp")
    # No French: x-default.
    assert texts(FIXTURES / "alt-text.jpg", "fr")["caption"] == (
        "Begrüßung im Foyer (x-default)", "xmp")
    described = read_metadata(FIXTURES / "alt-text.jpg").description
    assert described is not None and described.text.startswith("The sun fills")


def test_iim_is_decoded_by_its_declared_charset_and_latin1_without_one() -> None:
    assert texts(FIXTURES / "iim-utf8.jpg")["caption"] == (
        "Podiumsgespräch „Zukunft“ – Jürgen Müller", "iptc")
    latin1 = texts(FIXTURES / "iim-latin1.jpg")
    assert latin1["caption"] == ("Kaffeepause im Café – Größe zählt", "iptc")
    # CopyrightNotice in IPTC wins over EXIF Artist.
    assert latin1["credit"] == ("© Renée Åberg", "iptc")


def test_camera_defaults_and_file_names_are_no_captions(tmp_path: Path) -> None:
    # iim-utf8.jpg's EXIF says "OLYMPUS DIGITAL CAMERA" beside its IPTC caption.
    assert read_metadata(FIXTURES / "camera-default.jpg").caption is None  # "SONY DSC"
    for junk in ("OLYMPUS DIGITAL CAMERA", "SONY DSC", "DCIM\\100OLYMP", "  ", "IMG_4711.JPG",
                 "KONICA MINOLTA DIGITAL CAMERA", "photo-7"):
        path = tmp_path / "photo-7.jpg"
        exif = Image.Exif()
        exif[0x010E] = junk
        Image.new("RGB", (8, 8)).save(path, exif=exif)
        photo_metadata.forget()
        assert read_metadata(path).caption is None, junk
    assert texts(FIXTURES / "exif-only.jpg")["caption"] == ("Podium am Nachmittag", "exif")


def test_capture_time_is_exif_date_time_original() -> None:
    assert str(read_metadata(FIXTURES / "alt-text.jpg").taken) == "2019-10-29 10:00:00"
    assert read_metadata(FIXTURES / "exif-only.jpg").taken is None


def test_a_file_is_read_once_per_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.jpg"
    shutil.copy(FIXTURES / "iim-utf8.jpg", path)
    opened = []
    real = photo_metadata._read
    monkeypatch.setattr(photo_metadata, "_read", lambda *a: opened.append(a) or real(*a))
    read_metadata(path)
    read_metadata(path)
    assert len(opened) == 1
    shutil.copy(FIXTURES / "exif-only.jpg", path)  # a new version of the file
    assert read_metadata(path).caption.text == "Podium am Nachmittag"
    assert len(opened) == 2


# --- hostile and broken metadata ---------------------------------------------------------

def jpeg(path: Path, *, xmp: bytes | None = None, iptc: bytes | None = None) -> Path:
    """A small JPEG with the given XMP packet and IPTC IIM datasets (as APP13)."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 160)).save(out, "JPEG", **({"xmp": xmp} if xmp else {}))
    data = out.getvalue()
    if iptc is not None:
        resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
        resource += b"\0" * (len(resource) % 2)
        body = b"Photoshop 3.0\0" + resource
        data = data[:2] + b"\xff\xed" + struct.pack(">H", len(body) + 2) + body + data[2:]
    path.write_bytes(data)
    return path


def dataset(record: int, number: int, value: bytes) -> bytes:
    return bytes([0x1C, record, number]) + struct.pack(">H", len(value)) + value


def xmp_caption(text: str, doctype: str = "") -> bytes:
    return (f'{doctype}<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf='
            '"http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description><rdf:Alt>'
            f'<rdf:li xml:lang="x-default">{text}</rdf:li></rdf:Alt></dc:description>'
            '</rdf:Description></rdf:RDF></x:xmpmeta>').encode()


def test_an_xmp_entity_bomb_is_refused_unexpanded(tmp_path: Path) -> None:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<!DOCTYPE x [<!ENTITY l0 "lol">{laughs}]>'
    found = read_metadata(jpeg(tmp_path / "bomb.jpg", xmp=xmp_caption("&l9;", bomb)))
    assert found.caption is None
    assert any("XMP declares entities" in w for w in found.warnings)


def test_an_external_entity_reads_no_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    doctype = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
    found = read_metadata(jpeg(tmp_path / "xxe.jpg", xmp=xmp_caption("&e;", doctype)))
    assert found.caption is None and found.warnings


def test_a_10_mb_xmp_packet_is_left_unparsed(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp_caption("x" * 10_000_000).decode())
    path = tmp_path / "huge.png"
    Image.new("RGB", (16, 16)).save(path, pnginfo=info)
    found = read_metadata(path)
    assert found.caption is None
    assert [w for w in found.warnings if f"more than {MAX_XMP_BYTES // 2**20} MB" in w]


def test_broken_xml_is_a_warning(tmp_path: Path) -> None:
    found = read_metadata(jpeg(tmp_path / "broken.jpg", xmp=b"<x:xmpmeta><unclosed>"))
    assert found.caption is None and "not well-formed" in found.warnings[0]


def test_iim_that_declares_utf8_but_is_latin1_is_read_as_latin1_with_a_warning(
        tmp_path: Path) -> None:
    iptc = dataset(1, 90, b"\x1b%G") + dataset(2, 120, "Café Größe".encode("latin-1"))
    found = read_metadata(jpeg(tmp_path / "wrong.jpg", iptc=iptc))
    assert found.caption is not None and found.caption.text == "Café Größe"
    assert "declares UTF-8 but is not UTF-8" in found.warnings[0]


def test_control_characters_are_left_out_with_a_warning(tmp_path: Path) -> None:
    iptc = dataset(2, 120, b"Ring\x07 the \x1b[31mbell\x00") + dataset(2, 80, b"A\x1bB")
    found = read_metadata(jpeg(tmp_path / "bell.jpg", iptc=iptc))
    assert found.caption is not None and found.caption.text == "Ring the [31mbell"
    assert found.credit is not None and found.credit.text == "A B"
    assert any("control characters" in w for w in found.warnings)


def test_a_caption_longer_than_a_brochure_prints_is_ignored(tmp_path: Path) -> None:
    found = read_metadata(jpeg(tmp_path / "long.jpg", iptc=dataset(2, 120, b"word " * 2000)))
    assert found.caption is None and "longer than a brochure prints" in found.warnings[0]


def test_damaged_exif_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "exif.jpg"
    Image.new("RGB", (8, 8)).save(path, exif=b"Exif\x00\x00II*\x00\xff\xff\xff\x7f")
    found = read_metadata(path)
    assert found.caption is None
    assert any("damaged" in w or "unreadable" in w for w in found.warnings)
