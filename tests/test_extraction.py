"""Text read back from a brochure by poppler (pdftotext), MuPDF (pymupdf) and PDFium
(pypdfium2): whole words in the brochure's order, with no hyphenation artefacts.

A hyphen that hyphenation adds at a line end is U+00AD (a soft hyphen), as ISO 32000 asks
of tagged PDF: a reader that hands it on shows where to join the word, PDFium turns it into
its own mark (U+0002 or U+FFFE) and joins the lines itself. A real hyphen at a line end
("Kinder- / und Jugendhilfe") is U+2010, which no reader takes for a break: it keeps the
hyphen and the word after it. Structure text (what a screen reader follows) keeps the
lines of a paragraph apart as words.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pymupdf
import pypdfium2
import pytest
import yaml

from dokureport.core.options import BuildOptions
from dokureport.core.resources import sample_event_dir
from tests.helpers import pdftotext
from tests.test_accessibility import assert_accessible_and_archival

INTRO = ("Die Fachstelle für Kinder- und Jugendhilfe eröffnet jungen Menschen Chancengleichheit "
         "und Berufsperspektiven. Die Dokumentation des Großstadtnetzwerks beschreibt Kinder- und "
         "Jugendhilfe, Chancengerechtigkeit, Verantwortungsgemeinschaften und Zusammenarbeit "
         "mit **Kooperationspartnern** in der Stadtgesellschaft.")
# Long compounds, compounds joined by a real hyphen ("Bildungs- und"), spaced dashes.
MORE = ("Arbeitsmarkt- und Sozialpolitik – ein weites Feld – gehören zusammen, ebenso Bildungs- "
        "und Teilhabeleistungen, Schul- und Berufsberatung sowie Jugendberufsagentur-Netzwerke. "
        "Kommunale Präventionsketten verbinden Familienbildung, Quartiersarbeit und Gesundheits- "
        "und Sozialberatung – gemeinsam mit Landes- und Bundesmitteln – in der ganzen Stadt.")


# The A5 column these texts were written for (about 70 characters): the default measure
# would break them elsewhere.
WIDE_COLUMN = {"type": {"measure": 75}}


def mupdf(pdf: Path) -> str:
    with pymupdf.open(pdf) as document:
        return "\n".join(page.get_text() for page in document)


def pdfium(pdf: Path) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


READERS: dict[str, Callable[[Path], str]] = {
    "poppler": pdftotext, "mupdf": mupdf, "pdfium": pdfium}

# Where a reader marks a line-break hyphen: U+00AD before the line end (poppler, MuPDF),
# or PDFium's mark of a line-end hyphen it took away (the lines are joined already).
_BREAK = r"(?:\xad[ \t]*\r?\n|[\x02\ufffe])"


def words(text: str) -> list[str]:
    """A reader's text as words: line-break hyphens joined, U+2010 read as "-"."""
    return re.sub(_BREAK, "", text).replace("\u2010", "-").split()


def joined_at_breaks(text: str) -> list[str]:
    """The words a reader's text gives across its line-break hyphens."""
    return ["".join(m.groups()) for m in re.finditer(rf"(\w+){_BREAK}(\w+)", text)]


def split_at_hyphens(text: str) -> list[str]:
    """Each word before a printed hyphen (U+002D, U+2010) at a line end, joined to the next."""
    return ["".join(m.groups()) for m in re.finditer(r"(\w+)[-\u2010][ \t]*\r?\n[ \t]*(\w+)",
                                                     text)]


def in_order(found: list[str], expected: list[str]) -> list[str]:
    """The words of `found` from where `expected` begins, as many as it has."""
    starts = [i for i in range(len(found)) if found[i:i + 2] == expected[:2]]
    assert starts, f"{expected[:2]} not found"
    return found[starts[0]:starts[0] + len(expected)]


@pytest.fixture(scope="module")
def hyphenated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An A5 brochure whose narrow column breaks German words at soft hyphens and two
    compounds ("Kinder- / und", "Gesundheits- / und") after their own hyphen."""
    from dokureport.pipeline import build_brochure

    folder = tmp_path_factory.mktemp("hyphenated")
    (folder / "photos").mkdir()
    event = {"title": "Fachtag", "event": {"start": "2024-03-05"}, "intro": f"{INTRO} {MORE}",
             "theme": WIDE_COLUMN}
    (folder / "event.yaml").write_text(yaml.safe_dump(event, allow_unicode=True),
                                       encoding="utf-8")
    out = folder / "a5.pdf"
    build_brochure(folder, out, BuildOptions(paper="a5"))
    return out


def test_the_column_breaks_a_compound_after_its_hyphen_and_words_at_soft_hyphens(
        hyphenated: Path) -> None:
    # MuPDF keeps the printed lines: what the other tests read across is really there.
    lines = [line.rstrip() for line in mupdf(hyphenated).splitlines()]
    real = [a.split()[-1] for a, b in pairwise(lines)
            if a.endswith(("-", "\u2010")) and b.startswith("und ")]
    assert real == ["Kinder\u2010", "Gesundheits\u2010"]
    assert sum(line.endswith("\xad") for line in lines) >= 4


def test_the_hyphenated_brochure_passes_both_checkers(hyphenated: Path) -> None:
    assert_accessible_and_archival(hyphenated)


@pytest.mark.parametrize("reader", READERS)
def test_readers_give_whole_words_in_the_brochure_order(hyphenated: Path, reader: str) -> None:
    text = READERS[reader](hyphenated)
    expected = f"{INTRO} {MORE}".replace("**", "").split()
    found = words(text)
    assert in_order(found, expected) == expected
    assert not [word for word in found if "\xad" in word]


@pytest.mark.parametrize("reader", READERS)
def test_a_real_hyphen_at_a_line_end_keeps_the_word_after_it(hyphenated: Path,
                                                             reader: str) -> None:
    text = READERS[reader](hyphenated)
    # "Kinder- und" twice, once broken after "Kinder-": never "Kinderund", never lost.
    assert " ".join(words(text)).count("Kinder- und Jugendhilfe") == 2
    assert "Gesundheits- und Sozialberatung" in " ".join(words(text))
    glued = text.replace("\x02", "").replace("\ufffe", "")
    assert "Kinderund" not in glued and "Gesundheitsund" not in glued


@pytest.mark.parametrize("reader", READERS)
def test_the_sample_reads_without_hyphenation_fragments(sample_pdf: Path, reader: str) -> None:
    event = (sample_event_dir() / "event.yaml").read_text("utf-8")
    source = set(re.findall(r"\w+", event))
    text = READERS[reader](sample_pdf)
    # A word broken across pages ("Kin- / dern") has the footer between its parts in
    # PDFium's reading order: the footer (the title, an artifact) is left out.
    title = yaml.safe_load(event)["title"]
    text = re.sub(rf"{re.escape(title)}[ \t]*\d*[ \t]*(\r?\n)?", "", text)
    found = words(text)
    # A talk's heading breaks "Kinder- / und Jugendarmut" after the hyphen: no reader glues
    # a compound's parts ("Kinderund").
    assert "Kinder- und Jugendarmut" in " ".join(found)
    assert {a + b for a, b in re.findall(r"(\w+)- (\w+)", event)} & set(found) == set()
    joined = joined_at_breaks(text)
    assert len(joined) >= 20  # the sample breaks this many words at their soft hyphens
    # Each word joined across a break is a word of the event, never a fragment ("Chan cen").
    assert [word for word in joined if word not in source] == []
    # No line ends in a hyphen a reader would keep inside a word ("Chan-" / "cen").
    assert [word for word in split_at_hyphens(text)
            if word in source] == []
    assert not [word for word in found if "\xad" in word]


def test_structure_text_keeps_words_apart_across_line_ends(make_event, tmp_path: Path) -> None:
    from dokureport.pipeline import build_brochure

    out = tmp_path / "a5.pdf"
    event = make_event({"title": "Fachtag", "event": {"start": "2024-03-05"}, "intro": INTRO,
                        "theme": WIDE_COLUMN})
    build_brochure(event, out, BuildOptions(paper="a5"))
    text = pdftotext(out)
    # The narrow column breaks two words at their soft hyphens: printed with a hyphen,
    # read as U+00AD (a soft hyphen) and never as "-", so a reader can join the word.
    assert "Verantwortungsge\xad\nmeinschaften" in text
    assert "Kooperationspart\xad\nnern" in text
    assert "ge-\n" not in text and "part-\n" not in text
    struct = subprocess.run(["pdfinfo", "-struct-text", str(out)], capture_output=True,
                            text=True, check=True).stdout
    para = next(line for line in struct.splitlines() if "Fachstelle" in line).strip().strip("\"")
    assert "jungen Menschen" in para and "Die Dokumentation des Großstadtnetzwerks" in para
    # "Kinder-" ends a line the second time: a hyphen (U+2010) and a space after it.
    assert "Kinder- und Jugendhilfe" in para and "Kinder\u2010 und Jugendhilfe" in para
    assert not re.search("Kinder[-\u2010]und", para)
    # A soft-hyphen break still reads as one word, with no space inside it.
    assert "Verantwortungsgemeinschaften" in para.replace("\xad", "")
    assert " ".join(para.split()).count(" ") == INTRO.replace("**", "").count(" ")


def test_only_a_word_s_own_hyphen_at_a_line_end_becomes_u2010(hyphenated: Path) -> None:
    from dokureport.engine.reportlab_fixes import _real_hyphen_at_end

    font = "NotoSans"  # registered by the brochure built above
    assert _real_hyphen_at_end("beschreibt Kinder- ", font) == "beschreibt Kinder\u2010 "
    assert _real_hyphen_at_end("(Bildungs-", font) == "(Bildungs\u2010"
    # A number range or a code broken after its "-", and a hyphen mid-line, stay U+002D.
    for text in ("Seiten 12-", "ISBN 978-3-", "Kinder- und Jugendhilfe "):
        assert _real_hyphen_at_end(text, font) == text
