"""Every script set right: each run in the first font that has its glyphs, shaped by HarfBuzz
where its script needs it, and read back (pdftotext, PDFium) as typed, in logical order."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from dokureport import engine
from dokureport.text.fonts import default_fonts, split_runs
from dokureport.text.typesetter import Typesetter
from tests.conftest import minimal_event
from tests.test_accessibility import assert_accessible_and_archival

# Well-known public sentences and real names, one per script.
HINDI = "सम्मेलन में आपका स्वागत है"  # "Welcome to the conference"
TAMIL = "மாநாட்டுக்கு வரவேற்கிறோம்"  # the same in Tamil
BENGALI = "আমার সোনার বাংলা"  # the first line of Bangladesh's anthem
ARABIC = "أهلا وسهلا"  # "welcome"
HEBREW = "שלום עולם"  # "hello, world"
ARABIC_NAME = "يوسف الحسيني"


def _render(tmp_path: Path, texts: list[str], width: float = 300) -> Path:
    """Each text as a paragraph of plain text, set as the brochure sets it."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    engine.install()
    typesetter = Typesetter(lang="de", hyphenate=False)
    style = ParagraphStyle("body", fontName=default_fonts().regular, fontSize=12, leading=16)
    out = tmp_path / "scripts.pdf"
    # reportlab's default margins are an inch: the text column is `width` wide, from 72 pt.
    SimpleDocTemplate(str(out), pagesize=(width + 144, 800)).build(
        [Paragraph(typesetter.plain(text), style) for text in texts])
    assert not typesetter.missing_glyphs
    return out


# Bidi controls are not part of the text read: poppler's embeddings around a right-to-left
# run, and the LRM marks around a right-to-left phrase in a left-to-right line (its span's
# /ActualText, see engine/bidi_lines).
_CONTROLS = dict.fromkeys((0x200E, 0x200F, 0x202A, 0x202B, 0x202C))


def _pdftotext(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [" ".join(line.translate(_CONTROLS).split())
            for line in text.splitlines() if line.strip()]


def _pdfium(pdf: Path) -> list[str]:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return [" ".join(line.translate(_CONTROLS).split())
            for line in text.splitlines() if line.strip()]


def _glyph_text(pdf: Path, font: str) -> str:
    """The characters of the page's glyphs in `font` by their ToUnicode entries, in the
    order drawn (pdfminer reads no /ActualText)."""
    with pdfplumber.open(pdf) as document:
        return "".join(c["text"] for c in document.pages[0].chars if font in c["fontname"])


def test_each_script_gets_its_own_font_and_latin_stays_with_the_family() -> None:
    runs = split_runs(f"Vortrag von {ARABIC_NAME} über Python 3.12")
    assert [(r.text, r.font) for r in runs] == [
        ("Vortrag von ", None), (ARABIC_NAME, "NotoSansArabic"), (" über Python 3.12", None)]
    # A space inside one script's phrase stays in its run (one piece of text to readers).
    assert {r.font for r in split_runs(HINDI)} == {"NotoSansDevanagari"}
    assert {r.font for r in split_runs(TAMIL)} == {"NotoSansTamil"}
    assert {r.font for r in split_runs(HEBREW)} == {"NotoSansHebrew"}
    assert {r.font for r in split_runs("東京の会議")} == {"DroidSansFallback"}


def test_a_vowel_sign_or_joiner_stays_in_its_letters_run() -> None:
    # The virama and ZWJ of "क्‍ष" must not go to the family's font: shaped apart, the
    # cluster would fall to pieces.
    runs = split_runs("क्\u200dष")
    assert [(r.text, r.font) for r in runs] == [("क्\u200dष", "NotoSansDevanagari")]


def test_indic_sentences_are_shaped_and_read_back_whole(tmp_path: Path) -> None:
    pdf = _render(tmp_path, [HINDI, TAMIL, BENGALI], width=400)
    assert _pdftotext(pdf) == [HINDI, TAMIL, BENGALI]
    # The space after "में" too, whose last glyph is a mark: it is in the run's span.
    assert _pdfium(pdf) == [HINDI, TAMIL, BENGALI]
    # Shaped: the glyphs drawn (a conjunct, a vowel sign before its consonant) are not the
    # characters typed; the text above came from each run's /ActualText.
    with pdfplumber.open(pdf) as document:
        glyphs = "".join(c["text"] for c in document.pages[0].chars
                         if c["fontname"].endswith("Devanagari-Regular"))
    assert glyphs != HINDI.replace(" ", "")


# From the Arabic and Hebrew Wikipedias' first lines on their languages.
ARABIC_SENTENCE = "اللغة العربية هي أكثر اللغات السامية انتشارا في العالم"
HEBREW_SENTENCE = "עברית היא שפה שמית ממשפחת השפות האפרו-אסייתיות"


def test_arabic_and_hebrew_read_back_in_logical_order(tmp_path: Path) -> None:
    texts = [ARABIC, HEBREW, ARABIC_SENTENCE, HEBREW_SENTENCE]
    pdf = _render(tmp_path, texts, width=400)
    # Both readers: PDFium read each line's words from left to right (the words'
    # letters right) while their glyphs were read from one /ActualText.
    assert _pdftotext(pdf) == texts
    assert _pdfium(pdf) == texts
    # Joined by HarfBuzz from the letters as typed: no presentation forms in the text.
    assert not any("\ufb50" <= c <= "\ufeff" for line in _pdftotext(pdf) for c in line)


def test_right_to_left_glyphs_map_to_the_letters_typed(tmp_path: Path) -> None:
    # A reader without /ActualText (pdfminer, a screen reader on the glyphs) reads each
    # glyph's ToUnicode entry: a joined Arabic form as its letter (not U+FExx), the lam-
    # alef ligature of "أهلا" as its two letters. Drawn in visual order: reversed, the
    # text typed.
    pdf = _render(tmp_path, [ARABIC_SENTENCE, ARABIC, HEBREW])
    assert _glyph_text(pdf, "Arabic")[::-1].strip() == f"{ARABIC} {ARABIC_SENTENCE}"
    assert _glyph_text(pdf, "Hebrew")[::-1].strip() == HEBREW


def test_an_arabic_name_inside_an_english_sentence(tmp_path: Path) -> None:
    sentence = f"A talk by {ARABIC_NAME} about Python 3.12."
    pdf = _render(tmp_path, [sentence], width=400)
    # Both read the name in logical order amid the English words, the space after it in
    # its place.
    assert _pdftotext(pdf) == _pdfium(pdf) == [sentence]


def test_a_hebrew_phrase_inside_a_german_sentence(tmp_path: Path) -> None:
    sentence = f"Zur Begrüßung sagen wir {HEBREW} zu allen Gästen."
    pdf = _render(tmp_path, [sentence], width=450)
    assert _pdftotext(pdf) == _pdfium(pdf) == [sentence]


@pytest.mark.parametrize("sentence", [
    "Der Vortrag „اللغة العربية الفصحى“ beginnt um 10 Uhr.",
    "Keynote: نجيب محفوظ and עמוס עוז, read by their translators.",
    "Er sagte «שלום עולם» und ging.",
], ids=["quotes", "two-names", "guillemets"])
def test_quotes_and_commas_after_a_right_to_left_phrase_stay_with_the_sentence(
        tmp_path: Path, sentence: str) -> None:
    # Read as drawn, a closing quote or comma right of an Arabic phrase joins the phrase
    # (poppler, PDFium): the LRM marks of its span end the phrase where it ends.
    pdf = _render(tmp_path, [sentence], width=450)
    assert _pdftotext(pdf) == _pdfium(pdf) == [sentence]
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert raw.count("\u200e") >= 2  # the marks are in the text read


def test_a_brochure_with_every_script_names_its_fonts_and_reads_back(make_event, build) -> None:
    event = minimal_event(contacts=[{"name": "שרה כהן"}, {"name": ARABIC_NAME}],
                          intro=f"{HINDI}. {TAMIL}.")
    out, result = build(make_event(event))
    assert not result.warnings
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout
    for name in ("NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari", "NotoSansTamil"):
        assert name in fonts
    text = " ".join(_pdftotext(out))
    for typed in (ARABIC_NAME, "שרה כהן", HINDI, TAMIL):
        assert typed in text
    # The shaped runs' Spans nest in the tagged content: PDF/UA-1 and PDF/A-2u still pass.
    assert_accessible_and_archival(out)


# A well-known Arabic proverb ("learning when young is engraving in stone, learning when
# old is engraving on water"), with a year in Arabic-Indic digits in brackets.
PROVERB = ("يقول المثل العربي: العلم في الصغر كالنقش على الحجر، والعلم في الكبر كالنقش "
           "على الماء (٢٠٢٤).")


def _lines(pdf: Path) -> list[list[dict]]:
    """The page's characters, line by line from the top."""
    with pdfplumber.open(pdf) as document:
        chars = document.pages[0].chars
    rows: dict[int, list[dict]] = {}
    for char in chars:
        rows.setdefault(round(char["matrix"][5]), []).append(char)  # by baseline
    return [sorted(rows[y], key=lambda c: c["x0"]) for y in sorted(rows, reverse=True)]


def test_an_arabic_paragraph_breaks_its_lines_before_it_is_reordered(tmp_path: Path) -> None:
    pdf = _render(tmp_path, [PROVERB], width=220)
    lines = _pdftotext(pdf)
    assert len(lines) >= 3
    # Logical order over the lines: the first words on the first line, the words read back
    # as typed. (pdftotext moves a colon or comma in a right-to-left line beside its space.)
    assert re.findall(r"\w+", " ".join(lines)) == re.findall(r"\w+", PROVERB)
    assert lines[0].startswith("يقول المثل")
    # PDFium reads every line in order, the punctuation and the bracket's year included.
    assert " ".join(_pdfium(pdf)) == PROVERB


# With the vowel marks of everyday Arabic (tanween: "تحدثًا", "انتشارًا").
MARKED = "اللغة العربية هي أكثر اللغات السامية تحدثًا، وإحدى أكثر اللغات انتشارًا في العالم."


def _words(text: str) -> list[str]:
    return [word.strip("،.,") for word in text.split()]


def test_words_with_vowel_marks_keep_their_place(tmp_path: Path) -> None:
    pdf = _render(tmp_path, [MARKED], width=450)
    assert _words(" ".join(_pdftotext(pdf))) == _words(MARKED)
    # PDFium takes a vowel mark for a left-to-right character: it reverses the letters
    # on each side of it apart ("اًتحدث"), which no drawing order avoids. Its words stay
    # whole and in order.
    assert [sorted(word) for word in _words(" ".join(_pdfium(pdf)))] == [
        sorted(word) for word in _words(MARKED)]
    # Without /ActualText, its glyphs read as typed (the full stop is the family's).
    assert _glyph_text(pdf, "Arabic")[::-1].strip() == MARKED.rstrip(".")


def test_a_right_to_left_paragraph_starts_at_the_right_and_ends_at_the_left(
        tmp_path: Path) -> None:
    pdf = _render(tmp_path, [PROVERB], width=220)
    rows = _lines(pdf)
    right_edges = [max(c["x1"] for c in row if c["text"] != " ") for row in rows]
    # Every line ends flush at the column's right edge: the margin, 220 pt, less the
    # frame's padding of 6 pt.
    assert all(abs(edge - (72 + 220 - 6)) < 0.5 for edge in right_edges)
    # The full stop ends the sentence: on the last line's left end, beside the bracket.
    assert [c["text"] for c in rows[-1] if c["text"] != " "][:2] == [".", "("]


def test_latin_words_and_numbers_keep_their_order_inside_hebrew(tmp_path: Path) -> None:
    sentence = "הכנס נפתח ב־2024 בתל אביב, עם 300 משתתפים."
    pdf = _render(tmp_path, [sentence], width=400)
    [line] = _pdftotext(pdf)
    # (pdftotext sets a number in a right-to-left line off with its space on the wrong
    # side: "2024בתל"; the words are compared.)
    assert re.findall(r"[^\W\d]+", line) == re.findall(r"[^\W\d]+", sentence)
    [row] = _lines(pdf)
    drawn = "".join(c["text"] for c in row).strip()
    # Numbers read left to right inside the right-to-left line; the full stop is leftmost.
    assert "2024" in drawn and "300" in drawn
    assert drawn.startswith(".")


JAPANESE = ("東京で開かれる会議に、世界中から多くの開発者が集まります。「オープンソースの未来」"
            "について話し合いました。")
CHINESE = "我们欢迎所有参加者来到本次会议。会议将讨论「开源软件的未来」，并介绍最新的研究成果。"
KOREAN = "한국어 문장은 띄어쓰기를 사용합니다. 회의에 오신 것을 환영합니다."
CLOSING = set("、。，．」』）！？")


@pytest.mark.parametrize("text", [JAPANESE, CHINESE], ids=["ja", "zh"])
def test_chinese_and_japanese_break_between_characters_with_kinsoku(
        tmp_path: Path, text: str) -> None:
    # 10 characters a line (12 pt each, 120 pt): without kinsoku "、" would start line 2.
    pdf = _render(tmp_path, [text], width=120 + 12)
    lines = _pdftotext(pdf)
    assert len(lines) >= 4
    assert "".join(lines) == text  # read back whole, no hyphen, no space added
    assert _pdfium(pdf) == lines
    for line in lines:
        assert line[0] not in CLOSING, lines
        assert line[-1] not in "「『（", lines
        assert len(line) <= 10


def test_kinsoku_moves_a_character_down_with_the_stop_it_may_not_leave(tmp_path: Path) -> None:
    from dokureport.engine.cjk_lines import CANNOT_END, CANNOT_START

    assert {"。", "、", "」", "ー", "っ"} <= CANNOT_START
    assert "「" in CANNOT_END
    # A line that would end just before "、" gives its last character to the next line.
    text = "東京で開かれる会議に、"
    lines = ["".join(c["text"] for c in row).strip()
             for row in _lines(_render(tmp_path, [text * 3], width=120 + 12))]
    assert lines[0] == "東京で開かれる会議"
    assert lines[1].startswith("に、")


def test_korean_breaks_between_words(tmp_path: Path) -> None:
    pdf = _render(tmp_path, [KOREAN], width=120 + 12)
    lines = _pdftotext(pdf)
    assert len(lines) >= 3
    assert " ".join(lines) == KOREAN  # every break at a space: no word is cut


@pytest.mark.parametrize(("lang", "agenda", "date"), [
    ("ja", "プログラム", "2024年3月5日火曜日"),
    ("zh", "日程", "2024年3月5日星期二"),
    ("ko", "프로그램", "2024년 3월 5일 화요일"),
])
def test_chinese_japanese_and_korean_have_their_labels_and_dates(
        lang: str, agenda: str, date: str) -> None:
    import datetime as dt

    from dokureport.i18n.dates import long_date
    from dokureport.i18n.labels import labels_for

    labels, missing = labels_for(lang)
    assert missing == ()
    assert labels.agenda == agenda
    assert long_date(dt.date(2024, 3, 5), lang) == date


def test_a_japanese_brochure_reads_in_japanese(make_event, build) -> None:
    event = minimal_event(
        lang="ja", title="オープンソース会議", intro=JAPANESE,
        agenda=[{"date": "2024-03-05", "items": [
            {"time": "09:00", "title": "開会の挨拶", "people": ["山田太郎"]}]}])
    out, result = build(make_event(event))
    assert not result.warnings
    text = "".join(_pdftotext(out))
    for printed in ("プログラム", "2024年3月5日火曜日", "開会の挨拶", "山田太郎", JAPANESE):
        assert printed in text
    assert_accessible_and_archival(out)


def test_a_one_line_right_to_left_title_keeps_the_columns_alignment(tmp_path: Path) -> None:
    # A title or a name in a left-aligned column (contents, index, agenda) stays at the
    # column's left edge; only a paragraph of several lines starts at the right.
    pdf = _render(tmp_path, ["שיחה על קוד פתוח"], width=300)
    [row] = _lines(pdf)
    assert abs(min(c["x0"] for c in row) - (72 + 6)) < 0.5


ARABIC_EVENT = {
    "lang": "ar", "title": "مؤتمر البرمجيات الحرة",
    "intro": ("نرحب بكم في مؤتمرنا السنوي الذي يجمع مطوري البرمجيات الحرة من كل أنحاء العالم. "
              f"{PROVERB}\n\nPython 3.12 هي أحدث إصدار من لغة بايثون."),
}


def test_a_brochure_in_arabic_is_set_right_to_left(make_event, build) -> None:
    # Each section on its own page: the introduction's lines alone on theirs (tables, as
    # the contents', are not mirrored yet).
    event = minimal_event(**ARABIC_EVENT, theme={"pages": {"run_on_below": 0}})
    out, result = build(make_event(event))
    assert not [w for w in result.warnings if "label" in w.message]
    with pdfplumber.open(out) as document:
        page = next(p for p in document.pages  # the introduction's
                    if "Python" in "".join(c["text"] for c in p.chars))
        chars = [c for c in page.chars if c["text"].strip()]
        width = page.width
    rows: dict[int, list[dict]] = {}
    for char in chars:
        rows.setdefault(round(char["matrix"][5]), []).append(char)
    lines = [rows[y] for y in sorted(rows, reverse=True)][:-1]  # the footer left out
    rights = [max(c["x1"] for c in line) for line in lines]
    lefts = [min(c["x0"] for c in line) for line in lines]
    # Heading and every line of the introduction end at one right edge, in the page's
    # right half; their left ends are ragged.
    assert max(rights) - min(rights) < 1
    assert min(rights) > width / 2
    assert max(lefts) - min(lefts) > 20
    # The Latin sentence is right to left too: "Python 3.12" stands at its left end.
    last = sorted(lines[-1], key=lambda c: c["x0"])
    assert "".join(c["text"] for c in last).find(".") < "".join(
        c["text"] for c in last).find("Python")
    text = "\n".join(_pdftotext(out))
    assert "المحتويات" in text and "مقدمة" in text  # the built-in labels


def test_german_words_keep_their_order_at_the_end_of_a_right_to_left_paragraph(
        tmp_path: Path) -> None:
    # Starts in Hebrew, so the paragraph is right to left: its German tail is drawn at
    # the line's left end in German order, the full stop (right to left) left of it.
    pdf = _render(tmp_path, [f"{HEBREW} — gemischt mit Deutsch."], width=450)
    [row] = _lines(pdf)
    drawn = "".join(c["text"] for c in row).strip()
    assert drawn.startswith(".gemischt mit Deutsch —")


def test_a_character_no_font_has_is_left_out_with_a_warning_at_its_key(make_event,
                                                                       build) -> None:
    # No bundled font has emoji: the character is left out (no empty box drawn) and the
    # warning says where it was typed, so the organiser can find it among 1,000 talks.
    event = minimal_event(intro="Willkommen 🎉 in Duisburg.", talks=[
        {"id": "a", "title": "Erster Vortrag"},
        {"id": "b", "title": "Zweiter Vortrag 😁", "abstract": "Kurz und ⌚ pünktlich."}])
    out, result = build(make_event(event))
    missing = [w for w in result.warnings if w.code == "missing-glyph"]
    assert [(w.key_path, w.line is not None) for w in missing] == [
        ("intro", True), ("talks[1].title", True), ("talks[1].abstract", True)]
    assert "🎉 (U+1F389)" in missing[0].message
    assert "⌚ (U+231A)" in missing[2].message
    text = "\n".join(_pdftotext(out))
    assert "Willkommen in Duisburg" in " ".join(text.split())
    assert not set("🎉😁⌚") & set(text)
