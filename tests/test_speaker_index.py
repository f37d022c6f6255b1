"""The speaker index: names taken apart by a parser (not by their last word), one entry a
person, filed by the name's convention, in columns; read back from built brochures."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pdfplumber
import pytest

from dokureport.core.options import BuildOptions
from dokureport.i18n.name_parts import identity, parse
from dokureport.i18n.names import DIGITS, index_name, initial
from dokureport.importers import import_schedule
from dokureport.importers.common import Person, one_each
from dokureport.importers.detect import read_schedule
from dokureport.pipeline import build_brochure
from dokureport.validate import validate_event
from tests.index_pdf import ReadIndex, read_index
from tests.test_import import frab, round_trip, talk

IMPORTS = Path(__file__).parent / "imports"
FIXTURES = ["frab_xml/fosdem-2024.xml.gz", "frab_json/camp2019.json",
            "frab_json/pretalx-rc3.json", "indico/xdc2021-event.json",
            "pretalx/democon-schedule.json"]


# --- the parser -------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "filed", "extras", "group"), [
    # As the imported fixtures write them (tests/imports/*).
    ('Richard "RichiH" Hartmann', "Hartmann, Richard", ("RichiH",), "H"),
    ("Ioannis (Yannis)Panges", "Panges, Ioannis", ("Yannis",), "P"),
    ("Jérôme Poisson (Goffi)", "Poisson, Jérôme", ("Goffi",), "P"),
    ("Bogomil Shopov - Бого", "Shopov, Bogomil", ("Бого",), "S"),
    ("Philippe Van Eerdenbrugghe", "Van Eerdenbrugghe, Philippe", (), "V"),
    ("Daan De Meyer", "De Meyer, Daan", (), "D"),
    ("Jos van den Oever", "Oever, Jos van den", (), "O"),
    ("Bryan O'Donoghue", "O'Donoghue, Bryan", (), "O"),
    ("Tanguy ⧓ Herrmann", "Herrmann, Tanguy", (), "H"),
    ("Clément  OUDOT", "OUDOT, Clément", (), "O"),
    ("LATHUILIERE Bruno", "LATHUILIERE, Bruno", (), "L"),  # French: family name in capitals
    ("K.S. Bhaskar", "Bhaskar, K.S.", (), "B"),  # initials are no family name
    ("1peter10", "1peter10", (), DIGITS),
    ('Lukas "cube" Hannen', "Hannen, Lukas", ("cube",), "H"),
    ("Andreea Belu (EDRi)", "Belu, Andreea", ("EDRi",), "B"),
    ("Tatiana Bazzichelli / Disruption Network Lab", "Bazzichelli, Tatiana",
     ("Disruption Network Lab",), "B"),
    ("@pkoerner81929", "pkoerner81929", (), "P"),
    ('Tobias "Tobi" Buchberger', "Buchberger, Tobias", ("Tobi",), "B"),
    ("Ilja van Sprundel", "Sprundel, Ilja van", (), "S"),
    ("Vilvaraj,,  T J Vivek", "Vilvaraj, T J Vivek", (), "V"),
    # As the issue saw them printed from a larger FOSDEM export.
    ("Nadia Santalla (she/her)", "Santalla, Nadia", (), "S"),
    ("Matt Yonkovit (The Yonk)", "Yonkovit, Matt", ("The Yonk",), "Y"),
    ("Davide `thezero`", "Davide", ("thezero",), "D"),
    ("Dmitrij Wolkow (Дмитрий Волков)", "Wolkow, Dmitrij", ("Дмитрий Волков",), "W"),
    ("Zoë Ó Súilleabháin", "Ó Súilleabháin, Zoë", (), "O"),
    ("Luca Di Maio", "Di Maio, Luca", (), "D"),
    ("Richard von Weizsäcker", "Weizsäcker, Richard von", (), "W"),
    ("Weizsäcker, Richard von", "Weizsäcker, Richard von", (), "W"),
    ('Alex "Sasha" Smith', "Smith, Alex", ("Sasha",), "S"),
    ("Alex Smith she/they", "Smith, Alex", (), "S"),
    ("Sam Doe (pronouns: they/them) @samdoe", "Doe, Sam", ("@samdoe",), "D"),
    ("Martin Luther King, Jr.", "King, Martin Luther", (), "K"),
    ("Philippe Martin", "Martin, Philippe", (), "M"),  # "Phil…" is no title
    ("Dr.-Ing. Hans Meyer", "Meyer, Hans Dr.-Ing.", (), "M"),
    ("山田 太郎", "山田 太郎", (), "山"),  # family name first: kept as written
])
def test_a_display_name_is_filed_by_its_family_name_without_additions(
        name: str, filed: str, extras: tuple[str, ...], group: str) -> None:
    indexed = index_name(name)
    assert ", ".join(x for x in (indexed.family, indexed.rest) if x) == filed
    assert indexed.extras == extras
    assert initial(indexed) == group


def _fixture_names() -> list[str]:
    return sorted({p.name for f in FIXTURES for e in read_schedule(IMPORTS / f).entries
                   for p in e.speakers})


def test_every_name_in_the_imported_fixtures_is_filed_under_a_letter_or_digit() -> None:
    names = _fixture_names()
    assert len(names) > 800
    for name in names:
        indexed = index_name(name)
        head = initial(indexed)
        assert head == DIGITS or unicodedata.category(head).startswith("L"), name
        first = indexed.family[:1]
        assert unicodedata.category(first)[0] in "LN", (name, indexed)
        for part in (indexed.family, indexed.given):
            assert not any(c in part for c in "()[]{}\"`“”/"), (name, indexed)
            assert not part.startswith("@") and " @" not in part, (name, indexed)
            assert "she/" not in part and "he/him" not in part


def test_suffix_and_particles_are_told_apart_from_the_family_name() -> None:
    king = parse("Martin Luther King Jr.")
    assert (king.given, king.family, king.suffix) == ("Martin Luther", "King", "Jr.")
    goethe = parse("von Goethe, Johann Wolfgang")
    assert (goethe.given, goethe.particles, goethe.family) == ("Johann Wolfgang", "von",
                                                                "Goethe")


@pytest.mark.parametrize("variant", [
    "Anna Müller", "anna  müller", "Müller, Anna", "Anna Müller (she/her)", "Dr. Anna Müller",
    'Anna "Annie" Müller', "Ａｎｎａ Müller", "Anna Müller @annam", "MÜLLER Anna",
])
def test_spellings_of_one_name_are_one_person(variant: str) -> None:
    assert identity(variant) == identity("Anna Müller")


def test_different_names_are_different_people() -> None:
    assert identity("Anna Müller") != identity("Anne Müller")
    assert identity("Luca Di Maio") != identity("Luca Maio")


def test_a_talk_lists_a_person_once_with_the_first_organisation_given() -> None:
    people = (Person("Bradley M. Kühn"), Person("Ada Lovelace"),
              Person("Bradley M.  Kühn", "Software Freedom Conservancy"),
              Person("ada lovelace (she/her)"))
    assert one_each(people) == (Person("Bradley M. Kühn", "Software Freedom Conservancy"),
                                Person("Ada Lovelace"))


def test_an_import_writes_a_speaker_listed_twice_on_a_talk_once(tmp_path: Path) -> None:
    _, event = round_trip(tmp_path, frab([talk(
        "Copyleft", "2024-05-10T10:00:00+02:00",
        persons=[{"public_name": "Bradley M. Kühn", "id": 1},
                 {"public_name": "Bradley M. Kühn", "id": 2},
                 {"public_name": "Karen Sandler"}])]))
    speakers = event.talks[0].speakers  # type: ignore[attr-defined]
    assert [s.name for s in speakers] == ["Bradley M. Kühn", "Karen Sandler"]
    agenda = event.agenda[0].items[0]  # type: ignore[attr-defined]
    assert agenda.people.count("Bradley M. Kühn") == 1


# --- read back from brochures ----------------------------------------------------------

SHORT = ["Anna Abel", "Jonas Beck", "Lea Brand", "Tim Busch", "Eva Claus", "Ole Dorn",
         "Ina Ebert", "Max Fink", "Pia Graf", "Kai Hahn", "Uta Horn", "Jan Jung", "Mia Kern",
         "Ben Kluge", "Ida Lang", "Leo Lorenz", "Nina Mai", "Paul Nagel", "Rita Ott",
         "Tom Pohl", "Eli Quast", "Ute Roth", "Ken Sauer", "Lina Thiel", "Udo Vogt"]


def _event(folder: Path, talks: list[list[str]], lang: str = "de") -> Path:
    lines = ["format: 1", f"lang: {lang}", "title: Fachtag Namen",
             "event:", "  start: 2024-10-29 09:00", "  end: 2024-10-29 17:00", "talks:"]
    for i, speakers in enumerate(talks, start=1):
        lines += [f"  - id: t{i}", f"    title: Vortrag {i}", "    speakers:"]
        lines += [f"      - name: {json.dumps(name, ensure_ascii=False)}" for name in speakers]
        lines += ["    abstract: |", "      " + "Das Netzwerk stärkt die Bildung vor Ort. " * 30]
    folder.mkdir()
    (folder / "event.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _built(tmp_path: Path, talks: list[list[str]], lang: str = "de", **options: object
           ) -> Path:
    folder = _event(tmp_path / "event", talks, lang)
    out = tmp_path / "brochure.pdf"
    build_brochure(folder, out, BuildOptions(jobs=1, **options))  # type: ignore[arg-type]
    return out


HARD = [["Richard von Weizsäcker", "Zoë Ó Súilleabháin"],
        ["Luca Di Maio", "Nadia Santalla (she/her)"],
        ["Matt Yonkovit (The Yonk)", "Davide `thezero`", "Dmitrij Wolkow (Дмитрий Волков)"],
        ["Bradley M. Kühn", "Bradley M. Kühn", "Мария Иванова"],
        ["Anna Müller"]]


def _check_letters(index: ReadIndex) -> None:
    for head in index.heads:
        assert len(head) == 1 and unicodedata.category(head).startswith("L"), head
    for entry in index.entries:
        assert unicodedata.category(entry.name[0]).startswith("L"), entry.name
    names = [e.name for e in index.entries]
    assert len(names) == len(set(names)), "a name twice"


@pytest.mark.parametrize(("paper", "theme"), [("a4", "default"), ("a5", "classic"),
                                              ("a4", "bold")])
def test_a_german_index_files_by_convention_and_names_each_person_once(
        tmp_path: Path, paper: str, theme: str) -> None:
    # One person in three spellings, on the first, a middle and the last talk.
    talks = [["anna  müller (she/her)"], *HARD, *([n] for n in SHORT), ["Müller, Anna"]]
    out = _built(tmp_path, talks, paper=paper, theme=theme)
    index = read_index(out, "Referentinnen und Referenten")
    _check_letters(index)
    entries = {e.name: e for e in index.entries}
    assert "Weizsäcker, Richard von" in entries  # DIN 5007: "von" after the given name
    assert "Ó Súilleabháin, Zoë" in entries and "Di Maio, Luca" in entries
    assert "Santalla, Nadia" in entries and "Yonkovit, Matt (The Yonk)" in entries
    assert "Davide (thezero)" in entries
    assert "Wolkow, Dmitrij (Дмитрий Волков)" in entries
    kuehn = entries["Kühn, Bradley M."]
    assert len(kuehn.pages) == 1  # twice on one talk: one page, once
    assert len(entries["Müller, Anna"].pages) == 3  # three spellings, one person
    # Latin first, the group heads in alphabetical order, Cyrillic after them.
    latin = [h for h in index.heads if h.isascii()]
    assert latin == sorted(latin) and index.heads[-1] == "И"
    # A group continued on the next page repeats its letter there: one group, twice shown.
    assert list(dict.fromkeys(h for h in index.heads if h in "DOW")) == ["D", "O", "W"]
    order = [e.name for e in index.entries]
    assert order.index("Di Maio, Luca") < order.index("Dorn, Ole")
    assert order.index("Ó Súilleabháin, Zoë") < order.index("Ott, Rita") < order.index(
        "Pohl, Tom")
    assert order.index("Vogt, Udo") < order.index("Weizsäcker, Richard von")
    assert all(n > 1 for n in index.columns), index.columns  # short entries: columns


def test_the_theme_sets_the_most_columns(tmp_path: Path) -> None:
    theme = tmp_path / "one-column.yaml"
    theme.write_text("extends: default\nindex: {columns: 1}\n", encoding="utf-8")
    out = _built(tmp_path, [[n] for n in SHORT], theme=str(theme))
    columns = read_index(out, "Referentinnen und Referenten").columns
    assert columns and set(columns) == {1}  # two pages, one column each


def test_page_numbers_stay_on_one_line_and_move_whole(tmp_path: Path) -> None:
    # One speaker on 14 talks: the numbers go whole onto a line of their own.
    talks = [["Maximiliane Friederike von Hohenzollern-Sigmaringen", f"Gast {i}"]
             for i in range(14)]
    out = _built(tmp_path, talks, paper="a5")
    index = read_index(out, "Referentinnen und Referenten")
    busy = next(e for e in index.entries if e.name.startswith("Hohenzollern"))
    assert busy.name == "Hohenzollern-Sigmaringen, Maximiliane Friederike von"  # unbroken
    assert len(busy.pages) >= 5 and busy.pages == sorted(busy.pages)
    assert all(e.pages_lines == 1 for e in index.entries)
    assert [e.name for e in index.entries][:3] == ["Gast 0", "Gast 1", "Gast 10"]


def test_an_english_event_files_other_scripts_after_latin_in_their_own_form(
        tmp_path: Path) -> None:
    out = _built(tmp_path, [["Dmitrij Wolkow (Дмитрий Волков)"], ["Мария Иванова"],
                            ["Νίκος Αλεξίου"], ["Yuki Tanaka"], *([n] for n in SHORT[:8])],
                 lang="en")
    index = read_index(out, "Speakers")
    _check_letters(index)
    names = [e.name for e in index.entries]
    assert "Wolkow, Dmitrij (Дмитрий Волков)" in names
    assert names[-2:] == ["Αλεξίου, Νίκος", "Иванова, Мария"]
    assert index.heads[-2:] == ["Α", "И"]


@pytest.mark.slow
def test_the_fosdem_index_files_every_speaker_once_under_a_letter_in_columns(
        tmp_path: Path) -> None:
    folder = tmp_path / "fosdem"
    import_schedule(IMPORTS / "frab_xml/fosdem-2024.xml.gz", folder)
    event = validate_event(folder).event
    people = {identity(s.name) for t in event.talks for s in t.speakers}
    out = tmp_path / "fosdem.pdf"
    build_brochure(folder, out, BuildOptions(jobs=1))
    index = read_index(out, "Speakers")
    assert len(index.entries) == len(people)  # nobody twice, nobody lost
    names = [e.name for e in index.entries]
    assert len(set(names)) == len(names)
    for head in index.heads:
        assert head == DIGITS or (len(head) == 1 and head.isalpha()), head
    under_digits = [e for e in index.entries if e.name[0].isdigit()]
    assert [e.name for e in under_digits] == ["1peter10"] and index.heads[0] == DIGITS
    for entry in index.entries:
        assert entry.name[0].isalnum(), entry.name
        assert entry.pages_lines == 1, entry
    assert "Van Eerdenbrugghe, Philippe" in names and "Oever, Jos van den" in names
    assert "Zavras, Alexios (zvr)" in names and "Hartmann, Richard (RichiH)" in names
    assert all(n >= 2 for n in index.columns), index.columns
    assert len(index.columns) <= 12  # 23 pages before, in one column


@pytest.mark.parametrize("unit", ["(", "„a ", "(a) ", "'a ", "she/", "a,", "von "])
def test_a_hostile_name_is_taken_apart_in_linear_time(unit: str) -> None:
    # A name may be 5,000 characters (core.limits.MAX_PARAGRAPH): four times the length
    # takes about four times as long, not sixteen (nested brackets were read once a level).
    import time

    def best(repeat: int) -> float:
        name = (unit * repeat + "Anna Müller" + ")" * repeat if unit == "("
                else unit * repeat + "Anna Müller")
        times = []
        for _ in range(5):
            start = time.perf_counter()
            parse(name)
            times.append(time.perf_counter() - start)
        return min(times)

    short, long = best(400), best(1600)
    assert long < 8 * short + 0.005, (short, long)


def test_an_entry_taller_than_a_page_is_split_over_pages(tmp_path: Path) -> None:
    # A 4,700-character organisation and a 3,600-character name: the entries go on over
    # the pages (they hung the build before), every other entry is still there.
    org = "Verein für " + "sehr lange Namen und Organisationen " * 130
    folder = tmp_path / "event"
    folder.mkdir()
    (folder / "event.yaml").write_text("\n".join([
        "format: 1", "lang: de", "title: Lang", "event:", "  start: 2024-10-29 09:00",
        "talks:", "  - id: t1", "    title: Eins", "    speakers:",
        "      - name: Ben Beck", f"        organisation: {org}",
        "      - name: Anna " + "Maria " * 600 + "Müller",
        "  - id: t2", "    title: Zwei", "    speakers:", "      - name: Cora Claus"]) + "\n",
        encoding="utf-8")
    out = tmp_path / "brochure.pdf"
    build_brochure(folder, out, BuildOptions(jobs=1))
    index = read_index(out, "Referentinnen und Referenten")
    names = [e.name.split(" Maria")[0] for e in index.entries]
    assert names[:3] == ["Beck, Ben", "Claus, Cora", "Müller, Anna"], names
    assert all(e.pages for e in index.entries[:3])


def test_a_page_list_wider_than_the_page_breaks_at_commas_within_it(tmp_path: Path) -> None:
    # A host on every one of 90 talks: the one list that cannot stay on a line.
    out = _built(tmp_path, [["Hanna Host", f"Gast {i}"] for i in range(90)], paper="a5")
    index = read_index(out, "Referentinnen und Referenten")
    host = next(e for e in index.entries if e.name == "Host, Hanna")
    # On every talk, and the talks fill pages one after another: every number whole.
    assert len(host.pages) > 20
    assert host.pages == list(range(host.pages[0], host.pages[-1] + 1))
    assert host.pages_lines > 1
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[host.page - 1]
        words = page.extract_words()
    # Within the column: not left of the name, not beyond the page.
    left = next(w["x0"] for w in words if w["text"] == "Host,")
    assert all(w["x0"] >= left - 1 and w["x1"] <= page.width for w in words)
