"""German hyphenation: compounds break at their joints, syllables keep three letters."""

from __future__ import annotations

import pytest

from dokureport.text.hyphenation import hyphenator
from dokureport.text.typesetter import Typesetter


@pytest.mark.parametrize(("word", "expected"), [
    # In a compound a syllable break keeps three letters after a joint ("be-nach" is not
    # one): the joint comes first.
    ("bedarfsorientiert", "bedarfs-ori-en-tiert"),
    ("Armutsprävention", "Armuts-prä-ven-tion"),
    ("Landschaftspark", "Land-schafts-park"),
    ("Bildungsbenachteiligung", "Bil-dungs-benach-tei-li-gung"),
    ("Großstadtnetzwerks", "Groß-stadt-netz-werks"),
    ("Präsentationen", "Prä-sen-ta-tio-nen"),
])
def test_german_words_break_where_a_typesetter_breaks_them(word: str, expected: str) -> None:
    assert hyphenator("de").inserted(word) == expected


@pytest.mark.parametrize(("word", "wrong", "right"), [
    ("ressortübergreifende", "res-sort", "ressort-über"),
    ("Landesjugendamt", "ju-gend", "Landes-jugend"),
    ("Stolpersteine", "pers-teine", "Stol-per"),
    ("Stadtgesellschaft", "Stadtge-", "Stadt-ge-sell"),
    ("Chancengerechtigkeit", "cenge", "Chan-cen-ge-rech"),
])
def test_compounds_break_at_their_joints_not_in_their_first_syllable(
        word: str, wrong: str, right: str) -> None:
    broken = hyphenator("de").inserted(word)
    assert wrong not in broken
    assert broken.startswith(right)


def test_a_hyphenated_compound_breaks_at_its_hyphen_or_its_joint() -> None:
    markup = Typesetter().plain("Das LVR-Landesjugendamt lädt ein.")
    assert "LVR-Landes\xadjugend" in markup and "Landesju\xad" not in markup


def test_no_break_leaves_fewer_than_three_letters() -> None:
    for word in ("Präsentationen", "Datenbasis", "Ressourcen", "abgestimmt", "Referenten"):
        pieces = hyphenator("de").inserted(word).split("-")
        assert len(pieces[0]) >= 3 and len(pieces[-1]) >= 3, pieces


def test_last_word_of_a_paragraph_is_not_hyphenated() -> None:
    markup = Typesetter().plain("Präsentationen der Referentinnen und Referenten.")
    assert markup.endswith(" Referenten.")
    assert "Prä\xadsen" in markup
