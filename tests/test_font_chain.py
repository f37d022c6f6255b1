"""The theme's font chain: fonts.fallback tried in order before the bundled fonts, bold
runs of every script in a bold font, and bad chain entries refused at their key."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from fontTools.ttLib import TTCollection, TTFont

from dokureport.core.errors import InputError
from dokureport.core.options import BuildOptions
from dokureport.core.resources import fonts_dir
from dokureport.pipeline import build_brochure

ARABIC_NAME = "يوسف الحسيني"
HEBREW = "שלום עולם"  # "hello, world"
HINDI = "सम्मेलन में आपका स्वागत है"  # "Welcome to the conference"


def _event(folder: Path, theme: str | None, **texts: str) -> Path:
    """An event with one talk (its title a bold heading) and an intro; the theme beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["title: Fachtag", "event: {start: 2024-03-05}",
             f"intro: \"{texts.get('intro', 'Willkommen.')}\"",
             "talks:", "  - id: t1", f"    title: \"{texts.get('title', 'Vortrag')}\"",
             f"    abstract: \"{texts.get('abstract', 'Ein Vortrag.')}\"",
             "agenda:", "  - date: 2024-03-05", "    items:",
             "      - {time: \"09:00\", title: Vortrag, talk: t1}"]
    if theme is not None:
        lines.append("theme: t.yaml")
        (folder / "t.yaml").write_text(theme, encoding="utf-8")
    (folder / "event.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _chars(pdf: Path, wanted: str) -> list[dict]:
    """The drawn characters (pdfplumber) whose font is named with `wanted`."""
    with pdfplumber.open(pdf) as document:
        return [c for page in document.pages for c in page.chars if wanted in c["fontname"]]


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    # poppler marks a right-to-left run with embedding controls, and the runs' /ActualText
    # may carry direction marks: not part of the text typed.
    return " ".join(out.translate(dict.fromkeys((0x200E, 0x200F, 0x202A, 0x202B, 0x202C)))
                    .split())


def test_a_theme_font_with_arabic_wins_over_the_bundled_noto_arabic(tmp_path: Path) -> None:
    folder = _event(tmp_path / "e", "fonts:\n  fallback: [DejaVuSans.ttf]\n",
                    intro=f"Zur Begrüßung: {HEBREW}.",
                    abstract=f"Ein Vortrag von {ARABIC_NAME} über Python 3.12.")
    shutil.copy(fonts_dir() / "DejaVuSans.ttf", folder / "DejaVuSans.ttf")
    out = tmp_path / "x.pdf"
    result = build_brochure(folder, out, BuildOptions(cache_dir=tmp_path / "c"))
    assert not result.warnings
    # DejaVu Sans has Arabic and Hebrew: the theme's chain comes first, so Noto's are unused.
    assert _chars(out, "DejaVuSans")
    assert not _chars(out, "NotoSansArabic") and not _chars(out, "NotoSansHebrew")
    # The family keeps the Latin text: the theme named only its fallback.
    assert {c["fontname"].split("+")[1] for c in _chars(out, "+")} == {
        "NotoSans-Regular", "NotoSans-Bold", "DejaVuSans"}
    # Read back in logical order. (How readers read the space after a right-to-left run
    # before a Latin word is extraction's concern: tests/test_scripts.py.)
    text = _text(out)
    assert f"Ein Vortrag von {ARABIC_NAME}" in text and "über Python 3.12." in text
    assert f"Zur Begrüßung: {HEBREW}." in text


def test_characters_the_theme_font_lacks_go_on_down_the_chain(tmp_path: Path) -> None:
    # DejaVu Sans has Arabic but no Devanagari: the Hindi goes to the bundled Noto font.
    folder = _event(tmp_path / "e", "fonts:\n  fallback: [DejaVuSans.ttf]\n",
                    intro=f"Es sprechen {ARABIC_NAME} und {HINDI}.")
    shutil.copy(fonts_dir() / "DejaVuSans.ttf", folder / "DejaVuSans.ttf")
    out = tmp_path / "x.pdf"
    build_brochure(folder, out, BuildOptions(cache_dir=tmp_path / "c"))
    assert _chars(out, "DejaVuSans") and _chars(out, "NotoSansDevanagari-Regular")
    text = _text(out)
    assert f"Es sprechen {ARABIC_NAME}" in text and f"{HINDI}." in text


def test_a_bold_arabic_heading_is_set_in_noto_sans_arabic_bold(tmp_path: Path) -> None:
    folder = _event(tmp_path / "e", None, title=ARABIC_NAME,
                    abstract=f"Ein Vortrag von {ARABIC_NAME}.")
    out = tmp_path / "x.pdf"
    build_brochure(folder, out, BuildOptions(cache_dir=tmp_path / "c"))
    bold = _chars(out, "NotoSansArabic-Bold")
    regular = _chars(out, "NotoSansArabic-Regular")
    # The talk's heading (larger) in the bold, its abstract in the regular.
    assert bold and regular
    assert min(c["size"] for c in bold) > max(c["size"] for c in regular)
    text = _text(out)
    assert f"Ein Vortrag von {ARABIC_NAME}." in text
    assert text.count(ARABIC_NAME) >= 3  # the heading, the abstract, the contents' entry


@pytest.mark.parametrize("script, text", [("Hebrew", HEBREW), ("Devanagari", HINDI)])
def test_bold_runs_of_other_scripts_take_their_bold_font(tmp_path: Path, script: str,
                                                          text: str) -> None:
    folder = _event(tmp_path / "e", None, title=text)
    out = tmp_path / "x.pdf"
    build_brochure(folder, out, BuildOptions(cache_dir=tmp_path / "c"))
    assert _chars(out, f"NotoSans{script}-Bold")
    assert text in _text(out)


def test_a_bold_run_inside_body_text_takes_the_bold_font() -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from dokureport import engine
    from dokureport.text.fonts import default_fonts
    from dokureport.text.typesetter import Typesetter

    engine.install()
    typesetter = Typesetter(lang="de", hyphenate=False)
    fonts = default_fonts()
    style = ParagraphStyle("body", fontName=fonts.regular, fontSize=10, leading=13)
    markup = f"<b>{typesetter.plain(ARABIC_NAME)}</b> und <i>{typesetter.plain(HEBREW)}</i>"
    paragraph = Paragraph(markup, style)
    names = [f.fontName for f in paragraph.frags if f.text.strip()]
    # Bold takes the script's bold; italic stays upright (these scripts have no italic).
    assert names == ["NotoSansArabic-Bold", fonts.regular, "NotoSansHebrew"]


def test_a_fallback_entry_names_its_bold_and_bold_text_uses_it(tmp_path: Path) -> None:
    folder = _event(tmp_path / "e", "fonts:\n  fallback:\n"
                    "    - {regular: Hebrew.ttf, bold: Hebrew-Bold.ttf}\n", title=HEBREW,
                    abstract=f"Gesagt: {HEBREW}.")
    shutil.copy(fonts_dir() / "NotoSansHebrew-Regular.ttf", folder / "Hebrew.ttf")
    shutil.copy(fonts_dir() / "NotoSansHebrew-Bold.ttf", folder / "Hebrew-Bold.ttf")
    out = tmp_path / "x.pdf"
    build_brochure(folder, out, BuildOptions(cache_dir=tmp_path / "c"))
    bold, regular = _chars(out, "NotoSansHebrew-Bold"), _chars(out, "NotoSansHebrew-Regular")
    assert bold and regular
    assert min(c["size"] for c in bold) > max(c["size"] for c in regular)


def _refused(folder: Path) -> str:
    with pytest.raises(InputError) as caught:
        build_brochure(folder, folder / "x.pdf", BuildOptions(cache_dir=folder / "c"))
    assert not (folder / "x.pdf").exists()
    [problem] = caught.value.problems
    return str(problem)


def test_a_missing_fallback_file_is_bad_input_at_its_key(tmp_path: Path) -> None:
    folder = _event(tmp_path / "e", "fonts:\n  fallback: [Arabic.ttf]\n")
    assert _refused(folder).startswith("t.yaml:2:14: fonts.fallback[0]: file not found: "
                                       "'Arabic.ttf'")


def test_a_fallback_file_that_is_not_a_font_is_bad_input_at_its_key(tmp_path: Path) -> None:
    folder = _event(tmp_path / "e", "fonts:\n  fallback:\n    - regular: Arabic.ttf\n"
                                    "      bold: notes.ttf\n")
    shutil.copy(fonts_dir() / "NotoSansArabic-Regular.ttf", folder / "Arabic.ttf")
    (folder / "notes.ttf").write_text("not a font", encoding="utf-8")
    assert _refused(folder).startswith("t.yaml:4:13: fonts.fallback[0].bold: not a font file")


def test_a_fallback_font_that_forbids_embedding_is_refused(tmp_path: Path) -> None:
    folder = _event(tmp_path / "e", "fonts:\n  fallback: [Locked.ttf]\n")
    font = TTFont(str(fonts_dir() / "NotoSansHebrew-Regular.ttf"))
    font["OS/2"].fsType = 0x0002
    font.save(str(folder / "Locked.ttf"))
    message = _refused(folder)
    assert message.startswith("t.yaml:2:14: fonts.fallback[0]: its licence forbids embedding")


def test_a_font_collection_in_the_chain_is_a_clear_problem(tmp_path: Path) -> None:
    # Noto Sans CJK ships as a collection (.ttc/.otc); reportlab embeds single fonts only.
    folder = _event(tmp_path / "e", "fonts:\n  fallback: [NotoSansCJK-Regular.ttc]\n")
    collection = TTCollection()
    collection.fonts = [TTFont(str(fonts_dir() / f"NotoSansHebrew-{w}.ttf"))
                        for w in ("Regular", "Bold")]
    collection.save(str(folder / "NotoSansCJK-Regular.ttc"))
    message = _refused(folder)
    assert message.startswith("t.yaml:2:14: fonts.fallback[0]: NotoSansCJK-Regular.ttc is a "
                              "font collection (.ttc or .otc")
    assert "reportlab cannot embed" in message
    assert "fonttools ttLib -y 0 NotoSansCJK-Regular.ttc" in message


def test_a_bad_fallback_entry_exits_2_from_the_command_line(tmp_path: Path) -> None:
    folder = _event(tmp_path / "e", "fonts:\n  fallback: [{regular: Arabic.ttf, weight: 7}]\n")
    shutil.copy(fonts_dir() / "NotoSansArabic-Regular.ttf", folder / "Arabic.ttf")
    for command in ("validate", "build"):
        done = subprocess.run([sys.executable, "-m", "dokureport", command, str(folder)],
                              capture_output=True, text=True)
        assert done.returncode == 2, done.stderr
        assert "t.yaml:2:36: fonts.fallback[0].weight: unknown key `weight`" in done.stderr
        assert "Traceback" not in done.stderr


def test_the_theme_schema_takes_a_file_name_or_an_entry_per_fallback_font() -> None:
    import jsonschema

    from dokureport.design.schema import theme_schema

    schema = theme_schema()
    jsonschema.validate({"fonts": {"fallback": [
        "fonts/Arabic.ttf", {"regular": "fonts/Hebrew.ttf", "bold": "fonts/Hebrew-Bold.ttf"}]}},
        schema)
    with pytest.raises(jsonschema.ValidationError, match="'weight' was unexpected"):
        jsonschema.validate({"fonts": {"fallback": [{"regular": "a.ttf", "weight": 7}]}},
                            schema)


def test_a_cff_font_with_more_glyphs_than_post_can_name_converts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Noto Sans CJK (one font of the collection) has 65,535 glyphs: their names overflow
    # the post table's format 2, and saving the converted font failed with a traceback.
    # The bound lowered to below Inter's glyph count stands in for that size here.
    from dokureport.text import font_files

    monkeypatch.setattr(font_files, "_MOST_GLYPH_NAMES", 100)
    converted = font_files.embeddable(fonts_dir() / "Inter-Regular.otf", tmp_path, "fonts.x")
    with TTFont(str(converted.path)) as font:
        assert font["post"].formatType == 3.0 and "glyf" in font
        assert font["maxp"].numGlyphs > 100


def test_a_font_file_that_passed_its_checks_is_not_decoded_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Decoding every glyph of a CFF font with 65,535 (Noto Sans CJK) took 10 s a build.
    from dokureport.text import font_files

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    decoded: list[str] = []
    original = font_files._check_charstrings
    monkeypatch.setattr(font_files, "_check_charstrings",
                        lambda font, name: (decoded.append(name), original(font, name)))
    font_files.check_font_file(fonts_dir() / "Inter-Regular.otf")
    font_files.check_font_file(fonts_dir() / "Inter-Regular.otf")
    assert decoded == ["Inter-Regular.otf"]
    # A file of other content is checked whole: one damaged byte in it fails.
    damaged = bytearray((fonts_dir() / "Inter-Regular.otf").read_bytes())
    damaged[4:6] = (200).to_bytes(2, "big")  # more tables than the directory holds
    (tmp_path / "Inter-Damaged.otf").write_bytes(bytes(damaged))
    with pytest.raises(font_files.FontFileError, match=r"damaged font file: Inter-Damaged\.otf"):
        font_files.check_font_file(tmp_path / "Inter-Damaged.otf")
