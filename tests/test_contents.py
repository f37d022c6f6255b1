"""The contents: page numbers in a column of their own, never smaller than their entries and
apart from them; a large programme's contents list days and tracks; every talk says when
and where it is held, its kind in plain words. Read back from the PDF."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
import yaml
from pypdf import PdfReader

from dokureport.core.options import BuildOptions
from dokureport.core.resources import sample_event_dir
from dokureport.i18n.dates import long_date, time_span
from dokureport.importers import import_schedule
from dokureport.importers.kinds import readable_kind
from dokureport.pipeline import build_brochure
from dokureport.validate import validate_event
from tests.conftest import minimal_event, squash

IMPORTS = Path(__file__).parent / "imports"
CONTENTS = ("inhalt", "contents", "sommaire")
MIN_GAP = 6.0  # pt: the themes' gap is 3 mm (8.5 pt); a glued number has none


@dataclass(frozen=True)
class Row:
    """One line of the contents that ends with a page number."""

    page: int  # 0-based
    entry: str
    entry_size: float  # the largest type of the entry's text on that line
    entry_right: float
    number: str
    number_size: float  # the smallest type of the number
    number_left: float
    number_right: float
    lines_right: float  # the right end of the entry's other lines (and the heading) above




def _lines(page: pdfplumber.page.Page) -> list[list[dict]]:
    """The page's characters by baseline, left to right, the footer (lowest line) left out."""
    by_baseline: dict[float, list[dict]] = {}
    for char in page.chars:
        if char["text"].strip():
            by_baseline.setdefault(round(char["matrix"][5] * 2) / 2, []).append(char)
    lines = [sorted(chars, key=lambda c: c["x0"]) for _, chars in
             sorted(by_baseline.items(), reverse=True)]
    return lines[:-1]


def _linked(char: dict, page: pdfplumber.page.Page) -> bool:
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return any(a["x0"] <= x <= a["x1"] and a["top"] <= y <= a["bottom"] for a in page.annots)


def _trailing_number(chars: list[dict]) -> int:
    """How many characters at the end of a line are one number (digits without a gap)."""
    digits = 0
    while digits < len(chars) and chars[-1 - digits]["text"].isdigit():
        if digits and chars[-digits]["x0"] - chars[-1 - digits]["x1"] > 1:
            break
        digits += 1
    return digits


def contents_rows(pdf_path: Path) -> list[Row]:
    """Every contents line with a page number: from the page the contents heading opens,
    lines that end in a linked number at the text's right edge, until a page has none."""
    rows: list[Row] = []
    with pdfplumber.open(pdf_path) as pdf:
        start = next(n for n, page in enumerate(pdf.pages) if n > 0 and page.extract_words()
                     and page.extract_words()[0]["text"].lower() in CONTENTS)
        for n in range(start, len(pdf.pages)):
            page = pdf.pages[n]
            lines = _lines(page)
            # The right edge most lines ending in a linked number share: a section run on
            # below the contents (the agenda's tables, a linked title "Knoten 101") may
            # reach further, into the margin, or end elsewhere.
            edges = Counter(round(chars[-1]["x1"]) for chars in lines
                            if 0 < _trailing_number(chars) < len(chars)
                            and _linked(chars[-1], page))
            if n == start:  # the contents' own page: its column, for every page
                right = max(edges, key=lambda x: (edges[x], x)) if edges else 0
            found = []
            above = 0.0  # the lines since the last numbered one: an entry's first lines
            for chars in lines:
                digits = _trailing_number(chars)
                if (not digits or digits == len(chars) or not _linked(chars[-1], page)
                        or abs(chars[-1]["x1"] - right) > 1):
                    above = max(above, chars[-1]["x1"])
                    continue
                number, entry = chars[-digits:], chars[:-digits]
                found.append(Row(
                    page=n, entry="".join(c["text"] for c in entry),
                    entry_size=max(c["size"] for c in entry),
                    entry_right=max(c["x1"] for c in entry),
                    number="".join(c["text"] for c in number),
                    number_size=min(c["size"] for c in number),
                    number_left=number[0]["x0"], number_right=number[-1]["x1"],
                    lines_right=above))
                above = 0.0
            if not found:
                break
            rows += found
    return rows


def assert_numbers_readable_and_apart(rows: list[Row]) -> None:
    assert rows
    for row in rows:
        assert row.number_size >= row.entry_size - 0.01, row
        assert row.number_left - row.entry_right >= MIN_GAP, row
    # One column: every number ends at the same right edge, and no line of an entry runs
    # into the column.
    rights = [row.number_right for row in rows]
    assert max(rights) - min(rights) < 0.5, rights
    column = min(row.number_left for row in rows)
    for row in rows:
        assert row.entry_right <= column - MIN_GAP, row
        assert row.lines_right <= column - MIN_GAP, row


def _sample(tmp_path: Path, theme: dict | None = None) -> Path:
    folder = tmp_path / "sample"
    shutil.copytree(sample_event_dir(), folder)
    if theme is not None:
        _add_theme(folder, theme)
    return folder


def _add_theme(folder: Path, theme: dict) -> None:
    """`theme:` added to the event's file (loaded and dumped, YAML 1.1 would turn 10:30
    into a number)."""
    with (folder / "event.yaml").open("a", encoding="utf-8") as file:
        file.write("\n" + yaml.safe_dump({"theme": theme}, allow_unicode=True))


# The bold theme has no contents of its own: it is given one, in its place after the cover.
BOLD_WITH_CONTENTS = {"extends": "bold", "sections": [
    "cover", "contents", "intro", "agenda", "talks", "chapters", "gallery", "videos",
    "contacts", "speakers", "imprint", "partners"]}


@pytest.mark.parametrize(("theme", "paper"), [
    ("default", "a4"), ("classic", "a4"), ("bold", "a4"), ("default", "a5"), ("classic", "a5")])
def test_sample_contents_numbers_are_as_large_as_their_entries_and_stand_apart(
        tmp_path: Path, theme: str, paper: str) -> None:
    folder = _sample(tmp_path, BOLD_WITH_CONTENTS if theme == "bold" else None)
    out = tmp_path / "out.pdf"
    build_brochure(folder, out, BuildOptions(theme=None if theme == "bold" else theme,
                                             paper=paper))
    rows = contents_rows(out)
    assert_numbers_readable_and_apart(rows)
    # The sample's three talks are listed, each with its number after its last line.
    ends = [row.entry for row in rows if row.entry.endswith(("Jugendarmut", "zusammenbringen"))]
    assert len(ends) == 3, rows


def _long_titles() -> dict:
    """Talks whose titles grow a word at a time: one of them ends at the number column."""
    words = ["Präventionsketten", "Bildungslandschaften", "Kommune", "Jugendhilfe",
             "Monitoring", "Steuerung", "Daseinsvorsorge", "Netzwerk", "Ressourcen",
             "Armutsprävention", "Teilhabe", "Schule", "Familie", "Quartier", "Perspektive",
             "Wirkung", "Planung", "Beteiligung"]
    talks = [{"id": f"t{n}", "title": " ".join(words[: 6 + n]), "abstract": "Text."}
             for n in range(12)]
    return minimal_event(talks=talks)


def test_a_title_that_fills_the_line_leaves_its_number_whole(make_event, build) -> None:
    out, _ = build(make_event(_long_titles()))
    rows = contents_rows(out)
    assert_numbers_readable_and_apart(rows)
    # Each talk's entry ends (its last word, a different one for each) in a numbered row.
    for talk in _long_titles()["talks"]:
        assert any(row.entry.endswith(talk["title"].split()[-1]) for row in rows), talk


def _import(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "event"
    import_schedule(IMPORTS / name, folder)
    return folder


def _talk_pages(out: Path) -> list[int]:
    """The page (0-based) of each talk's heading, in the order of the talks."""
    reader = PdfReader(out)
    sections = [i for i in reader.outline if not isinstance(i, list)]
    titles = [squash(i.title) for i in sections]
    at = next(n for n, t in enumerate(titles) if t in ("Talks", "Vorträge"))
    section_index = reader.outline.index(sections[at])
    talks = reader.outline[section_index + 1]
    return [reader.get_destination_page_number(i) for i in talks]


def _halves(page: pdfplumber.page.Page) -> list[pdfplumber.page.Page]:
    """The page, then its left and right halves."""
    middle = page.width / 2
    return [page, page.crop((0, 0, middle, page.height)),
            page.crop((middle, 0, page.width, page.height))]


def _assert_talks_say_when_and_where(folder: Path, out: Path) -> None:
    event = validate_event(folder).event
    slots = event.talk_slots()
    pages = _talk_pages(out)
    assert len(pages) == len(event.talks)
    with pdfplumber.open(out) as pdf:
        # A large programme's talks stand in two columns: each half is read too.
        texts = {n: "\n".join(squash(part.extract_text() or "") for part in _halves(pdf.pages[n]))
                 for n in set(pages)}
    for talk, page in zip(event.talks, pages, strict=True):
        day, item = slots[talk.id]
        meta = " · ".join(x for x in (long_date(day, event.lang),
                                      time_span(item.time, item.end, event.lang), item.place) if x)
        assert squash(meta) in texts[page], (talk.title, meta)


def _raw_kinds(out: Path, folder: Path) -> list[str]:
    """Lines that print a source's type code ("devroom · Databases", "maintrack"); not a
    track's name wrapped before its last word ("Collaboration and Content Management" /
    "devroom · H.2213"), as the narrower measure has some of FOSDEM's."""
    tracks = {t.topic for t in validate_event(folder).event.talks if t.topic}
    raw = []
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            middle = page.width / 2
            # A page of two columns (nothing set across the middle) is read column by
            # column: read whole, a line's neighbour would be the other column's.
            columns = ([page.crop((0, 0, middle, page.height)),
                        page.crop((middle, 0, page.width, page.height))]
                       if not page.crop((middle - 2, 0, middle + 2, page.height)).chars
                       else [page])
            lines = [line for part in columns for line in (part.extract_text() or "").splitlines()]
            for before, line in zip(["", *lines], lines, strict=False):
                code = line.split(" ")[0]
                # A code alone or before the track; not a sentence of an abstract.
                printed = line == code or line.startswith(code + " · ")
                if code in ("devroom", "maintrack") and printed and not any(
                        track.endswith(" " + code)
                        and squash(before).endswith(squash(track.removesuffix(code)))
                        for track in tracks):
                    raw.append(line)
    return raw


def test_an_imported_programme_lists_days_and_tracks_and_says_when_and_where(
        tmp_path: Path) -> None:
    """FOSDEM 2026's main track (45 talks, type `maintrack`): above 40 talks, the contents
    list the day and track, not each talk; each talk says its day, time and room."""
    folder = _import(tmp_path, "frab_xml/fosdem-2026-excerpt.xml")
    out = tmp_path / "out.pdf"
    build_brochure(folder, out, BuildOptions())
    rows = contents_rows(out)
    assert_numbers_readable_and_apart(rows)
    event = validate_event(folder).event
    titles = {squash(t.title) for t in event.talks}
    assert not titles & {row.entry for row in rows}
    entries = [row.entry for row in rows]
    assert any(squash(long_date(day.date, "en")) == entry for day in event.agenda
               for entry in entries) or len(event.agenda) == 1
    tracks = {squash(t.topic) for t in event.talks if t.topic}
    assert any(entry.startswith(tuple(tracks)) for entry in entries)
    assert "Speakers" in entries and "Imprint" in entries
    _assert_talks_say_when_and_where(folder, out)
    assert not _raw_kinds(out, folder)


def test_a_small_programme_lists_every_talk(tmp_path: Path) -> None:
    folder = _import(tmp_path, "frab_json/camp2019.json")
    event = validate_event(folder).event
    assert len(event.talks) > 40
    _add_theme(folder, {"contents": {"talks_listed_up_to": 1000}})
    out = tmp_path / "out.pdf"
    build_brochure(folder, out, BuildOptions())
    rows = contents_rows(out)
    assert_numbers_readable_and_apart(rows)
    # One numbered row for each talk, between the talks' section and the next section.
    entries = [row.entry for row in rows]
    assert entries.index("Speakers") - entries.index("Talks") - 1 == len(event.talks)


@pytest.mark.slow
def test_fosdem_2024_contents_fit_four_pages_with_speakers_and_imprint(tmp_path: Path) -> None:
    folder = _import(tmp_path, "frab_xml/fosdem-2024.xml.gz")
    out = tmp_path / "fosdem.pdf"
    build_brochure(folder, out, BuildOptions(cache_dir=None, jobs=1))
    rows = contents_rows(out)
    assert_numbers_readable_and_apart(rows)
    pages = {row.page for row in rows}
    assert max(pages) - min(pages) + 1 <= 4
    entries = [row.entry for row in rows]
    assert "Speakers" in entries and "Imprint" in entries
    assert "Saturday,3February2024" in entries and "Sunday,4February2024" in entries
    _assert_talks_say_when_and_where(folder, out)
    assert not _raw_kinds(out, folder)


@pytest.mark.parametrize(("kind", "lang", "shown"), [
    ("devroom", "en", None), ("maintrack", "de", None), ("Other", "en", None),
    ("lecture", "de", "Vortrag"), ("lightning_talk", "en", "Lightning talk"),
    ("podium", "fr", "Table ronde"), ("workshop", "it", "Workshop"),
    ("Talk 30 min + 10min Q&A", "en", "Talk 30 min + 10min Q&A"), (None, "de", None)])
def test_a_talks_kind_is_imported_in_plain_words(kind: str | None, lang: str,
                                                 shown: str | None) -> None:
    assert readable_kind(kind, lang) == shown


def test_grouped_contents_ask_for_another_pass_only_when_what_they_draw_changes() -> None:
    """A large programme's contents draw days and tracks, not the talks' titles: a talk
    that reports another title asks for no pass more (a watch rebuild after a title edit
    then lays out one pass); one that reports another page does."""
    from dokureport.engine import settled
    from dokureport.engine.contents import Contents

    groups = {"talk-1": ("Dienstag", "Netzwerke"), "talk-2": ("Dienstag", "Netzwerke")}
    contents = Contents(groups=groups)
    printed = [(0, "Vorträge", 5, "talks"), (1, "Alte Titel", 5, "talk-1"),
               (1, "Zweiter", 6, "talk-2")]
    contents._lastEntries = list(printed)
    contents._entries = [printed[0], (1, "Neuer Titel", 5, "talk-1"), printed[2]]
    assert contents.isSatisfied()
    assert settled.reported([contents]) == settled.printed([contents])
    contents._entries = [printed[0], (1, "Alte Titel", 6, "talk-1"), printed[2]]
    assert not contents.isSatisfied()
    assert settled.reported([contents]) != settled.printed([contents])
    # Listed one by one, a talk's title is drawn: another one asks for another pass.
    listed = Contents()
    listed._lastEntries = list(printed)
    listed._entries = [printed[0], (1, "Neuer Titel", 5, "talk-1"), printed[2]]
    assert not listed.isSatisfied()
