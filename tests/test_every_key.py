"""Nothing accepted is silently dropped: every key of the event format reaches the PDF.

One event uses every key of the model, each with a value of its own. The table below
says, key by key, how that value shows in the PDF (text, a link, a placed image), or,
for a key that is not printed, that the manual's key table (docs/event-format.md) says
why. A key added to the model without a row here fails
`test_the_table_has_a_row_for_every_key`.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
from PIL import Image
from pydantic import BaseModel

from dokureport.event.model import Event
from tests.conftest import every_text_field, squash

KEY_TABLE = Path(__file__).resolve().parents[1] / "docs" / "event-format.md"


@dataclass(frozen=True)
class Printed:
    """The brochure as the checks read it back."""

    text: str  # squashed text of every page, whole and per half page
    page_texts: list[str]  # squashed text of each page
    uris: set[str]  # every external link
    internal_links: list[int]  # page (0-based) of each link inside the document
    images: list[list[tuple[float, float, float, float]]]  # (x0, top, x1, bottom) per page


Check = Callable[[Printed, Any], None]


def shows_text(printed: Printed, value: Any) -> None:
    values = value if isinstance(value, list) else [value]
    for v in values:
        assert squash(str(v)) in printed.text, v


def shows(expected: str) -> Check:
    """The value is printed in another form, e.g. a date as the language writes it."""
    def check(printed: Printed, value: Any) -> None:
        assert squash(expected) in printed.text, (value, expected)
    return check


def is_linked(printed: Printed, value: Any) -> None:
    assert value in printed.uris


def is_linked_and_shown(printed: Printed, value: Any) -> None:
    is_linked(printed, value)
    shows_text(printed, value)


def mails(printed: Printed, value: Any) -> None:
    assert f"mailto:{value}" in printed.uris
    shows_text(printed, value)


def links_agenda_to_talk(printed: Printed, value: Any) -> None:
    agenda = [i for i, t in enumerate(printed.page_texts) if i > 1 and "Agenda" in t]
    assert set(agenda) & set(printed.internal_links), agenda


def follows(printed: Printed, *markers: str) -> None:
    """The markers are printed in this order (after the contents page); a section may
    start a page or run on."""
    text = "\n".join(printed.page_texts[2:])
    first = [text.find(squash(m)) for m in markers]
    assert -1 not in first and first == sorted(first), (markers, first)


def image_on_page_with(marker: str, *, min_count: int = 1) -> Check:
    """An image is placed on the page that shows `marker` (after the contents page)."""
    def check(printed: Printed, value: Any) -> None:
        pages = [i for i, t in enumerate(printed.page_texts) if i > 1 and squash(marker) in t]
        assert pages, marker
        assert sum(len(printed.images[i]) for i in pages) >= min_count, (marker, value)
    return check


def cover_photo(printed: Printed, value: Any) -> None:
    # The cover photo runs across the top of page 1, from edge to edge.
    assert any(x0 <= 1 and top <= 1 and x1 >= 590 for x0, top, x1, _ in printed.images[0])


def logo_on_cover(printed: Printed, value: Any) -> None:
    # Besides the cover photo, a small image: the logo.
    assert any(x1 - x0 < 200 for x0, _, x1, _ in printed.images[0])


def never_shown(printed: Printed, value: Any) -> None:
    # Privacy: a speaker's address stays out unless privacy.print_speaker_emails says so.
    assert squash(value) not in printed.text and f"mailto:{value}" not in printed.uris


NOT_PRINTED = "not printed"


@dataclass(frozen=True)
class Row:
    key: str  # key path as the key table writes it, [] for "any entry"
    value: Any
    check: Check | None  # None: not printed, the key table says why


# One row per input key. Values are distinct words, so that one key printed can never
# stand in for another.
ROWS: tuple[Row, ...] = (
    Row("format", 1, None),
    Row("lang", "en", shows("Contents")),
    Row("title", "Titel Quokka", shows_text),
    Row("subtitle", "Untertitel Wombat", shows_text),
    Row("event.kind", "Art Kakapo", shows_text),
    Row("event.start", "2024-03-05 09:30", shows("Tuesday, 5 March 2024, 9:30")),
    Row("event.end", "2024-03-07 17:15", shows("Thursday, 7 March 2024, 17:15")),
    Row("event.venue.name", "Ort Axolotl", shows_text),
    Row("event.venue.address", ["Straße Numbat 1", "12345 Stadt Dugong"], shows_text),
    Row("organiser.name", "Verein Tapir", shows_text),
    Row("organiser.logo", "logo.png", logo_on_cover),
    Row("intro", "Einführung Okapi", shows_text),
    Row("agenda[].date", "2024-03-06", shows("Wednesday, 6 March 2024")),
    Row("agenda[].items[].time", "09:15", shows("9:15–10:45")),
    Row("agenda[].items[].end", "10:45", shows("9:15–10:45")),
    Row("agenda[].items[].title", "Punkt Pangolin", shows_text),
    Row("agenda[].items[].place", "Raum Capybara", shows_text),
    Row("agenda[].items[].people", ["Person Narwal"], shows_text),
    Row("agenda[].items[].talk", "t", links_agenda_to_talk),
    Row("talks[].id", "t", None),
    Row("talks[].record", False, None),
    Row("talks[].format", "Format Gecko", shows_text),
    Row("talks[].topic", "Thema Lemur", shows_text),
    Row("talks[].title", "Vortrag Fossa", shows_text),
    Row("talks[].speakers[].name", "Rednerin Serval", shows_text),
    Row("talks[].speakers[].role", "Rolle Caracal", shows_text),
    Row("talks[].speakers[].organisation", "Organisation Margay", shows_text),
    Row("talks[].speakers[].email", "rednerin-serval@example.org", never_shown),
    Row("talks[].abstract", "Zusammenfassung Ozelot", shows_text),
    Row("talks[].publish", True, None),
    Row("talks[].lang", "fr", None),
    Row("talks[].slides", "https://example.org/folien-kiwi.pdf", is_linked),
    Row("photos.credit", "© Vorgabe Emu", shows_text),
    Row("photos.items[].file", "photos/a.jpg", image_on_page_with("Photo gallery", min_count=2)),
    Row("photos.items[].caption", "Bildunterschrift Bilby", shows_text),
    Row("photos.items[].credit", "© Eigen Quoll", shows_text),
    Row("photos.items[].alt", "Beschreibung Dingo", None),
    Row("photos.items[].cover", True, cover_photo),
    Row("photos.items[].focus", [0.3, 0.6], None),
    Row("photos.items[].publish", True, None),
    Row("photos.items[].talk", "t", image_on_page_with("Vortrag Fossa")),
    Row("photos.items[].gallery", True, image_on_page_with("Photo gallery", min_count=2)),
    # A folder's photo, its caption from its own EXIF (the fixture writes it).
    Row("photos.folder", "mehr", shows("Ordnerfoto Wombat")),
    Row("photos.order", "name", None),
    Row("photos.metadata", True, None),
    Row("videos[].title", "Video Echidna", shows_text),
    Row("videos[].url", "https://example.org/video-koala", is_linked_and_shown),
    Row("videos[].description", "Beschreibung Wallaby", shows_text),
    Row("contacts[].name", "Kontakt Possum", shows_text),
    Row("contacts[].role", "Aufgabe Bandicoot", shows_text),
    Row("contacts[].city", "Stadt Platypus", shows_text),
    Row("contacts[].phone", "040 123 45", shows_text),
    Row("contacts[].email", "possum@example.org", mails),
    Row("contacts[].photo", "portrait.jpg", image_on_page_with("Contacts")),
    Row("chapters[].title", "Kapitel Kudu", shows_text),
    Row("chapters[].file", "kapitel.md", shows("Kapiteltext Springbock")),
    Row("chapters[].text", "Kapiteltext **Impala**", shows("Kapiteltext Impala")),
    Row("chapters[].lang", "it", None),
    Row("chapters[].after", "intro", lambda printed, value: follows(printed, "Introduction",
                                                                  "Kapitel Kudu", "Agenda")),
    Row("partners[].title", "Gefördert Gnu", shows_text),
    Row("partners[].logos[].file", "logo.png", image_on_page_with("Gefördert Gnu")),
    Row("partners[].logos[].name", "Land Lama", None),
    Row("partners[].logos[].url", "https://example.org/foerderer-elch", is_linked),
    Row("theme", "default", None),
    Row("labels", {"imprint": "Colophon of the possum"}, shows("Colophon of the possum")),
    Row("contacts[].publish", True, None),
    Row("privacy.print_speaker_emails", False, None),
    Row("print.icc", "druckerei.icc", None),
    Row("print.condition", "FOGRA51", None),
)


def model_keys(model: type[BaseModel] = Event, prefix: str = "") -> list[str]:
    """Every input key of the model as a path, lists written as []."""
    keys = []
    for name, info in model.model_fields.items():
        if info.exclude:
            continue  # set by the loader, not by the file
        path = f"{prefix}{name}"
        inner, is_list = _inner_model(info.annotation)
        if inner is None:
            keys.append(path)
        else:
            keys += model_keys(inner, f"{path}[]." if is_list else f"{path}.")
    return keys


def _inner_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    if typing.get_origin(annotation) is tuple and args[1:] == [Ellipsis]:
        inner, _ = _inner_model(args[0])
        return inner, True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return _inner_model(args[0])
    return None, False


def _set(data: dict, key: str, value: Any) -> None:
    """data[key] = value, a [] meaning the first entry of that list (made if missing)."""
    *parents, leaf = key.split(".")
    node: Any = data
    for part in parents:
        name, is_list = part.removesuffix("[]"), part.endswith("[]")
        node = node.setdefault(name, [{}] if is_list else {})
        if is_list:
            node = node[0]
    if leaf.endswith("[]"):
        leaf = leaf[:-2]
    node[leaf] = value


def key_table_rows() -> dict[str, str]:
    """The key table of docs/event-format.md: key → its whole row."""
    rows = {}
    for line in KEY_TABLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([^`]+)` \|", line)
        if match:
            rows[match[1]] = line
    return rows


def test_the_table_has_a_row_for_every_key() -> None:
    assert [r.key for r in ROWS] == list(dict.fromkeys(r.key for r in ROWS)), "a key twice"
    assert sorted(r.key for r in ROWS) == sorted(model_keys())


@pytest.mark.parametrize("row", [r for r in ROWS if r.check is None], ids=lambda r: r.key)
def test_the_key_table_says_why_a_key_is_not_printed(row: Row) -> None:
    line = key_table_rows().get(row.key)
    assert line is not None, f"{row.key} has no row in the key table of {KEY_TABLE.name}"
    assert NOT_PRINTED in line


def test_the_key_table_documents_every_key() -> None:
    documented = key_table_rows()
    for key in model_keys():
        # A list of small records may be one row: `videos[]` covers `videos[].title`.
        parents = [key] + [key[: m.end()] for m in re.finditer(r"\[\]", key)]
        assert any(p in documented for p in parents), key


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    from dokureport.core.options import BuildOptions
    from dokureport.pipeline import build_brochure

    folder = tmp_path_factory.mktemp("every-key")
    (folder / "photos").mkdir()
    # Every text field filled, then each key given the value of its row.
    data = every_text_field("Platzhalter", photos={"items": [{}, {"file": "photos/b.jpg"}]})
    for row in ROWS:
        _set(data, row.key, row.value)
    # A chapter has its Markdown in a file or in `text`, not both: the text gets its own.
    data["chapters"].append({"title": "Kapitel Dikdik", "text": data["chapters"][0].pop("text")})
    (folder / "kapitel.md").write_text("Kapiteltext Springbock\n", encoding="utf-8")
    Image.new("RGB", (1600, 1200), (90, 120, 150)).save(folder / "photos" / "a.jpg")
    Image.new("RGB", (1200, 900), (150, 120, 90)).save(folder / "photos" / "b.jpg")
    (folder / "mehr").mkdir()
    exif = Image.Exif()
    exif[0x010E] = "Ordnerfoto Wombat"  # ImageDescription
    Image.new("RGB", (1200, 800), (120, 150, 90)).save(folder / "mehr" / "c.jpg", exif=exif)
    Image.new("RGB", (300, 100), (0, 80, 120)).save(folder / "logo.png")
    Image.new("RGB", (400, 500), (200, 170, 150)).save(folder / "portrait.jpg")
    from dokureport.assets.cmyk import bundled_profile

    (folder / "druckerei.icc").write_bytes(bundled_profile().data)
    import yaml

    (folder / "event.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                       encoding="utf-8")
    out = folder / "every-key.pdf"
    build_brochure(folder, out, BuildOptions())
    with pdfplumber.open(out) as pdf:
        page_texts, halves, images = [], [], []
        for page in pdf.pages:
            page_texts.append(squash(page.extract_text() or ""))
            for x0, x1 in ((0, page.width / 2), (page.width / 2, page.width)):
                halves.append(squash(page.crop((x0, 0, x1, page.height)).extract_text() or ""))
            images.append([(i["x0"], i["top"], i["x1"], i["bottom"]) for i in page.images])
    uris, internal = set(), []
    with pikepdf.open(out) as pdf:
        for number, page in enumerate(pdf.pages):
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and "/URI" in action:
                    uris.add(str(action["/URI"]))
                elif "/Dest" in annot or (action is not None and "/D" in action):
                    internal.append(number)
    assert "Platzhalter" not in "".join(page_texts), "a text field without a row of its own"
    return Printed("".join(page_texts + halves), page_texts, uris, internal, images)


@pytest.mark.parametrize("row", [r for r in ROWS if r.check is not None], ids=lambda r: r.key)
def test_every_printed_key_shows_in_the_pdf(printed: Printed, row: Row) -> None:
    assert row.check is not None
    row.check(printed, row.value)
