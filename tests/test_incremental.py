"""The edit loop keeps its promise: after an edit of any kind of input, the watch build
(warm, in the process that built the event before, with its cache folder, taking the last
build's pages where its page breaks settle back into them) writes the same PDF, byte for
byte, as a one-shot build of the same input in a fresh process with an empty cache
folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from dokureport.core.options import BuildOptions
from dokureport.watch import _Session
from tests.conftest import SAMPLE
from tests.helpers import count_page_reads, watch_session

EPOCH = "1700000000"
CHAPTER = "# Nachwort\n\nDie Dokumentation entstand im Nachgang der Tagung.\n"


def _one_shot(folder: Path, out: Path, cache: Path) -> tuple[bytes, list[str]]:
    """A one-shot build in a fresh process, nothing kept from any earlier build: its PDF
    and its warnings (the layout check's among them)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run([sys.executable, "-m", "dokureport", "build", str(folder), "-o",
                           str(out), "-q", "--cache-dir", str(cache)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return out.read_bytes(), _warnings(done.stderr.splitlines())


def _warnings(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("warning: ")]


def _structure(pdf_bytes: bytes, where: Path) -> list[str]:
    """What a reader sees, for the failure message: pages, the outline's titles, each
    page's links."""
    where.write_bytes(pdf_bytes)
    with pikepdf.open(where) as pdf:
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        return [f"{len(pdf.pages)} pages", *titles,
                *(f"page {n}: {len(page.get('/Annots', ()))} links"
                  for n, page in enumerate(pdf.pages, start=1))]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _pages(pdf_bytes: bytes, where: Path) -> list[str]:
    """Each page's extracted text."""
    where.write_bytes(pdf_bytes)
    done = subprocess.run(["pdftotext", "-layout", str(where), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout.split("\f")


LONG_PARAGRAPH = ("Die Teilnehmenden diskutierten, wie Präventionsketten und "
                  "Bildungsmonitoring zusammenwirken können, welche Daten dafür nötig sind "
                  "und wer sie in der Kommune erhebt. ") * 6


@pytest.mark.slow
def test_every_kind_of_edit_rebuilds_as_a_one_shot_build_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    event = folder / "event.yaml"
    # A chapter from a file of its own, so that editing that file is one of the edits.
    (folder / "nachwort.md").write_text(CHAPTER, encoding="utf-8")
    with event.open("a", encoding="utf-8") as f:
        f.write("\nchapters:\n  - title: Nachwort\n    file: nachwort.md\n")
    out = tmp_path / "watch.pdf"
    session, lines = watch_session(folder, out, tmp_path / "watch-cache")
    assert session.build()[0] is not None, lines  # watch mode's first build

    edits: list[tuple[str, Callable[[], None]]] = [
        ("a talk's abstract, one word", lambda: _edit(
            event, "Präventionsketten und Bildungslandschaften sind",
            "Präventionsketten und kommunale Bildungslandschaften sind")),
        ("the intro", lambda: _edit(event, "Armutsgefährdung und Bildungsbenachteiligung",
                                    "Armutsgefährdung und frühe Bildungsbenachteiligung")),
        # Glyphs of a subset are numbered in order of first use: every later page's
        # numbering moves on (no page of the last build can be taken after the talk's).
        ("a character never used before", lambda: _edit(
            event, "Bildungslandschaften sind", "Bildungslandschaften (Ærø) sind")),
        ("a photo caption", lambda: _edit(event, "Beim Stadtspaziergang durch",
                                          "Unterwegs beim Stadtspaziergang durch")),
        ("a theme colour", lambda: event.write_text(
            event.read_text(encoding="utf-8") + "\ntheme:\n  colours: {primary: \"#7A1F5C\"}\n",
            encoding="utf-8")),
        ("a chapter file", lambda: _edit(folder / "nachwort.md", "im Nachgang",
                                         "in den Wochen nach")),
        ("page breaks move", lambda: _edit(
            event, "    abstract: |\n      Präventionsketten",
            f"    abstract: |\n      {LONG_PARAGRAPH}\n\n      {LONG_PARAGRAPH}\n\n"
            "      Präventionsketten")),
        # Texts kept from the last build are kept per language: English quotes and
        # hyphenation now, English labels.
        ("the language", lambda: _edit(event, "\nlang: de\n", "\nlang: en\n")),
    ]
    before = out.read_bytes()
    previous = _pages(before, tmp_path / "before.pdf")
    for number, (what, edit) in enumerate(edits):
        edit()
        lines.clear()
        results = session.build()[0]
        assert results is not None, (what, lines)
        watched = out.read_bytes()
        one_shot, warned = _one_shot(folder, tmp_path / f"one-shot-{number}.pdf",
                                     tmp_path / f"one-shot-cache-{number}")
        # The layout check (its pages read back anew or kept) finds what a fresh one finds:
        # the one-shot build prints it as warnings.
        assert [f"warning: {w}" for w in dict.fromkeys(
            [*results[0].warnings, *(results[0].layout.problems() if results[0].layout
                                     else ())])] == warned, what
        if watched != one_shot:
            pytest.fail(f"after editing {what}, the watch build differs from a one-shot "
                        f"build: {_structure(watched, tmp_path / 'w.pdf')} against "
                        f"{_structure(one_shot, tmp_path / 'o.pdf')}")
        assert watched != before, f"editing {what} changed nothing in the PDF"
        if what in ("a talk's abstract, one word", "a photo caption"):
            # The pages from where the page breaks settle back are the last build's.
            assert results[0].pages_laid_out < results[0].pages, what
        pages = _pages(watched, tmp_path / f"after-{number}.pdf")
        if what == "page breaks move":
            # The edit pushed later content onto other pages: the last talk's heading is
            # no longer on the page it was.
            assert len(pages) > len(previous) or any(
                a.split()[:3] != b.split()[:3] for a, b in zip(pages, previous, strict=False)
                if a.strip() and b.strip())
        before, previous = watched, pages


def test_a_rebuild_reads_back_only_the_pages_an_edit_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In watch mode, the layout check of a rebuild reads again only the pages whose drawing
    changed, and finds what a check in a fresh process finds."""
    from dokureport.output import page_reads
    from dokureport.pipeline import build_brochure

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    options = BuildOptions(cache_dir=tmp_path / "cache")
    read = count_page_reads(monkeypatch)
    # A one-shot build keeps nothing in the process (it ends after it): a build with
    # another cache folder (where one-shot builds keep their pages) reads every page.
    build_brochure(folder, tmp_path / "a.pdf", options)
    read.clear()
    other = build_brochure(folder, tmp_path / "a.pdf", BuildOptions(cache_dir=tmp_path / "c2"))
    assert len(read) == other.pages and not page_reads._kept

    monkeypatch.setattr(page_reads, "_keeping", True)  # as watch mode asks
    read.clear()
    first = build_brochure(folder, tmp_path / "a.pdf", options)
    assert len(read) == first.pages  # the first build reads every page

    read.clear()
    again = build_brochure(folder, tmp_path / "a.pdf", options)
    assert read == []  # nothing changed: no page is read again
    assert again.layout is not None and first.layout is not None
    assert again.layout.pages == first.layout.pages

    # One word more in the intro: the pages before it and after the pages it moves are
    # drawn as they were.
    _edit(folder / "event.yaml", "Im Folgenden finden Sie", "Im Folgenden finden Sie hier")
    read.clear()
    edited = build_brochure(folder, tmp_path / "a.pdf", options)
    assert 0 < len(read) < edited.pages
    page_reads.forget()
    read.clear()
    fresh = build_brochure(folder, tmp_path / "b.pdf", options)
    assert len(read) == fresh.pages
    assert edited.layout is not None and fresh.layout is not None
    assert edited.layout.pages == fresh.layout.pages
    assert edited.layout.defects == fresh.layout.defects


@pytest.mark.slow
def test_a_watched_screen_print_and_booklet_build_rebuilds_as_one_shot_builds_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two targets and their booklets take turns in one watch session: each file of a
    rebuild equals a fresh one-shot build's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    out = tmp_path / "watch.pdf"
    session = _Session(folder, out, BuildOptions(cache_dir=tmp_path / "watch-cache",
                                                 booklet=True, paper="a5"),
                       ["screen", "print"], lambda line, _err: None)
    assert session.build()[0] is not None
    _edit(folder / "event.yaml", "Präventionsketten und Bildungslandschaften sind",
          "Präventionsketten und kommunale Bildungslandschaften sind")
    assert session.build()[0] is not None
    fresh = tmp_path / "fresh.pdf"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    subprocess.run([sys.executable, "-m", "dokureport", "build", str(folder), "-o",
                    str(fresh), "-q", "--cache-dir", str(tmp_path / "fresh-cache"),
                    "--target", "screen", "--target", "print", "--booklet", "--paper", "a5"],
                   check=True, capture_output=True, env=env)
    for name in ("{}.pdf", "{}-print.pdf", "{}-booklet.pdf", "{}-print-booklet.pdf"):
        watched, one_shot = (tmp_path / name.format(s) for s in ("watch", "fresh"))
        assert watched.read_bytes() == one_shot.read_bytes(), name.format("…")


def test_the_footer_title_is_typeset_once_per_build_not_on_every_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The footer's title is the same on every page: it is set once, and each page draws
    that one paragraph (page furniture cost 3-7 % of a rebuild when set per page)."""
    from dokureport.layout import document
    from dokureport.pipeline import build_brochure

    made: list[str] = []

    class Counted(document.Paragraph):  # type: ignore[misc]
        def __init__(self, text: str, *args: object, **kwargs: object) -> None:
            made.append(text)
            super().__init__(text, *args, **kwargs)

    monkeypatch.setattr(document, "Paragraph", Counted)
    result = build_brochure(SAMPLE, tmp_path / "a.pdf", BuildOptions(cache_dir=None))
    pages = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    footed = [p for p in pages if "Dokumentation des Großstadtnetzwerks" in p]
    assert len(footed) >= result.pages - 2  # the title stands in the footer of the pages
    titles = [t for t in made if "Großstadtnetzwerks" in t]
    assert len(titles) == 1, titles


def _more_talks(event: Path, count: int) -> None:
    """`count` talks more after the sample's, each with an abstract of its own."""
    text = event.read_text(encoding="utf-8")
    talks = "".join(
        f"  - id: extra-{n}\n    title: Werkstattbericht {n} aus der kommunalen Praxis\n"
        f"    speakers:\n      - name: Referentin Nummer {n}\n"
        f"    abstract: |\n      Bericht {n}: {LONG_PARAGRAPH}\n" for n in range(1, count + 1))
    at = text.index("\nphotos:")
    event.write_text(text[:at + 1] + talks.removesuffix("\n") + text[at:], encoding="utf-8")


class _Made:
    """Which talks a story made anew (their headings), and which talks' flowables the
    layouts digested."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from dokureport.layout import restart, source
        from dokureport.sections import talks

        self.headings: list[str] = []
        self.digested: list[int] = []  # a talk's index for each of its flowables
        made = self.headings

        class Counted(talks.Heading):  # type: ignore[misc,name-defined]
            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, **kwargs)
                made.append(self.outline.key)

        digest = restart._digest

        def digested(flowable: object, memo: dict[int, str | None]) -> bytes | None:
            key = source.key_of(flowable)
            if key is not None and key[0] == "talks" and len(key) > 1:
                self.digested.append(int(key[1]))
            return digest(flowable, memo)

        monkeypatch.setattr(talks, "Heading", Counted)
        monkeypatch.setattr(restart, "_digest", digested)

    def clear(self) -> None:
        self.headings.clear()
        self.digested.clear()


@pytest.mark.slow
def test_a_rebuild_makes_only_the_edited_talk_anew_and_is_the_one_shot_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A watch rebuild is handed the flowables of every talk it did not edit, with the
    digests taken when they were made (none made or digested again), and writes the PDF
    a one-shot build writes: after a talk's edit, the intro's, and one that moves the
    page breaks of every page after it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    event = folder / "event.yaml"
    _more_talks(event, 8)
    made = _Made(monkeypatch)
    out = tmp_path / "watch.pdf"
    session, lines = watch_session(folder, out, tmp_path / "watch-cache")
    assert session.build()[0] is not None, lines
    assert sorted(made.headings) == sorted(f"talk-{n}" for n in range(1, 12))

    edits: list[tuple[str, Callable[[], None], set[int]]] = [
        ("a talk's abstract, one word", lambda: _edit(
            event, "Präventionsketten und Bildungslandschaften sind",
            "Präventionsketten und kommunale Bildungslandschaften sind"), {0}),
        ("the intro", lambda: _edit(event, "Armutsgefährdung und Bildungsbenachteiligung",
                                    "Armutsgefährdung und frühe Bildungsbenachteiligung"), set()),
        ("page breaks move", lambda: _edit(
            event, "Bericht 2: ", f"Bericht 2: {LONG_PARAGRAPH}\n\n      "), {4}),
    ]
    for number, (what, edit, edited) in enumerate(edits):
        before = _pages(out.read_bytes(), tmp_path / "before.pdf")
        edit()
        made.clear()
        lines.clear()
        results = session.build()[0]
        assert results is not None, (what, lines)
        assert made.headings == [f"talk-{i + 1}" for i in sorted(edited)], what
        assert set(made.digested) == edited, what
        watched = out.read_bytes()
        _assert_one_shot(watched, folder, tmp_path, number, f"editing {what}")
        if what == "page breaks move":
            after = _pages(watched, tmp_path / "after.pdf")
            assert len(after) > len(before) or any(
                a.split()[:3] != b.split()[:3] for a, b in zip(after, before, strict=False)
                if a.strip() and b.strip())


def test_the_page_planners_next_layout_is_handed_the_talks_the_first_one_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A booklet's page planner lays the brochure out again (four pages a sheet): in a
    watch session its next layout is handed the talks the first layout's story made, with
    their digests, instead of making and digesting them again."""
    from dokureport import pipeline
    from dokureport.layout import restart

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    made = _Made(monkeypatch)
    layouts: list[int] = []
    lay_out = pipeline.lay_out

    def counted(*args: object, **kwargs: object) -> int:
        made.clear()
        pages = lay_out(*args, **kwargs)  # type: ignore[arg-type]
        layouts.append(len(made.headings) + len(made.digested))
        return pages

    monkeypatch.setattr(pipeline, "lay_out", counted)
    restart.keep_between_builds()  # as watch mode asks
    try:
        result = pipeline.build_brochure(SAMPLE, tmp_path / "a.pdf",
                                         BuildOptions(cache_dir=None, booklet=True))
    finally:
        restart.keep_between_builds(False)
    assert len(layouts) >= 2 and result.pages % 4 == 0
    first, *later = layouts
    assert first > 0  # the first layout made and digested the talks ...
    assert later == [0] * len(later)  # ... the next made or digested none of them


def _links(pdf_bytes: bytes, where: Path) -> list[tuple[int, int, float]]:
    """Each link into the document: the page it stands on, the page it leads to and the
    height there it leads to."""
    where.write_bytes(pdf_bytes)
    with pikepdf.open(where) as pdf:
        numbers = {page.objgen: n for n, page in enumerate(pdf.pages, start=1)}
        return [(n, numbers[dest[0].objgen], float(dest[3]))
                for n, page in enumerate(pdf.pages, start=1)
                for link in page.get("/Annots", ()) if (dest := link.get("/Dest")) is not None
                and dest[1] == "/XYZ"]


@pytest.mark.slow
def test_links_on_pages_taken_over_edit_after_edit_lead_where_the_last_build_put_the_talk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The contents' and the index's links, on pages a watch session takes over from one
    build to the next (the contents before where each edit's layout begins, the index after
    where the page breaks settle), lead to a talk's heading where the latest build put it:
    after a last edit that moves a heading down its page, the PDF is still the one-shot
    build's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    event = folder / "event.yaml"
    _more_talks(event, 12)  # two a page, on pages well after the contents
    out = tmp_path / "watch.pdf"
    session, lines = watch_session(folder, out, tmp_path / "watch-cache")
    assert session.build()[0] is not None, lines
    edits: list[tuple[str, Callable[[], None]]] = [
        ("a word in a talk's abstract", lambda: _edit(event, "Bericht 3: Die", "Bericht 3: Alle")),
        ("a word in a later talk's abstract", lambda: _edit(event, "Bericht 5: Die",
                                                            "Bericht 5: Auch die")),
        ("a sentence above a talk's heading", lambda: _edit(
            event, "Bericht 7: ", "Bericht 7: Ergänzend berichtete sie aus drei Stadtteilen, "
            "wie die Netzwerke dort entstanden sind. ")),
    ]
    for number, (what, edit) in enumerate(edits):
        before = _links(out.read_bytes(), tmp_path / "before.pdf")
        edit()
        lines.clear()
        results = session.build()[0]
        assert results is not None, (what, lines)
        assert results[0].pages_laid_out < results[0].pages, what  # pages taken over
        watched = out.read_bytes()
        one_shot, _ = _one_shot(folder, tmp_path / f"one-shot-{number}.pdf",
                                tmp_path / f"one-shot-cache-{number}")
        after = _links(one_shot, tmp_path / "after.pdf")
        if watched != one_shot:
            pytest.fail(f"after {what}, the watch build's links differ from a one-shot "
                        f"build's: {sorted(set(_links(watched, tmp_path / 'w.pdf')) - set(after))} "
                        f"where the one-shot build has {sorted(set(after) - set(before))}")
    # The last edit moved a heading down its page: links before it (the contents') and
    # after it (the index's) lead to its new place.
    moved = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert all(b[:2] == a[:2] and a[2] < b[2] for b, a in moved), moved
    assert any(a[0] < a[1] for _, a in moved) and any(a[0] > a[1] for _, a in moved), moved


def _watching(tmp_path: Path, add_talks: Callable[[Path, int], None], count: int
              ) -> tuple[Path, Path, Any, list[str]]:
    """The sample with `count` talks more (`add_talks`), built once as watch mode first
    builds it: its event file, the watched PDF, the session and the lines it reports."""
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    event = folder / "event.yaml"
    add_talks(event, count)
    out = tmp_path / "watch.pdf"
    session, lines = watch_session(folder, out, tmp_path / "watch-cache")
    assert session.build()[0] is not None, lines
    return event, out, session, lines


def _assert_one_shot(watched: bytes, folder: Path, tmp_path: Path, number: int,
                     what: str) -> None:
    """`watched` is what a one-shot build of `folder` writes, byte for byte."""
    one_shot, _ = _one_shot(folder, tmp_path / f"one-shot-{number}.pdf",
                            tmp_path / f"one-shot-cache-{number}")
    if watched != one_shot:
        pytest.fail(f"after {what}, the watch build differs from a one-shot build: "
                    f"{_structure(watched, tmp_path / 'w.pdf')} against "
                    f"{_structure(one_shot, tmp_path / 'o.pdf')}")


def _passes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Each layout pass from now on: its number in its layout, and the pages it laid out."""
    from dokureport.layout import document, restart

    passes: list[tuple[int, int]] = []
    build = document.BrochureDocument.build

    def counted(doc: document.BrochureDocument, *args: object, **kwargs: object) -> None:
        before = restart.pages_laid_out()
        build(doc, *args, **kwargs)  # type: ignore[arg-type]
        passes.append((doc._passes, restart.pages_laid_out() - before))

    monkeypatch.setattr(document.BrochureDocument, "build", counted)
    return passes


def _index_numbers(pdf_bytes: bytes, where: Path) -> list[str]:
    """The lines of the contents and the speaker index that end in a page number."""
    pages = _pages(pdf_bytes, where)
    printed = [page for page in pages if "Inhalt" in page.split("\n", 2)[0]
               or "Referentinnen und Referenten" in page]
    return [line.strip() for page in printed for line in page.splitlines()
            if line.strip()[-1:].isdigit()]


@pytest.mark.slow
def test_a_pass_that_prints_other_page_numbers_lays_out_only_the_pages_that_print_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit that moves the talks after it a page on: the contents and the speaker index
    print other page numbers, and the layout takes one more pass to print them. That pass
    lays out the pages up to the contents' end and the index's pages, takes every other
    page from the pass before, and the PDF is the one-shot build's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    event, out, session, lines = _watching(tmp_path, _more_talks, 20)
    before = _index_numbers(out.read_bytes(), tmp_path / "before.pdf")
    passes = _passes(monkeypatch)
    _edit(event, "Bericht 2: ", "Bericht 2: Ein Satz mehr über die kommunale Praxis und "
          "ihre Netzwerke, der die Seite füllt. Und noch einer dazu für die Zeilen. ")
    results = session.build()[0]
    assert results is not None, lines
    watched = out.read_bytes()
    _assert_one_shot(watched, event.parent, tmp_path, 0, "a talk moved")
    after = _index_numbers(watched, tmp_path / "after.pdf")
    assert len(after) == len(before) and after != before  # other numbers, same entries
    pages = results[0].pages
    settling = [laid for number, laid in passes if number > 1]
    assert settling, passes  # the layout took a pass more to print the numbers
    # The cover, the contents and the intro before the talks; the index at the end.
    assert max(settling) <= pages // 3, (passes, pages)


def _short_talks(event: Path, count: int) -> None:
    """`count` talks more after the sample's, each with a short abstract of two paragraphs:
    most pages begin with a whole paragraph or heading, where page breaks may settle."""
    text = event.read_text(encoding="utf-8")
    talks = "".join(
        f"  - id: extra-{n}\n    title: Werkstattbericht {n} aus der kommunalen Praxis\n"
        f"    speakers:\n      - name: Referentin Nummer {n}\n"
        f"    abstract: |\n      Bericht {n}: Die Teilnehmenden diskutierten, wie "
        "Präventionsketten und Bildungsmonitoring zusammenwirken können.\n\n"
        "      Welche Daten dafür nötig sind und wer sie in der Kommune erhebt, blieb "
        "offen.\n" for n in range(1, count + 1))
    at = text.index("\nphotos:")
    event.write_text(text[:at + 1] + talks.removesuffix("\n") + text[at:], encoding="utf-8")


@pytest.mark.slow
def test_edits_far_apart_and_a_title_edit_lay_out_only_the_pages_they_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two talks edited at once, pages apart: the rebuild lays out the first one's page
    until its page breaks settle, takes the pages up to the second one's from the last
    build, and lays out again from there. A talk's title edited: the contents guess their
    pages from the last build all the same (their first pass is no draft), and take its
    pages. Each time the PDF is the one-shot build's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    event, out, session, lines = _watching(tmp_path, _short_talks, 40)
    edits: list[tuple[str, Callable[[], None], str]] = [
        ("two talks' abstracts", lambda: (
            _edit(event, "Bericht 3: Die", "Bericht 3: Alle"),
            _edit(event, "Bericht 38: Die", "Bericht 38: Auch die")), "Bericht 38: Auch"),
        # A word as long: the title's contents entry keeps its lines.
        ("a talk's title", lambda: _edit(event, "title: Werkstattbericht 30 aus",
                                         "title: Werkstattbericht 30 von"),
         "Werkstattbericht 30 von"),
    ]
    for number, (what, edit, shown) in enumerate(edits):
        edit()
        lines.clear()
        results = session.build()[0]
        assert results is not None, (what, lines)
        watched = out.read_bytes()
        _assert_one_shot(watched, event.parent, tmp_path, number, f"editing {what}")
        assert any(shown in " ".join(page.split())
                   for page in _pages(watched, tmp_path / "after.pdf")), what
        # A page or two for each talk, and the contents when a title changed: not the
        # pages between the two talks, nor a pass over every page.
        assert results[0].pages_laid_out <= 8 < results[0].pages, (what, results[0])


@pytest.mark.slow
@pytest.mark.parametrize("seed", [23, 4])
def test_edits_in_a_row_anywhere_rebuild_as_one_shot_builds_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """A dozen edits in a row, chosen by a seeded draw: words, sentences, paragraphs and
    titles of one talk or of several at once. Rebuilds that begin at each edit, lay out
    again past settled pages and hop to the next edit, or print other page numbers, each
    write what a one-shot build writes; so do those after an edit that added a paragraph
    (the pages it took over stand later in the story than in the build they came from).
    Seed 4 shortens the first paragraph of a talk whose heading began a page: the heading
    keeps with its text's first lines, and now fits on the page before."""
    import random

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    event, out, session, lines = _watching(tmp_path, _short_talks, 40)
    draw = random.Random(seed)
    sentence = "Dazu kamen Berichte aus drei weiteren Stadtteilen und ihren Netzwerken. "

    def one(talk: int) -> str:
        kind = draw.choice(["word", "sentence", "title", "paragraph"])
        if kind == "title":
            _edit(event, f"title: Werkstattbericht {talk} ", f"title: Werkstattbericht {talk} neu ")
        elif kind == "paragraph":
            _edit(event, f"Bericht {talk}: ", f"Bericht {talk}: Vorweg ein Absatz.\n\n      ")
        else:
            _edit(event, f"Bericht {talk}: ",
                  f"Bericht {talk}: {'Neu: ' if kind == 'word' else sentence}")
        return f"{kind} of talk {talk}"

    laid = []
    for number in range(12):
        talks = draw.sample(range(1, 41), draw.choice([1, 1, 2, 3]))
        what = ", ".join(one(talk) for talk in talks)
        lines.clear()
        results = session.build()[0]
        assert results is not None, (what, lines)
        laid.append(results[0].pages_laid_out)
        _assert_one_shot(out.read_bytes(), event.parent, tmp_path, number,
                         f"edit {number + 1} ({what})")
    # Most rebuilds take pages over.
    assert sorted(laid)[len(laid) // 2] < results[0].pages, laid
