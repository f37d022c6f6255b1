"""Every text path of a brochure in many scripts: cover, running footer, contents, agenda,
talks, speaker index, captions and credits, contacts, imprint and outline. Each run is set
in a font that has its glyphs, shaped, and read back in logical order by poppler
(pdftotext) and PDFium."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
import yaml

from dokureport.core.options import BuildOptions
from dokureport.core.resources import fonts_dir, sample_event_dir
from tests.test_accessibility import assert_accessible_and_archival, elements

ARABIC_NAME = "يوسف الحسيني"
HEBREW_NAME = "שרה כהן"
HINDI_NAME = "प्रिया शर्मा"
TAMIL_NAME = "முருகன் சுப்பிரமணியம்"
TITLE = "Free Software Days — أيام البرمجيات الحرة"
SUBTITLE = "Talks in Arabic, עברית, हिन्दी, தமிழ், বাংলা, 日本語 and 中文"
VENUE = "Maison des Savoirs, بيت المعرفة"
CREDIT = "© أحمد علي / Foto: רונית לוי"
TALKS = {  # id: (language, title, speaker)
    "arabic": ("ar", "الافتتاح والترحيب", ARABIC_NAME),
    "hebrew": ("he", "קוד פתוח בישראל", HEBREW_NAME),
    "hindi": ("hi", "मुक्त सॉफ़्टवेयर और समाज", HINDI_NAME),
    "tamil": ("ta", "கட்டற்ற மென்பொருள்", TAMIL_NAME),
    "japanese": ("ja", "オープンソースの未来について", "山田太郎"),
    "chinese": ("zh", "开源软件的未来", "王小明"),
}
ABSTRACTS = {
    # Two lines and more (commas: see assert_reads).
    "arabic": "نرحب بكم في مؤتمرنا السنوي الذي يجمع مطوري البرمجيات الحرة من كل أنحاء "
              "العالم ونتحدث معا عن مستقبل البرمجيات الحرة في المنطقة العربية",
    "hebrew": "עברית היא שפה שמית ממשפחת השפות השמיות והכנס השנה נפתח בתל אביב",
    "hindi": "सम्मेलन में आपका स्वागत है। मुक्त सॉफ़्टवेयर सबके लिए है।",
    "tamil": "மாநாட்டுக்கு வரவேற்கிறோம்.",
    "japanese": "東京で開かれる会議に、世界中から多くの開発者が集まります。",
    "chinese": "我们欢迎所有参加者来到本次会议。",
}
CAPTIONS = [f"{ARABIC_NAME} في الافتتاح", f"{HEBREW_NAME} מציגה את הפרויקט",
            f"{HINDI_NAME} और 山田太郎 in the workshop", "দর্শকরা — the audience"]
EVENT = {
    "lang": "en", "title": TITLE, "subtitle": SUBTITLE,
    "event": {"kind": "Conference", "start": "2024-03-05 09:00", "end": "2024-03-06 17:00",
              "venue": {"name": VENUE, "address": ["Rue de la Loi 42", "1000 Brussels"]}},
    "organiser": {"name": "Free Software Foundation Europe"},
    "intro": f"Speakers from many countries: {ARABIC_NAME} from Amman, {HEBREW_NAME} from "
             f"Haifa, {HINDI_NAME} from Delhi, and 山田太郎 from Tokyo.",
    "agenda": [{"date": "2024-03-05", "items": [
        {"time": f"{9 + n}:00", "title": title, "people": [speaker], "talk": key,
         **({"place": "القاعة الكبرى"} if key == "arabic" else {})}
        for n, (key, (_, title, speaker)) in enumerate(TALKS.items())]}],
    "talks": [{"id": key, "lang": lang, "title": title, "speakers": [{"name": speaker}],
               "abstract": ABSTRACTS[key]} for key, (lang, title, speaker) in TALKS.items()],
    "photos": {"credit": CREDIT, "items": [
        {"file": f"photos/0{n + 4}.jpg", "caption": caption, "alt": caption}
        for n, caption in enumerate(CAPTIONS)]},
    "contacts": [{"name": ARABIC_NAME, "role": "منظم المؤتمر"},
                 {"name": HEBREW_NAME, "city": "חיפה"}],
}


def _build(folder: Path, event: dict) -> Path:
    from dokureport.pipeline import build_brochure

    (folder / "photos").mkdir(parents=True)
    for n in range(4, 8):
        shutil.copy(sample_event_dir() / "photos" / f"0{n}.jpg", folder / "photos")
    (folder / "event.yaml").write_text(yaml.safe_dump(event, allow_unicode=True),
                                       encoding="utf-8")
    out = folder.parent / "brochure.pdf"
    result = build_brochure(folder, out, BuildOptions())
    assert not result.warnings  # no character without a font
    return out


@pytest.fixture(scope="module")
def brochure(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("scripts") / "event", EVENT)


@pytest.fixture(scope="module")
def arabic_brochure(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same programme in a brochure in Arabic: set right to left."""
    event = EVENT | {"lang": "ar", "title": "أيام البرمجيات الحرة",
                     "subtitle": "مؤتمر لمطوري البرمجيات الحرة"}
    return _build(tmp_path_factory.mktemp("scripts-ar") / "event", event)


# Bidi controls are no text: poppler's embeddings, the LRM marks of engine/bidi_lines.
_CONTROLS = dict.fromkeys((0x200E, 0x200F, 0x202A, 0x202B, 0x202C))


@cache
def _pages(pdf: Path) -> tuple[list[list[str]], list[list[str]]]:
    """Each page's lines as poppler and as PDFium read them."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        pdfium = [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
    poppler = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                             check=True).stdout.split("\f")

    def lines(text: str) -> list[str]:
        return [" ".join(line.translate(_CONTROLS).split()) for line in text.splitlines()
                if line.strip()]

    return [lines(p) for p in poppler], [lines(p) for p in pdfium]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


@cache
def _page(pdf: Path, title: str) -> int:
    """The page (0-based) the outline entry `title` (a section, a talk) points to."""
    with pikepdf.open(pdf) as document, document.open_outline() as outline:
        items = list(outline.root)
        while items:
            item = items.pop(0)
            if item.title == title:
                target = item.destination[0] if item.destination is not None else \
                    item.action.D[0]
                return next(n for n, page in enumerate(document.pages)
                            if page.obj.objgen == target.objgen)
            items.extend(item.children)
    raise LookupError(title)


def assert_reads(pdf: Path, page: int, text: str) -> None:
    """Both readers read `text` on the page in logical order: PDFium as it stands, within
    one of its lines or across them; poppler its words in order.

    poppler reads a page in the direction most of its letters have, and a right-to-left
    run in a left-to-right page ends at a ".", "," or ":" (it takes them for parts of a
    number): it reads the Arabic or Hebrew between them in order, the pieces left to
    right. Checked piece by piece.
    """
    poppler, pdfium = _pages(pdf)
    lines = pdfium[page]
    assert any(text in line for line in lines) or text in " ".join(lines), (text, lines)
    found = _words(" ".join(poppler[page]))
    for piece in re.split(r"[.,:]", text):
        words = _words(piece)
        assert any(found[i:i + len(words)] == words for i in range(len(found))), (
            piece, poppler[page])


def test_the_cover_reads_title_subtitle_and_venue(brochure: Path) -> None:
    for text in (TITLE, SUBTITLE, VENUE):
        assert_reads(brochure, 0, text)


def test_the_running_footer_reads_the_title_on_every_page(brochure: Path) -> None:
    _, pdfium = _pages(brochure)
    for page in range(1, len(pdfium)):
        assert_reads(brochure, page, TITLE)


def test_the_contents_read_each_talk_with_its_page_number(brochure: Path) -> None:
    page = _page(brochure, "Contents")
    poppler, pdfium = _pages(brochure)
    talks = _page(brochure, "Talks") + 1
    for _, title, _ in TALKS.values():
        assert_reads(brochure, page, title)
        # A right-to-left title's row has its number too (the callback that draws it was
        # dropped as a space at the end of the row's line).
        row = next(line for line in pdfium[page] if title in line)
        assert re.search(r"\b[45]\b", row), row
        at = poppler[page].index(title)
        assert poppler[page][at + 1] in (str(talks), str(talks + 1))


def test_the_agenda_reads_each_item_title_place_and_speaker(brochure: Path) -> None:
    page = _page(brochure, "Agenda")
    for _, title, speaker in TALKS.values():
        assert_reads(brochure, page, title)
        assert_reads(brochure, page, speaker)
    assert_reads(brochure, page, f"القاعة الكبرى · {ARABIC_NAME}")


def test_the_talks_read_heading_speaker_and_abstract(brochure: Path) -> None:
    for key, (_, title, speaker) in TALKS.items():
        page = _page(brochure, title)
        for text in (title, speaker, ABSTRACTS[key]):
            assert_reads(brochure, page, text)


def test_the_speaker_index_reads_each_name(brochure: Path) -> None:
    page = _page(brochure, "Speakers")
    # Family name first: "الحسيني, يوسف".
    for family, given in (("الحسيني", "يوسف"), ("כהן", "שרה"), ("शर्मा", "प्रिया")):
        assert_reads(brochure, page, f"{family}, {given}")


def test_captions_and_credits_read_in_logical_order(brochure: Path) -> None:
    page = _page(brochure, "Photo gallery")
    for caption in CAPTIONS:
        assert_reads(brochure, page, caption)
    imprint = _page(brochure, "Imprint")
    assert_reads(brochure, imprint, CREDIT)
    assert_reads(brochure, imprint, TITLE)


def test_contacts_read_name_and_role(brochure: Path) -> None:
    page = _page(brochure, "Contacts")
    for text in (ARABIC_NAME, "منظم المؤتمر", HEBREW_NAME):
        assert_reads(brochure, page, text)


def test_bookmarks_are_the_titles_as_typed(brochure: Path) -> None:
    with pikepdf.open(brochure) as pdf, pdf.open_outline() as outline:
        talks = next(item for item in outline.root if item.title == "Talks")
        assert [item.title for item in talks.children] == [t for _, t, _ in TALKS.values()]


@cache
def _font_characters(name: str) -> frozenset[int] | None:
    """The characters of the bundled font with this PostScript name (None: not bundled)."""
    from fontTools.ttLib import TTFont

    for path in fonts_dir().glob("*.ttf"):
        with TTFont(path, lazy=True) as font:
            if font["name"].getDebugName(6) == name:
                return frozenset(font.getBestCmap())
    return None


def _to_unicode(font: pikepdf.Dictionary) -> dict[int, str]:
    cmap = font.ToUnicode.read_bytes().decode("latin-1").split("beginbfchar", 1)[1]
    return {int(code, 16): bytes.fromhex(text).decode("utf-16-be")
            for code, text in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]+)>", cmap)}


def test_no_glyph_is_drawn_from_a_font_that_lacks_it(brochure: Path) -> None:
    fonts = subprocess.run(["pdffonts", str(brochure)], capture_output=True, text=True,
                           check=True).stdout
    for name in ("NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari", "NotoSansTamil",
                 "NotoSansBengali", "DroidSansFallback"):
        assert name in fonts
    drawn = 0
    with pikepdf.open(brochure) as pdf:
        for page in pdf.pages:
            resources = page.obj.Resources.get("/Font", {})
            font = None
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    font = resources.get(str(operands[0]))
                if str(operator) not in ("Tj", "TJ") or font is None or "/ToUnicode" not in font:
                    continue
                texts = _to_unicode(font)
                own = _font_characters(str(font.BaseFont).split("+", 1)[-1])
                shown = operands[0] if str(operator) == "TJ" else operands
                for code in b"".join(bytes(s) for s in shown if isinstance(s, pikepdf.String)):
                    text = texts[code]
                    drawn += 1
                    # reportlab draws a character its font lacks as code 0 → U+0000.
                    assert "\0" not in text
                    # Each glyph reads as characters of its own font: a joined Arabic form
                    # as its letter, a ligature as its letters, a space as a space. (An
                    # Indic conjunct's private code reads from its span's /ActualText.)
                    if own is not None:
                        assert all(ord(c) in own or 0xE000 <= ord(c) <= 0xF8FF
                                   for c in text), (font.BaseFont, text)
    assert drawn > 1000


@pytest.mark.parametrize("which", ["en", "ar"])
def test_the_tagged_brochure_passes_pdf_ua_and_pdf_a(
        brochure: Path, arabic_brochure: Path, which: str) -> None:
    # Shaped runs, phrase spans with /ActualText and glyphs with private codes whose
    # ToUnicode entries are letters: PDF/UA-1, PDF/A-2u and our tagging checks pass.
    assert_accessible_and_archival(brochure if which == "en" else arabic_brochure)


@pytest.mark.parametrize("which", ["en", "ar"])
def test_a_talk_in_another_language_is_tagged_in_it(
        brochure: Path, arabic_brochure: Path, which: str) -> None:
    pdf = brochure if which == "en" else arabic_brochure
    with pikepdf.open(pdf) as document:
        assert str(document.Root.Lang).startswith(which)
        every = elements(document)
        tagged = [(str(e.S), str(e.Lang)) for e in every if "/Lang" in e]
        in_cells = [str(kid.Lang) for e in every if e.S == "/TD"
                    for kid in (e.K if isinstance(e.K, pikepdf.Array) else [e.K])
                    if isinstance(kid, pikepdf.Dictionary) and "/Lang" in kid]
    for lang, _, _ in TALKS.values():
        if lang == which:
            continue
        # Its contents row, heading and abstract, and its agenda item (in a cell); the
        # brochure's own language nowhere.
        assert {("/TOCI", lang), ("/H2", lang), ("/P", lang)} <= set(tagged), lang
        assert lang in in_cells
    assert not [t for t in tagged if t[1].startswith(which)]


def test_a_talk_in_japanese_in_an_arabic_brochure_runs_left_to_right(
        arabic_brochure: Path) -> None:
    import pdfplumber

    page = _page(arabic_brochure, TALKS["japanese"][1])
    with pdfplumber.open(arabic_brochure) as document:
        chars = document.pages[page].chars
    line = [c for c in chars if abs(c["top"] - next(
        c["top"] for c in chars if c["text"] == "東")) < 1]
    drawn = "".join(c["text"] for c in sorted(line, key=lambda c: c["x0"])).strip()
    # Its full stop ends the line on the right, after the last word, as in Japanese
    # (set right to left as the brochure, it stood left of the first).
    assert drawn == ABSTRACTS["japanese"]
