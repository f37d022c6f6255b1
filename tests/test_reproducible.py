"""Reproducible builds: the same input gives the same bytes, in another process or folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from dokureport.core.resources import sample_event_dir
from dokureport.output.reproducible import set_content_id
from tests.conftest import minimal_event

EPOCH = "1700000000"  # 2023-11-14


def _build(source: Path, out: Path, *args: str, epoch: str = EPOCH) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    done = subprocess.run(
        [sys.executable, "-m", "dokureport", "build", str(source), "-q", "--no-cache",
         "-o", str(out), *args],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_two_builds_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    for run in ("one", "two"):
        (tmp_path / run).mkdir()
        _build(sample_event_dir(), tmp_path / run / "b.pdf", "--target", "all", "--booklet",
               "--paper", "a5")
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert len(names) == 4
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


@pytest.mark.slow
def test_same_event_from_another_folder_is_byte_identical(tmp_path: Path) -> None:
    shutil.copytree(sample_event_dir(), tmp_path / "here")
    shutil.copytree(sample_event_dir(), tmp_path / "elsewhere" / "deeper")
    _build(tmp_path / "here", tmp_path / "a.pdf", "--target", "print")
    _build(tmp_path / "elsewhere" / "deeper", tmp_path / "b.pdf", "--target", "print")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_dates_come_from_source_date_epoch(tmp_path: Path) -> None:
    _build(sample_event_dir(), tmp_path / "b.pdf")
    with pikepdf.open(tmp_path / "b.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114000000")
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20231114000000")


def test_document_id_derives_from_content(make_event: Callable[..., Path],
                                          tmp_path: Path) -> None:
    # Same title, same date, same metadata; only the text differs.
    first = make_event(minimal_event(intro="Erster Text."), name="first")
    second = make_event(minimal_event(intro="Zweiter Text."), name="second")
    _build(first, tmp_path / "1.pdf")
    _build(second, tmp_path / "2.pdf")
    ids = []
    for name in ("1.pdf", "2.pdf"):
        with pikepdf.open(tmp_path / name) as pdf:
            ids.append(bytes(pdf.trailer.ID[0]))
    assert ids[0] != ids[1]


def test_set_content_id_is_stable(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), invariant=1)
    canvas.drawString(100, 100, "x")
    canvas.save()
    first = set_content_id(path)
    data = path.read_bytes()
    assert set_content_id(path) == first and path.read_bytes() == data
    with pikepdf.open(path) as pdf:  # still a valid file with a valid xref
        assert bytes(pdf.trailer.ID[0]).hex() == first
