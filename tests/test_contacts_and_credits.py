"""Contact portraits, and photo credits that cite numbers the gallery shows."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image
from reportlab.lib.units import mm

from tests.conftest import minimal_event, squash


def _photo(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, quality=90)


def _contacts_event(make_event, **extra: object) -> Path:
    folder = make_event(minimal_event(contacts=[
        {"name": "Anna Breit", "role": "Querformat", "photo": "people/wide.jpg"},
        {"name": "Ben Hoch", "role": "Hochformat", "photo": "people/tall.jpg"},
        {"name": "Cem Ohne", "role": "Kein Foto"},
    ], **extra))
    _photo(folder / "people" / "wide.jpg", (900, 450), (200, 80, 60))
    _photo(folder / "people" / "tall.jpg", (300, 700), (60, 80, 200))
    return folder


def _contacts_page(out: Path) -> tuple[list[dict], list[dict]]:
    """(images, words) of the page with the contact cards."""
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages[1:]:
            words = page.extract_words()
            if any(w["text"] == "Breit" for w in words):
                return page.images, words
    raise AssertionError("no contacts page")


def _word(words: list[dict], text: str) -> dict:
    return next(w for w in words if w["text"] == text)


def test_portraits_have_one_shape_and_stand_beside_their_names(make_event, build) -> None:
    out, result = build(_contacts_event(make_event))
    images, words = _contacts_page(out)
    assert len(images) == 2, "one portrait per contact with a photo, none for the other"
    for image in images:
        assert image["width"] == pytest.approx(20 * mm, abs=0.5)
        assert image["height"] == pytest.approx(25 * mm, abs=0.5)
    for surname, image in zip(("Breit", "Hoch"), sorted(images, key=lambda i: i["x0"]),
                              strict=True):
        name = _word(words, surname)
        # Beside the text, its top level with the name's first line.
        assert image["x1"] < name["x0"]
        assert abs(image["top"] - name["top"]) < 4
    # The text of a card without a photo starts where a portrait would: no empty slot.
    left_portrait = min(images, key=lambda i: i["x0"])
    assert _word(words, "Cem")["x0"] == pytest.approx(left_portrait["x0"], abs=1)
    # Both cropped to 4:5 from a landscape and a tall original, not squeezed: the pixels
    # embedded have the shape of the box.
    with pikepdf.open(out) as pdf:
        shapes = sorted(round(int(o["/Width"]) / int(o["/Height"]), 2) for o in pdf.objects
                        if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image")
    assert shapes == [0.8, 0.8]
    assert not result.warnings


def test_cards_too_narrow_for_a_portrait_beside_go_one_a_row_on_a5(make_event, build) -> None:
    out, _ = build(_contacts_event(make_event), paper="a5")
    images, words = _contacts_page(out)
    first, second = sorted(images, key=lambda i: i["top"])
    for surname, image in (("Breit", first), ("Hoch", second)):
        name = _word(words, surname)
        assert image["x1"] < name["x0"]  # beside its text, not above it
        assert abs(image["top"] - name["top"]) < 4
    assert second["top"] > first["bottom"]  # one card under the other
    assert second["x0"] == pytest.approx(first["x0"], abs=0.5)


def test_a_small_portrait_warns_at_its_key_like_every_photo(make_event, build) -> None:
    folder = make_event(minimal_event(contacts=[{"name": "Klein", "photo": "tiny.jpg"}]))
    _photo(folder / "tiny.jpg", (40, 50), (120, 120, 120))
    _, result = build(folder)
    [warning] = [w for w in result.warnings if "dpi" in w.message]
    assert warning.key_path == "contacts[0].photo"
    assert "'tiny.jpg'" in warning.message


def _credits_event(lang: str) -> dict:
    return minimal_event(lang=lang, photos={"credit": "© Haus", "items": [
        {"file": "photos/01.jpg", "caption": "Erstes"},
        {"file": "photos/02.jpg", "alt": "Ziegel", "credit": "© Anna"},
        {"file": "photos/03.jpg", "alt": "Tasse"},
        {"file": "photos/06.jpg", "caption": "Katze", "credit": "© Ben", "cover": True},
        {"file": "photos/08.jpg", "caption": "Gras", "credit": "© Ben"},
    ]})


@pytest.mark.parametrize(("lang", "expected"), [
    ("de", ["Fotos 1, 3: © Haus", "Foto 2: © Anna", "Titelbild und Fotos 4, 5: © Ben"]),
    ("en", ["Photos 1, 3: © Haus", "Photo 2: © Anna", "Cover and photos 4, 5: © Ben"]),
])
def test_credits_cite_the_gallery_numbers_in_singular_or_plural(
        make_event, build, lang: str, expected: list[str]) -> None:
    folder = make_event(_credits_event(lang), ("01.jpg", "02.jpg", "03.jpg", "06.jpg", "08.jpg"))
    out, _ = build(folder)
    with pdfplumber.open(out) as pdf:
        imprint = " ".join((pdf.pages[-1].extract_text() or "").split())
        gallery = pdf.pages[-2]
        # Under each photo, its number opens the first line: caption, or else credit.
        firsts = []
        for image in sorted(gallery.images, key=lambda i: (round(i["top"]), i["x0"])):
            below = [w for w in gallery.extract_words()
                     if image["x0"] - 1 <= w["x0"] < image["x1"]
                     and 0 <= w["top"] - image["bottom"] <= 12]
            firsts.append(" ".join(w["text"] for w in sorted(below, key=lambda w: w["x0"])))
    for line in expected:
        assert line in imprint
    assert [squash(f) for f in firsts] == [squash(t) for t in (
        "1 Erstes", "2 © Anna", "3 © Haus", "4 Katze", "5 Gras")]


def test_one_photo_alone_is_singular(make_event, build) -> None:
    folder = make_event(minimal_event(photos={"items": [
        {"file": "photos/01.jpg", "caption": "Eins", "credit": "© Solo"}]}), ("01.jpg",))
    out, _ = build(folder)
    with pdfplumber.open(out) as pdf:
        imprint = " ".join((pdf.pages[-1].extract_text() or "").split())
    assert "Foto 1: © Solo" in imprint and "Fotos" not in imprint
