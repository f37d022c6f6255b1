"""No hyphenated line ends a page (engine): a paragraph split there keeps the line for the
next page.

A word broken across a page turn is hard to read, and readers that take the page's
furniture for the next text (PDFium) joined "Beteili-" to the footer.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Paragraph

_HYPHENS = ("-", "\u2010", "\xad")
MOST_LINES_BACK = 2


def _ends_hyphenated(line: Any, kind: int) -> bool:
    # A split's first part says kind 1 over the lines of kind 0 (tuples): trust the line.
    if kind == 0 or isinstance(line, tuple):
        words = line[1]
        return bool(words) and (getattr(words[-1], "_break_hyphen", False)
                                or str(words[-1]).rstrip().endswith(_HYPHENS))
    texts = [str(getattr(w, "text", "")) for w in line.words]
    last = next((t for t in reversed(texts) if t.strip()), "")
    return last.rstrip().endswith(_HYPHENS)


def _lines_that_fit(self: Paragraph, height: float) -> int | None:
    """How many lines reportlab's split keeps in `height`, for a fixed leading (else None)."""
    style = self.style
    lines_of = getattr(self, "blPara", None)
    if lines_of is None or getattr(style, "autoLeading", "") not in ("", "off"):
        return None
    fit = int(height / float(style.leading))
    count = len(lines_of.lines)
    if fit >= count:
        return None
    if not getattr(style, "allowWidows", 1) and count == fit + 1:
        fit -= 1
    return fit


def _split_before_a_hyphen(original: Any) -> Any:
    def split(self: Paragraph, avail_width: float, avail_height: float) -> Any:
        fit = _lines_that_fit(self, avail_height)
        if fit is not None and fit >= 2:
            lines, kind = self.blPara.lines, getattr(self.blPara, "kind", 0)
            keep = fit
            # The line before may end hyphenated too: go back to one that does not, by
            # MOST_LINES_BACK at most (a page would lose more than it gains), and never to
            # no line at all (a paragraph whose every line is hyphenated must split).
            while keep >= 2 and _ends_hyphenated(lines[keep - 1], kind):
                keep -= 1
            if keep < fit - MOST_LINES_BACK or keep < 2:
                keep = fit
            if keep < fit:
                avail_height = keep * self.style.leading + 1e-6
        return original(self, avail_width, avail_height)

    split.__dokureport_pageends__ = True  # type: ignore[attr-defined]
    return split


def install() -> None:
    """Split paragraphs a line earlier when the page's last line would end hyphenated
    (idempotent; wraps whatever split is installed)."""
    if not getattr(Paragraph.split, "__dokureport_pageends__", False):
        Paragraph.split = _split_before_a_hyphen(Paragraph.split)
