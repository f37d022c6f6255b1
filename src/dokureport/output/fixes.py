"""Repairs of what reportlab writes that PDF/A and PDF/UA refuse."""

from __future__ import annotations

import re

import pikepdf
from pikepdf import Dictionary, Name

# A ToUnicode entry that maps a code to U+0000 (reportlab's glyph 0): text extraction
# would give a NUL, and PDF/UA asks for real Unicode values.
_NUL_MAPPING = re.compile(rb"<[0-9A-Fa-f]+>\s*<0000>\s*\n?")


def apply_fixes(pdf: pikepdf.Pdf) -> None:
    """Empty /Trans out, /F Print on annotations, /Group /CS for transparency, ToUnicode."""
    fonts_seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        obj = page.obj
        if "/Trans" in obj and not len(obj.Trans):
            del obj.Trans
        for annotation in obj.get("/Annots", ()):
            annotation.F = 4  # printable: PDF/A wants annotations to print as shown
        resources = obj.get("/Resources", Dictionary())
        xobjects = resources.get("/XObject", Dictionary())
        if any("/SMask" in x for x in xobjects.values()) and "/Group" not in obj:
            obj.Group = Dictionary(Type=Name.Group, S=Name.Transparency, CS=Name.DeviceRGB)
        for font in resources.get("/Font", Dictionary()).values():
            if font.objgen in fonts_seen or "/ToUnicode" not in font:
                continue
            fonts_seen.add(font.objgen)
            _drop_nul_mappings(font.ToUnicode)


def _drop_nul_mappings(cmap: pikepdf.Stream) -> None:
    data = cmap.read_bytes()

    def block(match: re.Match[bytes]) -> bytes:
        body = _NUL_MAPPING.sub(b"", match.group(2))
        count = len(re.findall(rb"<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>", body))
        return b"%d beginbfchar" % count + body + b"endbfchar" if count else b""

    fixed = re.sub(rb"(\d+) beginbfchar(.*?)endbfchar", block, data, flags=re.DOTALL)
    if fixed != data:
        cmap.write(fixed)
