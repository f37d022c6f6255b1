"""Input text becomes safe, typographic reportlab markup."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dokureport.text.typesetter import Typesetter
from tests.helpers import pdftotext


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
    assert t.plain('Ketten - "zwei Seiten"') == "Ketten\xa0– „zwei Seiten“"
    assert Typesetter(lang="en", hyphenate=False).plain('"two sides"') == "“two sides”"


def test_soft_hyphens_mark_german_syllables() -> None:
    assert "\xad" in Typesetter().plain("Bildungsbenachteiligung vor Ort")


def test_missing_glyphs_fall_back_or_are_reported() -> None:
    t = Typesetter(hyphenate=False)
    markup = t.plain("王小明 und Nguyễn Thị Minh Khai, Ελληνικά, Щука 😀")
    assert '<font face="DroidSansFallback">王小明</font>' in markup
    assert "Nguyễn Thị Minh Khai, Ελληνικά, Щука" in markup
    assert t.missing_glyphs == {"😀"}


def test_spaces_stay_where_the_author_typed_them() -> None:
    [markup] = Typesetter(hyphenate=False).rich("zum *Berufseinstieg* an den **Übergängen** an")
    assert markup == "zum <i>Berufseinstieg</i> an den <b>Übergängen</b> an"


def test_a_hyphenated_emphasis_gets_one_space(tmp_path) -> None:
    import pdfplumber
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from dokureport.design.geometry import GEOMETRIES
    from dokureport.layout.styles import make_styles

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


def _lines(markup: str, style, width: float, tmp_path, height: float = 2000) -> list[str]:
    """The lines pdftotext reads from one paragraph set `width` points wide."""
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    out = tmp_path / f"w{width}.pdf"
    SimpleDocTemplate(str(out), pagesize=(width + 40, height), leftMargin=20, rightMargin=20,
                      topMargin=20, bottomMargin=20).build([Paragraph(markup, style)])
    text = pdftotext(out, "-raw")
    return [line for line in text.replace("\f", "\n").splitlines() if line.strip()]


def _body():
    from dokureport.design.geometry import GEOMETRIES
    from dokureport.layout.styles import make_styles

    return make_styles(GEOMETRIES["a4"]).body


def test_no_space_lost_after_a_soft_hyphenated_emphasis(tmp_path) -> None:
    # Each emphasised word gets soft hyphens; reportlab dropped the space after it.
    [markup] = Typesetter().rich("eine regelmäßige **Berichterstattung** über Bildung, "
                                 "*Netzwerkarbeit* und **Bildungsberichterstattung **vor Ort")
    assert "\xad" in markup
    assert " ".join(_lines(markup, _body(), 2000, tmp_path)) == (
        "eine regelmäßige Berichterstattung über Bildung, Netzwerkarbeit und "
        "Bildungsberichterstattung vor Ort")


def test_one_space_after_an_emphasis_hyphenated_at_a_line_end_or_not(tmp_path) -> None:
    import pdfplumber
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = _body()
    [markup] = Typesetter().rich("Präventionsketten setzen dabei *von der Geburt bis zum "
                                 "Berufseinstieg* an den Übergängen an, an denen Familien")
    seen = set()
    for width in range(150, 340, 6):
        out = tmp_path / f"p{width}.pdf"
        SimpleDocTemplate(str(out), pagesize=(width + 40, 400), leftMargin=20,
                          rightMargin=20).build([Paragraph(markup, style)])
        with pdfplumber.open(out) as pdf:
            words = pdf.pages[0].extract_words()
            text = pdf.pages[0].extract_text()
        assert "Berufseinstiegan" not in text.replace("-\n", "").replace("\n", " "), width
        stieg = next(w for w in words if w["text"] in ("stieg", "einstieg", "Berufseinstieg"))
        seen.add("broken" if stieg["text"] != "Berufseinstieg" else "whole")
        line = [w for w in words if abs(w["top"] - stieg["top"]) < 1]
        gaps = [b["x0"] - a["x1"] for a, b in itertools.pairwise(line)]
        # The gap after "stieg" is one space: no wider than the line's other spaces.
        after = line.index(stieg)
        others = gaps[:after] + gaps[after + 1:]
        assert after < len(gaps) and others, (width, line)
        assert gaps[after] <= max(others) * 1.2, (width, gaps)
    assert seen == {"broken", "whole"}


def test_a_paragraph_split_over_two_frames_keeps_its_spaces(tmp_path) -> None:
    # The second frame re-reads the first's words: the repaired word kinds survive that.
    [markup] = Typesetter().rich(" ".join(["Die *Berufsorientierung* an den Übergängen."] * 12))
    lines = _lines(markup, _body(), 160, tmp_path, height=150)
    text = " ".join(lines).replace("- ", "").replace("\xad ", "")  # break hyphen: U+00AD
    assert text.count("Berufsorientierung an") == 12, lines


@pytest.mark.slow
def test_no_line_begins_with_a_dash(tmp_path) -> None:
    from dokureport.design.geometry import GEOMETRIES
    from dokureport.layout.styles import make_styles

    styles = make_styles(GEOMETRIES["a4"])
    t = Typesetter()
    title = "Bildung im Quartier – Armut — Ketten - Teilhabe im Revier – Duisburg"
    cases = [(lambda w: t.heading(title, styles.h1, w), styles.h1),
             (lambda w: t.plain(title), styles.body),
             (lambda w: t.rich(f"*{title}* – und *mehr*")[0], styles.body)]
    broke_before_dash_without = 0
    for markup_for, style in cases:
        for width in range(120, 400, 7):
            markup = markup_for(width)
            lines = _lines(markup, style, width, tmp_path)
            assert not any(line.lstrip()[0] in "–—-" for line in lines), (width, lines)
            # The same text with plain spaces does break before a dash somewhere.
            plain = markup.replace("\xa0", " ")
            if any(line.lstrip()[0] in "–—" for line in _lines(plain, style, width, tmp_path)):
                broke_before_dash_without += 1
    assert broke_before_dash_without > 0


@given(st.text(alphabet=st.sampled_from(list("ab_1 .,\n–\xadß\u0301é€\t")) | st.characters(),
               max_size=80))
def test_last_word_start_is_where_the_regular_expression_finds_the_last_word(
        text: str) -> None:
    import re

    from dokureport.text.typesetter import last_word_start

    found = re.search(r"\w+\W*$", text)
    assert last_word_start(text) == (found.start() if found else len(text))
