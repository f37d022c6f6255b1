"""Layout passes overlap the photo work: the first pass leaves out photos not ready yet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pdfplumber

from dokureport.assets import ImagePreparer, ImageRequest, PreparedImage
from dokureport.layout.brochure import lay_out
from dokureport.layout.context import LayoutContext
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
