"""Output stage: the layout check, read back from the finished PDF's pages as a designer
reads them (how full, loose lines, smallest type, long lines, blocks torn from their
heading).

The geometry is the PDF's own: every text run and drawing of every page's content stream,
interpreted (text and graphics state, marked content). The structure tree the layout pass
recorded (engine.tags; it is the tree written into the PDF) says which content is a
heading, a figure, a caption or an item's section; its MCIDs are the ones in the streams.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from dokureport.core.errors import Problem

# Text whose lines count against the measure: running text, not tables, entries or titles.
BODY_ROLES = frozenset({"P", "LBody", "BlockQuote", "Quote", "Note"})
# Advance of a space when a font has no widths (the standard 14): about a quarter em.
_DEFAULT_SPACE = 0.25
_INVISIBLE = (3, 7)  # text rendering modes that paint nothing
_UNTAGGED = -1  # the owner of everything an untagged PDF draws


@dataclass(frozen=True)
class Bounds:
    """What a designer accepts; the check's limits (docs/build-report.md#layout-check)."""

    min_lines: int = 6  # fewer lines and no figure: a near-empty page
    min_type_pt: float = 7.0  # smaller type is too small to read in print
    max_line_chars: int = 75  # a body line longer than this is hard to read
    loose_gap_em: float = 0.5  # a justified line's word gap above this is loose
    blank_pages: int = 1  # blank pages a brochure may have (a booklet's padding)


@dataclass(frozen=True)
class PageCheck:
    """One page as the check measured it."""

    page: int
    lines: int  # lines of text that are content (not running heads, footers, page numbers)
    fill: float  # share of the type area's height that content covers, 0…1
    figures: int  # photos, QR codes, logos and drawings that are content
    smallest_type_pt: float | None  # of any visible text on the page, footers included
    smallest_type_role: str | None  # the structure role of that text; "Artifact": furniture
    body_lines: int  # lines of running text: paragraphs (BODY_ROLES) of two lines or more
    longest_line_chars: int  # characters of the longest body line
    long_lines: int  # body lines longer than Bounds.max_line_chars
    loose_lines: int  # justified lines whose word gap exceeds Bounds.loose_gap_em
    widest_gap_em: float | None  # the widest word gap of a justified line, in em


@dataclass(frozen=True)
class Defect:
    """Something a designer rejects, on a page."""

    code: str  # a problem code: layout-near-empty, layout-small-type, …
    page: int
    message: str  # without the page number


@dataclass(frozen=True)
class LayoutCheck:
    """The layout check of one PDF: every page, and what a designer would reject."""

    pages: tuple[PageCheck, ...]
    defects: tuple[Defect, ...]
    bounds: Bounds = field(default_factory=Bounds)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        """The whole brochure in a few numbers and page lists."""
        pages = self.pages
        sizes = [p.smallest_type_pt for p in pages if p.smallest_type_pt is not None]
        gaps = [p.widest_gap_em for p in pages if p.widest_gap_em is not None]

        def on(code: str) -> list[int]:
            return sorted({d.page for d in self.defects if d.code == code})

        return {
            "pages": len(pages),
            "defects": len(self.defects),
            "blank_pages": [p.page for p in pages if p.lines == 0 and p.figures == 0],
            "near_empty_pages": on("layout-near-empty"),
            "small_type_pages": on("layout-small-type"),
            "heading_at_foot_pages": on("layout-heading-at-foot"),
            "torn_pages": on("layout-torn"),
            "long_line_pages": on("layout-long-lines"),
            "smallest_type_pt": min(sizes) if sizes else None,
            "longest_line_chars": max((p.longest_line_chars for p in pages), default=0),
            "long_lines": sum(p.long_lines for p in pages),
            "loose_lines": sum(p.loose_lines for p in pages),
            "widest_gap_em": max(gaps) if gaps else None,
            "mean_fill": round(sum(p.fill for p in pages) / len(pages), 3) if pages else 0.0,
        }

    def problems(self) -> list[Problem]:
        """The defects as warnings, one line each; the ones found on many pages at once
        (type too small, lines too long: a theme's doing) as one line with their pages."""
        grouped = ("layout-small-type", "layout-long-lines", "layout-blank-page")
        out: list[Problem] = []
        seen: set[str] = set()
        for defect in self.defects:
            if defect.code not in grouped:
                out.append(Problem(f"page {defect.page}: {defect.message}", code=defect.code))
            elif defect.code not in seen:
                seen.add(defect.code)
                same = [d for d in self.defects if d.code == defect.code]
                out.append(Problem(f"{_pages([d.page for d in same])}: "
                                   f"{_worst(same, self.pages)}",
                                   code=defect.code))
        return out

    def as_json(self) -> dict[str, Any]:
        """The report's form (report_schema.json, `layout`)."""
        return {
            "seconds": self.seconds,
            "bounds": asdict(self.bounds),
            "summary": self.summary(),
            "defects": [asdict(d) for d in self.defects],
            "pages": [asdict(p) for p in self.pages],
        }


def _pages(numbers: list[int]) -> str:
    """"page 4", "pages 3–9, 12"."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)
    return f"page{'s' * (len(numbers) > 1)} {text}"


def _worst(defects: list[Defect], checks: tuple[PageCheck, ...]) -> str:
    """What many pages share, said once, with the worst case and its page."""
    pages = [checks[d.page - 1] for d in defects]
    if defects[0].code == "layout-blank-page":
        return defects[0].message
    if defects[0].code == "layout-small-type":
        worst = min(pages, key=lambda c: c.smallest_type_pt or 0.0)
        return (f"type under {defects[0].message.rsplit(' ', 2)[-2]} pt (the smallest: "
                f"{worst.smallest_type_pt:g} pt {_where(worst.smallest_type_role)} on page "
                f"{worst.page})")
    worst = max(pages, key=lambda c: c.longest_line_chars)
    count = sum(c.long_lines for c in pages)
    return (f"{count} body line{'s' * (count != 1)} over "
            f"{defects[0].message.rsplit(' ', 1)[-1].rstrip(')')} characters (the longest: "
            f"{worst.longest_line_chars} on page {worst.page})")


_PLACES = {"Artifact": "in the page furniture", "Link": "in the contents", "P": "in the text",
           "Caption": "in a caption", "TD": "in a table", "TH": "in a table",
           "Lbl": "in a list", "LBody": "in a list", "Index": "in the index"}


def _where(role: str | None) -> str:
    """Where type of a structure role is, in a designer's words."""
    if role and role[:1] == "H" and role[1:].isdigit():
        return "in a heading"
    return _PLACES.get(role or "", f"in {role}")


# ---------------------------------------------------------------------------------------
# Reading the pages


@dataclass(slots=True)
class _Line:
    y: float
    low: float
    high: float
    chars: int = 0
    trailing: int = 0  # spaces at its end, not counted
    gap_em: float = 0.0  # the widest justified word gap


@dataclass(slots=True)
class _Owner:
    """What one piece of marked content drew on a page."""

    role: str
    low: float = float("inf")
    high: float = float("-inf")
    lines: dict[float, _Line] = field(default_factory=dict)
    drew: bool = False  # anything: text or graphics
    text: list[tuple[Any, bytes]] = field(default_factory=list)  # a heading's, for messages

    def extend(self, low: float, high: float) -> None:
        self.low, self.high = min(self.low, low), max(self.high, high)
        self.drew = True


@dataclass(slots=True)
class _Font:
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


def _font(font: Any, cache: dict[Any, _Font]) -> _Font:
    key = font.objgen if font.is_indirect else id(font)
    known = cache.get(key)
    if known is not None:
        return known
    two_byte = font.get("/Subtype") == "/Type0"
    space = _DEFAULT_SPACE
    widths, first = font.get("/Widths"), font.get("/FirstChar")
    if widths is not None and first is not None and 0 <= 32 - int(first) < len(widths):
        space = float(widths[32 - int(first)]) / 1000 or _DEFAULT_SPACE
    cache[key] = made = _Font(space, two_byte, _to_unicode(font))
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


def _decode(font: _Font, raw: bytes) -> str:
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


class _PageReader:
    """Interprets one page's content stream: text lines, drawings, by marked content."""

    def __init__(self, page: Any, fonts: dict[Any, _Font], tagged: bool = True) -> None:
        self.page = page
        self.tagged = tagged
        self.font_cache = fonts
        resources = page.obj.get("/Resources") or {}
        self.fonts = resources.get("/Font") or {}
        self.xobjects = resources.get("/XObject") or {}
        # Owner per marked content: ("mcid", n) for structure content, None for artifacts.
        self.owners: dict[Any, _Owner] = {}
        self.smallest: tuple[float, str] | None = None

    def read(self) -> None:
        ctm = _IDENTITY
        stack: list[tuple[float, ...]] = []
        # The marked-content stack: MCIDs (None: an artifact). An untagged PDF has none:
        # all it draws is content, of an unknown role (counted as running text).
        marks: list[Any] = [] if self.tagged else [_UNTAGGED]
        if not self.tagged:
            self.owners[_UNTAGGED] = _Owner("P")
        base = len(marks)
        tm = tlm = _IDENTITY
        size, leading, word_space, scale, render = 0.0, 0.0, 0.0, 1.0, 0
        font: _Font | None = None
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
                    self.owners.setdefault(key, _Owner(str(operands[0]).lstrip("/")))
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

    def _owner(self, marks: list[Any]) -> _Owner:
        return self.owners[marks[-1]]

    def _text(self, raw: bytes, font: _Font, size: float, leading: float,
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
            line = owner.lines[y] = _Line(y, low, high)
        owner.extend(low, high)
        stripped = raw.rstrip(b" ") if not font.two_byte else raw
        trailing = codes - len(stripped) // step
        # Spaces at a run's end count once a later run on the line follows them.
        line.chars += line.trailing + len(stripped) // step
        line.trailing = trailing
        if word_space and spaces > trailing:
            gap = (font.space + word_space / size) * scale
            line.gap_em = max(line.gap_em, gap)


# ---------------------------------------------------------------------------------------
# The check


def check_layout(path: Path, tags: Any, *, type_area: tuple[float, float],
                 bounds: Bounds | None = None) -> LayoutCheck:
    """Check the PDF at `path` page by page.

    `tags`: the structure tree the layout pass recorded (engine.tags.TagRecorder; None for
    an untagged build: then headings and captions are not checked). `type_area`: its top
    and bottom margin in points, measured from the page's trim box.
    """
    import time

    began = time.perf_counter()
    bounds = bounds or Bounds()
    readers: list[_PageReader] = []
    fonts: dict[Any, _Font] = {}
    with pikepdf.open(path) as pdf:
        total = len(pdf.pages)
        areas: list[tuple[float, float]] = []
        for page in pdf.pages:
            reader = _PageReader(page, fonts, tagged=tags is not None)
            reader.read()
            readers.append(reader)
            box = [float(v) for v in page.obj.get("/TrimBox", page.mediabox)]
            areas.append((box[1] + type_area[1], box[3] - type_area[0]))
        checks = [_page_check(n, r, area, bounds) for n, (r, area)
                  in enumerate(zip(readers, areas, strict=True), start=1)]
        defects = _page_defects(checks, total, bounds)
        if tags is not None:
            defects += _structure_defects(tags.root, readers)
    defects.sort(key=lambda d: (d.page, d.code))
    return LayoutCheck(tuple(checks), tuple(defects), bounds,
                       round(time.perf_counter() - began, 4))


def _page_check(number: int, reader: _PageReader, area: tuple[float, float],
                bounds: Bounds) -> PageCheck:
    bottom, top = area
    spans: list[tuple[float, float]] = []
    lines = body = longest = long = loose = figures = 0
    widest: float | None = None
    for owner in reader.owners.values():
        if not owner.drew:
            continue
        if owner.role == "Figure":
            figures += 1
        spans.append((owner.low, owner.high) if not owner.lines else (0, 0))
        if owner.lines:
            spans.pop()
            spans += [(line.low, line.high) for line in owner.lines.values()]
            lines += len(owner.lines)
        # Running text: a paragraph that wraps (a one-line fact, a date, is no measure).
        if owner.role in BODY_ROLES and len(owner.lines) > 1:
            body += len(owner.lines)
            for line in owner.lines.values():
                longest = max(longest, line.chars)
                long += line.chars > bounds.max_line_chars
        for line in owner.lines.values():
            if line.gap_em:
                widest = max(widest or 0.0, line.gap_em)
                loose += line.gap_em > bounds.loose_gap_em
    covered = 0.0
    reach = bottom
    for low, high in sorted((max(lo, bottom), min(hi, top)) for lo, hi in spans):
        if high <= low:
            continue
        low = max(low, reach)
        if high > low:
            covered += high - low
            reach = high
    height = top - bottom
    smallest = reader.smallest
    return PageCheck(
        page=number, lines=lines, fill=round(covered / height, 3) if height > 0 else 0.0,
        figures=figures, smallest_type_pt=smallest[0] if smallest else None,
        smallest_type_role=smallest[1] if smallest else None, body_lines=body,
        longest_line_chars=longest, long_lines=long, loose_lines=loose,
        widest_gap_em=round(widest, 3) if widest is not None else None)


def _page_defects(checks: list[PageCheck], total: int, bounds: Bounds) -> list[Defect]:
    defects: list[Defect] = []
    blank = [c.page for c in checks if c.lines == 0 and c.figures == 0]
    for check in checks:
        n = check.page
        if 1 < n < total and check.page not in blank and check.figures == 0 \
                and check.lines < bounds.min_lines:
            defects.append(Defect("layout-near-empty", n,
                                  f"near-empty: {check.lines} line{'s' * (check.lines != 1)} "
                                  "and no figure"))
        if check.smallest_type_pt is not None and check.smallest_type_pt < bounds.min_type_pt:
            defects.append(Defect("layout-small-type", n,
                                  f"{check.smallest_type_pt:g} pt type "
                                  f"{_where(check.smallest_type_role)}, under "
                                  f"{bounds.min_type_pt:g} pt"))
        if check.long_lines:
            defects.append(Defect("layout-long-lines", n,
                                  f"{check.longest_line_chars} characters in a body line "
                                  f"({check.long_lines} over {bounds.max_line_chars})"))
    if len(blank) > bounds.blank_pages:
        defects += [Defect("layout-blank-page", n,
                           f"blank: {len(blank)} blank pages, at most {bounds.blank_pages}")
                    for n in blank]
    return defects


def _contents(elem: Any, parents: dict[int, Any], parent: Any = None
              ) -> Iterator[tuple[Any, int, int]]:
    """Every (element, page, mcid) under elem, in reading order; fills `parents`."""
    if parent is not None:
        parents[id(elem)] = parent
    for kid in elem.kids:
        if isinstance(kid, tuple):
            if kid[0] == "mcid":
                yield elem, kid[1], kid[2]
        else:
            yield from _contents(kid, parents, elem)


def _structure_defects(root: Any, readers: list[_PageReader]) -> list[Defect]:
    """Headings alone at a page's foot; captions and QR codes away from their item."""
    parents: dict[int, Any] = {}
    order = [(elem, page, mcid) for elem, page, mcid in _contents(root, parents)
             if 0 < page <= len(readers) and (drawn := readers[page - 1].owners.get(mcid))
             is not None and drawn.drew]

    def owner(page: int, mcid: int) -> _Owner:
        return readers[page - 1].owners[mcid]

    defects: list[Defect] = []
    for i, (elem, page, mcid) in enumerate(order):
        level = _level(elem.role)
        if level is None or page == 1 or i + 1 == len(order):
            continue
        after, next_page, next_mcid = order[i + 1]
        if after is elem or next_page <= page:
            continue  # not its last part, or its text follows on the page
        following = _level(after.role)
        if following is not None and following <= level:
            continue  # an item with a heading only (no text), then the next item
        if _kicker(order, i + 1, owner(next_page, next_mcid)):
            continue  # the next item's overline, kept with its heading
        title = " ".join(_decode(font, raw) for font, raw in owner(page, mcid).text).strip()
        defects.append(Defect("layout-heading-at-foot", page,
                              f"heading “{_short(title)}” alone at the foot of the page, "
                              f"its text on page {next_page}"))
    pages_of: dict[int, set[int]] = {}
    for elem, page, _ in order:
        pages_of.setdefault(id(elem), set()).add(page)

    def under(elem: Any) -> set[int]:
        found = set(pages_of.get(id(elem), ()))
        for kid in elem.kids:
            if not isinstance(kid, tuple):
                found |= under(kid)
        return found

    torn: set[tuple[int, int]] = set()
    for elem, page, _ in order:
        if (parent := parents.get(id(elem))) is None:
            continue
        if parent.role == "Caption" and (figure := parents.get(id(parent))) is not None:
            image_pages = pages_of.get(id(figure), set())
            if image_pages and page not in image_pages and (id(figure), page) not in torn:
                torn.add((id(figure), page))
                defects.append(Defect("layout-torn", page,
                                      "a caption on another page than its figure (on page "
                                      f"{min(image_pages)})"))
    on_page: dict[int, list[tuple[Any, int]]] = {}
    for elem, page, mcid in order:
        on_page.setdefault(page, []).append((elem, mcid))
    seen: set[int] = set()
    for elem, page, mcid in order:
        alt = str(elem.attrs.get("Alt", ""))
        if elem.role != "Figure" or not alt.startswith("QR") or id(elem) in seen:
            continue
        seen.add(id(elem))
        item = parents.get(id(elem))
        while item is not None and item.role != "Sect":
            item = parents.get(id(item))
        if item is None:
            continue
        qr_top = owner(page, mcid).high
        above = [e for e, m in on_page.get(page, ()) if e is not elem
                 and owner(page, m).low >= qr_top - 1 and _inside(e, item, parents)]
        if not above:
            earlier = [p for p in under(item) if p < page]
            defects.append(Defect("layout-torn", page,
                                  "a QR code on another page than its item"
                                  + (f" (on page {max(earlier)})" if earlier else "")))
    return defects


def _level(role: str) -> int | None:
    """A heading's level (H1: 1; an unnumbered H: 7), None for what is no heading."""
    if role[:1] != "H" or not (role[1:].isdigit() or role == "H"):
        return None
    return int(role[1:]) if role[1:] else 7


def _kicker(order: list[tuple[Any, int, int]], at: int, drawn: _Owner) -> bool:
    """Whether order[at] is one line right before a heading on its page: a talk's
    category above its title, say, which keeps with that title."""
    elem, page, _ = order[at]
    if len(drawn.lines) != 1:
        return False
    later = next((item for item in order[at + 1:at + 8] if item[0] is not elem), None)
    return later is not None and later[1] == page and _level(later[0].role) is not None


def _inside(elem: Any, ancestor: Any, parents: dict[int, Any]) -> bool:
    while elem is not None:
        if elem is ancestor:
            return True
        elem = parents.get(id(elem))
    return False


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
