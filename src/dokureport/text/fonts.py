"""Register a theme's fonts at build time and route each character to a font that has it."""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from dokureport import engine
from dokureport.core import plain_cache
from dokureport.core.cache_dir import default_cache_dir
from dokureport.core.errors import Problem
from dokureport.core.resources import fonts_dir
from dokureport.engine import cjk_lines, reportlab_fixes, run_weights, shaping
from dokureport.text.font_files import FontFileError, damaged_message, embeddable

# Bumped when what a cached character set holds, or how it is read, changes.
CMAP_CACHE_VERSION = 1

STYLES = ("regular", "bold", "italic", "bold_italic")
# The bundled family, in the fonts folder. The default theme names the same files (a test
# holds them together); text below the design layer cannot ask the theme.
DEFAULT_FAMILY = {"regular": "NotoSans-Regular.ttf", "bold": "NotoSans-Bold.ttf",
                  "italic": "NotoSans-Italic.ttf", "bold_italic": "NotoSans-BoldItalic.ttf"}
# A style a theme leaves out borrows from these, in order.
_STAND_INS = {"bold": ("regular",), "italic": ("regular",),
              "bold_italic": ("bold", "italic", "regular")}
# The bundled chain, tried in order for characters the family (and the theme's own
# fonts.fallback) lacks: a script's own Noto font before DejaVu Sans, whose Arabic and
# Hebrew have no shaping tables worth the name, and the CJK font last (16 MB of Noto Sans
# CJK per weight is a CFF collection reportlab cannot embed; Droid Sans Fallback is
# TrueType, 4 MB, and subset into the PDF like every font). Each: its regular and bold
# files (the scripts have no italic: italic runs stay upright), and how its runs are set.
_FALLBACK_FILES: dict[str, tuple[str, str | None, str]] = {
    "NotoSansArabic": ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", "rtl"),
    "NotoSansHebrew": ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", "rtl"),
    "NotoSansDevanagari": ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf",
                           "shaped"),
    "NotoSansBengali": ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf", "shaped"),
    "NotoSansTamil": ("NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf", "shaped"),
    "DejaVuSans": ("DejaVuSans.ttf", None, "plain"),
    "DroidSansFallback": ("DroidSansFallbackFull.ttf", None, "cjk"),
    # Hangul: Droid Sans Fallback has Chinese and Japanese but three Korean syllables.
    "NanumGothic": ("NanumGothic.ttf", None, "cjk"),
}
# The fallback fonts whose runs HarfBuzz must shape (joining, conjuncts, vowel signs).
COMPLEX_FONTS = frozenset(name for name, (_, _, kind) in _FALLBACK_FILES.items()
                          if kind in ("rtl", "shaped"))


@cache
def _codepoints(path: Path) -> frozenset[int]:
    """The characters a font file has (its best cmap), kept in the user's cache by content."""
    data = path.read_bytes()
    cached = default_cache_dir() / "cmaps" / (
        f"v{CMAP_CACHE_VERSION}-{hashlib.sha256(data).hexdigest()[:24]}.pickle")
    found = plain_cache.load(cached)
    if isinstance(found, tuple) and all(isinstance(c, int) for c in found):
        return frozenset(found)
    from fontTools.ttLib import TTFont as ToolsFont  # 15 ms: only on a cache miss

    with ToolsFont(io.BytesIO(data), lazy=True) as font:
        codepoints = frozenset(font.getBestCmap())
    plain_cache.store(cached, tuple(sorted(codepoints)))
    return codepoints


@dataclass(frozen=True)
class ChainFont:
    """One font of the fallback chain: its files by style and how its runs are set."""

    name: str  # its family's name in markup
    files: tuple[Path | None, ...]  # regular, bold, italic, bold italic; None: a stand-in
    # "rtl" (shaped, right to left), "shaped", "cjk" (broken between characters) or
    # "plain"; None: by each run's script (a theme's font, which may cover several).
    kind: str | None

    @cached_property
    def codepoints(self) -> frozenset[int]:
        """The characters every style of it has (read on the first text that asks)."""
        return frozenset.intersection(*(_codepoints(f) for f in self.files if f is not None))


@cache
def _bundled_chain() -> tuple[ChainFont, ...]:
    folder = fonts_dir()
    return tuple(ChainFont(name, (folder / regular, folder / bold if bold else None,
                                  None, None), kind)
                 for name, (regular, bold, kind) in _FALLBACK_FILES.items())


@dataclass(frozen=True)
class FontSet:
    """The registered names of one brochure's family, and the characters all styles have;
    the fallback chain for the others (the theme's fonts.fallback, then the bundled)."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    codepoints: frozenset[int]
    chain: tuple[ChainFont, ...] = field(default_factory=_bundled_chain)


def _font(name: str, path: Path) -> TTFont:
    font = TTFont(name, str(path))
    # A real hyphen at a line end prints as U+2010 with the "-" glyph (reportlab_fixes).
    reportlab_fixes.hyphen_prints_as_hyphen_minus(font)
    return font


@cache
def _registered(path: Path) -> str:
    """Register one embeddable TrueType file once per process; its reportlab name."""
    from fontTools.ttLib import TTFont as ToolsFont

    with ToolsFont(str(path), lazy=True) as font:
        ps_name = font["name"].getDebugName(6) or path.stem
    # The embedded font keeps its PostScript name; the registry name only has to be unique.
    name = ps_name
    if name in pdfmetrics.getRegisteredFontNames() and name not in _OURS:
        name = f"{ps_name}-{hashlib.sha256(str(path).encode()).hexdigest()[:6]}"
    font = _font(name, path)
    _embeds_whole(font)
    pdfmetrics.registerFont(font)
    _OURS.add(name)
    return name


def _embeds_whole(font: TTFont) -> None:
    """Make the subsets of every glyph the font maps, as saving a PDF would (and discard
    them): a damaged glyph range or composite fails here, at the font's key, not at save.
    A few ms for a Latin font, 0.2 s for a CJK one."""
    face = font.face
    first: dict[int, int] = {}
    for code, glyph in face.charToGlyph.items():
        first.setdefault(glyph, code)
    codes = sorted(first.values())
    for start in range(0, len(codes), 8192):  # a subset's cmap holds at most 32k entries
        face.makeSubset(codes[start:start + 8192])


_OURS: set[str] = set()
_LEGACY = {"regular": "NotoSans", "bold": "NotoSans-Bold", "italic": "NotoSans-Italic",
           "bold_italic": "NotoSans-BoldItalic"}


@cache
def _register_bundled_noto(style: str) -> str:
    # The default family keeps the names it always had in markup and tests.
    name = _LEGACY[style]
    file = DEFAULT_FAMILY[style]
    pdfmetrics.registerFont(_font(name, fonts_dir() / file))
    _OURS.add(name)
    return name


# Registered name of a chain font's run → the chain font (what it covers, for the runs
# split_runs joins).
_CHAIN_NAMES: dict[str, ChainFont] = {}
_STYLE_SUFFIXES = ("", "-Bold", "-Italic", "-BoldItalic")
# A style a chain font leaves out: bold italic is set bold, italic upright.
_CHAIN_STAND_INS = (None, 0, 0, 1)


@cache
def _register_chain_font(font: ChainFont, kind: str) -> str:
    """Register one chain font for runs of one kind, on the first text that needs it (the
    CJK one is 16 MB): its family name in markup. A theme's font covering several
    scripts is registered once per kind it sets (each is embedded apart, if used)."""
    name = font.name if font.kind is not None or kind == "plain" else f"{font.name}-{kind}"
    names: list[str] = []
    for index, path in enumerate(font.files):
        if path is None:
            names.append(names[_CHAIN_STAND_INS[index]])
            continue
        style_name = name + _STYLE_SUFFIXES[index]
        registered = _font(style_name, path)
        if font.kind is None and kind == "plain":
            # A theme's, registered first as plain: damage only reportlab sees fails here,
            # at its key.
            _embeds_whole(registered)
        pdfmetrics.registerFont(registered)
        if kind in ("rtl", "shaped"):
            shaping.shaped_font(style_name, right_to_left=kind == "rtl")
        elif kind == "cjk":
            cjk_lines.cjk_font(style_name)
        names.append(style_name)
    pdfmetrics.registerFontFamily(name, normal=names[0], bold=names[1], italic=names[2],
                                  boldItalic=names[3])
    # A heading's or a <b> run's characters in this font are set in its bold.
    run_weights.keeps_weight(name)
    _CHAIN_NAMES[name] = font
    return name


def _theme_chain_font(index: int, files: Mapping[str, Path], cache_dir: Path | None
                      ) -> ChainFont:
    """One entry of a theme's fonts.fallback, checked, converted if CFF and registered."""
    usable: list[Path | None] = []
    for style in STYLES:
        path = files.get(style)
        key = f"fonts.fallback.{index}.{style}"
        if path is None:
            usable.append(None)
            continue
        try:
            usable.append(embeddable(path, cache_dir, key).path)
        except FontFileError as exc:
            raise ThemeFontError(key, str(exc)) from None
    digest = hashlib.sha256("\0".join(map(str, usable)).encode()).hexdigest()[:8]
    font = ChainFont(f"Fallback-{digest}", tuple(usable), None)
    try:
        _register_chain_font(font, "plain")
    except Exception as exc:  # reportlab could not read what the checks let through
        raise ThemeFontError(f"fonts.fallback.{index}.regular",
                             damaged_message(files["regular"].name, exc)) from None
    return font


def register_family(files: dict[str, Path], cache_dir: Path | None,
                    fallback: Sequence[Mapping[str, Path]] = ()
                    ) -> tuple[FontSet, list[tuple[str, str]]]:
    """Register a theme's font files; (the family, [(key, warning)]) for styles left out.

    `fallback`: the theme's fonts.fallback (style → file each), tried in order before the
    bundled chain for the characters the family lacks.

    Raises FontFileError(key, message) for a file that cannot be a brochure font.
    """
    engine.install()
    names: dict[str, str] = {}
    paths: dict[str, Path] = {}
    given = dict(files)  # what each style's file is called, stand-ins included
    warnings: list[tuple[str, str]] = []
    for style in STYLES:
        path = files.get(style)
        if path is None:
            continue
        if path.parent == fonts_dir() and path.name.startswith("NotoSans-"):
            names[style] = _register_bundled_noto(style)
            paths[style] = path
            continue
        try:
            usable = embeddable(path, cache_dir, f"fonts.{style}")
            names[style] = _registered(usable.path)
        except FontFileError as exc:
            raise ThemeFontError(f"fonts.{style}", str(exc)) from None
        except Exception as exc:  # reportlab could not read what the checks let through
            raise ThemeFontError(f"fonts.{style}", damaged_message(path.name, exc)) from None
        paths[style] = usable.path
    for style in STYLES:
        if style in names:
            continue
        stand_in = next(s for s in _STAND_INS[style] if s in names)
        names[style] = names[stand_in]
        paths[style] = paths[stand_in]
        given[style] = given[stand_in]
        warnings.append((f"fonts.{style}", f"no {style.replace('_', ' ')} font given: "
                         f"{style.replace('_', ' ')} text uses the {stand_in.replace('_', ' ')} "
                         f"font ({given[stand_in].name})"))
    pdfmetrics.registerFontFamily(names["regular"], normal=names["regular"], bold=names["bold"],
                                  italic=names["italic"], boldItalic=names["bold_italic"])
    common = frozenset.intersection(*(_codepoints(p) for p in paths.values()))
    chain = (*(_theme_chain_font(i, entry, cache_dir) for i, entry in enumerate(fallback)),
             *_bundled_chain())
    return FontSet(names["regular"], names["bold"], names["italic"], names["bold_italic"],
                   common, chain), warnings


class ThemeFontError(Exception):
    """A theme's font file is unusable: the theme key that named it and why."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


@cache
def default_fonts() -> FontSet:
    """The bundled family (Noto Sans), registered: the default theme's, and any text's
    that is set without a theme."""
    return register_family({style: fonts_dir() / name for style, name in DEFAULT_FAMILY.items()},
                           None)[0]


def font_problem(error: ThemeFontError, source: Path | None) -> Problem:
    return Problem(error.message, file=source, key_path=error.key)


@dataclass(frozen=True)
class Run:
    """A stretch of text that one font can print; font None means the family."""

    text: str
    font: str | None


def _font_codepoints(name: str) -> frozenset[int]:
    return _CHAIN_NAMES[name].codepoints


def _kind_of(char: str) -> str:
    """How a run of this character is set, in a theme's font that may cover several scripts."""
    code = ord(char)
    if unicodedata.bidirectional(char) in ("R", "AL", "AN"):
        return "rtl"
    if 0x0900 <= code <= 0x109F or 0x1780 <= code <= 0x17FF or 0xA8E0 <= code <= 0xA8FF:
        return "shaped"  # Indic, Thai, Lao, Tibetan, Myanmar, Khmer: clusters, marks
    if (0x1100 <= code <= 0x11FF or 0x2E80 <= code <= 0x9FFF or 0xA960 <= code <= 0xA97F
            or 0xAC00 <= code <= 0xD7FF or 0xF900 <= code <= 0xFAFF
            or 0xFF00 <= code <= 0xFFEF):
        return "cjk"
    return "plain"


def _clings(char: str) -> bool:
    """A character that belongs to the cluster before it (a mark or a zero-width joiner)."""
    return char in "\u200c\u200d" or unicodedata.category(char) in ("Mn", "Mc", "Me")


# Characters that need no glyph of ours (see _is_invisible) or that every font sets alike.
_PASSING = frozenset(map(ord, "\n\t \xad\u200b\u200c\u200d\u2060\ufeff"))


def _is_invisible(char: str) -> bool:
    # Soft hyphens, joiners and marks reportlab handles itself need no glyph of ours.
    return char in "\xad\u200b\u200c\u200d\u2060\ufeff" or unicodedata.category(char) == "Cc"


def split_runs(text: str, missing: set[str] | None = None,
               family: FontSet | None = None) -> list[Run]:
    """Cut text into runs by the first font that has each character.

    Characters no font has are dropped and added to `missing` so the build can
    warn: an empty box on paper is worse than a warning.
    """
    family = family or default_fonts()
    codepoints, chain = family.codepoints, family.chain
    # Almost all text is in the family: one set comparison instead of a loop per character.
    outside = set(map(ord, text)).difference(codepoints, _PASSING)
    if not outside or all(_is_invisible(chr(code)) for code in outside):
        return [Run(text, None)] if text else []
    # Each run's characters collected in a list and joined once: extending a run's text
    # one character at a time copied it each time (quadratic in a long run).
    pieces: list[tuple[str | None, list[str]]] = []
    for char in text:
        code = ord(char)
        font: str | None
        if pieces and pieces[-1][0] and _clings(char) and code in _font_codepoints(pieces[-1][0]):
            # A vowel sign, virama or joiner stays with its letter's font: a run cut there
            # could not be shaped into one cluster.
            pieces[-1][1].append(char)
            continue
        if code in codepoints or char in "\n\t " or _is_invisible(char):
            font = None
        else:
            # One chain font at a time, in order: text that DejaVu Sans covers never reads
            # the CJK font's cmap.
            found = next((f for f in chain if code in f.codepoints), None)
            # Emoji above U+FFFF get a wrong ToUnicode entry in reportlab: treat as missing.
            if found is None or code > 0xFFFF:
                if missing is not None:
                    missing.add(char)
                continue
            kind = found.kind or _kind_of(char)
            if (found.kind is None and kind == "plain" and pieces and pieces[-1][0]
                    and _CHAIN_NAMES[pieces[-1][0]] == found
                    and not unicodedata.category(char).startswith("L")):
                # A comma or a digit inside a theme font's Arabic run stays in that run.
                pieces[-1][1].append(char)
                continue
            font = _register_chain_font(found, kind)
        if pieces and pieces[-1][0] == font:
            pieces[-1][1].append(char)
        else:
            pieces.append((font, [char]))
    return [Run("".join(chars), font) for font, chars in _spaces_kept_inside(pieces)]


def _spaces_kept_inside(pieces: list[tuple[str | None, list[str]]]
                        ) -> list[tuple[str | None, list[str]]]:
    """A space between two runs of one fallback font joins them: a phrase in one script is
    one run, which readers' text extraction takes for one piece of right-to-left text."""
    out: list[tuple[str | None, list[str]]] = []
    for piece in pieces:
        if (len(out) >= 2 and piece[0] and out[-2][0] == piece[0] and out[-1][0] is None
                and "".join(out[-1][1]) == " " and 0x20 in _font_codepoints(piece[0])):
            out.pop()
            out[-1][1].extend([" ", *piece[1]])
        else:
            out.append(piece)
    return out
