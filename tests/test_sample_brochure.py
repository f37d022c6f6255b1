"""The sample brochure, read back from its PDF: every seed text, fonts, photos, links, outline."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pypdf import PdfReader

from dokureport.core.resources import sample_event_dir
from tests.conftest import captions_under_images, squash

# The event's web page as text, copied into the repository; its first lines name the source.
SEED = Path(__file__).parent / "seed" / "event-page.txt"

# Lines of the seed page that are web-page furniture, not content of the event:
# field labels, slideshow counters, the video player's label and cookie consent.
# The date line is rebuilt from start and end and checked on its own below.
NOT_CONTENT = {
    "Art:", "Datum:", "Video", "Ansprechperson",
    "Dienstag, 29. Oktober 2019 - 12:00 bis Donnerstag, 31. Oktober 2019 - 12:45",
}


def _seed_texts() -> list[str]:
    texts = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):  # the copy's notes on its source
            continue
        line = line.strip().rstrip(",")
        if (not line or line in NOT_CONTENT or line.startswith(("Video of ", "Mit dem Klick auf"))
                or line.endswith("/9")):
            continue
        # "- Großstadtnetzwerk" is a list bullet; "Im Landschaftspark …" a phrase around the name.
        line = line.removeprefix("- ").removeprefix("Im ")
        if " | " in line:
            # "Format: Topic | Title": the page's separators, not the talk's words.
            kind, title = line.split(" | ", 1)
            texts += [*kind.split(": "), title]
        else:
            texts.append(line)
    return texts


@pytest.mark.parametrize("text", _seed_texts())
def test_sample_contains_every_text_of_the_seed_page(sample_words: str, text: str) -> None:
    assert squash(text) in sample_words


@pytest.fixture(scope="module")
def sample_words(sample_pdf: Path, sample_text: list[str]) -> str:
    """The whole brochure's text, squashed, read also per column and per photo caption.

    Contact cards and captions stand side by side: line-by-line extraction interleaves them.
    """
    captions = [caption for _, caption in captions_under_images(sample_pdf)]
    halves = []
    with pdfplumber.open(sample_pdf) as pdf:
        for page in pdf.pages:
            for x0, x1 in ((0, page.width / 2), (page.width / 2, page.width)):
                halves.append(page.crop((x0, 0, x1, page.height)).extract_text() or "")
    return squash("".join(sample_text + halves + captions))


def test_seed_page_is_read_with_its_content() -> None:
    # Guards the parametrisation above from silently shrinking.
    texts = _seed_texts()
    assert len(texts) >= 30
    assert any(t.startswith("Armutsgefährdung und Bildungsbenachteiligung") for t in texts)


def test_cover_states_dates_as_germans_write_them(sample_text: list[str]) -> None:
    cover = " ".join(sample_text[0].split())
    assert ("Dienstag, 29. Oktober 2019, 12:00 Uhr – Donnerstag, 31. Oktober 2019, 12:45 Uhr"
            in cover)
    assert "Dokumentation des Großstadtnetzwerks" in cover
    assert "Emscherstraße 71" in cover and "47137 Duisburg" in cover


def test_every_font_is_embedded(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        fonts = {}
        for page in pdf.pages:
            for name, font in _fonts_of(page.obj):
                fonts[name] = font
        assert fonts, "no fonts found"
        for name, font in fonts.items():
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descriptor = font["/DescendantFonts"][0]["/FontDescriptor"]
            assert descriptor is not None, f"{name} has no descriptor (a base-14 font?)"
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
        base_names = {str(f.get("/BaseFont")) for f in fonts.values()}
        assert not any("Helvetica" in n or "Times" in n for n in base_names)
        assert any("NotoSans-Regular" in n for n in base_names)
        assert any("NotoSans-Bold" in n for n in base_names)
        assert any("NotoSans-Italic" in n for n in base_names)


def _fonts_of(obj: pikepdf.Object, seen: set | None = None):
    seen = set() if seen is None else seen
    resources = obj.get("/Resources")
    if resources is None:
        return
    yield from (resources.get("/Font") or {}).items()
    for _, xobject in (resources.get("/XObject") or {}).items():
        key = xobject.objgen
        if key in seen:
            continue
        seen.add(key)
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts_of(xobject, seen)


def _heads(page_text: str, title: str) -> bool:
    """Whether `title` is a line of its own on the page: a section starts there (at the
    top of the page, or running on after the section before)."""
    return title in (line.strip() for line in page_text.splitlines())


def test_all_nine_photos_are_in_the_gallery(sample_pdf: Path, sample_text: list[str]) -> None:
    gallery_pages = [i for i, text in enumerate(sample_text) if _heads(text, "Fotogalerie")]
    assert gallery_pages
    with pdfplumber.open(sample_pdf) as pdf:
        images = [img for i in range(gallery_pages[0], len(pdf.pages))
                  for img in pdf.pages[i].images]
    assert len(images) >= 9
    with pdfplumber.open(sample_pdf) as pdf:
        assert len(pdf.pages[0].images) >= 2  # cover photo and logo


def test_outline_has_every_section(sample_pdf: Path) -> None:
    reader = PdfReader(sample_pdf)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["Inhalt", "Einführung", "Programm", "Vorträge", "Fotogalerie", "Videos",
                      "Ansprechpersonen", "Referentinnen und Referenten", "Impressum"]
    nested = [item for item in reader.outline if isinstance(item, list)]
    talk_titles = [i.title for group in nested for i in group]
    assert any(t.startswith("Kommunale Präventionsketten") for t in talk_titles)
    assert "Dienstag, 29. Oktober 2019" in talk_titles


def _links(pdf_path: Path) -> list[tuple[int, dict]]:
    reader = PdfReader(pdf_path)
    out = []
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link":
                out.append((number, annot))
    return out


def test_video_link_is_clickable(sample_pdf: Path) -> None:
    uris = [a["/A"]["/URI"] for _, a in _links(sample_pdf) if "/A" in a and "/URI" in a["/A"]]
    assert "https://www.youtube.com/@DKJStiftung" in uris


def test_agenda_items_link_to_their_talks_pages(sample_pdf: Path) -> None:
    reader = PdfReader(sample_pdf)
    sections = {i.title: reader.get_destination_page_number(i)
                for i in reader.outline if not isinstance(i, list)}
    # The talks are the entries under "Vorträge" (the list after it in the outline).
    outline = list(reader.outline)
    talks = outline[next(n for n, i in enumerate(outline)
                         if not isinstance(i, list) and i.title == "Vorträge") + 1]
    talk_pages = {i.title: reader.get_destination_page_number(i) for i in talks}
    assert len(talk_pages) == 3
    # The agenda's last page may be where the talks begin (they run on).
    agenda = range(sections["Programm"], sections["Vorträge"] + 1)
    targets = set()
    for number, annot in _links(sample_pdf):
        dest = annot.get("/Dest")
        if number in agenda and dest is not None:
            targets.add(reader.get_page_number(dest[0].get_object()))
    assert targets == set(talk_pages.values())


def test_table_of_contents_gives_each_sections_page(sample_text: list[str]) -> None:
    toc = sample_text[1]
    assert toc.startswith("Inhalt")
    for title in ("Einführung", "Programm", "Vorträge", "Fotogalerie", "Impressum"):
        line = next(line for line in toc.splitlines() if line.startswith(title))
        page = int(line.split()[-1])
        assert _heads(sample_text[page - 1], title), (title, page)


def test_footer_numbers_every_page_but_the_cover(sample_pdf: Path) -> None:
    with pdfplumber.open(sample_pdf) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            bottom = page.within_bbox((0, page.height - 60, page.width, page.height))
            words = [w["text"] for w in bottom.extract_words()]
            if number == 1:
                assert str(number) not in words
            else:
                assert words[-1] == str(number) or str(number) in words, (number, words)


def test_document_metadata(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == "Dokumentation des Großstadtnetzwerks"
        assert str(info["/Author"]) == "Deutsche Kinder- und Jugendstiftung"
        assert str(info["/Subject"]).startswith("Strategien zur Verbesserung")
        assert str(pdf.Root["/Lang"]) == "de-DE"


def test_imprint_collects_photo_credits_and_build_date(sample_text: list[str]) -> None:
    last = sample_text[-1]
    assert _heads(last, "Impressum")  # the imprint is on the back (after what runs on)
    imprint = " ".join(last[last.index("Impressum\n"):].split())
    # The cover photo is gallery photo 7: the credit names both, by what the reader sees.
    assert "Titelbild und Fotos 1–9: © Scheffka/DKJS" in imprint
    assert "Deutsche Kinder- und Jugendstiftung" in imprint
    assert "Stand:" in imprint


def test_justified_german_text_is_hyphenated(sample_text: list[str]) -> None:
    intro = next(t for t in sample_text if t.startswith("Einführung"))
    # Real syllable breaks, printed "-" and read as a soft hyphen (U+00AD).
    assert any(line.endswith("\xad") for line in intro.splitlines())


def test_sample_folder_is_small() -> None:
    size = sum(p.stat().st_size for p in sample_event_dir().rglob("*") if p.is_file())
    assert size < 5 * 1024 * 1024


@pytest.mark.slow
def test_qr_codes_scan_to_their_links(sample_pdf: Path, tmp_path: Path) -> None:
    pdftoppm, zbarimg = shutil.which("pdftoppm"), shutil.which("zbarimg")
    assert pdftoppm and zbarimg, "poppler-utils and zbar-tools: scripts/dev.py test installs them"
    subprocess.run([pdftoppm, "-r", "150", "-png", str(sample_pdf), str(tmp_path / "p")],
                   check=True)
    found = set()
    for png in sorted(tmp_path.glob("p-*.png")):
        scan = subprocess.run([zbarimg, "-q", "--raw", str(png)], capture_output=True,
                              text=True)
        found |= {line for line in scan.stdout.splitlines() if line}
    assert found == {"https://www.youtube.com/@DKJStiftung",
                     "https://www.example.org/grossstadtnetzwerk-2019/mavroudis.pdf"}
