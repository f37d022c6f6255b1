"""The photo gallery: justified rows, and captions that stay directly under their photos."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from dokureport.assets import ImageRequest
from dokureport.layout.flowables import PhotoCell, PhotoRow
from dokureport.layout.photos import justified_rows
from tests.conftest import SAMPLE, captions_under_images, minimal_event, squash

PHOTOS = ("01.jpg", "02.jpg", "03.jpg", "04.jpg", "05.jpg", "06.jpg", "07.jpg", "08.jpg",
          "09.jpg")


def test_rows_fill_the_width_and_keep_each_aspect() -> None:
    aspects = [1.5, 1.0, 0.75, 1.33, 1.5]
    rows = justified_rows(aspects, width=480, gutter=12, columns=3, max_height=400)
    assert [len(r) for r in rows] == [3, 2]
    for row in rows:
        assert sum(s.width for s in row) + 12 * (len(row) - 1) == pytest.approx(480)
        assert len({round(s.height, 6) for s in row}) == 1
        for slot in row:
            assert slot.width / slot.height == pytest.approx(aspects[slot.index])


def test_a_lone_portrait_photo_is_capped_not_a_page_tall() -> None:
    rows = justified_rows([0.5], width=480, gutter=12, columns=3, max_height=300)
    assert rows[0][0].height == 300
    assert rows[0][0].width == pytest.approx(150)


def test_no_lone_photo_in_the_last_row() -> None:
    rows = justified_rows([1.5] * 7, width=480, gutter=12, columns=3, max_height=400)
    assert [len(r) for r in rows] == [3, 2, 2]


def test_caption_never_separates_from_photo(make_event, build) -> None:
    # 27 photos with long captions force page breaks inside the gallery.
    items = []
    for n in range(27):
        items.append({
            "file": f"photos/{PHOTOS[n % 9]}",
            "caption": f"Bildunterschrift Nummer {n + 1}: " + "Stadtteilspaziergang " * (n % 5),
        })
    folder = make_event(minimal_event(photos={"credit": "© Test", "items": items}), PHOTOS)
    out, _ = build(folder)
    found = captions_under_images(out)
    # Narrow captions hyphenate: "Bildunter-schrift" is still that word.
    gallery = [(page, text) for page, text in found if "Bildunterschrift" in squash(text)]
    assert len(gallery) == 27
    pages = {page for page, _ in gallery}
    assert len(pages) >= 2, "the test needs a gallery across pages"
    for n in range(27):
        # Each caption opens with the photo's number, the one the imprint's credits cite.
        marker = squash(f"{n + 1} Bildunterschrift Nummer {n + 1}:")
        assert sum(squash(text).startswith(marker) for _, text in gallery) == 1, n


def test_sample_captions_sit_on_their_photos_page_directly_below(sample_pdf) -> None:
    import yaml

    from tests.conftest import SAMPLE

    data = yaml.safe_load((SAMPLE / "event.yaml").read_text(encoding="utf-8"))
    captions = [p.get("caption") for p in data["photos"]["items"]]
    found = captions_under_images(sample_pdf)
    texts = [squash(text) for _, text in found]
    for number, caption in enumerate(captions, start=1):
        # The number, then the caption; a photo without one shows its number (the credit
        # all photos share is in the imprint).
        first = squash(f"{number} {caption or ''}")
        assert sum(t.startswith(first) for t in texts) == 1, (number, caption)


def test_two_columns_take_a_lone_last_photo_into_the_row_before() -> None:
    rows = justified_rows([1.5] * 5, width=300, gutter=10, columns=2, max_height=400)
    assert [len(r) for r in rows] == [2, 3]


def test_a_credit_every_photo_shares_is_printed_once_in_the_imprint(sample_text) -> None:
    # The sample's nine photos are all "© Scheffka/DKJS".
    pages = [n for n, text in enumerate(sample_text) if "Scheffka" in text]
    assert len(pages) == 1
    assert "Impressum" in sample_text[pages[0]]
    assert sum(text.count("Scheffka") for text in sample_text) == 1


def test_without_an_imprint_a_shared_credit_stays_under_each_photo(
        make_event, build, tmp_path) -> None:
    theme = tmp_path / "no-imprint.yaml"
    theme.write_text("sections: [cover, gallery]\nnew_page: [gallery]\n", encoding="utf-8")
    items = [{"file": f"photos/{name}", "caption": f"Foto {name}"} for name in PHOTOS[:3]]
    folder = make_event(minimal_event(photos={"credit": "© Test", "items": items}), PHOTOS)
    out, _ = build(folder, theme=str(theme))
    found = captions_under_images(out)
    assert len(found) == 3
    assert all("© Test" in text for _, text in found)


def test_photos_with_different_credits_keep_theirs_under_each(make_event, build) -> None:
    items = [{"file": f"photos/{name}", "caption": f"Foto {name}"} for name in PHOTOS[:3]]
    items[2]["credit"] = "© Andere"
    folder = make_event(minimal_event(photos={"credit": "© Test", "items": items}), PHOTOS)
    out, _ = build(folder)
    texts = [text for _, text in captions_under_images(out)]
    assert ["© Test" in t for t in texts] == [True, True, False]
    assert "© Andere" in texts[2]


def test_the_gallerys_photos_go_to_the_workers_before_the_talks_are_built(
        make_event, build, monkeypatch) -> None:
    # The talks are most of the work before the gallery: the photo workers must not
    # wait for it. The early requests are the very ones the gallery places (each photo is
    # prepared once, at its placed size).
    from dokureport.assets import preparer as preparer_module
    from dokureport.sections import talks

    submitted: list[object] = []
    at_talks: list[int] = []
    submit = preparer_module.ImagePreparer.submit
    talks_flowables = talks.flowables

    def recording_submit(self, request):  # type: ignore[no-untyped-def]
        submitted.append(request)
        return submit(self, request)

    def recording_talks(ctx):  # type: ignore[no-untyped-def]
        at_talks.append(len({r.source for r in submitted}))
        return talks_flowables(ctx)

    monkeypatch.setattr(preparer_module.ImagePreparer, "submit", recording_submit)
    monkeypatch.setattr(talks, "flowables", recording_talks)
    items = [{"file": f"photos/{name}", "caption": f"Bild {n}"} for n, name in enumerate(PHOTOS)]
    folder = make_event(minimal_event(
        photos={"items": items},
        talks=[{"id": "t", "title": "Vortrag", "abstract": "Text " * 200}]), PHOTOS)
    _, result = build(folder)
    assert at_talks and at_talks[0] >= len(PHOTOS)
    placed = {(p.file.name, p.width_px, p.height_px) for p in result.photos}
    assert len(placed) == len(PHOTOS)
    assert len(set(submitted)) == len(PHOTOS)  # no request that the gallery did not place


class _CountedParagraph(Paragraph):
    wraps = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.wraps += 1
        return super().wrap(availWidth, availHeight)


def _caption_row(caption: str, max_height: float) -> tuple[PhotoRow, list[_CountedParagraph]]:
    photo = SAMPLE / "photos" / "01.jpg"
    style = getSampleStyleSheet()["Normal"]
    texts = [_CountedParagraph(caption, style) for _ in range(2)]
    cells = [PhotoCell(ImageRequest(source=photo, width_pt=120.0, height_pt=80.0), 120.0,
                       80.0, text, None) for text in texts]
    row = PhotoRow(cells, 10.0, None, caption_gap=4.0, max_height=max_height)
    row.canv = Canvas(io.BytesIO())  # what a frame gives a flowable before its wrap
    return row, texts


def test_a_photo_row_wraps_each_caption_that_fits_once() -> None:
    """A gallery of 300 photos wrapped every caption twice each time a row was measured."""
    row, texts = _caption_row("Bild 12 Die Teilnehmenden im großen Saal", 600.0)
    width, height = row.wrap(400.0, 700.0)
    assert [t.wraps for t in texts] == [1, 1]
    assert width == 250.0
    assert height == pytest.approx(80.0 + 4.0 + texts[0].height)


def test_a_caption_too_long_for_its_room_is_set_smaller_under_its_photo() -> None:
    row, texts = _caption_row(" ".join(["Ein sehr langer Bildtext"] * 40), 160.0)
    width, height = row.wrap(400.0, 700.0)
    assert width == 250.0  # both photos side by side at their size
    assert height <= 160.0 + 0.01  # the row's limit: photo, gap and the shrunk caption
    natural = texts[0].wrap(120.0, 1000.0)[1]
    assert natural > 160.0 - 80.0 - 4.0  # it would not have fitted at its size


def test_a_row_measured_again_on_the_same_canvas_wraps_no_caption_again() -> None:
    """A row that did not fit at a page's foot is measured again at the next page's top:
    its captions hold their lines at that size still. Measured at another size, or after
    it was drawn, it wraps them anew."""
    from dokureport.layout.photos import FittingPhotoRow

    row, texts = _caption_row("Bild 12 Die Teilnehmenden im großen Saal", 600.0)
    fitting = FittingPhotoRow(row.cells, 10.0, None, caption_gap=4.0, max_height=600.0,
                              min_scale=0.5)
    canvas = Canvas(io.BytesIO())
    first = fitting.wrapOn(canvas, 400.0, 50.0)  # too little room: it shrinks, then not
    wraps = [t.wraps for t in texts]
    assert fitting.wrapOn(canvas, 400.0, 700.0) == first  # the next page's top
    assert [t.wraps for t in texts] == wraps
    assert first == (250.0, pytest.approx(80.0 + 4.0 + texts[0].height))

    fitting.wrapOn(Canvas(io.BytesIO()), 400.0, 700.0)  # another layout's canvas
    assert [t.wraps for t in texts] == [n + 1 for n in wraps]
    shrunk = fitting.wrapOn(canvas, 400.0, 100.0)  # room for it at a smaller size
    assert shrunk[1] <= 100.0 and fitting.scale < 1.0
    assert fitting.wrapOn(canvas, 400.0, 700.0) == first  # at its size again: wrapped
    assert texts[0].wraps > wraps[0] + 2
