"""The Python API: `dokureport.build(source, output, **options) -> BuildResult`."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import yaml

import dokureport
from tests.conftest import SAMPLE, minimal_event
from tests.helpers import pdftotext


def _text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "read.pdf"
    pdf.write_bytes(data)
    return pdftotext(pdf)


def test_importing_dokureport_is_cheap_and_the_api_loads_on_first_use() -> None:
    probe = ("import sys, dokureport; heavy = ('reportlab', 'PIL', 'pydantic'); "
             "print([m for m in heavy if m in sys.modules]); dokureport.build; "
             "print('reportlab' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[:2] == ["[]", "True"]


def test_builds_a_folder_into_a_bytesio(tmp_path: Path) -> None:
    stream = io.BytesIO()
    stages: list[str] = []
    result = dokureport.build(SAMPLE, stream, progress=lambda p: stages.append(p.stage))
    data = stream.getvalue()
    assert data.startswith(b"%PDF-") and result.output is None
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == result.pages
    assert "Dokumentation des Großstadtnetzwerks" in _text(data, tmp_path)
    assert {"validate", "layout", "post-process", "write", "photos"} <= set(stages)
    assert list(tmp_path.iterdir()) == [tmp_path / "read.pdf"]  # nothing left beside


def test_builds_a_mapping_and_a_model(tmp_path: Path) -> None:
    data = minimal_event(title="Aus einem Dict", intro="Hallo **Welt**.")
    result = dokureport.build(data, tmp_path / "dict.pdf", folder=tmp_path)
    assert "Aus einem Dict" in _text((tmp_path / "dict.pdf").read_bytes(), tmp_path)
    assert result.output == tmp_path / "dict.pdf"
    sample = yaml.safe_load((SAMPLE / "event.yaml").read_text(encoding="utf-8"))
    model = dokureport.Event.model_validate(
        {**minimal_event(title="Aus einem Modell"),
         "photos": {"items": [{"file": "photos/01.jpg", "caption": "Eins"}]}}
    ).model_copy(update={"folder": SAMPLE})
    stream = io.BytesIO()
    dokureport.build(model, stream)
    text = _text(stream.getvalue(), tmp_path)
    assert "Aus einem Modell" in text and "Eins" in text
    assert sample["title"] not in text


def test_problems_come_as_one_exception_family(tmp_path: Path) -> None:
    data = minimal_event(talks=[{"title": "T", "tpoic": "x"}],
                         photos={"items": [{"file": "photos/none.jpg", "caption": "c"}]})
    with pytest.raises(dokureport.DokureportError) as caught:
        dokureport.build(data, io.BytesIO(), folder=tmp_path)
    assert isinstance(caught.value, dokureport.InputError)
    assert {(p.code, p.key_path) for p in caught.value.problems} == {
        ("unknown-key", "talks[0].tpoic"), ("file-not-found", "photos.items[0].file")}
    with pytest.raises(dokureport.DokureportError) as caught:
        dokureport.build(tmp_path / "missing", tmp_path / "x.pdf")
    assert caught.value.problems[0].code == "event-not-found"
    assert not (tmp_path / "x.pdf").exists()


def test_a_booklet_needs_a_path() -> None:
    with pytest.raises(dokureport.InputError, match="the option booklet") as caught:
        dokureport.build(SAMPLE, io.BytesIO(), booklet=True)
    assert caught.value.problems[0].code == "invalid-option"


def test_build_is_the_api_function_whatever_else_was_imported(tmp_path: Path) -> None:
    import dokureport.pipeline as pipeline  # the stages; it no longer shadows the API

    assert hasattr(pipeline, "build_brochures")
    assert callable(dokureport.build) and dokureport.build.__module__ == "dokureport.api"
    stream = io.BytesIO()
    result = dokureport.build(minimal_event(title="Nach dem Import"), stream, folder=tmp_path)
    assert result.pages >= 2 and "Nach dem Import" in _text(stream.getvalue(), tmp_path)
