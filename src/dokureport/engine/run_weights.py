"""Engine: a fallback font's run keeps the weight and slant of the text it stands in.

reportlab's paragraph parser reads `<font face="X">` as the face's own style: the bold of
a heading, or of `<b>` around it, is dropped (`ps2tt("NotoSansArabic")` is regular), so an
Arabic heading was set in the regular font. For the families marked here (the fallback
chain's, each registered with `registerFontFamily`), the run keeps the bold and italic of
the text around it, and reportlab's own `tt2ps` picks the family's bold or italic member.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import paraparser

_FAMILIES: set[str] = set()  # lower case, as reportlab's family map keys them
_installed = False


def keeps_weight(family: str) -> None:
    """A `<font face=family>` run takes the weight and slant of the text around it."""
    _FAMILIES.add(family.lower())


def _start_font(self: Any, attr: Any) -> None:
    face = attr.get("face") if isinstance(attr, dict) else None
    if face is None or face.lower() not in _FAMILIES:
        _original(self, attr)
        return
    found = self.getAttributes(attr, paraparser._spanAttrMap)
    # The family name alone: bold and italic stay as the enclosing fragment has them.
    found["fontName"] = face.lower()
    self._push("font", **found)


_original = paraparser.ParaParser.start_font


def install() -> None:
    global _installed
    if _installed:
        return
    paraparser.ParaParser.start_font = _start_font
    _installed = True
