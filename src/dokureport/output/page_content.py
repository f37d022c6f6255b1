"""Output stage: what a finished PDF page draws, read back from its content stream.

Text lines (their size, characters and justified word gaps) and drawings, by the marked
content (structure element or artifact) that holds them; the layout check reads these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf

# Advance of a space when a font has no widths (the standard 14): about a quarter em.
_DEFAULT_SPACE = 0.25
_INVISIBLE = (3, 7)  # text rendering modes that paint nothing
_UNTAGGED = -1  # the owner of everything an untagged PDF draws


@dataclass(slots=True)
class Line:
    """One line of text of one structure element: its baseline and its band of the page."""

    y: float
    low: float
    high: float
    chars: int = 0
    trailing: int = 0  # spaces at its end, not counted
    gap_em: float = 0.0  # the widest justified word gap


@dataclass(slots=True)
class Drawn:
    """What one piece of marked content drew on a page."""

    role: str
    low: float = float("inf")
    high: float = float("-inf")
    lines: dict[float, Line] = field(default_factory=dict)
    drew: bool = False  # anything: text or graphics
    text: list[tuple[FontFacts, bytes]] = field(default_factory=list)  # a heading's

    def extend(self, low: float, high: float) -> None:
        self.low, self.high = min(self.low, low), max(self.high, high)
        self.drew = True


@dataclass(slots=True)
class FontFacts:
    """What reading text in a font needs: its space's advance, its codes' text."""

    space: float  # advance of code 32, in em
    two_byte: bool
    unicode: dict[int, str]


def _multiply(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_PAINT = frozenset({"f", "F", "f*", "B", "B*", "b", "b*", "S", "s"})
_CONSTRUCT = frozenset({"m", "l", "c", "v", "y", "re"})
_SHOW = frozenset({"Tj", "TJ", "'", '"'})


def _font(font: Any, cache: dict[Any, FontFacts]) -> FontFacts:
    key = font.objgen if font.is_indirect else id(font)
    known = cache.get(key)
    if known is not None:
        return known
    two_byte = font.get("/Subtype") == "/Type0"
    space = _DEFAULT_SPACE
    widths, first = font.get("/Widths"), font.get("/FirstChar")
    if widths is not None and first is not None and 0 <= 32 - int(first) < len(widths):
        space = float(widths[32 - int(first)]) / 1000 or _DEFAULT_SPACE
    cache[key] = made = FontFacts(space, two_byte, _to_unicode(font))
    return made


def _to_unicode(font: Any) -> dict[int, str]:
    """The font's codes to text, from its /ToUnicode CMap (bfchar and bfrange)."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    try:
        data = stream.read_bytes().decode("latin-1")
    except pikepdf.PdfError:
        return {}
    table: dict[int, str] = {}

    def text(hexa: str) -> str:
        raw = bytes.fromhex(hexa)
        return raw.decode("utf-16-be", "replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(code, 16)] = text(uni)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, uni in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(uni, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[code] = chr(start + offset)
    return table


def decode(font: FontFacts, raw: bytes) -> str:
    if font.two_byte:
        codes = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)]
    else:
        codes = list(raw)
    return "".join(font.unicode.get(c, chr(c) if 32 <= c < 127 else "") for c in codes)


_TOKEN = re.compile(
    rb"\((?:[^\\()]|\\.|\((?:[^\\()]|\\.)*\))*\)"  # a string (one level of bare parentheses)
    rb"|<<|>>|<[0-9A-Fa-f\s]*>|\[|\]"  # dictionaries, hex strings, arrays
    rb"|/[^\s/\[\]()<>{}%]*"  # names
    rb"|[^\s/\[\]()<>{}%]+",  # numbers, operators, booleans
    re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f",
            b"\r\n": b"", b"\n": b"", b"\r": b""}
_NUMERIC = frozenset(b"0123456789+-.")


def _unescape(match: re.Match[bytes]) -> bytes:
    code = match.group(1)
    if code[:1].isdigit():
        return bytes([int(code, 8) & 0xFF])
    return _ESCAPES.get(code, code)


def _content(page: Any) -> bytes:
    contents = page.obj.get("/Contents")
    if contents is None:
        return b""
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(part.read_bytes() for part in contents)
    return bytes(contents.read_bytes())


def _instructions(data: bytes) -> Iterator[tuple[list[Any], str]]:
    """(operands, operator) of a content stream: numbers as floats, strings as bytes,
    names as "/Name", arrays as lists, dictionaries as dicts. Tokenised by one regular
    expression: pikepdf's own parser costs three times as much on a long brochure."""
    operands: list[Any] = []
    nested: list[list[Any]] = []
    tokens = iter(_TOKEN.findall(data))
    for token in tokens:
        first = token[0]
        if first == 40:  # (
            value: Any = _ESCAPE.sub(_unescape, token[1:-1]) if b"\\" in token else token[1:-1]
        elif first == 47:  # /
            value = token.decode("latin-1")
        elif first == 60 and token != b"<<":  # <hex>
            digits = b"".join(token[1:-1].split())
            value = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
        elif token == b"[" or token == b"<<":
            nested.append(operands)
            operands = []
            continue
        elif token == b"]" or token == b">>":
            inner, operands = operands, nested.pop() if nested else []
            value = (dict(zip(inner[::2], inner[1::2], strict=False)) if token == b">>"
                     else inner)
        elif first in _NUMERIC:
            value = float(token)
        else:
            op = token.decode("latin-1")
            if op == "BI":  # an inline image: its data is no operators
                for skipped in tokens:
                    if skipped == b"EI":
                        break
            if nested:  # true, false, null inside an array or dictionary
                operands.append(op)
                continue
            yield operands, op
            operands = []
            continue
        operands.append(value)


class PageReader:
    """Interprets one page's content stream: text lines, drawings, by marked content."""

    def __init__(self, page: Any, fonts: dict[Any, FontFacts], tagged: bool = True) -> None:
        self.page = page
        self.tagged = tagged
        self.font_cache = fonts
        resources = page.obj.get("/Resources") or {}
        self.fonts = resources.get("/Font") or {}
        self.xobjects = resources.get("/XObject") or {}
        # Owner per marked content: ("mcid", n) for structure content, None for artifacts.
        self.owners: dict[Any, Drawn] = {}
        self.smallest: tuple[float, str] | None = None

    def read(self) -> None:
        ctm = _IDENTITY
        stack: list[tuple[float, ...]] = []
        # The marked-content stack: MCIDs (None: an artifact). An untagged PDF has none:
        # all it draws is content, of an unknown role (counted as running text).
        marks: list[Any] = [] if self.tagged else [_UNTAGGED]
        if not self.tagged:
            self.owners[_UNTAGGED] = Drawn("P")
        base = len(marks)
        tm = tlm = _IDENTITY
        size, leading, word_space, scale, render = 0.0, 0.0, 0.0, 1.0, 0
        font: FontFacts | None = None
        points: list[float] = []  # y of the path's points, in device space
        for operands, op in _instructions(_content(self.page)):
            if op in _SHOW:
                if op == '"':
                    word_space = operands[0]
                    operands = operands[2:]
                if op in ("'", '"'):
                    tlm = (*tlm[:4], tlm[4] - leading * tlm[2], tlm[5] - leading * tlm[3])
                    tm = tlm
                if font is None or not operands:
                    continue
                shown = operands[0]
                raw = (b"".join(o for o in shown if isinstance(o, bytes))
                       if isinstance(shown, list) else shown)
                if isinstance(raw, bytes):
                    self._text(raw, font, size, leading, word_space, scale, render,
                               _multiply(tm, ctm), marks)
            elif op == "Td" or op == "TD":
                tx, ty = operands[0], operands[1]
                if op == "TD":
                    leading = -ty
                tlm = (*tlm[:4], tx * tlm[0] + ty * tlm[2] + tlm[4],
                       tx * tlm[1] + ty * tlm[3] + tlm[5])
                tm = tlm
            elif op == "T*":
                tlm = (*tlm[:4], tlm[4] - leading * tlm[2], tlm[5] - leading * tlm[3])
                tm = tlm
            elif op == "Tm":
                tm = tlm = tuple(operands[:6])
            elif op == "Tf":
                size = operands[1]
                entry = self.fonts.get(operands[0])
                font = _font(entry, self.font_cache) if entry is not None else None
            elif op == "TL":
                leading = operands[0]
            elif op == "Tw":
                word_space = operands[0]
            elif op == "Tz":
                scale = operands[0] / 100
            elif op == "Tr":
                render = int(operands[0])
            elif op == "BT":
                tm = tlm = _IDENTITY
            elif op == "cm":
                ctm = _multiply(tuple(operands[:6]), ctm)
            elif op == "q":
                stack.append(ctm)
            elif op == "Q":
                if stack:
                    ctm = stack.pop()
            elif op in _CONSTRUCT:
                if op == "re":
                    x, y, w, h = operands[:4]
                    corners: Any = ((x, y), (x + w, y), (x, y + h), (x + w, y + h))
                else:
                    corners = zip(operands[::2], operands[1::2], strict=False)
                b, d, f = ctm[1], ctm[3], ctm[5]
                points += [px * b + py * d + f for px, py in corners]
            elif op in _PAINT:
                if points and marks and marks[-1] is not None:
                    self._owner(marks).extend(min(points), max(points))
                points = []
            elif op == "n":
                points = []
            elif op == "BDC":
                props = operands[1] if len(operands) > 1 else None
                mcid = props.get("/MCID") if isinstance(props, dict) else None
                if mcid is None:
                    marks.append(None)
                else:
                    key = int(mcid)
                    self.owners.setdefault(key, Drawn(str(operands[0]).lstrip("/")))
                    marks.append(key)
            elif op == "BMC":
                marks.append(None)
            elif op == "EMC":
                if len(marks) > base:
                    marks.pop()
            elif op == "Do" or op == "BI":
                if not marks or marks[-1] is None:
                    continue
                box = ((0.0, 0.0), (1.0, 1.0))
                if op == "Do":
                    xobject = self.xobjects.get(operands[0]) if operands else None
                    if xobject is None:
                        continue
                    if xobject.get("/Subtype") != "/Image":
                        bbox = [float(v) for v in xobject.get("/BBox", [0, 0, 0, 0])]
                        box = ((bbox[0], bbox[1]), (bbox[2], bbox[3]))
                ys = [px * ctm[1] + py * ctm[3] + ctm[5]
                      for px in (box[0][0], box[1][0]) for py in (box[0][1], box[1][1])]
                self._owner(marks).extend(min(ys), max(ys))

    def _owner(self, marks: list[Any]) -> Drawn:
        return self.owners[marks[-1]]

    def _text(self, raw: bytes, font: FontFacts, size: float, leading: float,
              word_space: float, scale: float, render: int, trm: tuple[float, ...],
              marks: list[Any]) -> None:
        step = 2 if font.two_byte else 1
        codes = len(raw) // step
        spaces = raw.count(b" ") if not font.two_byte else 0
        if codes == spaces or render in _INVISIBLE or size <= 0:
            return
        vertical = (trm[2] ** 2 + trm[3] ** 2) ** 0.5
        effective = round(abs(size) * vertical, 2)
        owner_key = marks[-1] if marks else None
        role = self.owners[owner_key].role if owner_key is not None else "Artifact"
        if self.smallest is None or effective < self.smallest[0]:
            self.smallest = (effective, role)
        if owner_key is None:
            return
        owner = self.owners[owner_key]
        if role.startswith("H"):
            owner.text.append((font, raw))
        y = round(trm[5], 1)
        line_height = (leading * vertical) if leading > 0 else effective * 1.2
        low, high = y - 0.3 * line_height, y + 0.7 * line_height
        line = owner.lines.get(y)
        if line is None:
            line = owner.lines[y] = Line(y, low, high)
        owner.extend(low, high)
        stripped = raw.rstrip(b" ") if not font.two_byte else raw
        trailing = codes - len(stripped) // step
        # Spaces at a run's end count once a later run on the line follows them.
        line.chars += line.trailing + len(stripped) // step
        line.trailing = trailing
        if word_space and spaces > trailing:
            gap = (font.space + word_space / size) * scale
            line.gap_em = max(line.gap_em, gap)
