"""Input text becomes safe, typographic reportlab markup."""

from __future__ import annotations

from dokureport.layout.text import Typesetter


def test_markup_characters_are_escaped_not_interpreted() -> None:
    t = Typesetter(hyphenate=False)
    assert t.plain("Q&A <Teil 1> <b>fett</b>") == "Q&amp;A &lt;Teil 1&gt; &lt;b&gt;fett&lt;/b&gt;"


def test_inline_markup_of_the_contract() -> None:
    t = Typesetter(hyphenate=False)
    [markup] = t.rich("Ein *kurzer* und **starker** [Link](https://example.org/?a=1&b=2).")
    assert markup == (
        'Ein <i>kurzer</i> und <b>starker</b> '
        '<a href="https://example.org/?a=1&amp;b=2" color="#00576b">Link</a>.'
    )


def test_unsafe_link_schemes_print_literally() -> None:
    t = Typesetter(hyphenate=False)
    [markup] = t.rich("[klick](javascript:alert(1)) [datei](file:///etc/passwd)")
    assert "<a " not in markup
    assert "javascript:alert(1)" in markup and "file:///etc/passwd" in markup


def test_paragraphs_split_at_blank_lines() -> None:
    assert len(Typesetter().rich("Eins\nnoch eins\n\n  \nZwei")) == 2


def test_german_quotes_and_dashes() -> None:
    t = Typesetter(hyphenate=False)
    assert t.plain('Ketten - "zwei Seiten"') == "Ketten – „zwei Seiten“"
    assert Typesetter(lang="en", hyphenate=False).plain('"two sides"') == "“two sides”"


def test_soft_hyphens_mark_german_syllables() -> None:
    assert "\xad" in Typesetter().plain("Bildungsbenachteiligung vor Ort")


def test_missing_glyphs_fall_back_or_are_reported() -> None:
    t = Typesetter(hyphenate=False)
    markup = t.plain("王小明 und Nguyễn Thị Minh Khai, Ελληνικά, Щука 😀")
    assert '<font face="DroidSansFallback">王小明</font>' in markup
    assert "Nguyễn Thị Minh Khai, Ελληνικά, Щука" in markup
    assert t.missing_glyphs == {"😀"}
