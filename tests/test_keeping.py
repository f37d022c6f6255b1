"""A heading keeps with the first lines of its text, not with the whole of a long paragraph:
no page foot is left empty because a talk's first paragraph is long."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pikepdf

from tests.helpers import pdftotext

WORDS = ["Die", "Stadtgesellschaft", "braucht", "Orte", "der", "Begegnung,", "an", "denen",
         "Nachbarschaft", "entsteht", "und", "Verantwortung", "geteilt", "wird."]


def words(n: int, start: int = 0) -> str:
    return " ".join(WORDS[(start + i) % len(WORDS)] for i in range(n))


def page_texts(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as doc:
        count = len(doc.pages)
    return [pdftotext(pdf, "-f", str(p), "-l", str(p)) for p in range(1, count + 1)]


def test_a_long_first_paragraph_starts_below_its_heading_on_the_same_page(
        make_event: Callable[..., Path], build: Callable[..., tuple[Path, object]]) -> None:
    talks = [
        {"id": "t1", "title": "Kurzer Auftakt", "abstract": words(160) + ". Ende Auftakt."},
        # One paragraph of about two thirds of a page: it cannot follow its heading whole.
        {"id": "t2", "title": "Ein sehr langer Bericht",
         "abstract": "Anfangswort " + words(420, 3) + ". Schlusswort."},
    ]
    event = make_event({"title": "Fachtag", "event": {"start": "2024-03-05"},
                        "talks": talks})
    pdf, _ = build(event, paper="a4")
    pages = page_texts(pdf)
    first = next(i for i, t in enumerate(pages) if "Ende Auftakt" in t)
    heading = next(i for i, t in enumerate(pages) if "Ein sehr langer Bericht" in t
                   and i >= first)
    # The long talk begins where the short one ends, heading and first lines together ...
    assert heading == first
    assert "Anfangswort" in pages[heading]
    # ... and the rest of its paragraph runs on over the next pages (two at the measure).
    assert "Schlusswort" not in pages[heading]
    assert "Schlusswort" in "".join(pages[heading + 1:heading + 3])


def test_a_heading_never_ends_a_page_alone(make_event: Callable[..., Path],
                                           build: Callable[..., tuple[Path, object]]) -> None:
    # Talks of every length, so that headings fall at every height of a page.
    talks = [{"id": f"t{i}", "title": f"Vortrag Nummer {i}",
              "abstract": f"Beginn{i} " + words(25 + 37 * i % 300, i) + f". Ende{i}."}
             for i in range(24)]
    event = make_event({"title": "Fachtag", "event": {"start": "2024-03-05"},
                        "talks": talks})
    pdf, _ = build(event, paper="a5")
    pages = page_texts(pdf)
    for i in range(24):
        where = [n for n, t in enumerate(pages) if f"Vortrag Nummer {i}\n" in t
                 and "Inhalt" not in t]
        assert where, f"talk {i} not found"
        assert f"Beginn{i}" in pages[where[-1]], f"heading of talk {i} alone at a page foot"


def test_an_agenda_day_starts_at_a_pages_foot_with_its_first_rows(
        make_event: Callable[..., Path], build: Callable[..., tuple[Path, object]]) -> None:
    # Day one ends in the upper half of its page; day two is longer than the rest of it.
    # Its heading used to take the whole day's table to the next page.
    def day(date: str, count: int, mark: str) -> dict:
        return {"date": date, "items": [
            {"time": f"{8 + n // 4:02d}:{n % 4 * 15:02d}", "title": f"{mark} Punkt {n}",
             "place": "Saal"} for n in range(count)]}

    event = make_event({"title": "Fachtag", "event": {"start": "2024-03-05",
                                                      "end": "2024-03-06"},
                        "agenda": [day("2024-03-05", 5, "Erster"),
                                   day("2024-03-06", 30, "Zweiter")]})
    pdf, _ = build(event, paper="a4")
    pages = page_texts(pdf)
    ends = next(i for i, t in enumerate(pages) if "Erster Punkt 4\n" in t)
    # The second day begins on the page where the first ends, with rows under its heading ...
    assert "Mittwoch, 6. März 2024" in pages[ends]
    assert "Zweiter Punkt 0" in pages[ends] and "Zweiter Punkt 1" in pages[ends]
    # ... and its other rows follow on the next pages.
    assert "Zweiter Punkt 29" not in pages[ends]
    assert any("Zweiter Punkt 29" in t for t in pages[ends + 1:])


def test_a_talks_slides_keep_with_its_last_lines_and_its_heading_with_its_first(
        make_event: Callable[..., Path], build: Callable[..., tuple[Path, object]]) -> None:
    # Talks of every length, each with slides (a line and a QR code), so that their ends
    # fall at every height of a page; some abstracts are one short paragraph.
    talks = [{"id": f"t{i}", "title": f"Vortrag Nummer {i}",
              "abstract": f"Beginn{i} " + words(5 + 41 * i % 260, i) + f". Ende{i}.",
              "slides": f"https://example.org/folien-{i}.pdf"} for i in range(24)]
    event = make_event({"title": "Fachtag", "event": {"start": "2024-03-05"},
                        "talks": talks})
    pdf, _ = build(event, paper="a5")
    pages = page_texts(pdf)
    for i in range(24):
        link = next(n for n, t in enumerate(pages) if f"folien-{i}.pdf" in t)
        assert f"Ende{i}." in pages[link], f"slides of talk {i} apart from its last lines"
        heading = [n for n, t in enumerate(pages) if f"Vortrag Nummer {i}\n" in t
                   and "Inhalt" not in t][-1]
        assert f"Beginn{i}" in pages[heading], f"heading of talk {i} alone at a page foot"


def _talks_ending_in_lists(count: int) -> list[dict]:
    """Talks of every length whose abstracts end in a bulleted list, each with slides."""
    return [{"id": f"t{i}", "title": f"Vortrag Nummer {i}",
             "abstract": f"Beginn{i} " + words(5 + 37 * i % 220, i) + ".\n\n"
             + "\n".join(f"- Punkt {k} {words(3, k)}" for k in range(1 + i % 4))
             + f"\n- Listenende{i}",
             "slides": f"https://example.org/folien-{i}.pdf"} for i in range(count)]


def test_a_talks_slides_keep_with_a_list_that_ends_its_abstract(
        make_event: Callable[..., Path], build: Callable[..., tuple[Path, object]]) -> None:
    event = make_event({"title": "Fachtag", "event": {"start": "2024-03-05"},
                        "talks": _talks_ending_in_lists(24)})
    pdf, _ = build(event, paper="a5")
    pages = page_texts(pdf)
    for i in range(24):
        link = next(n for n, t in enumerate(pages) if f"folien-{i}.pdf" in t)
        assert f"Listenende{i}" in pages[link], f"slides of talk {i} apart from its list"


def test_in_two_columns_a_talks_slides_keep_with_its_last_lines_in_their_column(
        make_event: Callable[..., Path], build: Callable[..., tuple[Path, object]]) -> None:
    import pdfplumber

    # A theme that sets even a small programme's talks in two columns.
    event = make_event({"title": "Fachtag", "event": {"start": "2024-03-05"},
                        "theme": {"extends": "default", "talks": {"columns_from": 1}},
                        "talks": _talks_ending_in_lists(40)})
    pdf, _ = build(event, paper="a4")
    where: dict[str, tuple[int, bool]] = {}
    with pdfplumber.open(pdf) as doc:
        middle = doc.pages[0].width / 2
        for number, page in enumerate(doc.pages):
            for word in page.extract_words():
                where.setdefault(word["text"], (number, word["x0"] > middle))
    columns = {right for _, right in where.values()}
    assert columns == {False, True}, "the talks stand in two columns"
    for i in range(40):
        link = next(v for k, v in where.items() if f"folien-{i}.pdf" in k)
        assert where[f"Listenende{i}"] == link, f"slides of talk {i} apart from its list"
