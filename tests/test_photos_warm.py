"""A rebuild whose photos are all in the cache reads none of them: their headers, their
cache entries and the names the PDF gives them are known from the cache folder."""

from __future__ import annotations

import hashlib
import io
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from dokureport.core.options import BuildOptions
from dokureport.engine import canvas
from dokureport.event import image_headers
from dokureport.pipeline import build_brochure
from tests.conftest import minimal_event

NAMES = ("01.jpg", "02.jpg", "03.jpg")


@pytest.fixture
def event(make_event) -> Path:
    items = [{"file": f"photos/{name}", "alt": f"Foto {n}", "caption": f"Bild {n}"}
             for n, name in enumerate(NAMES, 1)]
    return make_event(minimal_event(photos={"items": items}), photos=NAMES)


@pytest.fixture
def photo_reads(monkeypatch: pytest.MonkeyPatch, event: Path) -> Counter[str]:
    """Every file of the event's photo folder opened by this process, by name."""
    counts: Counter[str] = Counter()
    folder = (event / "photos").resolve()
    original = io.open

    def counting(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, str | os.PathLike) and Path(file).parent == folder:
            counts[Path(file).name] += 1
        return original(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", counting)
    monkeypatch.setattr("builtins.open", counting)
    return counts


def test_a_rebuild_with_the_cache_opens_no_photo(event, tmp_path, photo_reads) -> None:
    options = BuildOptions(cache_dir=tmp_path / "cache")
    build_brochure(event, tmp_path / "first.pdf", options)
    assert sum(photo_reads[name] for name in NAMES) >= len(NAMES)  # validation read them
    photo_reads.clear()
    image_headers.forget()  # what a new process knows: nothing but the cache folder
    result = build_brochure(event, tmp_path / "again.pdf", options)
    assert [photo_reads[name] for name in NAMES] == [0, 0, 0]
    assert len(result.photos) == 3
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "again.pdf").read_bytes()


def test_a_photo_changed_since_is_read_again(event, tmp_path, photo_reads) -> None:
    options = BuildOptions(cache_dir=tmp_path / "cache")
    build_brochure(event, tmp_path / "first.pdf", options)
    changed = event / "photos" / NAMES[1]
    stat = changed.stat()
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    photo_reads.clear()
    image_headers.forget()
    build_brochure(event, tmp_path / "again.pdf", options)
    assert photo_reads[NAMES[0]] == 0
    assert photo_reads[NAMES[1]] >= 1


def _image_names(pdf_path: Path) -> dict[str, bytes]:
    """Each photo XObject's name in the PDF, with the JPEG bytes it holds."""
    names: dict[str, bytes] = {}
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for name, obj in page.resources.get("/XObject", {}).items():
                if obj.get("/Subtype") == pikepdf.Name.Image:
                    names[str(name)] = obj.read_raw_bytes()
    return names


@pytest.mark.parametrize("cached", [False, True])
def test_the_pdf_names_each_photo_by_its_bytes_without_hashing_it_again(
        event, tmp_path, monkeypatch, cached) -> None:
    options = BuildOptions(cache_dir=tmp_path / "cache")
    if cached:
        build_brochure(event, tmp_path / "first.pdf", options)

    def no_hashing(identity: tuple[str, int, int]) -> str:
        raise AssertionError(f"{identity[0]} read to name it")

    monkeypatch.setattr(canvas, "_digest", no_hashing)
    build_brochure(event, tmp_path / "out.pdf", options)
    names = _image_names(tmp_path / "out.pdf")
    assert len(names) == 3
    for name, data in names.items():
        # reportlab names an image after str(file name) and its mask; ours is the digest.
        digest = f"sha256:{hashlib.sha256(data).hexdigest()}"
        expected = hashlib.md5(f"{digest}auto".encode(), usedforsecurity=False).hexdigest()
        assert name == f"/FormXob.{expected}"
