"""The speaker index read back from a brochure, column by column: its group heads, its
entries (name, organisation, page numbers) and how many columns each page has."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

_NUMBER = re.compile(r"^\d+,?$")


@dataclass
class IndexEntry:
    name: str
    pages: list[int] = field(default_factory=list)
    organisation: str = ""  # its turnover lines in the muted colour
    page: int = 0  # the PDF page (1-based) it is printed on
    pages_lines: int = 0  # lines its page numbers take (1: none wrapped)


@dataclass
class ReadIndex:
    heads: list[str]
    entries: list[IndexEntry]
    columns: list[int]  # columns on each page of the index


def _colour(word: dict) -> tuple[float, ...]:
    return tuple(round(float(c), 2) for c in (word.get("non_stroking_color") or ()))


def read_index(pdf_path: Path, heading: str) -> ReadIndex:
    """The index that starts under the section heading `heading`, to the next section."""
    heads: list[str] = []
    entries: list[IndexEntry] = []
    columns: list[int] = []
    with pdfplumber.open(pdf_path) as pdf:
        # From the back: the index is near the end, and a large brochure has 300 pages.
        start = next(i for i in reversed(range(len(pdf.pages)))
                     if " ".join((pdf.pages[i].extract_text() or "").split()).casefold()
                     .startswith(heading.casefold() + " "))
        heading_size = 0.0
        bold_faces: set[str] = set()
        last = False
        name_colour: tuple[float, ...] = ()
        for number in range(start, len(pdf.pages)):
            if last:
                break
            page = pdf.pages[number]
            words = page.extract_words(extra_attrs=["size", "fontname", "non_stroking_color"])
            if number == start:
                heading_size = max(w["size"] for w in words)
                # A heading of two lines: the same size, to the rounding of each line's
                # matrix, one line below the other; a heading further down is the next
                # section's, run on below the index.
                tops = sorted({round(w["top"]) for w in words
                               if w["size"] > heading_size - 0.05})
                lines = [t for n, t in enumerate(tops) if n == 0
                         or t - tops[n - 1] < 1.5 * heading_size]
                bottom = max(w["bottom"] for w in words if w["size"] > heading_size - 0.05
                             and round(w["top"]) in lines)
                words = [w for w in words if w["top"] > bottom + 1]
            # Up to the next section's heading.
            after = [w["top"] for w in words if w["size"] >= heading_size - 0.1]
            if after:
                words = [w for w in words if w["bottom"] < min(after)]
                last = True
            if not words:
                break
            body = Counter(round(w["size"], 1) for w in words).most_common(1)[0][0]
            words = [w for w in words if w["size"] >= body - 0.1]  # not the footer
            # The bold face: the group heads' (Noto's "Bold", Libertine's "OB").
            bold_faces.update(w["fontname"] for w in words if w["size"] > body + 0.5)
            for w in words:
                w["bold"] = w["fontname"] in bold_faces or "Bold" in w["fontname"]
            bold = [w for w in words if w["bold"]]
            # A column's edge: where bold words start with nothing just before them (the
            # second word of "De Meyer" has "De" before it).
            edges_seen = Counter(round(w["x0"]) for w in bold if not any(
                abs(o["top"] - w["top"]) < 2 and w["x0"] - 8 < o["x1"] <= w["x0"] + 0.1
                for o in words if o is not w))
            edges: list[float] = []
            for x, count in sorted(edges_seen.items()):
                if count >= 2 and not any(abs(x - e) < 5 for e in edges):
                    edges.append(x)
            columns.append(len(edges))
            # The last column ends where its longest line does: the outer margin the
            # measure widens is no part of it (a page number stands in its last 70 %).
            right = [*edges[1:], max(w["x1"] for w in words) + 1]
            for col, edge in enumerate(edges):
                mine = [w for w in words if edge - 1 <= w["x0"] < right[col] - 1]
                lines: dict[int, list[dict]] = {}
                for w in sorted(mine, key=lambda w: (w["top"], w["x0"])):
                    key = next((k for k in lines if abs(k - w["top"]) < 2), round(w["top"]))
                    lines.setdefault(key, []).append(w)
                current: IndexEntry | None = None
                for top in sorted(lines):
                    # Left to right: a fallback font's glyphs sit a little higher or lower.
                    line = sorted(lines[top], key=lambda w: w["x0"])
                    lead = line[0]
                    if lead["size"] > body + 0.5:
                        heads.append(" ".join(w["text"] for w in line))
                        current = None
                        continue
                    numbers = [w for w in line if _NUMBER.match(w["text"])
                               and not w["bold"]
                               and w["x0"] > edge + (right[col] - edge) * 0.3]
                    only_numbers = all(_NUMBER.match(w["text"]) or w["text"] == ","
                                       for w in line)
                    if only_numbers:  # a line of a page list (broken only when very long)
                        numbers = [w for w in line if w["text"] != ","]
                    if numbers:  # the commas between page numbers (not links) stand apart
                        line = [w for w in line if w["text"] != "," or w["x0"] < numbers[0]["x0"]]
                    text = " ".join(w["text"] for w in line if w not in numbers)
                    # Words cut where the font changes (bold, a fallback font) joined again.
                    text = text.replace(" ,", ",").replace("( ", "(").replace(" )", ")")
                    if numbers:
                        text = text.rstrip(",")
                    # An entry starts at the column's edge; its turnover lines hang.
                    starts = abs(lead["x0"] - edge) < 1.5 and not only_numbers
                    if current is None and not starts and entries:
                        current = entries[-1]  # goes on from the column or page before
                    if starts or current is None:
                        current = IndexEntry(text, page=number + 1)
                        entries.append(current)
                        name_colour = _colour(lead)
                        text = ""
                    if not text:
                        pass
                    elif _colour(lead) != name_colour:  # muted: the organisation
                        current.organisation = " ".join(
                            x for x in (current.organisation, text) if x)
                    else:
                        current.name = (current.name + " " + text).replace("( ", "(")
                    if numbers:
                        current.pages += [int(w["text"].rstrip(",")) for w in numbers]
                        current.pages_lines += 1
    return ReadIndex(heads, entries, columns)
