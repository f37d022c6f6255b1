"""A photo's header is read once per build: validation reads its size as displayed,
and layout takes it from there unless the file changed since."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from dokureport.assets import oriented_size
from dokureport.core.options import BuildOptions
from dokureport.event import image_headers
from dokureport.event.files import image_problem
from dokureport.pipeline import build_brochure
from tests.conftest import minimal_event


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every Image.open, counted by the name of the file opened."""
    counts: Counter[str] = Counter()
    original = Image.open

    def counting(fp: Any, *args: Any, **kwargs: Any) -> Image.Image:
        counts[Path(fp).name if isinstance(fp, str | os.PathLike) else "<stream>"] += 1
        return original(fp, *args, **kwargs)

    monkeypatch.setattr(Image, "open", counting)
    return counts


def _photo(path: Path, size: tuple[int, int], orientation: int = 1) -> Path:
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.new("RGB", size, (90, 120, 150)).save(path, quality=90, exif=exif)
    return path


def test_validation_reads_the_size_layout_needs(tmp_path, opened) -> None:
    photo = _photo(tmp_path / "quer.jpg", (60, 40))
    assert image_problem(photo, decode=False) is None
    assert oriented_size(photo) == (60, 40)
    assert opened["quer.jpg"] == 1


def test_the_size_is_as_displayed_after_exif_orientation(tmp_path, opened) -> None:
    photo = _photo(tmp_path / "hoch.jpg", (60, 40), orientation=6)
    assert image_problem(photo, decode=False) is None
    assert oriented_size(photo) == (40, 60)
    assert opened["hoch.jpg"] == 1


def test_a_file_written_since_is_read_again(tmp_path, opened) -> None:
    photo = _photo(tmp_path / "neu.jpg", (60, 40))
    assert image_problem(photo, decode=False) is None
    _photo(photo, (90, 30))
    stat = photo.stat()
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert oriented_size(photo) == (90, 30)
    assert opened["neu.jpg"] == 2


def test_a_png_is_verified_and_not_kept(tmp_path, opened) -> None:
    # Pillow's verify must come straight after open, before anything reads the EXIF.
    logo = tmp_path / "logo.png"
    Image.new("RGB", (30, 20)).save(logo)
    assert image_problem(logo, decode=False) is None
    assert oriented_size(logo) == (30, 20)
    assert opened["logo.png"] == 2


def test_the_oldest_sizes_go_beyond_the_bound(tmp_path, monkeypatch, opened) -> None:
    monkeypatch.setattr(image_headers, "_KEPT", 2)
    photos = [_photo(tmp_path / f"{n}.jpg", (10 + n, 10)) for n in range(3)]
    for photo in photos:
        assert image_problem(photo, decode=False) is None
    newest_first = photos[::-1]
    assert [oriented_size(p) for p in newest_first] == [(12, 10), (11, 10), (10, 10)]
    assert [opened[p.name] for p in photos] == [2, 1, 1]  # the first was let go


def test_a_build_opens_each_gallery_photo_once(make_event, tmp_path, opened) -> None:
    names = ("01.jpg", "02.jpg", "03.jpg")
    items = [{"file": f"photos/{name}", "alt": f"Foto {n}", "caption": f"Bild {n}"}
             for n, name in enumerate(names, 1)]
    folder = make_event(minimal_event(photos={"items": items}), photos=names)
    out = tmp_path / "out.pdf"
    result = build_brochure(folder, out, BuildOptions(cache_dir=tmp_path / "cache"))
    assert len(result.photos) == 3
    # Once in the build's own process (validation); the workers decode in theirs.
    assert [opened[name] for name in names] == [1, 1, 1]
