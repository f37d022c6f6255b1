"""The sample brochure's layout against a reviewed reference: pages, headings, photo boxes.

A layout change that moves anything shows up here as a readable diff. Regenerate on
purpose with `python3 scripts/dev.py test tests/test_golden_layout.py --update-golden`
and review `git diff tests/golden/`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest

GOLDEN = Path(__file__).parent / "golden" / "sample-a4-screen.json"


def layout_of(pdf_path: Path) -> dict:
    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            lines = (page.extract_text() or "").splitlines()
            pages.append({
                "first_line": lines[0] if lines else "",
                "lines": len(lines),
                # Photo boxes in points from the top-left corner, rounded to 1 pt.
                "images": [f'{i["x0"]:.0f},{i["top"]:.0f} – {i["x1"]:.0f},{i["bottom"]:.0f}'
                           for i in sorted(page.images, key=lambda i: (i["top"], i["x0"]))],
                "links": len(page.annots or []),
            })
    return {"pages": pages}


def test_sample_layout_matches_the_reviewed_reference(sample_pdf: Path,
                                                       request: pytest.FixtureRequest) -> None:
    actual = layout_of(sample_pdf)
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n",
                          encoding="utf-8")
    assert GOLDEN.is_file(), "no reference yet: run with --update-golden and review it"
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(actual["pages"]) == len(expected["pages"])
    for number, (got, want) in enumerate(zip(actual["pages"], expected["pages"], strict=True),
                                         start=1):
        assert got == want, f"page {number} changed"
