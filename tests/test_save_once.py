"""Writing the PDF: a build formats one PDF however many layouts the page planner tried,
and a watch rebuild does not compress the pages it took from the last build again, nor
format again the outline entries that stayed as they were."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from reportlab.pdfbase import pdfdoc

import dokureport.pipeline as pipeline
from dokureport.core.options import BuildOptions
from dokureport.core.resources import sample_event_dir
from dokureport.pipeline import build_brochure
from tests.conftest import SAMPLE
from tests.helpers import pdftotext, watch_session


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


def test_a_rebuild_compresses_only_the_pages_it_laid_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A watch rebuild after a one-word edit takes most pages from the last build: their
    # content streams are those the last build compressed, and are not compressed again.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    out = tmp_path / "watch.pdf"
    session, lines = watch_session(folder, out, tmp_path / "cache")
    assert session.build()[0] is not None, lines
    first = out.read_bytes()
    compressed: list[str] = []
    real_encode = pdfdoc.PDFStreamFilterZCompress.encode

    def encode(self, text):  # type: ignore[no-untyped-def]
        # A page's content; fonts and images are bytes, a font's character map begins so.
        if isinstance(text, str) and not text.startswith("/CIDInit"):
            compressed.append(text)
        return real_encode(self, text)

    monkeypatch.setattr(pdfdoc.PDFStreamFilterZCompress, "encode", encode)
    links_formatted: list[object] = []
    real_dict = pdfdoc.LinkAnnotation.Dict

    def link_dict(self):  # type: ignore[no-untyped-def]
        links_formatted.append(self)
        return real_dict(self)

    monkeypatch.setattr(pdfdoc.LinkAnnotation, "Dict", link_dict)
    event = folder / "event.yaml"
    text = event.read_text(encoding="utf-8")
    old = "Präventionsketten und Bildungslandschaften sind"
    assert old in text
    event.write_text(text.replace(old, "Präventionsketten und kommunale "
                                       "Bildungslandschaften sind", 1), encoding="utf-8")
    results = session.build()[0]
    assert results is not None, lines
    result = results[0]
    assert out.read_bytes() != first
    assert "kommunale" in pdftotext(out)
    assert 0 < result.pages_laid_out < result.pages - 4
    # Pages laid out are drawn anew (and each layout pass draws its own); the pages
    # taken over keep their compressed bytes.
    assert 0 < len(compressed) <= result.pages_laid_out, (len(compressed), result)
    # So do the links into the document on those pages (agenda, contents, index).
    with pikepdf.open(out) as pdf:
        links = [annot for page in pdf.pages for annot in page.get("/Annots", ())
                 if "/Dest" in annot]
    assert len(links) >= 10
    assert len(links_formatted) < len(links) / 2, (len(links_formatted), len(links))


def test_a_links_kept_bytes_follow_the_number_of_the_page_it_names(tmp_path: Path) -> None:
    # A link's bytes are reused only while its destination page keeps its object number
    # (a take-over keeps the numbering; were it to change, the link is formatted anew).
    from dokureport.engine.canvas import BrochureCanvas

    canvas = BrochureCanvas(str(tmp_path / "l.pdf"), tagged=False, invariant=1)
    canvas.linkRect("", "there", (10, 10, 50, 20), relative=0)
    canvas.showPage()
    canvas.bookmarkPage("there")
    canvas.showPage()
    doc = canvas._doc
    link = doc.idToObject["Annot.NUMBER1"]
    first = link.format(doc)
    number, version = doc.idToObjectNumberAndVersion["Page2"]
    assert f"{number} {version} R".encode() in first
    assert link.format(doc) == first
    doc.idToObjectNumberAndVersion["Page2"] = (number + 40, 0)
    again = link.format(doc)
    assert f"{number + 40} 0 R".encode() in again and again != first


def _outlined(path: Path, titles: list[str]) -> bytes:
    """A two-page PDF whose outline has an entry per title, each on page 2."""
    from dokureport import engine
    from dokureport.engine.canvas import BrochureCanvas

    engine.install()
    canvas = BrochureCanvas(str(path), tagged=False, invariant=1)
    canvas.showPage()
    for n, title in enumerate(titles):
        canvas.bookmarkPage(f"k{n}")
        canvas.addOutlineEntry(title, f"k{n}", level=0)
    canvas.showPage()
    canvas.save()
    return path.read_bytes()


def test_an_outline_entry_is_formatted_once_while_its_title_and_references_stay(
        tmp_path: Path) -> None:
    # reportlab makes the outline's entries anew at every save; their bytes are kept by
    # what they are made of: title, count and the numbers of the objects they name.
    from dokureport.engine import streams

    before = streams.outline_formatted
    first = _outlined(tmp_path / "a.pdf", ["Einführung", "Vorträge", "Impressum"])
    assert streams.outline_formatted - before == 3
    again = _outlined(tmp_path / "b.pdf", ["Einführung", "Vorträge", "Impressum"])
    assert again == first
    assert streams.outline_formatted - before == 3  # every entry's bytes were kept
    # A new first entry: the others name other neighbours (and all other numbers), and
    # are formatted anew, to what reportlab writes.
    other = _outlined(tmp_path / "c.pdf", ["Grußwort", "Einführung", "Vorträge", "Impressum"])
    assert streams.outline_formatted - before == 7
    with pikepdf.open(tmp_path / "c.pdf") as pdf, pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == [
            "Grußwort", "Einführung", "Vorträge", "Impressum"]
        assert all(item.destination[0].objgen == pdf.pages[1].objgen
                   for item in outline.root)
    assert other != first


def test_a_rebuild_formats_only_the_outline_entries_that_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dokureport.engine import streams

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    out = tmp_path / "watch.pdf"
    session, _ = watch_session(folder, out, tmp_path / "cache")
    monkeypatch.setattr(streams, "_outline_bytes", {})  # none kept from earlier tests
    before = streams.outline_formatted
    assert session.build()[0] is not None
    first = streams.outline_formatted - before
    event = folder / "event.yaml"
    text = event.read_text(encoding="utf-8")
    old = "Präventionsketten und Bildungslandschaften sind"
    event.write_text(text.replace(old, "Präventionsketten und kommunale "
                                       "Bildungslandschaften sind", 1), encoding="utf-8")
    before = streams.outline_formatted
    assert session.build()[0] is not None
    with pikepdf.open(out) as pdf, pdf.open_outline() as outline:
        entries = 0
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            entries += 1
            stack += list(item.children)
    assert entries >= 10
    assert first >= entries  # the first build formats every entry
    assert streams.outline_formatted - before < entries / 2
