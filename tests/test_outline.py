"""The PDF outline (bookmarks): the headings' printed text, a correct count, shown on open."""

from __future__ import annotations

import pikepdf

from tests.conftest import minimal_event

TITLE = 'Präventionsketten - "zwei Seiten einer Medaille" für Q&A <Teil 1> mit דוד כהן'


def _entries(item, depth=0) -> list[tuple[int, str, object]]:
    out = []
    while item is not None:
        out.append((depth, str(item.Title), item.get("/Count")))
        if "/First" in item:
            out += _entries(item.First, depth + 1)
        item = item.get("/Next")
    return out


def _visible(item) -> int:
    """Open entries at every level, counted as the PDF spec defines the root's /Count."""
    count = 0
    while item is not None:
        count += 1
        if "/First" in item and int(item.get("/Count", 0)) > 0:
            count += _visible(item.First)
        item = item.get("/Next")
    return count


def _event() -> dict:
    return minimal_event(
        intro="Einleitung.",
        agenda=[{"date": "2024-03-05", "items": [{"time": "09:00", "title": "x", "talk": "t"},
                                                 {"time": "10:00", "title": "y", "talk": "u"}]}],
        talks=[{"id": "t", "title": TITLE, "abstract": "Text."},
               {"id": "u", "title": "Bildungsberichterstattungsverfahren", "abstract": "x"}])


def test_bookmarks_show_the_printed_heading_text(make_event, build) -> None:
    out, _ = build(make_event(_event()))
    with pikepdf.open(out) as pdf:
        titles = [title for _, title, _ in _entries(pdf.Root.Outlines.First)]
    # In logical order, as typed: a reader's outline applies the bidirectional algorithm.
    printed = ("Präventionsketten – „zwei Seiten einer Medaille“ für Q&A <Teil 1> "
               "mit דוד כהן")
    assert printed in titles
    assert "Bildungsberichterstattungsverfahren" in titles
    for title in titles:
        assert "\xad" not in title and '"' not in title and " - " not in title, title
        assert "&amp;" not in title and "<font" not in title, title


def test_the_outline_count_is_the_number_of_visible_entries(make_event, build) -> None:
    out, _ = build(make_event(_event()))
    with pikepdf.open(out) as pdf:
        outlines = pdf.Root.Outlines
        entries = _entries(outlines.First)
        assert any(depth == 1 for depth, _, _ in entries)  # entries with children exist
        assert int(outlines.Count) == _visible(outlines.First) == len(entries)
        assert pdf.Root.PageMode == "/UseOutlines"


def test_the_sample_outline(sample_pdf) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        outlines = pdf.Root.Outlines
        entries = _entries(outlines.First)
        assert int(outlines.Count) == len(entries) == 15  # with the speaker index
        titles = [t for _, t, _ in entries]
        assert any("– „zwei Seiten einer Medaille“ bei" in t for t in titles), titles
