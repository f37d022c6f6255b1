"""Every corpus case built in full: bad input exits 2 with no PDF, nasty-but-valid input
builds a PDF that qpdf accepts and that is tagged and archival (both checkers pass)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.test_accessibility import assert_accessible_and_archival
from tests.test_hostile_input import CASES, corpus_case, lines_with, materialise, run_cli
from tests.test_linearization import assert_qpdf_accepts

__all__ = ["corpus_case"]  # the parametrised fixture, shared with the validation tests


def _digests(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.mark.slow
def test_corpus_build(corpus_case: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    folder, expect = corpus_case
    out = tmp_path / "out" / "brochure.pdf"
    out.parent.mkdir()
    # A case may build with its own arguments (outputs that are inputs, say): its `build`.
    build = expect.get("build", {})
    wanted = build.get("exit", expect["exit"])
    args = ["build", str(folder), "-o", str(out), "--no-cache", "-q"]
    if "args" in build:
        args = ["build", str(folder), "--no-cache", "-q",
                *(a.format(folder=folder, out=out) for a in build["args"])]
    if expect.get("allow_outside"):
        args.append("--allow-outside")
    before = _digests(folder)
    code, stdout, stderr = run_cli(*args)
    assert "Traceback" not in stdout + stderr and "internal error" not in stderr, stderr
    assert code == wanted, stderr
    if code == 2:
        for message in build.get("messages", expect.get("messages", [])):
            assert message.format(folder=folder, out=out) in lines_with("error: ", stderr)
        assert list(out.parent.iterdir()) == [], "a failed build must leave nothing behind"
        assert _digests(folder) == before, "a failed build must change no input"
        return
    assert out.is_file()
    assert shutil.which("qpdf"), "qpdf is needed: python3 scripts/dev.py test installs it"
    # The screen PDF is linearized: qpdf before 12.4.2 may disagree about its hint table.
    assert_qpdf_accepts(out, "--check")
    assert_accessible_and_archival(out)


# The cases that build: each is checked by page (ua1, 2u) and tagging_problems above. Every other
# case must exit 2 there; none is left out of the checks without this list saying so.
BUILDS = ["bom-crlf-yaml", "huge-agenda", "javascript-link", "long-texts", "panorama",
          "script-links-in-text", "symlink-escape-allowed", "symlink-inside", "tiny-png",
          "utf16-yaml", "valid-markup-payloads", "valid-minimal", "valid-what-people-type"]


def test_every_case_either_builds_or_is_refused(tmp_path: Path) -> None:
    expected = {name: materialise(name, tmp_path)[1] for name in CASES}
    outcomes = {name: e.get("build", {}).get("exit", e["exit"]) for name, e in expected.items()}
    assert sorted(n for n, code in outcomes.items() if code == 0) == BUILDS
    assert {code for n, code in outcomes.items() if n not in BUILDS} == {2}
