"""Themes: one event in every bundled theme and a corporate CFF theme, read back from the PDF."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from fontTools.ttLib import TTFont

from dokureport.core.errors import InputError
from dokureport.core.options import BuildOptions
from dokureport.core.resources import fonts_dir, sample_event_dir
from dokureport.design.theme import bundled_themes, load_theme
from dokureport.pipeline import build_brochure

CUSTOM_THEME = """\
name: verein
colours: {primary: "#7A1F5C", accent: "#E07A00", text: "#1E1E1E"}
fonts:
  regular: fonts/LinLibertine_R.otf
  bold: fonts/LinLibertine_RB.otf
  italic: fonts/LinLibertine_RI.otf
  bold_italic: fonts/LinLibertine_RBI.otf
sections: [cover, agenda, talks, contents, imprint]
new_page: [agenda, talks, contents]
labels: {agenda: Ablauf}
"""


def _font_names(pdf_path: Path) -> set[str]:
    names = set()
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for _, font in (page.obj.Resources.get("/Font") or {}).items():
                names.add(str(font.get("/BaseFont")))
                descriptor = font.get("/FontDescriptor")
                assert descriptor is not None and "/FontFile2" in descriptor, font
    return names


def _pages(pdf_path: Path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _uses_colour(pdf_path: Path, hex_colour: str) -> bool:
    want = tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                colour = char.get("non_stroking_color")
                if colour and len(colour) == 3 and all(
                        abs(a - b) < 0.01 for a, b in zip(colour, want, strict=True)):
                    return True
    return False


def _sections(pdf_path: Path) -> list[str]:
    """The top-level bookmarks in order: the section headings as the reader lists them."""
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:
        return [item.title for item in outline.root]


def _first_page_with(pages: list[str], text: str) -> int:
    # Case-blind: the bold theme sets section headings in capitals.
    return next(i for i, page in enumerate(pages) if text.lower() in page.lower())


@pytest.fixture(scope="module")
def event_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("themed") / "event"
    shutil.copytree(sample_event_dir(), folder)
    (folder / "fonts").mkdir()
    for style in ("R", "RB", "RI", "RBI"):
        shutil.copy(fonts_dir() / f"LinLibertine_{style}.otf", folder / "fonts")
    (folder / "verein.yaml").write_text(CUSTOM_THEME, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


EXPECTED = {  # theme: (a font name it embeds, its primary colour, a section it drops)
    "default": ("NotoSans-Regular", "#00576b", None),
    "classic": ("LinLibertineO", "#6b1e2e", None),
    "bold": ("Inter-Regular", "#111111", "Inhalt"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bundled_theme_builds_with_its_fonts_colour_and_sections(
        name: str, event_folder: Path, cache: Path, tmp_path: Path) -> None:
    font, primary, dropped = EXPECTED[name]
    out = tmp_path / f"{name}.pdf"
    build_brochure(event_folder, out, BuildOptions(theme=name, cache_dir=cache))
    assert any(font in n for n in _font_names(out)), _font_names(out)
    assert _uses_colour(out, primary)
    pages = _pages(out)
    sections = [title.title() for title in _sections(out)]  # bold sets them in capitals
    assert sections.index("Programm") < sections.index("Vorträge") < sections.index("Impressum")
    if dropped:
        assert not any(dropped.lower() in page.lower() for page in pages)


def test_every_bundled_theme_is_tested() -> None:
    assert sorted(EXPECTED) == bundled_themes()


def test_a_corporate_cff_theme_in_the_event_folder(event_folder: Path, cache: Path,
                                                    tmp_path: Path) -> None:
    event = event_folder / "event.yaml"
    original = event.read_text(encoding="utf-8")
    event.write_text(original + "theme: verein.yaml\n", encoding="utf-8")
    try:
        out = tmp_path / "verein.pdf"
        result = build_brochure(event_folder, out, BuildOptions(cache_dir=cache))
    finally:
        event.write_text(original, encoding="utf-8")
    names = _font_names(out)
    # The CFF outlines were converted (cached) and embedded as TrueType subsets.
    assert {"LinLibertineO", "LinLibertineOB"} <= {n.split("+")[-1] for n in names}, names
    assert not any("NotoSans" in n for n in names)
    assert list((cache / "fonts").glob("*.ttf"))
    assert _uses_colour(out, "#7A1F5C")
    pages = _pages(out)
    # The theme's order: agenda (relabelled), talks, then the contents; intro, gallery,
    # videos and contacts dropped.
    assert _sections(out) == ["Ablauf", "Vorträge", "Inhalt", "Impressum"]
    assert "Ablauf" in pages[1]
    text = "\n".join(pages)
    for gone in ("Einführung", "Fotogalerie"):
        assert gone not in text
    assert not any("Programm\n" in page for page in pages)
    assert not [w for w in result.warnings if "font" in w.message]


def test_a_french_event_without_labels(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text(
        'lang: fr\ntitle: Journée "portes ouvertes"\nevent:\n  start: 2019-10-29 9:00\n'
        'intro: Une phrase "entre guillemets".\n'
        "agenda:\n  - date: 2019-10-29\n    items:\n      - {time: 9:00, title: Accueil}\n",
        encoding="utf-8")
    out = tmp_path / "fr.pdf"
    result = build_brochure(tmp_path, out, BuildOptions())
    text = "\n".join(_pages(out))
    assert "mardi 29 octobre 2019" in text
    assert "Programme" in text and "Sommaire" in text and "Mentions légales" in text
    assert "«\u202fentre guillemets\u202f»" in text or "« entre guillemets »" in text
    assert not result.warnings
    with pikepdf.open(out) as pdf:
        assert str(pdf.Root.Lang) == "fr"


def test_a_language_without_built_in_labels_lists_what_is_missing(tmp_path: Path) -> None:
    from dokureport.validate import validate_event

    (tmp_path / "event.yaml").write_text(
        "lang: it\ntitle: Giornata\nevent: {start: 2019-10-29}\nlabels: {agenda: Programma}\n",
        encoding="utf-8")
    [warning] = validate_event(tmp_path).warnings
    assert "no built-in labels for `it`" in str(warning)
    assert "contents" in warning.message and "agenda," not in warning.message


def test_labels_in_the_event_override_the_theme(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text(
        "title: T\nevent: {start: 2019-10-29}\nlabels: {imprint: Kolophon}\n"
        "agenda: [{date: 2019-10-29, items: [{time: 9:00, title: A}]}]\n", encoding="utf-8")
    out = tmp_path / "x.pdf"
    build_brochure(tmp_path, out, BuildOptions())
    text = "\n".join(_pages(out))
    assert "Kolophon" in text and "Impressum" not in text


def test_theme_files_report_every_problem_with_place_and_suggestion(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "colors: {primary: red}\ncolours:\n  primary: red\nsections: [cover, agenda, galery]\n"
        "labels: {agendaa: X}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_theme("t.yaml", tmp_path, source=_source(tmp_path))
    messages = [str(p) for p in caught.value.problems]
    assert "t.yaml:1:1: colors: unknown key `colors` (did you mean `colours`?)" in messages
    assert any(m.startswith("t.yaml:3:12: colours.primary: not a colour: 'red'")
               for m in messages), messages
    assert any(m.startswith("t.yaml:4:") and "sections[2]: no section is called `galery` "
               "(did you mean `gallery`?)" in m for m in messages), messages
    assert any("labels.agendaa: unknown label `agendaa` (did you mean `agenda`?)" in m
               for m in messages), messages


def _source(folder: Path):  # type: ignore[no-untyped-def]
    from dokureport.event.load import SourceMap

    return SourceMap(folder / "event.yaml")


def test_low_contrast_is_a_warning_naming_key_and_ratio(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text('colours: {text: "#AAAAAA"}\n', encoding="utf-8")
    _, warnings = load_theme("t.yaml", tmp_path, source=_source(tmp_path))
    warning = warnings[0]
    assert str(warning).startswith("t.yaml:1:17: colours.text: #aaaaaa on background #ffffff "
                                   "has a contrast of 2.3:1; body text needs at least 4.5:1")


def _event_with_theme(folder: Path, theme: str) -> None:
    (folder / "event.yaml").write_text(
        "title: T\nevent: {start: 2019-10-29}\ntheme: t.yaml\n", encoding="utf-8")
    (folder / "t.yaml").write_text(theme, encoding="utf-8")


def test_a_file_that_is_not_a_font_is_bad_input_at_its_key(tmp_path: Path) -> None:
    _event_with_theme(tmp_path, "fonts:\n  regular: notes.otf\n")
    (tmp_path / "notes.otf").write_text("not a font", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build_brochure(tmp_path, tmp_path / "x.pdf", BuildOptions())
    [problem] = caught.value.problems
    assert str(problem).startswith("t.yaml:2:12: fonts.regular: not a font file")
    assert not (tmp_path / "x.pdf").exists()


def test_a_font_that_forbids_embedding_is_refused(tmp_path: Path) -> None:
    font = TTFont(str(fonts_dir() / "NotoSans-Regular.ttf"))
    font["OS/2"].fsType = 0x0002
    font.save(str(tmp_path / "Locked.ttf"))
    _event_with_theme(tmp_path, "fonts: {regular: Locked.ttf}\n")
    with pytest.raises(InputError) as caught:
        build_brochure(tmp_path, tmp_path / "x.pdf", BuildOptions())
    assert "fonts.regular: fonts.regular: its licence forbids embedding" not in str(caught.value)
    assert "its licence forbids embedding it in a PDF (OS/2 fsType 0x0002" in str(caught.value)


def test_a_missing_style_warns_and_names_the_fallback(tmp_path: Path) -> None:
    shutil.copy(fonts_dir() / "Inter-Regular.otf", tmp_path / "Inter-Regular.otf")
    _event_with_theme(tmp_path, "fonts: {regular: Inter-Regular.otf}\n")
    result = build_brochure(tmp_path, tmp_path / "x.pdf", BuildOptions(cache_dir=tmp_path / "c"))
    messages = [str(w) for w in result.warnings]
    assert any("fonts.bold: no bold font given: bold text uses the regular font "
               "(Inter-Regular.otf)" in m for m in messages), messages


def test_importing_the_package_changes_no_reportlab_state() -> None:
    code = (
        "import dokureport, dokureport.layout, dokureport.compose, dokureport.pipeline\n"
        "from reportlab import rl_config\nfrom reportlab.pdfbase import pdfmetrics\n"
        "assert pdfmetrics.getRegisteredFontNames() == [], pdfmetrics.getRegisteredFontNames()\n"
        "assert rl_config.canvas_basefontname == 'Helvetica' and rl_config.useA85 == 1\n"
        "from reportlab.platypus import paragraph\n"
        "from reportlab.pdfbase import pdfdoc\n"
        "assert paragraph._getFragWords.__module__ == 'reportlab.platypus.paragraph'\n"
        "assert pdfdoc.PDFOutlines.prepare.__module__ == 'reportlab.pdfbase.pdfdoc'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_schema_of_a_theme_and_the_cli_option(tmp_path: Path, runner) -> None:
    import json

    from dokureport.cli import cli

    result = runner.invoke(cli, ["schema", "--theme"])
    schema = json.loads(result.output)
    assert {"colours", "fonts", "sections", "labels", "new_page"} <= set(schema["properties"])
    result = runner.invoke(cli, ["build", "--theme", "bolt", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "no bundled theme is called 'bolt' (did you mean `bold`?)" in result.output


def test_init_writes_a_starter_theme_that_loads(tmp_path: Path) -> None:
    from dokureport.starter import write_starter

    write_starter(tmp_path / "ev")
    theme, warnings = load_theme("theme.yaml", tmp_path / "ev", source=_source(tmp_path / "ev"))
    assert theme.colours.primary == "#00576b" and not warnings
    assert theme.sections[0] == "cover" and not theme.starts_page("intro")
