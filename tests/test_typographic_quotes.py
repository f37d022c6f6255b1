"""Straight quotes in imported (and typed) text print as the language sets them, double
and single, across emphasis; code spans and blocks keep theirs."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from dokureport.pipeline import BuildResult
from dokureport.text.typesetter import Typesetter
from tests.conftest import minimal_event
from tests.helpers import pdftotext

Build = Callable[..., tuple[Path, BuildResult]]
NNBSP = "\u202f"
# An abstract as importers write them: straight quotes, an apostrophe, a possessive
# plural, a quote around emphasis, and code that must stay as typed.
ABSTRACT = ("Join \"Recycle, Reuse\" and 'Refiners' for *\"emphasis\"*, it's the "
            "customers' choice. Run `zeek.on('init', \"x\")` now.\n\n"
            "```\nprint(\"it's\")\n```\n")
EXPECTED = {
    "de": ("„Recycle, Reuse“", "‚Refiners‘", "„emphasis“"),
    "en": ("“Recycle, Reuse”", "‘Refiners’", "“emphasis”"),
    "fr": (f"«{NNBSP}Recycle, Reuse{NNBSP}»", "“Refiners”", f"«{NNBSP}emphasis{NNBSP}»"),
}


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_straight_quotes_become_the_language_s_and_code_keeps_its_own(lang: str) -> None:
    markup = " ".join(Typesetter(lang=lang, hyphenate=False).rich(ABSTRACT))
    for quoted in EXPECTED[lang]:
        assert quoted in markup
    assert "it’s" in markup and "customers’ choice" in markup
    assert "`zeek.on('init', \"x\")`" in markup, "code keeps its straight quotes"


@pytest.mark.parametrize("text", ["rock 'n roll", "the '90s", "Linux' kernel"])
def test_a_single_quote_that_pairs_with_none_is_an_apostrophe(text: str) -> None:
    assert Typesetter(lang="de").typographic(text) == text.replace("'", "’")


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_the_pdf_sets_the_language_s_quotes_outside_code_only(
        make_event: Callable[..., Path], build: Build, lang: str) -> None:
    event = minimal_event(lang=lang, talks=[{"id": "t", "title": "Vortrag",
                                             "abstract": ABSTRACT}])
    text = pdftotext(build(make_event(event, name=lang))[0])
    # A word hyphenated at a line's end reads as its two parts joined by U+00AD and a
    # line break (tests/test_extraction.py): joined again, it is the word as typed.
    flat = " ".join(re.sub(r"\xad\s*\n", "", text).split())
    for quoted in EXPECTED[lang]:
        assert " ".join(quoted.split()) in flat
    assert "zeek.on('init', \"x\")" in flat, "a code span keeps its straight quotes"
    assert "print(\"it's\")" in flat, "a code block keeps its straight quotes"
    assert "customers’ choice" in flat
