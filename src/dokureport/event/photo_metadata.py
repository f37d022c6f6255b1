"""Validation's reading of a photo's own texts (caption, credit, alt, title) from XMP, IPTC, EXIF.

Photographers deliver captions, credits and copyright inside their files. For each text,
XMP wins over IPTC IIM and IPTC over EXIF (event.yaml, above all three, is the caller's
business). Nothing in a file may stop a build: whatever is broken, too large or hostile
about its metadata becomes a warning (`PhotoMetadata.warnings`) and the text is skipped.
Each version of a file is read once per process, as image_headers keeps sizes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from warnings import catch_warnings, simplefilter

from dokureport.core.limits import MAX_PARAGRAPH, MAX_TITLE, MAX_WORD
from dokureport.event import image_headers

# Sources of a text, in the order they win (event.yaml's keys come before all of them).
SOURCES = ("xmp", "iptc", "exif")
# A real XMP packet is 2-60 KB (a JPEG segment holds at most 64 KB); beyond 1 MB it is no
# caption's carrier but a file built to cost memory and time: left unparsed.
MAX_XMP_BYTES = 1024 * 1024
_KEPT = 8192  # files whose texts are kept, as image_headers keeps sizes

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_DC = "http://purl.org/dc/elements/1.1/"
_PS = "http://ns.adobe.com/photoshop/1.0/"
_IPTC = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"

# Control characters, lone surrogates and non-characters: nothing a caption means.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What cameras and phones write into ImageDescription by themselves.
_CAMERA_DEFAULT = re.compile(
    r"""^(?:[A-Z0-9 .-]*\b(?:DIGITAL\ (?:STILL\ )?CAMERA|DSC|CAMERA)
        |DCIM\b.*
        |<[^>]*>
        |(?:IMG|DSC[NF]?|PICT|PXL|GOPR|DJI|MVIMG|P|_MG|_DSC)[_-]?\d[\d_-]*(?:\.\w{2,4})?
        |DEFAULT|NONE|UNTITLED|NO\ HEADLINE|NO\ CAPTION|IMAGE|PHOTO|PICTURE)$""",
    re.X | re.I)


@dataclass(frozen=True)
class Found:
    """One text from a photo's metadata, and which field gave it."""

    text: str
    source: str  # "xmp", "iptc" or "exif"
    field: str  # e.g. "dc:description", "2:120 Caption-Abstract", "ImageDescription"


@dataclass(frozen=True)
class PhotoMetadata:
    """What a photo says about itself, with what was wrong reading it."""

    caption: Found | None = None
    credit: Found | None = None
    alt: Found | None = None
    title: Found | None = None
    description: Found | None = None  # the extended description for the blind
    taken: dt.datetime | None = None  # EXIF DateTimeOriginal
    warnings: tuple[str, ...] = ()  # each says what, the caller names the file


_kept: dict[tuple[image_headers.Version, str], PhotoMetadata] = {}


def read_metadata(path: Path, lang: str = "en") -> PhotoMetadata:
    """The photo's own texts, language alternatives chosen for `lang` (read once per
    version of the file)."""
    try:
        key = (image_headers.version(path), lang)
    except OSError as exc:
        return PhotoMetadata(warnings=(f"cannot be read: {exc.strerror or exc}",))
    if key in _kept:
        return _kept[key]
    found = _read(path, lang)
    if len(_kept) >= _KEPT:
        _kept.pop(next(iter(_kept)))
    _kept[key] = found
    return found


def forget() -> None:
    """Drop every kept reading (tests)."""
    _kept.clear()


def _read(path: Path, lang: str) -> PhotoMetadata:
    warnings: list[str] = []
    with catch_warnings(record=True) as said:
        simplefilter("always")
        read = _open(path, lang, warnings)
    # What Pillow only says as a Python warning ("Corrupt EXIF data") is said here too.
    warnings += [f"its metadata is damaged ({_why(Exception(str(w.message)))})"
                 for w in said if issubclass(w.category, UserWarning)]
    if read is None:
        return PhotoMetadata(warnings=tuple(dict.fromkeys(warnings)))
    xmp, iptc, exif, taken, camera = read
    texts: dict[str, Found | None] = {}
    for name, limit in (("caption", MAX_PARAGRAPH), ("credit", MAX_TITLE),
                        ("alt", MAX_PARAGRAPH), ("title", MAX_TITLE),
                        ("description", MAX_PARAGRAPH)):
        texts[name] = None
        for found in (*xmp.get(name, ()), *iptc.get(name, ()), *exif.get(name, ())):
            kept = _meaningful(found, path, camera, limit, warnings)
            if kept is not None:
                texts[name] = kept
                break
    return PhotoMetadata(**texts, taken=taken, warnings=tuple(dict.fromkeys(warnings)))


_Texts = dict[str, list["Found"]]


def _open(path: Path, lang: str, warnings: list[str]
          ) -> tuple[_Texts, _Texts, _Texts, dt.datetime | None, set[str]] | None:
    """The texts of each kind of metadata, the capture time and the camera's names; None
    when the file cannot be opened as an image (the file check says why)."""
    from PIL import Image, IptcImagePlugin

    xmp: _Texts = {}
    iptc: _Texts = {}
    exif: _Texts = {}
    taken = None
    camera: set[str] = set()
    try:
        with Image.open(path) as im:  # the header only: no pixels are decoded here
            try:
                exif, taken, camera = _exif(im, warnings)
            except Exception as exc:  # a damaged EXIF block: the photo still prints
                warnings.append(f"its EXIF metadata is unreadable ({_why(exc)}); ignored")
            try:
                iptc = _iptc(IptcImagePlugin.getiptcinfo(im), warnings)
            except Exception as exc:
                warnings.append(f"its IPTC metadata is unreadable ({_why(exc)}); ignored")
            packet = im.info.get("xmp")
            if packet:
                xmp = _xmp(packet, lang, warnings)
    except Exception as exc:
        warnings.append(f"its metadata cannot be read ({_why(exc)})")
        return None
    return xmp, iptc, exif, taken, camera


def _why(exc: Exception) -> str:
    text = str(exc).splitlines()[0][:80] if str(exc) else ""
    return text or type(exc).__name__


def _meaningful(found: Found | None, path: Path, camera: set[str], limit: int,
                warnings: list[str]) -> Found | None:
    """`found` cleaned, or None when it says nothing: empty, the file's name, the camera's
    own words ("OLYMPUS DIGITAL CAMERA") or too long to be a caption."""
    if found is None:
        return None
    text = unicodedata.normalize("NFC", found.text)
    if _CONTROL.search(text):
        warnings.append(f"{found.source} {found.field} contains control characters; "
                        "they are left out")
        text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    lowered = text.casefold()
    if (not text or lowered in (path.name.casefold(), path.stem.casefold())
            or lowered in camera or _CAMERA_DEFAULT.match(text)):
        return None
    if len(text) > limit or any(len(word) > MAX_WORD for word in text.split()):
        warnings.append(f"{found.source} {found.field} is {len(text):,} characters long, "
                        "longer than a brochure prints; ignored")
        return None
    return Found(text, found.source, found.field)


# --- EXIF -------------------------------------------------------------------------------

_EXIF_IFD = 0x8769


def _exif(im: Any, warnings: list[str]
          ) -> tuple[dict[str, list[Found]], dt.datetime | None, set[str]]:
    exif = im.getexif()
    camera = {v.strip().casefold() for v in (exif.get(0x010F), exif.get(0x0110))
              if isinstance(v, str) and v.strip()}
    found: dict[str, list[Found]] = {}
    description = _exif_text(exif.get(0x010E))
    if description:
        found["caption"] = [Found(description, "exif", "ImageDescription")]
    # Copyright holds "photographer\0editor" when both are named.
    copyright_ = " / ".join(p for p in (_exif_text(x) for x in
                                        str(exif.get(0x8298) or "").split("\0")) if p)
    artist = _exif_text(exif.get(0x013B))
    found["credit"] = [Found(text, "exif", field) for text, field in
                       ((copyright_, "Copyright"), (artist, "Artist")) if text]
    details = exif.get_ifd(_EXIF_IFD)
    return found, _taken(details.get(0x9003), details.get(0x9291)), camera


def _exif_text(value: Any) -> str:
    """An EXIF text as meant: Pillow reads ASCII fields as Latin-1, but phones and
    editors write UTF-8 into them."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return ""
    value = value.strip("\0 ")
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _taken(value: Any, subsec: Any) -> dt.datetime | None:
    """EXIF "2019:10:29 14:03:22" (and its fraction of a second) as a time; None if unset."""
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.strptime(value.strip("\0 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None  # "0000:00:00 00:00:00", blanks: no time known
    digits = str(subsec or "").strip("\0 ")
    if digits.isdigit():
        when = when.replace(microsecond=int(digits[:6].ljust(6, "0")))
    return when


# --- IPTC IIM ---------------------------------------------------------------------------

_IIM = {  # dataset → (text, name)
    (2, 120): ("caption", "Caption-Abstract"),
    (2, 105): ("title", "Headline"),
    (2, 5): ("title", "ObjectName"),
    (2, 110): ("credit", "Credit"),
    (2, 116): ("credit", "CopyrightNotice"),
    (2, 80): ("credit", "By-line"),
}


def _iptc(info: dict[tuple[int, int], Any] | None, warnings: list[str]
          ) -> dict[str, list[Found]]:
    if not info:
        return {}
    declared = info.get((1, 90))
    declared = declared[0] if isinstance(declared, list) else declared
    utf8 = isinstance(declared, bytes) and b"\x1b%G" in declared
    found: dict[str, list[Found]] = {}
    for dataset, (name, label) in _IIM.items():  # in the order each text prefers them
        value = info.get(dataset)
        if value is None:
            continue
        parts = value if isinstance(value, list) else [value]
        text = "; ".join(t for t in (_iim_text(p, utf8, label, warnings) for p in parts) if t)
        if text:
            found.setdefault(name, []).append(
                Found(text, "iptc", f"{dataset[0]}:{dataset[1]} {label}"))
    return found


def _iim_text(raw: Any, utf8: bool, label: str, warnings: list[str]) -> str:
    """IIM bytes decoded as record 1:90 declares (ESC % G: UTF-8); undeclared text is
    Windows-1252 (Latin-1), unless it is valid UTF-8 with letters beyond ASCII, which
    Latin-1 text practically never is (some tools write UTF-8 and declare nothing)."""
    if not isinstance(raw, bytes):
        return ""
    if utf8:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            warnings.append(f"IPTC {label} declares UTF-8 but is not UTF-8; read as "
                            "Windows-1252")
            return _cp1252(raw)
    if max(raw, default=0) > 0x7F:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return _cp1252(raw)


def _cp1252(raw: bytes) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:  # five bytes have no Windows-1252 letter: read as Latin-1
        return raw.decode("latin-1")


# --- XMP --------------------------------------------------------------------------------

_XMP = {  # text → the properties that give it, preferred first
    "caption": ((_DC, "description", "dc"),),
    "alt": ((_IPTC, "AltTextAccessibility", "Iptc4xmpCore"),),
    "description": ((_IPTC, "ExtDescrAccessibility", "Iptc4xmpCore"),),
    "title": ((_PS, "Headline", "photoshop"), (_DC, "title", "dc")),
    "credit": ((_PS, "Credit", "photoshop"), (_DC, "rights", "dc"), (_DC, "creator", "dc")),
}


def _xmp(packet: Any, lang: str, warnings: list[str]) -> dict[str, list[Found]]:
    """The XMP packet's texts, parsed by defusedxml: no entities, no DTD, no network."""
    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    if not isinstance(packet, bytes):
        return {}
    if len(packet) > MAX_XMP_BYTES:
        warnings.append(f"its XMP packet is {len(packet) / 1e6:.1f} MB, more than "
                        f"{MAX_XMP_BYTES // (1024 * 1024)} MB; ignored")
        return {}
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(packet.rstrip(b"\0 \t\r\n"))
    except DefusedXmlException as exc:
        kind = type(exc).__name__.replace("Forbidden", "")
        warnings.append(f"its XMP declares {kind.lower() or 'entities'} (a billion-laughs "
                        "or external entity attack?); ignored")
        return {}
    except (ParseError, ValueError, RecursionError) as exc:
        warnings.append(f"its XMP is not well-formed XML ({_why(exc)}); ignored")
        return {}
    return {name: [Found(text, "xmp", f"{prefix}:{local}")
                   for namespace, local, prefix in properties
                   if (text := _property(root, namespace, local, lang))]
            for name, properties in _XMP.items()}


def _property(root: Any, namespace: str, local: str, lang: str) -> str | None:
    """A property's text wherever an rdf:Description holds it: as an attribute, a plain
    element, a language alternative (`lang` chosen) or a list (joined)."""
    tag = f"{{{namespace}}}{local}"
    for description in root.iter(f"{{{_RDF}}}Description"):
        if tag in description.attrib:
            return str(description.attrib[tag])
        element = description.find(tag)
        if element is None:
            continue
        items = element.findall(f"{{{_RDF}}}Alt/{{{_RDF}}}li")
        if items:
            return _pick_language(items, lang)
        items = (element.findall(f"{{{_RDF}}}Seq/{{{_RDF}}}li")
                 + element.findall(f"{{{_RDF}}}Bag/{{{_RDF}}}li"))
        if items:
            return ", ".join(t for t in ((i.text or "").strip() for i in items) if t)
        return element.text or element.attrib.get(f"{{{_RDF}}}resource")
    return None


def _pick_language(items: list[Any], lang: str) -> str | None:
    """The alternative in the event's language (de-DE counts for de), else x-default,
    else the first."""
    wanted = lang.casefold().replace("_", "-")
    by_lang = [((i.get(_LANG) or "").casefold(), i.text or "") for i in items]
    for rule in (lambda code: code == wanted,
                 lambda code: code.split("-")[0] == wanted.split("-")[0],
                 lambda code: code == "x-default",
                 lambda code: True):
        for code, text in by_lang:
            if rule(code) and text.strip():
                return text
    return None
