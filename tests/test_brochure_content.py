"""What the brochure prints for events other than the sample: sections, languages, scripts."""

from __future__ import annotations

import pdfplumber
import pikepdf
from pypdf import PdfReader

from tests.conftest import minimal_event, squash


def _text(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _outline(path) -> list[str]:
    return [i.title for i in PdfReader(path).outline if not isinstance(i, list)]


def test_sections_without_data_are_left_out(make_event, build) -> None:
    out, result = build(make_event(minimal_event()))
    assert _outline(out) == ["Inhalt", "Impressum"]
    assert result.pages == 3


def test_english_event_uses_english_labels_and_dates(make_event, build) -> None:
    event = minimal_event(lang="en", intro="Hello.",
                          event={"start": "2024-03-05 09:00", "end": "2024-03-06 16:00"})
    out, _ = build(make_event(event))
    text = " ".join(_text(out).split())
    assert "Tuesday, 5 March 2024, 9:00 – Wednesday, 6 March 2024, 16:00" in text
    assert _outline(out) == ["Contents", "Introduction", "Imprint"]
    with pikepdf.open(out) as pdf:
        assert str(pdf.Root["/Lang"]) == "en-GB"


def test_markup_in_every_text_field_prints_literally(make_event, build) -> None:
    nasty = 'Q&A <Teil 1> <b>fett</b> <img src="/etc/passwd"/> &amp; <font color="red">x</font>'
    event = minimal_event(
        title=nasty, subtitle=nasty, intro=nasty,
        event={"start": "2024-03-05", "kind": nasty,
               "venue": {"name": nasty, "address": [nasty]}},
        organiser={"name": nasty},
        agenda=[{"date": "2024-03-05", "items": [
            {"time": "09:00", "title": nasty, "place": nasty, "people": [nasty], "talk": "t"}]}],
        talks=[{"id": "t", "title": nasty, "format": nasty, "topic": nasty, "abstract": nasty,
                "speakers": [{"name": nasty, "role": nasty, "organisation": nasty}]}],
        videos=[{"title": nasty, "url": "https://example.org/v?a=1&b=2", "description": nasty}],
        contacts=[{"name": nasty, "role": nasty, "city": nasty, "phone": nasty}],
    )
    out, _ = build(make_event(event))
    # squash() also drops quotes: straight ones are set as „typographic“ ones on purpose.
    squashed = squash(_text(out))
    expected = squash(nasty)
    # Title, subtitle, intro, kind, venue (twice), organiser, agenda (4), talk (6), video (2),
    # contact (4), footer on every page: at least 20 literal copies.
    assert squashed.count(expected) >= 20


def test_names_from_every_script_print_with_real_glyphs(make_event, build) -> None:
    names = ["Nguyễn Thị Minh Khai", "Αλέξανδρος Παπαδόπουλος", "Мария Иванова",
             "Zoë Ærøskøbing-Łódź", "王小明", "Ջոն Սմիթ"]
    event = minimal_event(contacts=[{"name": n} for n in names])
    out, result = build(make_event(event))
    text = _text(out)
    for name in names:
        assert name in text, name
    assert not result.warnings
    with pikepdf.open(out) as pdf:
        fonts = {str(f.get("/BaseFont")) for page in pdf.pages
                 for f in (page.Resources.get("/Font") or {}).values()}
    assert any("DroidSansFallback" in f for f in fonts)


def test_a_character_no_font_has_is_a_warning_not_a_box(make_event, build) -> None:
    out, result = build(make_event(minimal_event(title="Fest 🎉")))
    assert any("U+1F389" in str(w) for w in result.warnings)
    assert "Fest" in _text(out)
