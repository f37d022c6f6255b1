"""Layout passes: the first leaves out unready photos, and the contents settles in two."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pdfplumber

from dokureport import compose
from dokureport.assets import ImagePreparer, ImageRequest, PreparedImage
from dokureport.compose import lay_out
from dokureport.layout.context import LayoutContext
from dokureport.layout.document import BrochureDocument
from dokureport.options import BuildOptions
from dokureport.validate import validate_event
from tests.conftest import SAMPLE


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


def test_the_contents_is_laid_out_at_its_final_size_from_the_first_pass(tmp_path: Path) -> None:
    # The contents' entries are known before layout, so the pages after its three pages
    # do not move between passes: the second pass only fills in the page numbers.
    event = validate_event(many_talks(tmp_path / "event", 80)).event
    out = tmp_path / "brochure.pdf"
    with ImagePreparer(dpi=150) as preparer:
        ctx = LayoutContext(event=event, options=BuildOptions(), images=preparer,
                            build_date=dt.date(2026, 11, 27))
        passes = BrochureDocument(str(out), ctx, None).build_settled(compose.story(ctx))
    assert passes == 2
    with pdfplumber.open(out) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    # A contents line is the title and its page number; the talk's page has its title.
    listed = re.findall(r"^Vortrag (\d+) über die Präventionskette im Quartier (\d+)$",
                        "\n".join(pages), flags=re.MULTILINE)
    assert [int(number) for number, _ in listed] == list(range(1, 81))
    for number, page in listed:
        assert f"Vortrag {number} über" in pages[int(page) - 1]
