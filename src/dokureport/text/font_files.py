"""Corporate font files made embeddable: checked, CFF outlines converted to TrueType, cached."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dokureport.core import plain_cache
from dokureport.core.cache_dir import default_cache_dir

if TYPE_CHECKING:  # fontTools is imported where a theme's own font file needs it
    from fontTools.ttLib import TTFont

# Bump when the conversion changes: old cache entries are then never read again.
CONVERSION_VERSION = 1
# Bump when check_font_file checks more: a file that passed is then checked anew.
CHECKS_VERSION = 1
# Curve approximation error in font units: 1/1000 em is far below what print shows.
MAX_ERROR = 1.0
# A post table of format 2 indexes its names in 16 bits, 258 of them standard names.
_MOST_GLYPH_NAMES = 65535 - 258

# OS/2 fsType bits (OpenType spec): 0x0002 restricted licence embedding forbids it;
# 0x0200 bitmap-only embedding gives nothing a PDF can use for outlines.
_RESTRICTED = 0x0002
_BITMAP_ONLY = 0x0200


# fontTools logs damage it tolerates (odd timestamps, short post names) to stderr through
# the root logger's last resort: the checks below report what matters, at the font's key.
logging.getLogger("fontTools").setLevel(logging.ERROR)


class FontFileError(Exception):
    """A file that cannot serve as a brochure font; the message says why, for its key."""


@dataclass(frozen=True)
class FontFile:
    """A font that reportlab can embed: the path to a TrueType-outline file."""

    source: Path
    path: Path  # the source itself, or its converted copy in the cache
    converted: bool


def _open(path: Path) -> TTFont:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        return TTFont(str(path), lazy=True)
    except (TTLibError, OSError, AssertionError, ValueError, KeyError) as exc:
        raise FontFileError(f"not a font file (.ttf or .otf): {path.name} ({exc})") from None
    except Exception as exc:  # fontTools raises plain errors on damaged tables
        raise FontFileError(f"not a readable font file: {path.name} ({exc})") from None


def check_embedding(font: TTFont, name: str) -> None:
    """Refuse a font whose licence bits forbid embedding it in a document."""
    os2 = font.get("OS/2") if "OS/2" in font else None
    fs_type = getattr(os2, "fsType", 0) if os2 is not None else 0
    if fs_type & _RESTRICTED and not fs_type & 0x000C:
        raise FontFileError(f"its licence forbids embedding it in a PDF (OS/2 fsType "
                            f"{fs_type:#06x}, restricted licence embedding); ask its vendor "
                            "for a version that allows embedding")
    if fs_type & _BITMAP_ONLY:
        raise FontFileError(f"its licence allows embedding bitmaps only (OS/2 fsType "
                            f"{fs_type:#06x}); a PDF needs outlines")


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def convert_cff(font: TTFont) -> TTFont:
    """Replace a font's CFF (cubic) outlines by TrueType (quadratic) glyf outlines, in place.

    reportlab embeds only glyf-outline fonts. cu2qu approximates each cubic curve by
    quadratics within MAX_ERROR units, reversing direction as TrueType expects.
    """
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    post = font["post"]
    if len(glyph_order) > _MOST_GLYPH_NAMES:
        # Noto Sans CJK's 65,535 glyph names overflow format 2's 16-bit name indices
        # (fontTools fails saving); format 3 keeps no names, which a PDF does not need.
        post.formatType = 3.0
    else:
        post.formatType = 2.0
        post.extraNames = []
        post.mapping = {}
    post.glyphOrder = glyph_order
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    return font


def check_font_file(path: Path) -> None:
    """Raise FontFileError unless path is a font with outlines whose licence allows embedding
    and whose tables can be read whole.

    Cheap (no glyph outline is decoded): `validate` runs it without converting anything.
    The tables are those reportlab reads to measure and embed a font (see check_readable).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FontFileError(f"cannot read {path.name} ({exc.strerror or exc})") from None
    check_directory(data, path.name)  # first: a collection is named as one, not "not a font"
    passed = _passed_file(data)
    if plain_cache.load(passed) is True:
        return
    with _open(path) as font:
        try:
            outlines = any(tag in font for tag in ("glyf", "CFF ", "CFF2"))
            check_embedding(font, path.name)
            if outlines:
                check_readable(font, data, path.name)
        except FontFileError:
            raise
        except Exception as exc:
            raise _bad(path.name, exc) from None
    if not outlines:
        raise FontFileError(f"{path.name} has no outlines (neither TrueType nor CFF)")
    plain_cache.store(passed, True)


def _passed_file(data: bytes) -> Path:
    """Where the user's cache notes that a font file of this content passed every check:
    decoding each glyph of a CFF font with 65,535 (Noto Sans CJK) takes 10 s a build."""
    digest = hashlib.sha256(data).hexdigest()[:32]
    return default_cache_dir() / "font-checks" / f"v{CHECKS_VERSION}-{digest}.pickle"


def damaged_message(name: str, reason: object) -> str:
    text = str(reason).strip() or type(reason).__name__
    if len(text) > 120:
        text = text[:117] + "..."
    return f"damaged font file: {name} ({text}); use an undamaged copy of the font"


def _bad(name: str, reason: object) -> FontFileError:
    return FontFileError(damaged_message(name, reason))


_SFNT_VERSIONS = (b"\x00\x01\x00\x00", b"true", b"OTTO")


def check_directory(data: bytes, name: str) -> None:
    """The file's table directory: every table it lists lies inside the file.

    reportlab reads a table wherever the directory says, and fails deep in its own code
    (struct.error) when that is past the file's end.
    """
    if len(data) < 12 or data[:4] not in (*_SFNT_VERSIONS, b"ttcf"):
        raise FontFileError(f"not a font file (.ttf or .otf): {name}")
    if data[:4] == b"ttcf":
        # Noto Sans CJK ships as such a collection (.ttc/.otc, its languages' fonts in one).
        raise FontFileError(f"{name} is a font collection (.ttc or .otc: several fonts in one "
                            "file, as Noto Sans CJK ships), which reportlab cannot embed; name "
                            "one font file (.ttf or .otf) instead, e.g. one taken out with "
                            f"`fonttools ttLib -y 0 {name} -o {Path(name).stem}-0.otf`")
    count = int.from_bytes(data[4:6], "big")
    if count == 0 or 12 + 16 * count > len(data):
        raise _bad(name, "its table directory is cut short or empty")
    for i in range(count):
        record = data[12 + 16 * i:28 + 16 * i]
        try:  # reportlab reads tags as UTF-8
            tag = record[:4].decode("utf-8").strip()
        except UnicodeDecodeError:
            raise _bad(name, f"its table directory is garbled (table {i + 1})") from None
        tag = repr(tag) if tag.isprintable() and tag.isascii() else f"number {i + 1}"
        offset = int.from_bytes(record[8:12], "big")
        length = int.from_bytes(record[12:16], "big")
        if offset + length > len(data):
            raise _bad(name, f"its {tag} table runs past the end of the file: truncated?")


# The tables reportlab reads to measure and embed a TrueType font (pdfbase.ttfonts).
_NEEDED = ("head", "hhea", "maxp", "name", "post", "cmap", "hmtx")
# A PostScript name must be a PDF name: reportlab refuses these characters in it.
_NOT_IN_PS_NAMES = frozenset(b" [](){}<>/%")


def check_readable(font: TTFont, data: bytes, name: str) -> None:
    """Every table reportlab reads decompiles, with the values reportlab accepts.

    head, hhea, maxp, name, post, cmap, hmtx and OS/2 (and loca with glyf for TrueType
    outlines, whose glyph ranges and composite references must stay inside the font).
    Raises FontFileError, or fontTools' own error for a table it cannot decompile.
    """
    missing = [tag for tag in _NEEDED if tag not in font]
    if missing:
        raise _bad(name, f"it has no {', '.join(map(repr, missing))} table")
    if "CFF2" in font:
        raise FontFileError(f"{name}: variable CFF2 fonts are not supported; "
                            "use a static instance (.otf or .ttf)")
    for tag in ("CFF ", *_NEEDED, "OS/2", "loca"):
        if tag in font:
            try:
                font[tag]  # decompiles it: raises on a damaged table
            except Exception as exc:
                raise _bad(name, f"its {tag!r} table cannot be read: {exc}") from None
    head, hhea, post = font["head"], font["hhea"], font["post"]

    def major(tag: str) -> int:  # a table's major version, as reportlab reads it
        offset = font.reader.tables[tag].offset
        return int.from_bytes(data[offset:offset + 2], "big")

    if head.magicNumber != 0x5F0F3CF5 or major("head") != 1:
        raise _bad(name, "its 'head' table is not a font header")
    if hhea.metricDataFormat != 0 or hhea.numberOfHMetrics == 0 or major("hhea") != 1:
        raise _bad(name, "its 'hhea' table is not a horizontal header")
    if int(post.formatType) not in (1, 2, 3, 4):
        raise _bad(name, f"unknown 'post' table format {post.formatType}")
    if not font.getBestCmap():
        raise _bad(name, "it has no Unicode character map ('cmap')")
    _check_cmap_ranges(font, data, name)
    glyphs = font["maxp"].numGlyphs
    order = font.getGlyphOrder()
    for subtable in font["cmap"].tables:
        if any(font.getGlyphID(glyph) >= glyphs for glyph in set(subtable.cmap.values())):
            raise _bad(name, f"its 'cmap' table maps characters to glyphs the font does not "
                             f"have ({len(order)} glyphs)")
    if major("name") != 0:  # the name table's format, which reportlab reads alike
        raise _bad(name, "unknown 'name' table format")
    _check_ps_name(font, name)
    if "CFF " in font and "glyf" not in font:
        _check_charstrings(font, name)
    if "glyf" in font:
        if major("maxp") != 1 or head.glyphDataFormat != 0 or head.indexToLocFormat not in (0, 1):
            raise _bad(name, "its 'maxp' or 'head' table is damaged")
        if "loca" not in font:
            raise _bad(name, "it has glyph outlines but no 'loca' table")
        _check_glyph_ranges(font, data, name)


def _check_cmap_ranges(font: TTFont, data: bytes, name: str) -> None:
    """The character ranges of every format 4, 12 and 13 cmap subtable: inside the table,
    in order, not overlapping, inside Unicode.

    reportlab expands each range into a dict with no bound of its own (fontTools clamps
    them): one damaged range end would take all memory, or minutes.
    """
    record = font.reader.tables["cmap"]
    base, end = record.offset, record.offset + record.length

    def number(at: int, size: int) -> int:
        if at + size > end:
            raise _bad(name, "its 'cmap' table is cut short")
        return int.from_bytes(data[at:at + size], "big")

    for i in range(number(base + 2, 2)):
        at = base + number(base + 4 + 8 * i + 4, 4)
        form = number(at, 2)
        ranges: list[tuple[int, int]] = []
        if form == 4:
            length, segments = number(at + 2, 2), number(at + 6, 2) // 2
            if 16 + 8 * segments > length:
                raise _bad(name, "its 'cmap' table's ranges do not fit their subtable")
            ranges = [(number(at + 16 + 2 * segments + 2 * k, 2), number(at + 14 + 2 * k, 2))
                      for k in range(segments)]
        elif form in (12, 13):
            groups = number(at + 12, 4)
            number(at + 12 + 12 * groups, 4)  # the last group lies inside the table
            ranges = [(number(at + 16 + 12 * k, 4), number(at + 20 + 12 * k, 4))
                      for k in range(groups)]
        last = -1
        for first, final in ranges:
            if first > final or first <= last or final > 0x10FFFF:
                raise _bad(name, "its 'cmap' table's character ranges overlap, run backwards "
                                 "or leave Unicode")
            last = final
        if form == 4:
            _check_format_4_glyphs(font, ranges, at, number, name)


def _check_format_4_glyphs(font: TTFont, ranges: list[tuple[int, int]], at: int,
                           number: Callable[[int, int], int], name: str) -> None:
    """Each character of a format 4 subtable maps to a glyph the font has, computed as
    reportlab computes it (fontTools reads a damaged subtable otherwise)."""
    glyphs = font["maxp"].numGlyphs
    segments = len(ranges)
    limit = at + number(at + 2, 2)
    deltas, offsets = at + 16 + 4 * segments, at + 16 + 6 * segments
    for k, (first, final) in enumerate(ranges):
        delta = number(deltas + 2 * k, 2)
        range_offset = number(offsets + 2 * k, 2)
        for code in range(first, final + 1):
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                where = offsets + 2 * k + 2 * (code - first) + range_offset
                glyph = number(where, 2) if where < limit else 0
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph >= glyphs:
                raise _bad(name, f"its 'cmap' table maps U+{code:04X} to a glyph the font "
                                 "does not have")


def _check_charstrings(font: TTFont, name: str) -> None:
    """Decode every CFF glyph program, as the conversion to TrueType outlines will
    (0.1 to 0.3 s for a Latin font)."""
    from fontTools.pens.basePen import NullPen

    glyph_set = font.getGlyphSet()
    pen = NullPen()
    for glyph in font.getGlyphOrder():
        try:
            glyph_set[glyph].draw(pen)
        except Exception as exc:
            raise _bad(name, f"its 'CFF ' table cannot be read: glyph {glyph!r}: {exc}") from None


def _check_ps_name(font: TTFont, name: str) -> None:
    table = font["name"]
    for record in table.names:  # reportlab decodes these as UTF-16: an even byte count
        if (record.platformID, record.platEncID, record.langID) == (3, 1, 0x409) and (
                record.nameID in (1, 2, 3, 4, 6) and len(record.string) % 2):
            raise _bad(name, f"its name {record.nameID} ('name' table) is cut in half")
    for name_id in (6, 4, 1):
        record = table.getName(name_id, 3, 1, 0x409) or table.getName(name_id, 1, 0, 0)
        if record is None:
            continue
        ps_name = record.toStr().replace(" ", "-").encode("utf-8", "replace")
        if not ps_name:
            continue
        if any(byte > 126 or byte in _NOT_IN_PS_NAMES for byte in ps_name):
            raise _bad(name, f"its PostScript name {ps_name!r} has characters a PDF font "
                             "name cannot have")
        return
    raise _bad(name, "it names no PostScript font name ('name' table)")


def _check_glyph_ranges(font: TTFont, data: bytes, name: str) -> None:
    """Each glyph's range (loca) inside the glyf table; composites name glyphs that exist."""
    glyphs = font["maxp"].numGlyphs
    record = font.reader.tables["glyf"]
    start, length = record.offset, record.length
    loca = list(font["loca"].locations)
    if len(loca) < glyphs + 1:
        raise _bad(name, "its 'loca' table is shorter than its glyph count")
    previous = 0
    for index in range(glyphs):
        begin, end = loca[index], loca[index + 1]
        if begin < previous or end < begin or end > length:
            raise _bad(name, f"glyph {index} lies outside the 'glyf' table")
        previous = begin
        if end - begin < 10 or int.from_bytes(data[start + begin:start + begin + 2], "big",
                                               signed=True) >= 0:
            continue
        at, stop = start + begin + 10, start + end
        more = True
        while more:  # a composite glyph: its components, as reportlab walks them
            if at + 4 > stop:
                raise _bad(name, f"composite glyph {index} is cut short")
            flags = int.from_bytes(data[at:at + 2], "big")
            if int.from_bytes(data[at + 2:at + 4], "big") >= glyphs:
                raise _bad(name, f"composite glyph {index} names a glyph the font does not have")
            at += 4 + (4 if flags & 0x0001 else 2)
            at += 2 if flags & 0x0008 else 4 if flags & 0x0040 else 8 if flags & 0x0080 else 0
            more = bool(flags & 0x0020)


def embeddable(path: Path, cache_dir: Path | None, name: str) -> FontFile:
    """The font at path as reportlab can embed it: checked, converted and cached if CFF.

    `name` is how messages call it (the theme key). Raises FontFileError.
    """
    font = _open(path)
    with font:
        try:
            has_cff = "CFF " in font or "CFF2" in font
            has_glyf = "glyf" in font
            check_embedding(font, name)
        except FontFileError:
            raise
        except Exception as exc:
            raise FontFileError(f"not a readable font file: {path.name} ({exc})") from None
    if not has_cff and not has_glyf:
        raise FontFileError(f"{path.name} has no outlines (neither TrueType nor CFF)")
    if has_glyf:
        return FontFile(path, path, converted=False)
    key = f"v{CONVERSION_VERSION}-{_digest(path)}"
    if cache_dir is not None:
        cached = cache_dir / "fonts" / f"{key}.ttf"
        if cached.is_file():
            return FontFile(path, cached, converted=True)
    else:
        cached = Path(tempfile.gettempdir()) / f"dokureport-font-{key}-{os.getpid()}.ttf"
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(path))
        if "CFF2" in font:
            raise FontFileError(f"{path.name}: variable CFF2 fonts are not supported; "
                                "use a static instance (.otf or .ttf)")
        convert_cff(font)
        _save_atomically(font, cached)
    except FontFileError:
        raise
    except Exception as exc:
        raise FontFileError(f"cannot convert {path.name} to TrueType outlines ({exc})") from None
    return FontFile(path, cached, converted=True)


def _save_atomically(font: TTFont, target: Path) -> None:
    # Two builds converting the same font at once each write their own file, then one
    # rename wins: a reader never sees half a font.
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(handle)
    try:
        font.save(temp)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
