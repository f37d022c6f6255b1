"""Chapters, Markdown blocks, funders' logos, the speaker index and photos with their talks,
read back from the example event's PDF (examples/werkstatt-2024)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from dokureport.core.options import BuildOptions
from dokureport.i18n.names import index_name, sort_key
from dokureport.pipeline import build_brochure
from tests.conftest import squash
from tests.index_pdf import read_index
from tests.test_hostile_input import run_cli

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "werkstatt-2024"


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "example.pdf"
    build_brochure(EXAMPLE, out, BuildOptions(jobs=1))
    return out


def _page_with(pdf: pdfplumber.PDF, text: str) -> pdfplumber.page.Page:
    return next(p for p in pdf.pages if text in (p.extract_text() or ""))


def _words_in_line(page: pdfplumber.page.Page, first: str) -> list[str]:
    words = page.extract_words()
    start = next(w for w in words if w["text"] == first)
    return [w["text"] for w in words if abs(w["top"] - start["top"]) < 2]


def test_list_items_print_in_order_with_the_nested_ones_indented(example_pdf: Path) -> None:
    with pdfplumber.open(example_pdf) as pdf:
        page = _page_with(pdf, "Schule und Ganztag")
        lines = [line.strip() for line in page.extract_text().splitlines()]
        words = {w["text"]: w for w in page.extract_words()}
    items = ["• Schule und Ganztag", "• Kinder- und Jugendhilfe", "– Hilfen zur Erziehung",
             "– offene Kinder- und Jugendarbeit", "• kommunale Bildungsplanung"]
    found = [next(i for i, line in enumerate(lines) if line == item) for item in items]
    assert found == sorted(found) and found == list(range(found[0], found[0] + 5))
    assert words["Hilfen"]["x0"] > words["Schule"]["x0"] + 8  # nested: indented


def test_numbered_list_counts_from_one(example_pdf: Path) -> None:
    with pdfplumber.open(example_pdf) as pdf:
        text = _page_with(pdf, "verlässliche Absprachen").extract_text()
    assert "1. verlässliche Absprachen" in text and "3. Zeit für Beziehungsarbeit." in text


def test_block_quote_is_a_pull_quote_in_italics_with_its_attribution(example_pdf: Path
                                                                     ) -> None:
    with pdfplumber.open(example_pdf) as pdf:
        page = _page_with(pdf, "Liebe Teilnehmerinnen")
        text = page.extract_text()
        quote_fonts = {c["fontname"] for c in page.chars if c["text"] == "G"
                       and c["size"] > 11}
    assert squash("Gute Übergänge entstehen dort, wo Menschen einander kennen") in squash(text)
    assert "— Dr. Jana Öztürk, Stadt Musterstadt" in text
    assert any("Italic" in f for f in quote_fonts), quote_fonts


def test_table_cells_stay_in_their_rows_with_the_header(example_pdf: Path) -> None:
    with pdfplumber.open(example_pdf) as pdf:
        page = _page_with(pdf, "Begleitet")
        header = _words_in_line(page, "Begleitet")  # "Stadtteil" may end a talk's title
        rows = [_words_in_line(page, name) for name in ("Nord", "Hafen", "Süd")]
        bold = {c["fontname"] for c in page.chars if c["text"] == "S" and c["size"] < 10}
    assert header == ["Stadtteil", "Kinder", "Begleitet"]
    assert rows == [["Nord", "412", "118"], ["Hafen", "389", "140"], ["Süd", "275", "61"]]
    assert any("Bold" in f for f in bold)


def test_an_image_and_its_caption_share_a_page(example_pdf: Path) -> None:
    with pdfplumber.open(example_pdf) as pdf:
        page = _page_with(pdf, "Die Gruppe sammelte")
        text = page.extract_text()
        assert len(page.images) == 1
        image = page.images[0]
        caption = next(w for w in page.extract_words() if w["text"] == "Plakaten.")
    assert "Die AG 1 bei der Arbeit an den Plakaten." in text
    assert 0 < caption["top"] - image["bottom"] < 20


def _outline(pdf_path: Path) -> dict[str, list[str]]:
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:
        return {item.title: [child.title for child in item.children]
                for item in outline.root}


def test_chapter_headings_are_in_the_outline_and_the_contents(example_pdf: Path) -> None:
    outline = _outline(example_pdf)
    assert outline["Ergebnisse der Arbeitsgruppen"] == ["AG 1: Kooperation",
                                                        "AG 2: Beteiligung"]
    with pdfplumber.open(example_pdf) as pdf:
        contents = pdf.pages[1].extract_text()
    order = ["Einführung", "Grußwort", "Programm", "Vorträge", "Ergebnisse der Arbeitsgruppen",
             "AG 1: Kooperation", "Ausblick", "Fotogalerie", "Referentinnen und Referenten",
             "Impressum"]
    assert [contents.index(x) for x in order] == sorted(contents.index(x) for x in order)


def test_svg_logos_are_vector_paths_and_the_png_logo_an_image(example_pdf: Path) -> None:
    with pdfplumber.open(example_pdf) as pdf:
        page = _page_with(pdf, "Gefördert von")
        assert len(page.images) == 1  # the PNG logo only
        navy = [o for o in page.rects + page.curves
                if o.get("non_stroking_color") and
                all(abs(a - b) < 0.01 for a, b in zip(o["non_stroking_color"],
                                                      (0x12 / 255, 0x34 / 255, 0x56 / 255),
                                                      strict=False))]
        links = [a.get("uri") for a in page.annots]
    assert len(navy) >= 2  # the shield and the word-mark bar of logo-land.svg
    assert "https://example.org" in links


def test_logos_of_a_group_share_an_optical_height() -> None:
    from dokureport.sections.partners import optical_size

    square = optical_size(1.0, 30, 500)
    wide = optical_size(4.0, 30, 500)
    assert wide[1] < square[1] < optical_size(0.5, 30, 500)[1]
    assert wide[0] * wide[1] > square[0] * square[1]  # a wide logo is not shrunk to a line
    assert optical_size(20.0, 30, 100)[0] == 100  # never wider than its cell


def test_speaker_index_sorts_by_family_name_as_german_does(example_pdf: Path) -> None:
    index = read_index(example_pdf, "Referentinnen und Referenten")
    with pdfplumber.open(example_pdf) as pdf:
        page = pdf.pages[index.entries[0].page - 1]
        links = [a for a in page.annots if a.get("data", {}).get("Dest") or a.get("dest")]
    listed = [e.name for e in index.entries]
    names = ["Ağaoğlu, Ömer Prof. Dr.", "Ährenfeld, Anna", "Goethe, Johann Wolfgang von",
             "Müller, Björn", "Straßburger, Lena", "Tanaka, Yuki", "Иванова, Мария"]
    positions = [listed.index(n) for n in names]
    assert positions == sorted(positions)
    assert listed.count("Ährenfeld, Anna") == 1  # one entry for two talks
    assert "Jugendamt Musterstadt" in [e.organisation for e in index.entries]
    assert links, "page numbers link to the talks"


@pytest.mark.parametrize("names", [
    ["Abel", "Ärger", "Arzt", "Ofen", "Öl", "Ost", "Strasse", "Straße", "Strasser", "Ulm",
     "Über", "Uz"],
])
def test_family_names_sort_umlauts_as_their_vowel_and_eszett_as_ss(names: list[str]) -> None:
    people = [f"Anna {n}" for n in names]
    ordered = sorted(people, key=lambda p: sort_key(index_name(p)))
    assert [p.split()[1] for p in ordered] == [
        "Abel", "Ärger", "Arzt", "Ofen", "Öl", "Ost", "Strasse", "Straße", "Strasser", "Über",
        "Ulm", "Uz"]


def test_names_from_other_scripts_follow_latin_each_in_its_order() -> None:
    people = ["Мария Иванова", "Yuki Tanaka", "Νίκος Αλεξίου", "Пётр Абрамов", "Anna Zeller",
              "דוד כהן", "山田太郎"]
    ordered = [index_name(p).family for p in sorted(people, key=lambda p: sort_key(index_name(p)))]
    assert ordered == ["Tanaka", "Zeller", "Αλεξίου", "Абрамов", "Иванова", "כהן", "山田太郎"]


@pytest.mark.parametrize(("name", "family", "rest"), [
    ("Anna Müller", "Müller", "Anna"),
    ("Müller, Anna", "Müller", "Anna"),
    ("Johann Wolfgang von Goethe", "Goethe", "Johann Wolfgang von"),
    ("Ludwig van Beethoven", "Beethoven", "Ludwig van"),
    ("Prof. Dr. Anna Müller", "Müller", "Anna Prof. Dr."),
    ("Hans-Jürgen Schmidt-Meyer", "Schmidt-Meyer", "Hans-Jürgen"),
    ("Cher", "Cher", ""),
])
def test_the_family_name_rule(name: str, family: str, rest: str) -> None:
    indexed = index_name(name)
    assert (indexed.family, indexed.rest) == (family, rest)


def test_a_photo_with_a_talk_shows_there_and_not_again_unless_asked(example_pdf: Path
                                                                     ) -> None:
    with pdfplumber.open(example_pdf) as pdf:
        talks = _page_with(pdf, "Was hat sich bewährt").extract_text()
        gallery = _page_with(pdf, "Ankommen im Tagungshaus").extract_text()
    assert "Diskussion im Plenum" in talks and "Diskussion im Plenum" not in gallery
    # photos/03.jpg says `gallery: true`: shown with its talk and in the gallery
    assert "Arbeit an den Plakaten" in talks and "Arbeit an den Plakaten" in gallery


def _copy_example(tmp_path: Path) -> Path:
    folder = tmp_path / "event"
    shutil.copytree(EXAMPLE, folder)
    return folder


def test_an_error_in_a_chapter_file_points_at_its_line(tmp_path: Path) -> None:
    folder = _copy_example(tmp_path)
    (folder / "grusswort.md").write_text("Liebe Gäste,\n\n![Plakat](photos/fehlt.jpg)\n",
                                         encoding="utf-8")
    code, _, err = run_cli("validate", str(folder))
    assert code == 2
    assert "grusswort.md:3: chapters[0].file: image file not found: 'photos/fehlt.jpg'" in err


def test_an_error_in_inline_chapter_markdown_points_into_event_yaml(tmp_path: Path) -> None:
    folder = _copy_example(tmp_path)
    event = folder / "event.yaml"
    text = event.read_text(encoding="utf-8").replace("photos/03.jpg \"Die AG 1",
                                                     "photos/99.jpg \"Die AG 1")
    event.write_text(text, encoding="utf-8")
    line = next(i for i, x in enumerate(text.splitlines(), start=1) if "photos/99.jpg" in x)
    code, _, err = run_cli("validate", str(folder))
    assert code == 2
    assert f"event.yaml:{line}: chapters[1].text: image file not found: 'photos/99.jpg'" in err


@pytest.mark.parametrize(("change", "message"), [
    ("talk: praxis, gallery: true}", "photos.items[2].talk: no talk has the id `prax` "
                                     "(did you mean `praxis`?)"),
    ("after: intro", "chapters[0].after: no section is called `intr` (did you mean `intro`?)"),
])
def test_wrong_references_are_refused_with_a_suggestion(tmp_path: Path, change: str,
                                                         message: str) -> None:
    folder = _copy_example(tmp_path)
    event = folder / "event.yaml"
    wrong = change.replace("praxis", "prax").replace("intro", "intr")
    event.write_text(event.read_text(encoding="utf-8").replace(change, wrong),
                     encoding="utf-8")
    code, _, err = run_cli("validate", str(folder))
    assert code == 2 and message in err, err


def _tree(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    from tests.test_accessibility import elements

    return elements(pdf)


def test_the_example_passes_both_checkers(example_pdf: Path) -> None:
    from tests.test_accessibility import assert_accessible_and_archival

    assert_accessible_and_archival(example_pdf)


def test_list_items_are_tagged_with_their_label_and_body(example_pdf: Path) -> None:
    with pikepdf.open(example_pdf) as pdf:
        lists = [e for e in _tree(pdf) if e.S == "/L"]
        assert len(lists) >= 3  # the bullets, the nested dashes, the numbered list
        for listing in lists:
            items = list(listing.K)
            assert items and all(i.S == "/LI" for i in items)
            for item in items:
                assert [str(k.S) for k in item.K] == ["/Lbl", "/LBody"]
        nested = [e for e in _tree(pdf) if e.S == "/LBody" and any(k.get("/S") == "/L"
                                                                  for k in e.K)]
        assert nested  # "Kinder- und Jugendhilfe" holds its own list


def test_table_cells_sit_in_rows_and_hold_no_cells(example_pdf: Path) -> None:
    with pikepdf.open(example_pdf) as pdf:
        cells = [e for e in _tree(pdf) if e.S in ("/TH", "/TD")]
        assert cells
        for cell in cells:
            assert cell.P.S == "/TR"
            assert not any(isinstance(k, pikepdf.Dictionary) and k.get("/S") in ("/TH", "/TD")
                           for k in cell.K)


def test_a_markdown_image_is_one_figure_with_its_alt(example_pdf: Path) -> None:
    with pikepdf.open(example_pdf) as pdf:
        figures = [e for e in _tree(pdf) if e.S == "/Figure"]
        assert not [f for f in figures if f.P.S == "/Figure"]
        alts = [str(f.Alt) for f in figures]
    assert "Arbeitsgruppe am Stellwand-Plakat" in alts


def test_text_in_an_svg_logo_is_set_in_an_embedded_font(make_event, tmp_path: Path) -> None:
    from tests.conftest import minimal_event

    folder = make_event(minimal_event(partners=[{"title": "Gefördert von", "logos": [
        {"file": "logo.svg", "name": "Wortmarke"}]}]))
    (folder / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">'
        '<rect width="200" height="60" fill="#004080"/>'
        '<text x="10" y="40" font-family="Helvetica" font-size="24" fill="#fff">Land</text>'
        "</svg>", encoding="utf-8")
    out = tmp_path / "svg-text.pdf"
    build_brochure(folder, out, BuildOptions(jobs=1))
    with pikepdf.open(out) as pdf:
        fonts = {str(f.BaseFont): "/FontFile2" in f.get("/FontDescriptor", {})
                 for p in pdf.pages for f in p.obj.Resources.get("/Font", {}).values()}
    assert fonts and all(fonts.values()), fonts  # renderPDF's Helvetica was never embedded
    with pdfplumber.open(out) as pdf:
        assert "Land" in "".join(p.extract_text() or "" for p in pdf.pages)
