"""Corporate font files made embeddable: checked, CFF outlines converted to TrueType, cached."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # fontTools is imported where a theme's own font file needs it
    from fontTools.ttLib import TTFont

# Bump when the conversion changes: old cache entries are then never read again.
CONVERSION_VERSION = 1
# Curve approximation error in font units: 1/1000 em is far below what print shows.
MAX_ERROR = 1.0

# OS/2 fsType bits (OpenType spec): 0x0002 restricted licence embedding forbids it;
# 0x0200 bitmap-only embedding gives nothing a PDF can use for outlines.
_RESTRICTED = 0x0002
_BITMAP_ONLY = 0x0200


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
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    return font


def check_font_file(path: Path) -> None:
    """Raise FontFileError unless path is a font with outlines whose licence allows embedding.

    Cheap (tables are read lazily): `validate` runs it without converting anything.
    """
    with _open(path) as font:
        try:
            outlines = any(tag in font for tag in ("glyf", "CFF ", "CFF2"))
            check_embedding(font, path.name)
        except FontFileError:
            raise
        except Exception as exc:
            raise FontFileError(f"not a readable font file: {path.name} ({exc})") from None
    if not outlines:
        raise FontFileError(f"{path.name} has no outlines (neither TrueType nor CFF)")


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
    except FontFileError:
        raise
    except Exception as exc:
        raise FontFileError(f"cannot convert {path.name} to TrueType outlines ({exc})") from None
    _save_atomically(font, cached)
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
