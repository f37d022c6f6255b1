"""Post-processing: each embedded font subset gets a tag derived from its glyphs.

reportlab tags subsets by their number in the file ("AAAAAA+NotoSans-Regular" for every
first subset), so every font in every brochure carries the same tag. A printer that
merges files (a RIP's font cache, a document imposed with others) then takes two
different subsets for one font and prints missing glyphs. The tag here is six capital
letters from a digest of the font's name and its subset font program: the same input
gives the same tag, another glyph set another one.
"""

from __future__ import annotations

import hashlib
import re

import pikepdf
from pikepdf import Name

_TAGGED = re.compile(r"^[A-Z]{6}\+(.+)$")


def _tag(digest: bytes) -> str:
    """Six capital letters (26**6, about 3e8 tags) from a digest."""
    number = int.from_bytes(digest[:8], "big")
    letters = []
    for _ in range(6):
        number, rest = divmod(number, 26)
        letters.append(chr(ord("A") + rest))
    return "".join(letters)


def _program(font: pikepdf.Dictionary) -> bytes:
    """The subset's font program (or, lacking one, its widths and Unicode map)."""
    descriptor = font.get("/FontDescriptor")
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if descriptor is not None and key in descriptor:
            return bytes(descriptor[key].read_bytes())
    unicode_map = font.get("/ToUnicode")
    return repr(list(font.get("/Widths", []))).encode() + (
        bytes(unicode_map.read_bytes()) if unicode_map is not None else b"")


def _fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every font the pages draw with (their resources, inherited or their own, and
    their forms'), in the order of their object numbers.

    Found through the pages, not by a look at every object of the file: after the
    structure tree a 1,000-talk brochure has 24,000 objects and two fonts, and the look
    took a tenth of a second of each build. Annotations' appearance streams are not
    searched: reportlab's links (the only annotations a brochure has) draw none, and
    looking at 3,500 links would cost 0.01 s.
    """
    fonts: dict[tuple[int, int], pikepdf.Dictionary] = {}
    seen: set[tuple[int, int]] = set()  # resource dictionaries and forms read already
    pending = [pdf.Root.Pages.get("/Resources"),
               *(page.obj.get("/Resources") for page in pdf.pages)]
    while pending:
        resources = pending.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        if resources.is_indirect:
            if resources.objgen in seen:
                continue
            seen.add(resources.objgen)
        named = resources.get("/Font")
        if isinstance(named, pikepdf.Dictionary) and not (
                named.is_indirect and named.objgen in seen):
            if named.is_indirect:
                seen.add(named.objgen)
            for font in named.values():
                if isinstance(font, pikepdf.Dictionary) and font.is_indirect:
                    fonts.setdefault(font.objgen, font)
        xobjects = resources.get("/XObject")
        if isinstance(xobjects, pikepdf.Dictionary):
            for form in xobjects.values():
                if (isinstance(form, pikepdf.Stream) and form.get("/Subtype") == Name.Form
                        and form.objgen not in seen):
                    seen.add(form.objgen)
                    pending.append(form.get("/Resources"))
    return [fonts[key] for key in sorted(fonts)]


def name_subsets(pdf: pikepdf.Pdf) -> dict[str, str]:
    """Retag every subset font of `pdf` in place; the old → new base font names."""
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    for obj in _fonts(pdf):
        if obj.get("/Type") != Name.Font:
            continue
        base = str(obj.get("/BaseFont", ""))[1:]
        match = _TAGGED.match(base)
        if match is None:
            continue
        name = match.group(1)
        digest = hashlib.sha256(name.encode() + b"\0" + _program(obj)).digest()
        new = f"{_tag(digest)}+{name}"
        while new in taken:  # two glyph sets, one tag: vanishingly rare, still kept apart
            digest = hashlib.sha256(digest).digest()
            new = f"{_tag(digest)}+{name}"
        taken.add(new)
        renamed[base] = new
        obj.BaseFont = Name("/" + new)
        descriptor = obj.get("/FontDescriptor")
        if descriptor is not None and str(descriptor.get("/FontName", ""))[1:] == base:
            descriptor.FontName = Name("/" + new)
        unicode_map = obj.get("/ToUnicode")
        if unicode_map is not None:
            data = unicode_map.read_bytes()
            fixed = data.replace(base.encode("latin-1"), new.encode("latin-1"))
            if fixed != data:
                unicode_map.write(fixed)
    return renamed
