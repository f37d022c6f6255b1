"""The cover, read back from the PDF: a cover without a photo is a typographic cover (the
title on the colour panel, in the page's upper half, no empty box), and no cover
hyphenates a word."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
import yaml

from tests.conftest import SAMPLE

THEMES = ("default", "classic", "bold")
PAPERS = ("a4", "a5")
# A hyphen, soft hyphen or Unicode hyphen closing a line.
_LINE_END_HYPHEN = re.compile(r"(\S*[-\u00ad\u2010])$")


def _sample(tmp_path: Path, *, cover_photo: bool) -> tuple[Path, dict]:
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    text = (folder / "event.yaml").read_text(encoding="utf-8")
    if not cover_photo:
        text, found = re.subn(r"(?m)^\s+cover: true.*\n", "", text)
        assert found == 1
        (folder / "event.yaml").write_text(text, encoding="utf-8")
    return folder, yaml.safe_load(text)


def _cover_source_words(data: dict) -> set[str]:
    """Every word the cover prints, as written in event.yaml (hyphens of their own kept)."""
    event = data["event"]
    venue = event.get("venue", {})
    texts = [data["title"], data.get("subtitle", ""), event.get("kind", ""),
             venue.get("name", ""), *venue.get("address", []), data["organiser"]["name"]]
    return {word for text in texts for word in text.split()}


def _hyphens_of_its_own(page: pdfplumber.page.Page, source_words: set[str]) -> list[str]:
    """Lines of the page that end in a hyphen the source does not have there."""
    lines = (page.extract_text() or "").splitlines()
    return [line for line in lines
            if (m := _LINE_END_HYPHEN.search(line.rstrip()))
            and m.group(1).replace("\u00ad", "-").replace("\u2010", "-") not in source_words]


@pytest.mark.slow
@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("theme", THEMES)
def test_a_cover_without_photo_is_typographic_with_its_title_on_the_panel_in_the_upper_half(
        tmp_path: Path, build, theme: str, paper: str) -> None:
    folder, data = _sample(tmp_path, cover_photo=False)
    pdf_path, _ = build(folder, theme=theme, paper=paper)
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        title_words = set(data["title"].split())
        title = [w for w in words if w["text"] in title_words]
        assert {w["text"] for w in title} == title_words, "the title is on the cover"
        assert max(w["bottom"] for w in title) < page.height / 2, \
            "the title stands in the cover's upper half"

        filled = [r for r in page.rects if r.get("fill")
                  and r["width"] * r["height"] > 0.1 * page.width * page.height]
        assert filled, "a typographic cover has its colour panel"
        for rect in filled:
            inside = [w for w in words if rect["x0"] <= w["x0"] and w["x1"] <= rect["x1"]
                      and rect["top"] <= w["top"] and w["bottom"] <= rect["bottom"]]
            assert inside, f"an empty filled box on the cover: {rect['width']:.0f} × " \
                           f"{rect['height']:.0f} pt"
        panel = max(filled, key=lambda r: r["width"] * r["height"])
        assert all(panel["top"] <= w["top"] and w["bottom"] <= panel["bottom"] for w in title), \
            "the title stands on the panel"
        assert _hyphens_of_its_own(page, _cover_source_words(data)) == []


@pytest.mark.slow
@pytest.mark.parametrize("cover_photo", [True, False], ids=["photo", "no-photo"])
def test_a_cover_never_hyphenates_a_word(tmp_path: Path, build, cover_photo: bool) -> None:
    # Bold's large title on A5: "Großstadtnetzwerks" is wider than the line there.
    folder, data = _sample(tmp_path, cover_photo=cover_photo)
    pdf_path, _ = build(folder, theme="bold", paper="a5")
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        assert _hyphens_of_its_own(page, _cover_source_words(data)) == []
        words = {w["text"] for w in page.extract_words()}
        assert "Großstadtnetzwerks" in words, "the title's long word is whole"


LONG_TITLE = ("Dokumentation des dritten Großstadtnetzwerks kommunaler Bildungslandschaften "
              "und der Jugendhilfe im Ruhrgebiet")


@pytest.mark.slow
@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("title", ["sample", "long"])
@pytest.mark.parametrize(("theme", "cover_photo"), [("bold", True), ("bold", False),
                                                    ("classic", False)],
                         ids=["bold-photo", "bold-no-photo", "classic-no-photo"])
def test_a_cover_panel_grows_to_hold_its_text_at_7_pt_or_more(
        tmp_path: Path, build, paper: str, title: str, theme: str, cover_photo: bool) -> None:
    folder, data = _sample(tmp_path, cover_photo=cover_photo)
    if title == "long":
        path = folder / "event.yaml"
        text = path.read_text(encoding="utf-8").replace(f"title: {data['title']}\n",
                                                        f"title: {LONG_TITLE}\n", 1)
        path.write_text(text, encoding="utf-8")
        data = yaml.safe_load(text)
    pdf_path, _ = build(folder, theme=theme, paper=paper)
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        chars = [c for c in page.chars if c["text"].strip()]
        small = sorted({round(c["size"], 2) for c in chars if c["size"] < 7 - 0.01})
        assert not small, f"cover type under 7 pt: {small}"
        panel = max((r for r in page.rects if r.get("fill")),
                    key=lambda r: r["width"] * r["height"])
        words = page.extract_words()
        title_words = set(data["title"].split())
        on_title = [w for w in words if w["text"] in title_words]
        assert {w["text"] for w in on_title} == title_words
        # The title stands on the panel; on a photo, every word of the cover does ("und"
        # is in the organiser's name below the panel too).
        on_panel = words if cover_photo else [w for w in on_title if len(w["text"]) > 3]
        assert all(panel["top"] <= w["top"] and w["bottom"] <= panel["bottom"]
                   for w in on_panel), [w["text"] for w in on_panel
                                        if not panel["top"] <= w["top"] <= panel["bottom"]]
