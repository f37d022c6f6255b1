"""Outputs never clobber inputs or each other (issue 24): every output path of a run (-o,
--report, --out-dir's products, the batch report) is checked before anything is written,
and the files of one build are renamed into place together or not at all."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dokureport.core.errors import ExitCode
from tests.conftest import minimal_event
from tests.helpers import invoke, pdftotext


def _event(make_event, **extra: object) -> Path:
    return make_event(minimal_event(
        photos={"items": [{"file": "photos/01.jpg", "caption": "Bild", "alt": "Ein Bild"}]},
        **extra), ("01.jpg",))


def _digests(folder: Path) -> dict[str, str]:
    """Every file under folder and its hash: what a test compares before and after."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _old_pdf(path: Path) -> bytes:
    path.write_bytes(b"%PDF- the previous brochure")
    return path.read_bytes()


# --- all or nothing: a report that cannot be written leaves the PDF untouched ---------------

def test_a_report_into_a_missing_folder_leaves_the_pdf_untouched(make_event, tmp_path: Path
                                                                 ) -> None:
    folder = _event(make_event)
    before = _digests(folder)
    out = tmp_path / "out.pdf"
    old = _old_pdf(out)
    report = tmp_path / "gone" / "r.json"
    code, _, err = invoke("build", str(folder), "-o", str(out), "--report", str(report))
    assert code == ExitCode.BAD_INPUT  # as before: the folder the user named is not there
    assert err == f"error: {report}: the folder {report.parent} does not exist\n"
    assert out.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["event", "out.pdf"]
    assert _digests(folder) == before


def test_a_report_that_is_a_folder_leaves_the_pdf_untouched(make_event, tmp_path: Path
                                                            ) -> None:
    folder = _event(make_event)
    before = _digests(folder)
    out = tmp_path / "out.pdf"
    old = _old_pdf(out)
    report = tmp_path / "r.json"
    report.mkdir()
    code, _, err = invoke("build", str(folder), "-o", str(out), "--report", str(report))
    assert code == ExitCode.CANNOT_CREATE == 73
    assert err == f"error: {report}: Is a directory\n"
    assert out.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["event", "out.pdf", "r.json"]
    assert _digests(folder) == before


@pytest.mark.slow
def test_a_read_only_report_folder_leaves_the_pdf_untouched(make_event, tmp_path: Path
                                                            ) -> None:
    folder = _event(make_event)
    before = _digests(folder)
    out = tmp_path / "out.pdf"
    old = _old_pdf(out)
    small = tmp_path / "small"
    small.mkdir()
    script = (f'mount -t tmpfs -o size=100k,ro tmpfs "$SMALL" && "$PY" -m dokureport build '
              f'{folder} -o {out} --report "$SMALL/r.json" --no-cache; echo "exit=$?"')
    done = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                           script], env=dict(os.environ, SMALL=str(small), PY=sys.executable),
                          capture_output=True, text=True, timeout=240)
    assert done.stdout.strip().splitlines()[-1] == "exit=73", done.stdout + done.stderr
    assert done.stderr == f"error: {small}: Read-only file system\n"
    assert out.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["event", "out.pdf", "small"]
    assert _digests(folder) == before


def test_a_good_build_with_a_report_writes_both(make_event, tmp_path: Path) -> None:
    folder = _event(make_event)
    out = tmp_path / "out.pdf"
    _old_pdf(out)
    code, _, err = invoke("build", str(folder), "-o", str(out), "--report",
                               str(tmp_path / "r.json"), "--booklet")
    assert code == 0, err
    report = json.loads((tmp_path / "r.json").read_text())
    facts = {o["path"]: o for o in report["outputs"]}
    for path in (out, tmp_path / "out-booklet.pdf"):
        assert facts[str(path)]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "event", "out-booklet.pdf", "out.pdf", "r.json"]


def test_report_to_standard_output_never_collides(make_event, tmp_path: Path) -> None:
    folder = _event(make_event)
    out = tmp_path / "-"
    code, stdout, err = invoke("build", str(folder), "-o", str(out), "--report", "-")
    assert code == 0, err
    assert json.loads(stdout)["status"] == "ok"
    assert pdftotext(out)
