"""Output stage: the layout check, each finished page as a designer reads it.

How full, loose lines, the smallest type, long lines, and blocks torn from their heading.
The geometry is the PDF's own (output.page_content reads every page's content stream);
the structure tree the layout pass recorded (engine.tags; the tree written into the PDF,
its MCIDs the streams') says which content is a heading, a figure, a caption or an
item's section.
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pikepdf

from dokureport.core.errors import Problem
from dokureport.output import page_reads
from dokureport.output.page_content import Drawn, decode
from dokureport.output.page_reads import PageRead, read_pages

# Text whose lines count against the measure: running text, not tables, entries or titles.
BODY_ROLES = frozenset({"P", "LBody", "BlockQuote", "Quote", "Note"})


@dataclass(frozen=True)
class Bounds:
    """What a designer accepts; the check's limits (docs/build-report.md#the-layout-check)."""

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
# The check


def check_layout(path: Path, tags: Any, *, type_area: tuple[float, float],
                 bounds: Bounds | None = None, pdf: pikepdf.Pdf | None = None,
                 kept: Path | None = None) -> LayoutCheck:
    """Check the PDF at `path` page by page.

    `tags`: the structure tree the layout pass recorded (engine.tags.TagRecorder; None for
    an untagged build: then headings and captions are not checked). `type_area`: its top
    and bottom margin in points, measured from the page's trim box. `pdf`: the file at
    `path` opened already (post-processing reads it next); left open, unchanged.
    `kept`: the file in the cache folder where the last one-shot build of this
    brochure kept what its pages draw (output.page_reads.kept_file): pages drawn the
    same are not read again.
    """
    import time

    began = time.perf_counter()
    bounds = bounds or Bounds()
    with pikepdf.open(path) if pdf is None else contextlib.nullcontext(pdf) as pdf:
        total = len(pdf.pages)
        areas: list[tuple[float, float]] = []
        # A rebuild reads only the pages that changed (output.page_reads).
        readers = read_pages(pdf, tagged=tags is not None, kept=kept)
        for page in pdf.pages:
            box = [float(v) for v in page.obj.get("/TrimBox", page.mediabox)]
            areas.append((box[1] + type_area[1], box[3] - type_area[0]))
        checks = _page_checks(readers, areas, bounds)
        defects = _page_defects(checks, total, bounds)
        if tags is not None:
            defects += _structure_defects(tags.root, readers)
    defects.sort(key=lambda d: (d.page, d.code))
    return LayoutCheck(tuple(checks), tuple(defects), bounds,
                       round(time.perf_counter() - began, 4))


# Watch mode: the last build's page checks, by what each was measured from (`_CheckKey`).
_kept_checks: dict[tuple[Any, ...], PageCheck] = {}


def _page_checks(readers: list[PageRead], areas: list[tuple[float, float]],
                 bounds: Bounds) -> list[PageCheck]:
    """Each page measured; in watch mode a page drawn, framed and bounded as in an earlier
    build is not measured again, only numbered anew (a page drawn otherwise has another
    read's key: page_reads digests its content, fonts and forms)."""
    keeping = page_reads.keeping()
    checks: list[PageCheck] = []
    now: dict[tuple[Any, ...], PageCheck] = {}
    for number, (reader, area) in enumerate(zip(readers, areas, strict=True), start=1):
        key = (reader.key, area, bounds)
        check = _kept_checks.get(key) if keeping and reader.key else None
        if check is None:
            check = _page_check(number, reader, area, bounds)
        elif check.page != number:
            check = replace(check, page=number)
        if keeping and reader.key:
            now[key] = check
        checks.append(check)
    # This build's first, then the last builds' of other targets, as page_reads keeps.
    for key, check in _kept_checks.items():
        if len(now) >= page_reads.KEPT_PAGES:
            break
        now.setdefault(key, check)
    _kept_checks.clear()
    if keeping:
        _kept_checks.update(now)
    return checks


def _page_check(number: int, reader: PageRead, area: tuple[float, float],
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


def _structure_defects(root: Any, readers: list[PageRead]) -> list[Defect]:
    """Headings alone at a page's foot; captions and QR codes away from their item.

    One walk over the tree (a 1,000-talk tree has 18,000 elements and 40,000 pieces of
    content, a rebuild's check walks it whole) lists the content drawn in reading order
    and notes, element by element as it is entered, what the checks below look at: the
    headings, the figure a caption belongs to, the QR codes."""
    parents: dict[int, Any] = {}
    drawn_on = [reader.owners for reader in readers]
    pages = len(drawn_on)
    order: list[tuple[Any, int, int]] = []
    headings: list[tuple[int, int]] = []  # where in `order` a heading's content is, its level
    captioned: list[tuple[Any, int]] = []  # (figure, page of its caption's content)
    codes: list[tuple[Any, int, int]] = []  # a QR code figure's content
    levels: dict[str, int | None] = {}
    # The element being walked, and what it is: its level (a heading's), the figure
    # whose caption it is in, whether it is a QR code.
    elem, level, figure, code = root, _level(root.role), None, _is_code(root)
    stack: list[tuple[Any, Any, int | None, Any, bool]] = []
    kids = iter(root.kids)
    while True:
        for kid in kids:
            if type(kid) is tuple:
                if kid[0] != "mcid":
                    continue
                page = kid[1]
                if 0 < page <= pages and (drawn := drawn_on[page - 1].get(kid[2])) is not None \
                        and drawn.drew:
                    if level is not None:
                        headings.append((len(order), level))
                    if figure is not None:
                        captioned.append((figure, page))
                    if code:
                        codes.append((elem, page, kid[2]))
                    order.append((elem, page, kid[2]))
            else:
                parents[id(kid)] = elem
                stack.append((kids, elem, level, figure, code))
                role = kid.role
                if role in levels:
                    level = levels[role]
                else:
                    level = levels[role] = _level(role)
                # A caption's content: the figure is the caption's parent.
                figure = parents.get(id(elem)) if elem.role == "Caption" else None
                code = role == "Figure" and _is_code(kid)
                kids, elem = iter(kid.kids), kid
                break
        else:
            if not stack:
                break
            kids, elem, level, figure, code = stack.pop()

    def owner(page: int, mcid: int) -> Drawn:
        return readers[page - 1].owners[mcid]

    defects: list[Defect] = []
    last = len(order) - 1
    for i, level in headings:
        elem, page, mcid = order[i]
        if page == 1 or i == last:
            continue
        after, next_page, next_mcid = order[i + 1]
        if after is elem or next_page <= page:
            continue  # not its last part, or its text follows on the page
        following = _level(after.role)
        if following is not None and following <= level:
            continue  # an item with a heading only (no text), then the next item
        if _kicker(order, i + 1, owner(next_page, next_mcid)):
            continue  # the next item's overline, kept with its heading
        title = " ".join(decode(font, raw) for font, raw in owner(page, mcid).text).strip()
        defects.append(Defect("layout-heading-at-foot", page,
                              f"heading “{_short(title)}” alone at the foot of the page, "
                              f"its text on page {next_page}"))
    if not captioned and not codes:
        return defects
    pages_of: dict[int, set[int]] = {}
    for elem, page, _mcid in order:
        found = pages_of.get(id(elem))
        if found is None:
            found = pages_of[id(elem)] = set()
        found.add(page)

    def under(elem: Any) -> set[int]:
        found = set(pages_of.get(id(elem), ()))
        for kid in elem.kids:
            if not isinstance(kid, tuple):
                found |= under(kid)
        return found

    torn: set[tuple[int, int]] = set()
    for figure, page in captioned:
        image_pages = pages_of.get(id(figure), set())
        if image_pages and page not in image_pages and (id(figure), page) not in torn:
            torn.add((id(figure), page))
            defects.append(Defect("layout-torn", page,
                                  "a caption on another page than its figure (on page "
                                  f"{min(image_pages)})"))
    on_page: dict[int, list[tuple[Any, int]]] = {}
    if codes:
        for elem, page, mcid in order:
            on_page.setdefault(page, []).append((elem, mcid))
    seen: set[int] = set()
    for elem, page, mcid in codes:
        if id(elem) in seen:
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


def _is_code(elem: Any) -> bool:
    """Whether `elem` is a QR code's figure."""
    return elem.role == "Figure" and str(elem.attrs.get("Alt", "")).startswith("QR")


def _level(role: str) -> int | None:
    """A heading's level (H1: 1; an unnumbered H: 7), None for what is no heading."""
    if role[:1] != "H" or not (role[1:].isdigit() or role == "H"):
        return None
    return int(role[1:]) if role[1:] else 7


def _kicker(order: list[tuple[Any, int, int]], at: int, drawn: Drawn) -> bool:
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
