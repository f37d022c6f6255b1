"""The reportlab internals dokureport relies on: loud when they change."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.specifiers import SpecifierSet

from dokureport.engine import reportlab_fixes

ROOT = Path(__file__).resolve().parents[1]


def test_the_repaired_internals_are_still_there() -> None:
    # Raises RuntimeError naming the internal (e.g. paragraph._SHYWord.shyphenate) if gone.
    reportlab_fixes.check()


def test_the_installed_reportlab_is_one_the_repairs_were_tested_with() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    [spec] = [d for d in deps if re.match(r"reportlab\b", d)]
    bound = SpecifierSet(spec.removeprefix("reportlab"))
    assert "<" in spec, f"reportlab must have an upper bound: {spec}"
    assert version("reportlab") in bound, (
        f"reportlab {version('reportlab')} is outside {spec}: check "
        "dokureport.engine.reportlab_fixes against it, then move the bound")


def test_the_document_uses_no_private_reportlab_api() -> None:
    source = (ROOT / "src/dokureport/layout/document.py").read_text()
    for name in ("_indexingFlowables", "_doSave", "_multiBuildEdits", "_allSatisfied",
                 "_timeStamp"):
        assert name not in source, name


def test_dates_are_set_in_place(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from dokureport.output.reproducible import set_dates

    out = tmp_path / "a.pdf"
    canvas = Canvas(str(out), invariant=1)
    canvas.drawString(10, 10, "x")
    canvas.save()
    before = out.read_bytes()
    set_dates(out, dt.date(2019, 10, 29))
    after = out.read_bytes()
    assert len(after) == len(before)
    assert after.count(b"(D:20191029000000+00'00')") == 2
    import pikepdf

    with pikepdf.open(out) as pdf:  # offsets still valid: qpdf finds no damage
        assert str(pdf.docinfo.CreationDate) == "D:20191029000000+00'00'"
