"""Writing the PDF: a build formats one PDF however many layouts the page planner tried,
and a watch rebuild does not compress the pages it took from the last build again."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase import pdfdoc

import dokureport.pipeline as pipeline
from dokureport.core.options import BuildOptions
from dokureport.core.resources import sample_event_dir
from dokureport.pipeline import build_brochure
from tests.helpers import pdftotext


def test_a_layout_the_planner_replaces_is_never_formatted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The sample's A5 booklet is planned anew (its pages are no multiple of four at
    # first): each layout but the last is only read by the planner, never written.
    layouts: list[int] = []
    formatted: list[int] = []
    real_lay_out, real_format = pipeline.lay_out, pdfdoc.PDFDocument.format

    def lay_out(*args, **kwargs):  # type: ignore[no-untyped-def]
        pages = real_lay_out(*args, **kwargs)
        layouts.append(pages)
        return pages

    def format_(self):  # type: ignore[no-untyped-def]
        formatted.append(len(self.Pages.pages))
        return real_format(self)

    monkeypatch.setattr(pipeline, "lay_out", lay_out)
    monkeypatch.setattr(pdfdoc.PDFDocument, "format", format_)
    out = tmp_path / "b.pdf"
    result = build_brochure(sample_event_dir(), out,
                            BuildOptions(paper="a5", booklet=True, jobs=2, cache_dir=None))
    assert len(layouts) >= 2
    assert formatted == [layouts[-1]] == [result.pages]
    text = pdftotext(out)
    assert text.count("\f") == result.pages
    assert "Impressum" in text or "Imprint" in text
