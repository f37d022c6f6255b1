"""The imprint's and the cards' labels read well in every built-in language, and French
sets a narrow no-break space before its colons (read back from the PDF)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest

from dokureport.i18n.labels import LABELS, space_before_punctuation, with_colon
from dokureport.i18n.language import right_to_left
from dokureport.pipeline import BuildResult
from tests.conftest import minimal_event

Build = Callable[..., tuple[Path, BuildResult]]
NNBSP = "\u202f"

# What the imprint says of the kind of event, in each built-in language.
KIND_LINES = {
    "de": "Veranstaltungsart: Netzwerktreffen",
    "en": "Type of event: Netzwerktreffen",
    "fr": f"Type d’événement{NNBSP}: Netzwerktreffen",
    "ja": "イベントの種類: Netzwerktreffen",
    "ko": "행사 유형: Netzwerktreffen",
    "zh": "活动类型: Netzwerktreffen",
    "ar": "نوع الفعالية: Netzwerktreffen",
    "he": "סוג האירוע: Netzwerktreffen",
}


def test_every_built_in_language_has_its_kind_of_event_line() -> None:
    assert set(KIND_LINES) == set(LABELS)


@pytest.mark.parametrize("lang", ["de", "en", "fr", "fr-CH", "de_AT"])
def test_a_label_takes_its_colon_as_the_language_writes_it(lang: str) -> None:
    french = lang.startswith("fr")
    assert space_before_punctuation(lang) == (NNBSP if french else "")
    assert with_colon("Téléphone", lang) == ("Téléphone\u202f:" if french else "Téléphone:")


@pytest.mark.parametrize("lang", sorted(k for k in KIND_LINES if not right_to_left(k)))
def test_the_imprint_names_the_kind_of_event_and_colons_follow_the_language(
        make_event: Callable[..., Path], build: Build, lang: str) -> None:
    event = minimal_event(
        lang=lang,
        event={"start": "2024-03-05", "kind": "Netzwerktreffen"},
        contacts=[{"name": "Ada Muster", "phone": "+49 30 123456"}],
        photos={"credit": "© Studio", "items": [{"file": "photos/01.jpg"}]},
    )
    text = _drawn_text(build(make_event(event, photos=("01.jpg",)))[0])
    assert KIND_LINES[lang] in text
    for wrong in ("Art: ", "Kind: ", "Type: "):
        assert wrong not in text
    labels = LABELS[lang]
    assert f"{with_colon(labels.phone, lang)} +49" in text, "the card's phone"
    photo = labels.photo_numbered.format(numbers=1)
    assert f"{with_colon(photo, lang)} © Studio" in text, "the imprint's credit"
    if lang == "fr":
        colons = re.findall(r"(.):", text)
        assert colons and set(colons) == {NNBSP}, \
            "every French colon has its narrow no-break space, never a plain one"


@pytest.mark.parametrize("lang", sorted(k for k in KIND_LINES if right_to_left(k)))
def test_a_right_to_left_imprint_reads_in_its_language(
        make_event: Callable[..., Path], build: Build, lang: str) -> None:
    # Drawn right to left, so read back by pdftotext, which puts it in logical order.
    event = minimal_event(lang=lang, event={"start": "2024-03-05", "kind": "Netzwerktreffen"},
                          contacts=[{"name": "Ada Muster", "phone": "+49 30 123456"}])
    out = build(make_event(event))[0]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout.translate({0x202A: None, 0x202B: None, 0x202C: None})
    label, value = KIND_LINES[lang].split(": ")
    assert label in text and value in text
    assert LABELS[lang].imprint in text and LABELS[lang].contents in text


def _drawn_text(pdf_path: Path) -> str:
    """Every character drawn, as drawn (U+202F stays U+202F), pages and lines joined."""
    with pdfplumber.open(pdf_path) as pdf:
        return "".join(c["text"] for page in pdf.pages for c in page.chars)


def test_a_narrow_no_break_space_never_breaks_a_line() -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from dokureport import engine

    engine.install()
    text = " ".join(f"mot{NNBSP}: « suite{NNBSP}»" for _ in range(40))
    paragraph = Paragraph(text, ParagraphStyle("p", fontName="Helvetica", fontSize=10))
    paragraph.wrap(90, 10_000)
    lines = [" ".join(words) for _, words in paragraph.blPara.lines]
    assert len(lines) > 5
    assert not any(line.startswith((":", "»")) for line in lines)
    assert all(f"{NNBSP}:" in line for line in lines if ":" in line)


@pytest.mark.parametrize(("lang", "typed", "printed"), [
    ("fr", "Quoi ? Voilà: 12:30 à https://x.fr; fin!",
     f"Quoi{NNBSP}? Voilà{NNBSP}: 12:30 à https://x.fr{NNBSP}; fin{NNBSP}!"),
    ("fr-CH", "Quoi ? Voilà: fin!", f"Quoi ? Voilà{NNBSP}: fin!"),
    ("de", "Wie? So: fertig!", "Wie? So: fertig!"),
])
def test_french_running_text_takes_the_narrow_space_before_high_punctuation(
        lang: str, typed: str, printed: str) -> None:
    from dokureport.text.typesetter import Typesetter

    assert Typesetter(lang=lang, hyphenate=False).plain(typed) == printed
