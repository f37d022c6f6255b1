"""Register the brochure's embedded fonts and route each character to a font that has it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont as ToolsFont
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from dokureport.layout.theme import FONT_FAMILY
from dokureport.resources import fonts_dir

REGULAR = FONT_FAMILY
ITALIC = f"{FONT_FAMILY}-Italic"
BOLD = f"{FONT_FAMILY}-Bold"
BOLD_ITALIC = f"{FONT_FAMILY}-BoldItalic"

_FAMILY_FILES = {
    REGULAR: "NotoSans-Regular.ttf",
    ITALIC: "NotoSans-Italic.ttf",
    BOLD: "NotoSans-Bold.ttf",
    BOLD_ITALIC: "NotoSans-BoldItalic.ttf",
}
# Tried in order for characters the family lacks.
_FALLBACK_FILES = {
    "DejaVuSans": "DejaVuSans.ttf",
    "DroidSansFallback": "DroidSansFallbackFull.ttf",
}


@cache
def _codepoints(path: Path) -> frozenset[int]:
    with ToolsFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def configure_reportlab() -> None:
    """Register every font and make reportlab use them everywhere, embedded."""
    folder = fonts_dir()
    for name, file in (_FAMILY_FILES | _FALLBACK_FILES).items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )
    for name in _FALLBACK_FILES:
        pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    rl_config.canvas_basefontname = REGULAR
    rl_config.defaultGraphicsFontName = REGULAR
    # Photos are embedded as JPEG files: ASCII85 would add a quarter to their size.
    rl_config.useA85 = 0


@dataclass(frozen=True)
class Run:
    """A stretch of text that one font can print; font None means the family."""

    text: str
    font: str | None


@cache
def _family_codepoints() -> frozenset[int]:
    folder = fonts_dir()
    sets = [_codepoints(folder / file) for file in _FAMILY_FILES.values()]
    return frozenset.intersection(*sets)


@cache
def _fallback_codepoints() -> list[tuple[str, frozenset[int]]]:
    folder = fonts_dir()
    return [(name, _codepoints(folder / file)) for name, file in _FALLBACK_FILES.items()]


def _is_invisible(char: str) -> bool:
    # Soft hyphens, joiners and marks reportlab handles itself need no glyph of ours.
    return char in "\xad\u200b\u200c\u200d\u2060\ufeff" or unicodedata.category(char) == "Cc"


def split_runs(text: str, missing: set[str] | None = None) -> list[Run]:
    """Cut text into runs by the first font that has each character.

    Characters no font has are dropped and added to `missing` so the build can
    warn: an empty box on paper is worse than a warning.
    """
    family = _family_codepoints()
    fallbacks = _fallback_codepoints()
    runs: list[Run] = []
    for char in text:
        code = ord(char)
        font: str | None
        if code in family or char in "\n\t " or _is_invisible(char):
            font = None
        else:
            font = next((name for name, cps in fallbacks if code in cps), "")
            # Emoji above U+FFFF get a wrong ToUnicode entry in reportlab: treat as missing.
            if not font or code > 0xFFFF:
                if missing is not None:
                    missing.add(char)
                continue
        if runs and runs[-1].font == font:
            runs[-1] = Run(runs[-1].text + char, font)
        else:
            runs.append(Run(char, font))
    return runs
