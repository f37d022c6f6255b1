"""Text read back from a brochure: the lines of a paragraph are separate words in the
structure tree (what a screen reader follows), and soft-hyphen breaks add no space."""

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
    lines = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    # The intro is set over several lines: a line ends after a real hyphen and soft breaks occur.
    assert any(line.endswith("Kinder-") for line in lines) or "Kinder-" in "".join(lines)
    struct = subprocess.run(["pdfinfo", "-struct-text", str(out)], capture_output=True,
                            text=True, check=True).stdout
    para = next(line for line in struct.splitlines() if "Fachstelle" in line).strip().strip("\"")
    assert "jungen Menschen" in para and "Die Dokumentation des Großstadtnetzwerks" in para
    assert "Kinder- und Jugendhilfe" in para and "Kinder-und" not in para
    assert para.count("Kinder- und Jugendhilfe") == 2
    # A soft-hyphen break still reads as one word, with no space inside it.
    assert " ".join(para.split()).count(" ") == INTRO.replace("**", "").count(" ")
