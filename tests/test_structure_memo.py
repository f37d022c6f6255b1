"""The structure tree in watch mode: a rebuild writes anew only the structure elements
of what it laid out anew; the subtrees of elements taken over with their pages, at the
same object numbers and naming the same pages and links, are written as the last build
wrote them. The PDF stays a one-shot build's, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest

from dokureport.output import structure
from tests.conftest import SAMPLE
from tests.helpers import watch_session
from tests.test_incremental import EPOCH, _edit, _one_shot


def _elements(path: Path) -> int:
    """The structure elements in the PDF at `path`, the tree walked from its root."""
    with pikepdf.open(path) as pdf:
        count, stack = 0, list(pdf.Root.StructTreeRoot.K)
        while stack:
            elem = stack.pop()
            if not isinstance(elem, pikepdf.Dictionary) or "/S" not in elem:
                continue  # a marked-content reference or an annotation's
            count += 1
            kids = elem.get("/K", [])
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        return count


@pytest.mark.slow
def test_a_watch_rebuild_writes_only_the_structure_elements_laid_out_anew(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = tmp_path / "event"
    shutil.copytree(SAMPLE, folder)
    out = tmp_path / "watch.pdf"
    session, lines = watch_session(folder, out, tmp_path / "watch-cache")
    before = structure.written
    assert session.build()[0] is not None, lines
    elements = _elements(out)
    assert structure.written - before >= elements  # the first build writes them all

    for number, (old, new) in enumerate([
            ("Beim Stadtspaziergang durch", "Unterwegs beim Stadtspaziergang durch"),
            ("Unterwegs beim Stadtspaziergang durch", "Beim Stadtspaziergang durch")]):
        _edit(folder / "event.yaml", old, new)
        before = structure.written
        results = session.build()[0]
        assert results is not None, lines
        [result] = results
        assert result.pages_laid_out < result.pages
        # The edited talk's pages are written anew; the tree of the pages taken over is not.
        anew = structure.written - before
        assert 0 < anew < _elements(out) / 2, (anew, _elements(out))
        one_shot, _ = _one_shot(folder, tmp_path / f"one-shot-{number}.pdf",
                                tmp_path / f"one-shot-cache-{number}")
        assert out.read_bytes() == one_shot
