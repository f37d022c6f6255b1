"""What the brochure prints for events other than the sample: sections, languages, scripts."""

from __future__ import annotations

import subprocess

import pdfplumber
import pikepdf
from pypdf import PdfReader

from tests.conftest import every_text_field, minimal_event, squash


def _text(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _outline(path) -> list[str]:
    return [i.title for i in PdfReader(path).outline if not isinstance(i, list)]


def test_sections_without_data_are_left_out(make_event, build) -> None:
    out, result = build(make_event(minimal_event()))
    assert _outline(out) == ["Inhalt", "Impressum"]
    # The short contents and the imprint share a page rather than make two near-empty ones.
    assert result.pages == 2


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
    event = every_text_field(NASTY)
    out, _ = build(make_event(event))
    _assert_literal_and_inert(out, NASTY)


def test_script_and_file_links_stay_inert_even_past_validation(tmp_path) -> None:
    # The layout alone keeps them inert, whatever validation let through.
    import datetime as dt

    from dokureport.assets import ImagePreparer
    from dokureport.compose import lay_out
    from dokureport.core.options import BuildOptions
    from dokureport.event.model import Event
    from dokureport.layout.context import LayoutContext

    nasty = (NASTY + ' <a href="javascript:alert(1)">klick</a> [lokal](file:///etc/passwd)'
             ' [skript](javascript:alert(1)) <img src="file:///etc/passwd"/>')
    event = Event.model_validate(every_text_field(nasty)).model_copy(update={"folder": tmp_path})
    out = tmp_path / "direct.pdf"
    with ImagePreparer(dpi=150) as images:
        ctx = LayoutContext(event=event, options=BuildOptions(), images=images,
                            build_date=dt.date(2024, 3, 5))
        lay_out(ctx, out)
    _assert_literal_and_inert(out, nasty)


NASTY = ('Q&A <Teil 1> <b>fett</b> <img src="/etc/passwd"/> &amp; <font color="red">x</font>'
         ' <a href="https://evil.example/">klick</a> <link href="#x">f</link> <br/>')


def _assert_literal_and_inert(out, nasty: str) -> None:
    # It prints literally...
    # squash() also drops quotes: straight ones are set as „typographic“ ones on purpose.
    squashed = squash(_text(out))
    expected = squash(nasty)
    # Title, subtitle, intro, kind, venue (twice), organiser, agenda (4), talk (6), video (2),
    # contact (4), footer on every page: at least 20 literal copies.
    assert squashed.count(expected) >= 20
    # ...and executes nothing: no image was read, no script or file link was made.
    with pikepdf.open(out) as pdf:
        for page in pdf.pages:
            assert not list((page.Resources.get("/XObject") or {}).keys())
            for annot in page.get("/Annots") or []:
                action = annot.get("/A") or {}
                assert action.get("/S") in (None, "/URI", "/GoTo"), action
                uri = str(action.get("/URI", ""))
                assert not uri or uri.startswith("https://"), uri
        raw = pdf.Root.to_json()
        assert b"JavaScript" not in raw and b"/Launch" not in raw


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


def test_a_photo_too_small_for_its_place_is_a_warning(make_event, build) -> None:
    from PIL import Image

    folder = make_event(minimal_event(photos={"items": [
        {"file": "photos/small.jpg", "caption": "Klein", "cover": True},
        {"file": "photos/large.jpg", "caption": "Groß"},
    ]}))
    Image.effect_noise((300, 200), 40).convert("RGB").save(folder / "photos" / "small.jpg")
    Image.effect_noise((2400, 1600), 40).convert("RGB").save(folder / "photos" / "large.jpg")
    _, result = build(folder)
    low = [w for w in result.warnings if "dpi at its printed size" in w.message]
    # The small photo across the cover is far below 100 dpi; in the gallery it is fine,
    # and so is the large one: one warning, at the key that named the small photo.
    assert [w.key_path for w in low] == ["photos.items[0].file"]
    assert "'photos/small.jpg'" in low[0].message


def test_hebrew_and_arabic_names_read_right_to_left(make_event, build) -> None:
    event = minimal_event(contacts=[{"name": "שרה כהן"}, {"name": "سلمى"}])
    out, result = build(make_event(event))
    assert not result.warnings
    with pdfplumber.open(out) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]

    def drawn(wanted) -> str:
        """The characters as drawn, left to right."""
        return "".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])
                       if wanted(c["text"]))

    # Hebrew: drawn from right to left, so left to right it reads reversed.
    assert drawn(lambda t: "\u05d0" <= t <= "\u05ea") == "שרה כהן"[::-1].replace(" ", "")
    # Arabic: joined by HarfBuzz in Noto Sans Arabic, bold as a contact's name is, and read
    # back as typed.
    assert any(c["fontname"].endswith("NotoSansArabic-Bold") for c in chars)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "سلمى" in text
