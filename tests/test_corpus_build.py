"""Every corpus case built in full: bad input exits 2 with no PDF, nasty-but-valid input
builds a PDF that qpdf accepts."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.test_hostile_input import corpus_case, lines_with, run_cli
from tests.test_linearization import assert_qpdf_accepts

__all__ = ["corpus_case"]  # the parametrised fixture, shared with the validation tests


@pytest.mark.slow
def test_corpus_build(corpus_case: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    folder, expect = corpus_case
    out = tmp_path / "out" / "brochure.pdf"
    out.parent.mkdir()
    args = ["build", str(folder), "-o", str(out), "--no-cache", "-q"]
    if expect.get("allow_outside"):
        args.append("--allow-outside")
    code, stdout, stderr = run_cli(*args)
    assert "Traceback" not in stdout + stderr and "internal error" not in stderr, stderr
    assert code == expect["exit"], stderr
    if code == 2:
        for message in expect.get("messages", []):
            assert message in lines_with("error: ", stderr)
        assert list(out.parent.iterdir()) == [], "a failed build must leave nothing behind"
        return
    assert out.is_file()
    assert shutil.which("qpdf"), "qpdf is needed: python3 scripts/dev.py test installs it"
    # The screen PDF is linearized: qpdf before 12.4.2 may disagree about its hint table.
    assert_qpdf_accepts(out, "--check")
