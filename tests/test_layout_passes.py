"""Layout passes: the first leaves out unready photos, and the contents settles in two."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pdfplumber
import pytest

from dokureport import compose
from dokureport.assets import ImagePreparer, ImageRequest, PreparedImage
from dokureport.compose import lay_out
from dokureport.core.options import BuildOptions
from dokureport.layout.context import LayoutContext
from dokureport.layout.document import BrochureDocument
from dokureport.validate import validate_event
from tests.conftest import SAMPLE
from tests.index_pdf import read_index


class NeverReady:
    """A preparer that says no photo is ready until someone waits for it."""

    def __init__(self, images: ImagePreparer) -> None:
        self.images = images
        self.waited: list[ImageRequest] = []

    def submit(self, request: ImageRequest) -> None:
        self.images.submit(request)

    def ready(self, request: ImageRequest) -> bool:
        return False

    def result(self, request: ImageRequest) -> PreparedImage:
        self.waited.append(request)
        return self.images.result(request)


def test_the_first_pass_leaves_out_unready_photos_and_the_last_has_all(tmp_path: Path) -> None:
    event = validate_event(SAMPLE).event
    out = tmp_path / "sample.pdf"
    with ImagePreparer(dpi=150) as preparer:
        slow = NeverReady(preparer)
        ctx = LayoutContext(event=event, options=BuildOptions(), images=slow,
                            build_date=dt.date(2026, 11, 27))
        lay_out(ctx, out)
    # The sample settles in two passes: only the second waited, once for each photo
    # drawn (9 in the gallery, the cover photo again on the cover, the logo, and the two
    # contact portraits).
    assert len(slow.waited) == 13
    with pdfplumber.open(out) as pdf:
        assert sum(len(page.images) for page in pdf.pages) == 13


def many_talks(folder: Path, talks: int) -> Path:
    """An event whose contents runs over several pages: one talk a page."""
    lines = ["format: 1", "lang: de", "title: Fachtag mit vielen Vorträgen",
             "event:", "  start: 2024-10-29 09:00", "  end: 2024-10-29 17:00", "talks:"]
    for i in range(1, talks + 1):
        lines += [f"  - id: t{i}", f"    title: Vortrag {i} über die Präventionskette im Quartier",
                  "    speakers:", f"      - name: Referentin {i}",
                  "    abstract: |", "      " + "Das Netzwerk stärkt die Bildung vor Ort. " * 40]
    folder.mkdir()
    (folder / "event.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _settle(folder: Path, out: Path, cache_dir: Path | None = None) -> tuple[int, bytes]:
    event = validate_event(folder).event
    with ImagePreparer(dpi=150) as preparer:
        ctx = LayoutContext(event=event, options=BuildOptions(cache_dir=cache_dir),
                            images=preparer,
                            build_date=dt.date(2026, 11, 27))
        passes = BrochureDocument(str(out), ctx, None).build_settled(compose.story(ctx))
    return passes, out.read_bytes()


@pytest.mark.slow
def test_the_contents_is_laid_out_at_its_final_size_from_the_first_pass(tmp_path: Path) -> None:
    # The contents' entries are known before layout, so the pages after its three pages
    # do not move between passes: the second pass only fills in the page numbers.
    out = tmp_path / "brochure.pdf"
    passes, _ = _settle(many_talks(tmp_path / "event", 80), out)
    assert passes == 2
    with pdfplumber.open(out) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    # A contents line is the title and its page number; the talk's page has its title.
    listed = re.findall(r"^Vortrag (\d+) über die Präventionskette im Quartier (\d+)$",
                        "\n".join(pages), flags=re.MULTILINE)
    assert [int(number) for number, _ in listed] == list(range(1, 81))
    for number, page in listed:
        assert f"Vortrag {number} über" in pages[int(page) - 1]


def _paragraphs_drawn_per_pass(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                               drop_contents: bool) -> tuple[int, dict[int, int], Path]:
    from reportlab.platypus import Paragraph
    from reportlab.platypus.tableofcontents import TableOfContents

    drawn: dict[int, int] = {}
    documents: list[BrochureDocument] = []
    original = Paragraph.draw

    def draw(self: Paragraph) -> None:
        passes = documents[0]._passes
        drawn[passes] = drawn.get(passes, 0) + 1
        original(self)

    monkeypatch.setattr(Paragraph, "draw", draw)
    event = validate_event(many_talks(tmp_path / "event", 12)).event
    out = tmp_path / "brochure.pdf"
    with ImagePreparer(dpi=150) as preparer:
        ctx = LayoutContext(event=event, options=BuildOptions(), images=preparer,
                            build_date=dt.date(2026, 11, 27))
        story = [f for f in compose.story(ctx)
                 if not (drop_contents and isinstance(f, TableOfContents))]
        documents.append(BrochureDocument(str(out), ctx, None))
        passes = documents[0].build_settled(story)
    return passes, drawn, out


def test_a_first_pass_known_not_to_be_the_last_places_but_draws_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The contents' entries are reserved with page 0, so the first pass cannot be the
    # output: it only finds the pages, and the second pass draws everything.
    passes, drawn, out = _paragraphs_drawn_per_pass(monkeypatch, tmp_path, False)
    assert passes == 2
    assert 1 not in drawn
    assert drawn[2] > 12 * 3  # each talk's title, speaker and abstract at least
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        assert len(pdf.doc.catalog["Outlines"].resolve()) > 0  # bookmarks from drawing
    listed = re.findall(r"^Vortrag (\d+) über die Präventionskette im Quartier \d+$", text,
                        flags=re.MULTILINE)
    assert [int(n) for n in listed] == list(range(1, 13))


def test_without_contents_the_first_pass_draws_as_it_may_be_the_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    passes, drawn, out = _paragraphs_drawn_per_pass(monkeypatch, tmp_path, True)
    assert drawn[1] > 12 * 3
    assert drawn[passes] > 12 * 3
    with pdfplumber.open(out) as pdf:
        assert "Vortrag 12 über" in "\n".join(p.extract_text() or "" for p in pdf.pages)


@pytest.mark.slow
def test_the_speaker_index_makes_its_table_once_a_pass_for_wrap_and_split(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dokureport.sections.speakers import SpeakerIndex

    made: list[float] = []
    original = SpeakerIndex._rows

    def rows(self: SpeakerIndex, width: float) -> object:
        made.append(width)
        return original(self, width)

    monkeypatch.setattr(SpeakerIndex, "_rows", rows)
    out = tmp_path / "brochure.pdf"
    passes, _ = _settle(many_talks(tmp_path / "event", 120), out)
    # 120 speakers run over two pages (80 now fit one in three columns): each pass wraps
    # the index, then splits its columns.
    assert passes == 2 and len(made) == 2
    # Every speaker is listed once, with the page of the talk.
    index = read_index(out, "Referentinnen und Referenten")
    assert len({entry.page for entry in index.entries}) == 2
    listed = [int(e.name.removeprefix("Referentin ")) for e in index.entries]
    assert sorted(listed) == list(range(1, 121))
    assert all(len(e.pages) == 1 for e in index.entries)


def test_a_rebuild_in_the_same_process_starts_from_the_pages_it_settled_on(
        tmp_path: Path) -> None:
    from dokureport.engine import settled

    folder = many_talks(tmp_path / "event", 30)
    fresh_passes, fresh = _settle(folder, tmp_path / "a.pdf")
    # The same brochure again (watch mode after an edit that moves no page): the kept
    # pages are right, so the first pass is the last, and the file is the same.
    again_passes, again = _settle(folder, tmp_path / "b.pdf")
    assert (fresh_passes, again_passes) == (2, 1)
    assert again == fresh
    # An edit that moves every later page: the guess is wrong, another pass corrects it,
    # and the file is the one a fresh process makes.
    text = (folder / "event.yaml").read_text(encoding="utf-8")
    (folder / "event.yaml").write_text(text.replace(
        "Das Netzwerk stärkt die Bildung vor Ort. " * 40,
        "Das Netzwerk stärkt die Bildung vor Ort. " * 120, 1), encoding="utf-8")
    moved_passes, moved = _settle(folder, tmp_path / "c.pdf")
    settled.forget()
    _, moved_fresh = _settle(folder, tmp_path / "d.pdf")
    assert moved_passes >= 2
    assert moved == moved_fresh


def test_a_one_shot_build_starts_from_the_pages_the_last_build_with_its_cache_settled_on(
        tmp_path: Path) -> None:
    from dokureport.engine import settled

    folder, cache = many_talks(tmp_path / "event", 30), tmp_path / "cache"
    fresh_passes, fresh = _settle(folder, tmp_path / "a.pdf", cache)
    assert len(list((cache / "settled-v1").glob("*.pickle"))) == 1
    # The next build is a new process (the edit loop: edit, build, look): the guess
    # comes from the cache folder, is right, and the first pass is the last.
    settled.forget()
    again_passes, again = _settle(folder, tmp_path / "b.pdf", cache)
    assert (fresh_passes, again_passes) == (2, 1)
    assert again == fresh
    # Without the cache folder a build settles as before, to the same file.
    settled.forget()
    assert _settle(folder, tmp_path / "c.pdf") == (2, fresh)
    # An edit that moves every later page: the kept guess is wrong, another pass corrects
    # it, and the file is the one a build without any guess makes.
    text = (folder / "event.yaml").read_text(encoding="utf-8")
    (folder / "event.yaml").write_text(text.replace(
        "Das Netzwerk stärkt die Bildung vor Ort. " * 40,
        "Das Netzwerk stärkt die Bildung vor Ort. " * 120, 1), encoding="utf-8")
    settled.forget()
    moved_passes, moved = _settle(folder, tmp_path / "d.pdf", cache)
    settled.forget()
    assert moved_passes >= 2
    assert _settle(folder, tmp_path / "e.pdf")[1] == moved


def test_a_damaged_or_wrong_guess_in_the_cache_changes_nothing_but_passes(
        tmp_path: Path) -> None:
    import pickle

    from dokureport.engine import settled

    folder, cache = many_talks(tmp_path / "event", 30), tmp_path / "cache"
    _, fresh = _settle(folder, tmp_path / "a.pdf", cache)
    (kept,) = (cache / "settled-v1").glob("*.pickle")
    key, state = pickle.loads(kept.read_bytes())
    # Every page 5 later than it is: plausible, and wrong.
    shifted = [[(level, text, page + 5, name) for level, text, page, name in part]
               if isinstance(part, list) else {k: p + 5 for k, p in part.items()}
               for part in state]
    for content in (pickle.dumps((key, shifted)), b"not a pickle",
                    pickle.dumps((key, [["wrong shape"]])), pickle.dumps(("other", state))):
        kept.write_bytes(content)
        settled.forget()
        passes, out = _settle(folder, tmp_path / "b.pdf", cache)
        assert passes == 2 and out == fresh


@pytest.mark.slow
def test_a_pass_lets_go_of_the_contents_parts_it_has_drawn(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The contents of 80 talks run over pages: each page's part is split off the rest,
    # and the rest split again. Once drawn, no part (nor a rest) is held until the end
    # of the pass: a 1,000-talk brochure's contents would be held many times over.
    import gc
    import weakref

    from dokureport.engine.contents import _ContentsPart

    parts: list[weakref.ref[_ContentsPart]] = []
    alive_after_pass: list[int] = []
    made, build = _ContentsPart.__init__, BrochureDocument.build

    def init(self: _ContentsPart, *args: object, **kwargs: object) -> None:
        made(self, *args, **kwargs)
        parts.append(weakref.ref(self))

    def counted(self: BrochureDocument, *args: object, **kwargs: object) -> None:
        build(self, *args, **kwargs)
        gc.collect()
        alive_after_pass.append(sum(part() is not None for part in parts))

    monkeypatch.setattr(_ContentsPart, "__init__", init)
    monkeypatch.setattr(BrochureDocument, "build", counted)
    passes, _ = _settle(many_talks(tmp_path / "event", 80), tmp_path / "brochure.pdf")
    assert passes == 2 and len(parts) >= 4
    assert alive_after_pass == [0, 0]
