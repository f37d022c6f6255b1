"""A talk (or chapter) held in another language than the event's (`lang:` on the talk): its
title and abstract carry /Lang in the structure tree, are hyphenated with that language's
patterns and quoted as that language quotes; everything else stays the event's."""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml

from dokureport.core.options import BuildOptions
from dokureport.text.hyphenation import hyphenator
from tests.test_accessibility import assert_accessible_and_archival, elements
from tests.test_hostile_input import lines_with, run_cli

WORD = "responsibility"


def _abstract(title: str) -> str:
    # Short words of varied length between the long ones: the lines end everywhere in them.
    rng = random.Random(3)
    shorts = ["a", "an", "the", "and", "to", "of", "its", "our", "we", "all", "new", "shared"]
    pairs = " ".join(f"{rng.choice(shorts)} {WORD}" for _ in range(240))
    return f'{title}: the "network" takes {pairs} together.\n\n- a list item\n- another one'


EVENT = {
    "title": "Fachtag",
    "event": {"start": "2024-03-05"},
    "talks": [
        {"title": "Verantwortung gemeinsam", "abstract": 'Das "Netzwerk" trägt sie.'},
        {"title": "Shared responsibility", "lang": "en", "format": "Keynote",
         "speakers": [{"name": "Ann Smith", "role": "Direktorin"}],
         "abstract": _abstract("Englisch"), "slides": "https://example.org/slides.pdf"},
        {"title": "Dieselbe Zusammenfassung, deutsch gesetzt", "abstract": _abstract("Deutsch")},
        {"title": "Ein deutscher Vortrag", "lang": "de", "abstract": "Ganz normal."},
    ],
    "chapters": [{"title": "Outlook", "lang": "en", "text": "The network goes on in 2025."}],
}


@pytest.fixture(scope="module")
def brochure(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from dokureport.pipeline import build_brochure

    folder = tmp_path_factory.mktemp("talk-language")
    (folder / "event.yaml").write_text(yaml.safe_dump(EVENT, allow_unicode=True),
                                       encoding="utf-8")
    out = folder / "brochure.pdf"
    build_brochure(folder, out, BuildOptions(jobs=1))
    return out


def _headings_in_order(pdf_path: Path) -> list[str]:
    """The text of each H1 and H2, in the order of the structure tree."""
    tree = subprocess.run(["pdfinfo", "-struct-text", str(pdf_path)], capture_output=True,
                          text=True, check=True).stdout.splitlines()
    return [tree[i + 1].strip().strip('"').strip() for i, line in enumerate(tree)
            if line.strip() in ("H1 (block)", "H2 (block)")]


def test_the_talk_s_heading_and_abstract_carry_lang_and_nothing_else_does(brochure: Path
                                                                          ) -> None:
    headings = iter(_headings_in_order(brochure))
    tagged: set[tuple[str, str, str]] = set()
    with pikepdf.open(brochure) as pdf:
        assert str(pdf.Root.Lang) == "de-DE"
        heading = ""  # what each element belongs to: the heading before it
        for e in elements(pdf):
            if e.S in ("/H1", "/H2"):
                heading = next(headings)
            if "/Lang" in e:
                tagged.add((heading, str(e.S), str(e.Lang)))
    # The English talk: its H2, its abstract's paragraphs and list; the English chapter:
    # its H1 and paragraph; in the contents, their entries. No Sect, no speaker line, no
    # German talk, and not the talk that says `lang: de` in a German brochure.
    assert tagged == {("Inhalt", "/TOCI", "en-GB"),
        ("Shared responsibility", "/H2", "en-GB"), ("Shared responsibility", "/P", "en-GB"),
        ("Shared responsibility", "/L", "en-GB"), ("Outlook", "/H1", "en-GB"),
        ("Outlook", "/P", "en-GB")}


def _contents_entries(pdf_path: Path) -> list[str]:
    """The text of each contents entry (TOCI), in the order of the structure tree."""
    tree = subprocess.run(["pdfinfo", "-struct-text", str(pdf_path)], capture_output=True,
                          text=True, check=True).stdout.split("TOCI\n")[1:]
    return [re.search(r'"(.*?) \d+ ?"', entry)[1] for entry in tree]


def test_the_contents_entries_of_the_talk_and_chapter_carry_their_lang(brochure: Path
                                                                       ) -> None:
    entries = _contents_entries(brochure)
    with pikepdf.open(brochure) as pdf:
        toci = [e for e in elements(pdf) if e.S == "/TOCI"]
        assert len(toci) == len(entries)
        tagged = {text: str(e.Lang) for text, e in zip(entries, toci, strict=True)
                  if "/Lang" in e}
        # The entry's link and text inherit it: nothing below the TOCI says otherwise.
        assert not any("/Lang" in kid for e in toci for kid in elements_below(e))
    assert "Verantwortung gemeinsam" in entries and "Ein deutscher Vortrag" in entries
    assert tagged == {"Shared responsibility": "en-GB", "Outlook": "en-GB"}


def elements_below(node: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    out: list[pikepdf.Dictionary] = []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            out += [kid, *elements_below(kid)]
    return out


def test_the_speakers_line_stays_in_the_event_s_language(brochure: Path) -> None:
    tree = subprocess.run(["pdfinfo", "-struct-text", str(brochure)], capture_output=True,
                          text=True, check=True).stdout
    english = tree.split("Shared responsibility ")[2].split("Dieselbe Zusammenfassung")[0]
    assert "Ann Smith, Direktorin" in english and "Englisch: the" in english
    with pikepdf.open(brochure) as pdf:
        found = elements(pdf)
        h2 = [i for i, e in enumerate(found) if e.S == "/H2"]
        # After the English talk's heading: the speaker's line (no /Lang), then the abstract.
        after = found[h2[1] + 1 : h2[2]]
        assert after[0].S == "/P" and "/Lang" not in after[0]
        assert "/Lang" in after[1]


def _line_end_fragments(pdf_path: Path, marker: str, until: str) -> set[str]:
    """The parts of WORD before a line-end hyphen, in the text from `marker` to `until`."""
    with pdfplumber.open(pdf_path) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    part = text.split(marker, 1)[1].split(until, 1)[0]
    return {m.group(1) for m in re.finditer(r"(\w+)[\xad-]\n", part)
            if WORD.startswith(m.group(1))}


def _breaks(lang: str) -> set[str]:
    """Where `lang`'s patterns let WORD break: the parts before each break."""
    pieces = hyphenator(lang).inserted(WORD, hyphen="\0").split("\0")
    return {"".join(pieces[:i]) for i in range(1, len(pieces))}


def test_the_english_abstract_is_hyphenated_with_english_patterns(brochure: Path) -> None:
    english, german = _breaks("en"), _breaks("de")
    assert english.isdisjoint(german)  # "respons-ib-il-ity", "respon-si-bi-lity"
    in_english = _line_end_fragments(brochure, "Englisch:", "Deutsch:")
    in_german = _line_end_fragments(brochure, "Deutsch:", "Outlook")
    assert in_english and in_english <= english, in_english
    assert in_german and in_german <= german, in_german


def test_quotation_marks_follow_the_talk_s_language(brochure: Path) -> None:
    with pdfplumber.open(brochure) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages)
    assert "Englisch: the “network” takes" in text
    assert "Deutsch: the „network“ takes" in text
    assert "Das „Netzwerk“ trägt sie." in text


def test_the_labels_stay_the_event_s(brochure: Path) -> None:
    with pdfplumber.open(brochure) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages)
    assert "Vorträge" in text and "Präsentation:" in text


def test_the_brochure_passes_both_checkers(brochure: Path) -> None:
    assert_accessible_and_archival(brochure)


def test_a_bad_talk_language_is_refused_with_its_place(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text(
        "title: Fachtag\nevent:\n  start: 2024-03-05\ntalks:\n  - title: Keynote\n"
        "    lang: english\nchapters:\n  - title: Ausblick\n    text: Weiter.\n"
        "    lang: 12\n", encoding="utf-8")
    code, _, err = run_cli("build", str(tmp_path), "-o", str(tmp_path / "out.pdf"), "-q")
    assert code == 2 and "Traceback" not in err
    assert lines_with("error: ", err) == [
        "event.yaml:6:11: talks[0].lang: not a language Babel knows: 'english' "
        "(e.g. de, en, fr, it, pt-BR)",
        "event.yaml:10:11: chapters[0].lang: not a language Babel knows: '12' "
        "(e.g. de, en, fr, it, pt-BR)",
    ]
    assert not (tmp_path / "out.pdf").exists()
