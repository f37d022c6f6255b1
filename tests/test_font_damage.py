"""Damaged font files in a theme: refused at their key (exit 2) or built into a valid PDF.

A real font (Noto Sans from fonts/) is cut short at many offsets and has its table
directory damaged (offsets past the end, wrong lengths, flipped tags and bytes); each
damaged copy is named by `theme.fonts.regular`. `validate` and `build` must agree: exit 2
with the error at `theme.fonts.regular`, or a PDF that opens. Never exit 1 (a "bug"),
never a traceback.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dokureport.core.resources import fonts_dir
from tests.test_hostile_input import lines_with, run_cli

FONT = fonts_dir() / "NotoSans-Regular.ttf"
EVENT = """title: Fachtag
event:
  start: 2019-10-29
theme:
  fonts:
    regular: fonts/Corporate-Regular.ttf
"""
# The tables reportlab reads to measure and embed a font, and one it never reads.
READ = ("head", "hhea", "hmtx", "maxp", "loca", "glyf", "cmap", "name", "post", "OS/2")


def _directory(data: bytes) -> list[tuple[str, int, int, int]]:
    """(tag, position of its record, offset, length) for each table."""
    count = struct.unpack(">H", data[4:6])[0]
    records = []
    for i in range(count):
        at = 12 + 16 * i
        tag, _, offset, length = struct.unpack(">4sIII", data[at:at + 16])
        records.append((tag.decode("latin-1"), at, offset, length))
    return records


def _with_ulong(data: bytes, at: int, value: int) -> bytes:
    changed = bytearray(data)
    struct.pack_into(">I", changed, at, value & 0xFFFFFFFF)
    return bytes(changed)


def damaged_fonts() -> dict[str, bytes]:
    """Named damaged copies of FONT: truncations, table-directory damage, damaged glyph
    ranges; and of a CFF-outline font (about 100)."""
    data = FONT.read_bytes()
    records = _directory(data)
    cases: dict[str, bytes] = {}
    cuts = {0, 1, 4, 11, 12, 20, 12 + 16 * len(records) - 1, 12 + 16 * len(records),
            len(data) // 2, len(data) - 1}
    for tag, _, offset, length in records:
        if tag in READ:
            cuts |= {offset + 1, offset + length // 2}
    for cut in sorted(cuts):
        cases[f"cut-at-{cut}"] = data[:cut]
    for tag, at, offset, _ in records:
        if tag not in READ and tag != "GPOS":
            continue
        name = tag.strip().replace("/", "")
        cases[f"{name}-offset-past-end"] = _with_ulong(data, at + 8, len(data) + 4096)
        cases[f"{name}-offset-plus-2"] = _with_ulong(data, at + 8, offset + 2)
        cases[f"{name}-length-0"] = _with_ulong(data, at + 12, 0)
        cases[f"{name}-length-huge"] = _with_ulong(data, at + 12, 0x7FFFFFF0)
        cases[f"{name}-tag-flipped"] = data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:]
    cases["checksum-wrong"] = _with_ulong(data, records[0][1] + 4, 0x12345678)
    cases["num-tables-plus-1"] = data[:4] + struct.pack(">H", len(records) + 1) + data[6:]
    cases["num-tables-0"] = data[:4] + struct.pack(">H", 0) + data[6:]
    cases.update(_glyph_damage(data, records))
    cases.update(_cff_damage())
    cases.update(_cmap_damage())
    cases["name-ps-name-odd-length"] = _odd_ps_name(data, records)
    # Found by fuzzing: one byte in Noto's format 4 subtable, which fontTools reads as
    # mapping to glyphs the font has, and reportlab (as the check does) to glyph 49214.
    cmap = next(offset for tag, _, offset, _ in records if tag == "cmap")
    cases["cmap-format-4-glyph-past-the-font"] = (data[:cmap + 1169] + b"\x79"
                                                  + data[cmap + 1170:])
    return cases


def _odd_ps_name(data: bytes, records: list[tuple[str, int, int, int]]) -> bytes:
    """The Windows PostScript name (UTF-16) one byte short: reportlab refuses it."""
    name = next(offset for tag, _, offset, _ in records if tag == "name")
    count = struct.unpack(">H", data[name + 2:name + 4])[0]
    for at in range(name + 6, name + 6 + 12 * count, 12):
        platform, encoding, language, name_id, length = struct.unpack(">5H", data[at:at + 10])
        if (platform, encoding, language, name_id) == (3, 1, 0x409, 6):
            return data[:at + 8] + struct.pack(">H", length - 1) + data[at + 10:]
    raise AssertionError("no Windows PostScript name")


def _cmap_damage() -> dict[str, bytes]:
    """DejaVu Sans's format 12 cmap subtable damaged: reportlab expands its ranges unbounded."""
    data = (fonts_dir() / "DejaVuSans.ttf").read_bytes()
    cmap = next(offset for tag, _, offset, _ in _directory(data) if tag == "cmap")
    count = struct.unpack(">H", data[cmap + 2:cmap + 4])[0]
    subtable = next(cmap + struct.unpack(">I", data[at + 4:at + 8])[0]
                    for at in range(cmap + 4, cmap + 4 + 8 * count, 8)
                    if data[cmap + struct.unpack(">I", data[at + 4:at + 8])[0] + 1] == 12)
    # One bit makes format 12 (a glyph per character) format 13 (one glyph for a range).
    as_13 = data[:subtable] + struct.pack(">H", 13) + data[subtable + 2:]
    return {
        "cmap-format-13-range-past-unicode": _with_ulong(as_13, subtable + 20, 0xFFFFFF00),
        "cmap-format-12-range-past-unicode": _with_ulong(data, subtable + 20, 0xFFFFFF00),
        "cmap-format-12-groups-past-end": _with_ulong(data, subtable + 12, 0x7FFFFFFF),
    }


def _glyph_damage(data: bytes, records: list[tuple[str, int, int, int]]) -> dict[str, bytes]:
    """Damage inside loca and glyf, where the table directory stays right."""
    from fontTools.ttLib import TTFont

    where = {tag: (offset, length) for tag, _, offset, length in records}
    with TTFont(str(FONT), lazy=True) as font:
        long_loca = font["head"].indexToLocFormat == 1
        glyf = font["glyf"]
        composite = next(i for i, name in enumerate(font.getGlyphOrder())
                         if glyf[name].isComposite())
        locations = font["loca"].locations
    loca, _ = where["loca"]
    glyf_at, _ = where["glyf"]
    size = 4 if long_loca else 2
    cases = {}
    changed = bytearray(data)
    changed[loca + 50 * size:loca + 51 * size] = b"\xff" * size
    cases["loca-entry-past-glyf"] = bytes(changed)
    changed = bytearray(data)
    component = glyf_at + locations[composite] + 12  # its first component's glyph index
    changed[component:component + 2] = b"\xff\xff"
    cases["composite-names-no-glyph"] = bytes(changed)
    return cases


def _cff_damage() -> dict[str, bytes]:
    """An OpenType font with CFF outlines (Inter), damaged in and around its CFF table."""
    data = (fonts_dir() / "Inter-Regular.otf").read_bytes()
    at, offset, length = next((at, o, n) for tag, at, o, n in _directory(data) if tag == "CFF ")
    return {
        "otf-cut-in-cff": data[:offset + length // 2],
        "otf-cff-length-0": _with_ulong(data, at + 12, 0),
        "otf-cff-offset-plus-2": _with_ulong(data, at + 8, offset + 2),
        "otf-cff-header-zeroed": data[:offset + 4] + bytes(16) + data[offset + 20:],
        "otf-charstrings-zeroed": (data[:offset + length // 2] + bytes(64)
                                   + data[offset + length // 2 + 64:]),
        "otf-charstrings-ff": (data[:offset + length // 4] + b"\xff" * 64
                               + data[offset + length // 4 + 64:]),
    }


CASES = damaged_fonts()


def _event(folder: Path, font: bytes) -> Path:
    (folder / "fonts").mkdir(parents=True)
    (folder / "fonts" / "Corporate-Regular.ttf").write_bytes(font)
    (folder / "event.yaml").write_text(EVENT, encoding="utf-8")
    return folder


def assert_refused_or_built(folder: Path, out: Path) -> int:
    """Validate then build the event: both exit 2 at the font's key, or a PDF is built."""
    code, stdout, stderr = run_cli("validate", str(folder))
    assert "Traceback" not in stdout + stderr and "internal error" not in stderr, stderr
    assert code in (0, 2), stderr
    if code == 2:
        errors = lines_with("error: ", stderr)
        assert errors and all("theme.fonts.regular: " in e for e in errors), errors
    built, stdout, stderr = run_cli("build", str(folder), "-o", str(out), "--no-cache", "-q")
    assert "Traceback" not in stdout + stderr and "internal error" not in stderr, stderr
    assert built == code, f"validate exited {code}, build {built}: {stderr}"
    if built == 2:
        errors = lines_with("error: ", stderr)
        assert errors and all("theme.fonts.regular: " in e for e in errors), errors
        assert not out.exists()
    else:
        with pikepdf.open(out) as pdf:
            assert len(pdf.pages) >= 1
    return code


def test_there_are_many_cases() -> None:
    assert 80 <= len(CASES) <= 120


@pytest.mark.parametrize("name", sorted(CASES))
def test_damaged_font_is_refused_at_its_key_or_builds(name: str, tmp_path: Path) -> None:
    assert_refused_or_built(_event(tmp_path / "event", CASES[name]), tmp_path / "out.pdf")


def test_a_table_past_the_end_is_named(tmp_path: Path) -> None:
    from dokureport.text.font_files import FontFileError, check_font_file

    path = tmp_path / "X.ttf"
    path.write_bytes(CASES["hmtx-offset-past-end"])
    with pytest.raises(FontFileError, match="'hmtx' table runs past the end of the file"):
        check_font_file(path)


_HEADER = 12 + 16 * len(_directory(FONT.read_bytes()))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(0, _HEADER - 1), st.integers(1, 255)),
                      min_size=1, max_size=4))
def test_random_flips_in_the_table_directory(flips: list[tuple[int, int]],
                                             tmp_path_factory: pytest.TempPathFactory) -> None:
    data = bytearray(FONT.read_bytes())
    for at, mask in flips:
        data[at] ^= mask
    folder = tmp_path_factory.mktemp("flip")
    assert_refused_or_built(_event(folder / "event", bytes(data)), folder / "out.pdf")
