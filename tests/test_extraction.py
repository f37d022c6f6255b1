"""Text read back from a brochure: the lines of a paragraph are separate words in the
structure tree (what a screen reader follows), and a soft-hyphen break reads as U+00AD."""

from __future__ import annotations

import subprocess
from pathlib import Path

from dokureport.options import BuildOptions

INTRO = ("Die Fachstelle für Kinder- und Jugendhilfe eröffnet jungen Menschen Chancengleichheit "
         "und Berufsperspektiven. Die Dokumentation des Großstadtnetzwerks beschreibt Kinder- und "
         "Jugendhilfe, Chancengerechtigkeit, Verantwortungsgemeinschaften und Zusammenarbeit "
         "mit **Kooperationspartnern** in der Stadtgesellschaft.")


def test_structure_text_keeps_words_apart_across_line_ends(make_event, tmp_path: Path) -> None:
    from dokureport.pipeline import build_brochure

    out = tmp_path / "a5.pdf"
    event = make_event({"title": "Fachtag", "event": {"start": "2024-03-05"}, "intro": INTRO})
    build_brochure(event, out, BuildOptions(paper="a5"))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    # The narrow column breaks two words at their soft hyphens: printed with a hyphen,
    # read as U+00AD (a soft hyphen) and never as "-", so a reader can join the word.
    assert "Verantwortungsge\xad\nmeinschaften" in text
    assert "Kooperationspart\xad\nnern" in text
    assert "ge-\n" not in text and "part-\n" not in text
    struct = subprocess.run(["pdfinfo", "-struct-text", str(out)], capture_output=True,
                            text=True, check=True).stdout
    para = next(line for line in struct.splitlines() if "Fachstelle" in line).strip().strip("\"")
    assert "jungen Menschen" in para and "Die Dokumentation des Großstadtnetzwerks" in para
    assert "Kinder- und Jugendhilfe" in para and "Kinder-und" not in para
    assert para.count("Kinder- und Jugendhilfe") == 2
    # A soft-hyphen break still reads as one word, with no space inside it.
    assert "Verantwortungsgemeinschaften" in para.replace("\xad", "")
    assert " ".join(para.split()).count(" ") == INTRO.replace("**", "").count(" ")
