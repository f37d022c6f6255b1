"""Valid but extreme input never crashes the layout (no LayoutError reaches a user)."""

from __future__ import annotations

import pdfplumber
import pikepdf
import pytest
from PIL import Image

from dokureport.core.limits import MAX_PARAGRAPH, MAX_TITLE, MAX_WORD
from tests.conftest import every_text_field, minimal_event

# The longest word a text may hold (docs/validation.md, Limits): 300 characters.
LONG_WORD = ("Donaudampfschifffahrtsgesellschaft" * 60)[:MAX_WORD]
# 3,010 words, in paragraphs of at most MAX_PARAGRAPH characters (70 sentences each).
_SENTENCE = "Kommunale Präventionsketten verbinden Angebote vor Ort."
ABSTRACT = "\n\n".join([" ".join([_SENTENCE] * 70)] * 6 + [" ".join([_SENTENCE] * 10)])


def _pages(path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def test_a_word_at_the_limit_in_every_kind_of_field(make_event, build) -> None:
    event = every_text_field(
        LONG_WORD,
        talks=[{"id": "t", "title": LONG_WORD, "format": LONG_WORD, "abstract": LONG_WORD,
                "slides": "https://example.org/" + "x" * 300,
                "speakers": [{"name": LONG_WORD, "role": LONG_WORD}]}],
        videos=[{"title": LONG_WORD, "url": "https://example.org/" + "v" * 500,
                 "description": LONG_WORD}],
        photos={"items": [{"file": "photos/01.jpg", "caption": LONG_WORD, "credit": LONG_WORD}]},
    )
    out, _ = build(make_event(event, ("01.jpg",)))
    assert _pages(out) >= 8


@pytest.mark.slow
def test_a_400_item_agenda_day_and_a_3000_word_abstract(make_event, build) -> None:
    items = [{"time": f"{8 + i // 60 % 12}:{i % 60:02d}", "title": f"Programmpunkt {i}"}
             for i in range(400)]
    event = minimal_event(agenda=[{"date": "2024-03-05", "items": items}],
                          talks=[{"title": "Lang", "abstract": ABSTRACT}])
    out, _ = build(make_event(event))
    with pdfplumber.open(out) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "Programmpunkt 399" in text
    assert _pages(out) > 15


def test_titles_of_pages_length_print_whole_and_shorten_in_the_contents(make_event,
                                                                         build) -> None:
    # A 400-word title once made reportlab break pages without end (the heading was kept
    # with what follows) and could not fit a contents row (a LayoutError). Titles are at
    # most 500 characters now: the longest still does not fit a contents row.
    words = [f"Wort{i} Entwicklungszusammenarbeit" for i in range(400)]
    title = " ".join(words)[:MAX_TITLE].rsplit(" ", 1)[0]
    last = title.split()[-1] if title.split()[-1].startswith("Wort") else title.split()[-2]
    event = minimal_event(talks=[{"title": title, "abstract": "Kurz."}],
                          videos=[{"title": title, "url": "https://example.org/v"}])
    out, _ = build(make_event(event))
    with pdfplumber.open(out) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    text = " ".join(pages)
    assert last in text and "Kurz." in text
    # The contents, up to the section that may run on below it.
    contents = pages[1].split("\nVorträge\n")[0]
    assert "Wort0 Entwicklungszusammenarbeit" in contents and last not in contents
    assert "…" in contents


def test_an_enormous_caption_stays_on_its_photos_page(make_event, build) -> None:
    caption = " ".join(["Beim Stadtteilspaziergang durch Duisburg-Marxloh."] * 400)
    caption = caption[:MAX_PARAGRAPH].rsplit(" ", 1)[0]  # the longest a caption may be
    event = minimal_event(photos={"items": [{"file": "photos/01.jpg", "caption": caption}]})
    out, _ = build(make_event(event, ("01.jpg",)))
    with pdfplumber.open(out) as pdf:
        pages = [p for p in pdf.pages if p.images]
        assert len(pages) == 1
        assert "Beim Stadtteilspaziergang" in (pages[0].extract_text() or "")


def test_extreme_photo_shapes_build(make_event, build, tmp_path) -> None:
    folder = make_event(minimal_event(photos={"items": [
        {"file": "photos/wide.jpg", "caption": "Panorama"},
        {"file": "photos/tall.jpg", "caption": "Sehr schmales Hochformat mit Bildunterschrift"},
        {"file": "photos/dot.png", "caption": "Ein Pixel"},
    ]}))
    Image.new("RGB", (8000, 120), "navy").save(folder / "photos" / "wide.jpg")
    Image.new("RGB", (60, 6000), "teal").save(folder / "photos" / "tall.jpg")
    Image.new("RGB", (1, 1), "red").save(folder / "photos" / "dot.png")
    out, _ = build(folder)
    with pdfplumber.open(out) as pdf:
        images = [img for page in pdf.pages[1:] for img in page.images]
        assert len(images) == 3
        for img in images:
            assert img["x0"] >= 0 and img["x1"] <= pdf.pages[0].width


def test_slivers_are_cropped_to_a_showable_shape(make_event, build) -> None:
    folder = make_event(minimal_event(photos={"items": [
        {"file": "photos/tall.jpg", "caption": "Schmal"},
        {"file": "photos/01.jpg", "caption": "Normal"},
    ]}), ("01.jpg",))
    Image.new("RGB", (60, 6000), "teal").save(folder / "photos" / "tall.jpg")
    out, _ = build(folder)
    with pdfplumber.open(out) as pdf:
        [narrow, normal] = sorted(pdf.pages[-2].images, key=lambda i: i["width"])
    assert narrow["width"] / narrow["height"] == pytest.approx(0.5, rel=0.01)
    assert normal["width"] / normal["height"] == pytest.approx(640 / 427, rel=0.01)
