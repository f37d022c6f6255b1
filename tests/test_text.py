"""Input text becomes safe, typographic reportlab markup."""

from __future__ import annotations

import itertools

from dokureport.layout.text import Typesetter


def test_markup_characters_are_escaped_not_interpreted() -> None:
    t = Typesetter(hyphenate=False)
    assert t.plain("Q&A <Teil 1> <b>fett</b>") == "Q&amp;A &lt;Teil 1&gt; &lt;b&gt;fett&lt;/b&gt;"


def test_inline_markup_of_the_contract() -> None:
    t = Typesetter(hyphenate=False)
    [markup] = t.rich("Ein *kurzer* und **starker** [Link](https://example.org/?a=1&b=2).")
    assert markup == (
        'Ein <i>kurzer </i>und <b>starker </b>'
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


def test_space_after_emphasis_moves_inside_the_tag() -> None:
    # Else reportlab sets it twice after a word hyphenated inside the emphasis.
    [markup] = Typesetter(hyphenate=False).rich("zum *Berufseinstieg* an den **Übergängen** an")
    assert markup == "zum <i>Berufseinstieg </i>an den <b>Übergängen </b>an"


def test_a_hyphenated_emphasis_gets_one_space(tmp_path) -> None:
    import pdfplumber
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from dokureport.layout.styles import make_styles
    from dokureport.layout.theme import GEOMETRIES

    style = make_styles(GEOMETRIES["a4"]).body
    [markup] = Typesetter().rich("Präventionsketten setzen dabei *von der Geburt bis zum "
                                 "Berufseinstieg* an den Übergängen an, an denen Familien")
    checked = 0
    for width in range(150, 340, 6):  # some widths break "Berufsein-stieg" at a line end
        out = tmp_path / f"p{width}.pdf"
        SimpleDocTemplate(str(out), pagesize=(width + 40, 400), leftMargin=20,
                          rightMargin=20).build([Paragraph(markup, style)])
        with pdfplumber.open(out) as pdf:
            words = pdf.pages[0].extract_words()
        stieg = next((w for w in words if w["text"] in ("stieg", "einstieg")), None)
        if stieg is None:
            continue
        line = [w for w in words if abs(w["top"] - stieg["top"]) < 1]
        gaps = [b["x0"] - a["x1"] for a, b in itertools.pairwise(line)]
        assert gaps[0] <= max(gaps[1:]) * 1.2, (width, gaps)
        checked += 1
    assert checked >= 1
