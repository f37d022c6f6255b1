"""The page ledger (layout.restart): in watch mode each layout records the state every page
began in, and a rebuild finds where its pages part from the last build's and where their
page breaks settle back into them: the pages a restartable layout has to lay out again."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dokureport.core.options import BuildOptions
from dokureport.layout import restart
from dokureport.watch import _Session
from tests.conftest import SAMPLE

EPOCH = "1700000000"
TALK_TEXT = "Präventionsketten und Bildungslandschaften sind"


@pytest.fixture
def ledgers() -> Iterator[None]:
    restart.keep_between_builds(False)  # nothing kept from another test's builds
    restart.keep_between_builds()
    restart.comparisons.clear()
    yield
    restart.keep_between_builds(False)
    restart.comparisons.clear()


def _session(tmp_path: Path) -> tuple[_Session, Path, Path]:
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    out = tmp_path / "brochure.pdf"
    session = _Session(folder, out, BuildOptions(cache_dir=tmp_path / "cache"), ["screen"],
                       lambda line, _err: None)
    return session, folder / "event.yaml", out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _page_with(pdf: Path, words: str) -> int:
    """The first page (1-based) whose text has `words` (on one line)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        if words in " ".join(page.split()):
            return number
    raise AssertionError(f"{words!r} is on no page")


def test_a_one_word_edit_parts_from_the_last_build_on_its_talks_page_and_settles_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: None) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    session, event, out = _session(tmp_path)
    first = session.build()[0]
    assert first is not None
    assert restart.comparisons == []  # nothing to compare the first build with
    _edit(event, TALK_TEXT, "Präventionsketten und kommunale Bildungslandschaften sind")
    results = session.build()[0]
    assert results is not None
    [comparison] = restart.comparisons
    pages = results[0].pages
    assert comparison.pages == pages
    # The pages before the talk's are the last build's; the talk's is the first that may
    # differ, and a few pages on, the page breaks are the last build's again.
    assert comparison.first_changed == _page_with(out, "kommunale Bildungslandschaften")
    assert comparison.settled is not None
    assert comparison.first_changed < comparison.settled <= pages
    assert comparison.to_lay_out == comparison.settled - comparison.first_changed


def test_an_edit_that_moves_a_printed_page_number_changes_every_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: None) -> None:
    """Two long paragraphs push every later talk's heading onto another page: the contents
    and the agenda print other page numbers, so the brochure differs from its first page."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    session, event, _ = _session(tmp_path)
    assert session.build()[0] is not None
    long = ("Die Teilnehmenden diskutierten, wie Präventionsketten und Bildungsmonitoring "
            "zusammenwirken können, welche Daten dafür nötig sind. ") * 12
    _edit(event, "    abstract: |\n      Präventionsketten",
          f"    abstract: |\n      {long}\n\n      {long}\n\n      Präventionsketten")
    assert session.build()[0] is not None
    [comparison] = restart.comparisons
    assert comparison.first_changed == 1
    assert comparison.settled is None
    assert comparison.to_lay_out == comparison.pages


def test_an_unchanged_rebuild_differs_nowhere(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: None) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    session, _, _ = _session(tmp_path)
    assert session.build()[0] is not None
    assert session.build()[0] is not None
    [comparison] = restart.comparisons
    assert comparison.first_changed is None
    assert comparison.to_lay_out == 0


def test_a_build_counts_the_pages_it_laid_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: None) -> None:
    """Every pass of every layout counts: a first build lays its pages out more than once
    (its contents learn their pages); an unchanged rebuild in watch mode lays out no page:
    it takes every page from the build before."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    session, _, out = _session(tmp_path)
    first = session.build()[0]
    assert first is not None
    before = out.read_bytes()
    again = session.build()[0]
    assert again is not None
    assert first[0].pages_laid_out >= 2 * first[0].pages
    assert again[0].pages_laid_out == 0
    assert out.read_bytes() == before


def test_a_one_word_edit_lays_out_only_the_pages_before_the_breaks_settle(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: None) -> None:
    """The rebuild begins at the page of the edited talk (or a page before it that begins
    with a whole paragraph or heading), lays out the pages up to the one where its page
    breaks are the last build's again, and takes all others from the last build."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    session, event, _ = _session(tmp_path)
    assert session.build()[0] is not None
    restart.comparisons.clear()
    _edit(event, TALK_TEXT, "Präventionsketten und kommunale Bildungslandschaften sind")
    results = session.build()[0]
    assert results is not None
    [comparison] = restart.comparisons
    assert comparison.settled is not None
    assert comparison.to_lay_out <= results[0].pages_laid_out < comparison.settled - 1


def test_a_character_never_used_before_numbers_every_later_glyph_otherwise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: None) -> None:
    """reportlab numbers a subset's glyphs in order of first use, never renumbering: the
    numbering at a page's start only grows from page to page, and a new character in a
    talk changes it from the page after that talk's on, even where page breaks do not
    move: those pages are no place to settle."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    session, event, out = _session(tmp_path)
    assert session.build()[0] is not None
    [old] = list(restart._ledgers.values())
    _edit(event, TALK_TEXT, "Präventionsketten und Bildungslandschaften (Ærø) sind")
    assert session.build()[0] is not None
    [new] = list(restart._ledgers.values())
    counts = [{font: n for font, n, _ in start.glyphs} for start in new.pages]
    for before, after in itertools.pairwise(counts):
        assert set(before) <= set(after)
        assert all(after[font] >= n for font, n in before.items())
    talk = _page_with(out, "(Ærø)")
    assert [s.glyphs for s in old.pages[:talk]] == [s.glyphs for s in new.pages[:talk]]
    assert all(a.glyphs != b.glyphs for a, b in zip(old.pages[talk:], new.pages[talk:],
                                                     strict=True))
    [comparison] = restart.comparisons
    assert comparison.first_changed == talk
    assert comparison.settled is None


@pytest.mark.slow
def test_a_print_booklet_rebuild_takes_pages_over_and_is_the_one_shot_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: None) -> None:
    """The print target (crop marks, CMYK, its own page plan) and the booklet's sheets
    too: a one-word edit lays out some of the pages and writes what a one-shot build in
    a fresh process writes."""
    import os
    import sys

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    out = tmp_path / "watch.pdf"
    session = _Session(folder, out, BuildOptions(cache_dir=tmp_path / "cache", target="print",
                                                 booklet=True),
                       ["print"], lambda line, _err: None)
    assert session.build()[0] is not None
    restart.comparisons.clear()
    _edit(folder / "event.yaml", TALK_TEXT,
          "Präventionsketten und kommunale Bildungslandschaften sind")
    results = session.build()[0]
    assert results is not None
    # Fewer pages than its layouts have (the page planner may lay the brochure out twice).
    assert restart.comparisons
    assert results[0].pages_laid_out < sum(c.pages for c in restart.comparisons)
    one_shot = tmp_path / "one-shot.pdf"
    subprocess.run([sys.executable, "-m", "dokureport", "build", str(folder), "-o",
                    str(one_shot), "-q", "--cache-dir", str(tmp_path / "fresh"), "--target",
                    "print", "--booklet"], check=True, capture_output=True,
                   env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    assert out.read_bytes() == one_shot.read_bytes()
    assert (tmp_path / "watch-booklet.pdf").read_bytes() == (
        tmp_path / "one-shot-booklet.pdf").read_bytes()


def test_a_watch_session_keeps_no_document_of_an_earlier_build(tmp_path: Path,
                                                               ledgers: None) -> None:
    # What a rebuild takes over is kept as records and PDF objects, never the document
    # template: a document kept alive holds its whole story, about 40 MB at 1,000 talks,
    # and a long watch session would grow by that on every save.
    import gc

    from dokureport.layout.document import BrochureDocument

    session, event, _ = _session(tmp_path)
    session.build()
    word = "Bildungslandschaften"
    for n in range(3):
        _edit(event, word, f"{word} {n}")
        word = f"{word} {n}"
        assert session.build()[0] is not None
    gc.collect()
    assert [o for o in gc.get_objects() if isinstance(o, BrochureDocument)] == []


def test_a_flowable_holding_a_set_has_a_digest_whatever_the_sets_order(ledgers: None) -> None:
    """The agenda's page references hear the talks named in a set: the flowable has a
    digest (a flowable without one is where no rebuild may begin or settle), the same for
    the same members in another order, another for other members."""
    from dokureport.sections.agenda import TalkPages

    keys = [f"talk-{n}" for n in range(1, 40)]
    one, other = TalkPages(set(keys)), TalkPages(set(reversed(keys)))
    fewer = TalkPages(set(keys[1:]))
    one_digest, other_digest, fewer_digest = restart.digests([one, other, fewer])
    assert one_digest is not None
    assert one_digest == other_digest != fewer_digest


def test_a_print_rebuild_begins_at_the_edited_talks_page_not_at_the_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: None) -> None:
    """On paper the agenda gives each talk's page ("→ S. 9"): its page references are
    digested as any flowable is (their label and colour), so a one-word edit's rebuild
    begins at the talk's page, after the agenda, and writes the one-shot build's PDF."""
    import os
    import sys

    from dokureport.layout import document

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    begun: list[int] = []
    lay_out = document.BrochureDocument._lay_out

    def recorded(doc: document.BrochureDocument, *args: object) -> None:
        lay_out(doc, *args)  # type: ignore[arg-type]
        begun.append(doc._restart_at.page if doc._restart_at is not None else 1)

    monkeypatch.setattr(document.BrochureDocument, "_lay_out", recorded)
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    out = tmp_path / "watch.pdf"
    session = _Session(folder, out, BuildOptions(cache_dir=tmp_path / "cache", target="print"),
                       ["print"], lambda line, _err: None)
    assert session.build()[0] is not None
    begun.clear()
    _edit(folder / "event.yaml", TALK_TEXT,
          "Präventionsketten und kommunale Bildungslandschaften sind")
    assert session.build()[0] is not None
    talk = _page_with(out, "kommunale Bildungslandschaften")
    agenda = _page_with(out, "→ S.")
    assert begun and agenda < begun[0] <= talk, (begun, agenda, talk)
    one_shot = tmp_path / "one-shot.pdf"
    subprocess.run([sys.executable, "-m", "dokureport", "build", str(folder), "-o",
                    str(one_shot), "-q", "--cache-dir", str(tmp_path / "fresh"), "--target",
                    "print"], check=True, capture_output=True,
                   env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    assert out.read_bytes() == one_shot.read_bytes()
