"""German hyphenation: compounds break at their joints, syllables keep three letters."""

from __future__ import annotations

import pytest

from dokureport.text.hyphenation import hyphenator
from dokureport.text.typesetter import Typesetter


@pytest.mark.parametrize(("word", "expected"), [
    ("bedarfsorientiert", "bedarfs-ori-en-tiert"),
    ("Armutsprävention", "Armuts-prä-ven-tion"),
    ("Landschaftspark", "Land-schafts-park"),
    ("Bildungsbenachteiligung", "Bil-dungs-be-nach-tei-li-gung"),
    ("Großstadtnetzwerks", "Groß-stadt-netz-werks"),
])
def test_german_words_break_where_a_typesetter_breaks_them(word: str, expected: str) -> None:
    assert hyphenator("de").inserted(word) == expected


def test_no_break_leaves_fewer_than_three_letters() -> None:
    for word in ("Präsentationen", "Datenbasis", "Ressourcen", "abgestimmt", "Referenten"):
        pieces = hyphenator("de").inserted(word).split("-")
        assert len(pieces[0]) >= 3 and len(pieces[-1]) >= 3, pieces


def test_last_word_of_a_paragraph_is_not_hyphenated() -> None:
    markup = Typesetter().plain("Präsentationen der Referentinnen und Referenten.")
    assert markup.endswith(" Referenten.")
    assert "Prä\xadsen" in markup
