"""The sample as a designer signs it off: in every bundled theme and paper, its build report's
layout check lists no defect and the build warns of none. (Not `--strict`: the sample's
stand-in photos are too small for the bold theme's full-page cover, which is a warning.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import invoke

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "duisburg-2019"


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "a5"])
@pytest.mark.parametrize("theme", ["default", "classic", "bold"])
def test_the_sample_has_no_layout_defect_in_any_theme_or_paper(
        tmp_path: Path, theme: str, paper: str) -> None:
    out, report = tmp_path / "sample.pdf", tmp_path / "report.json"
    code, _, err = invoke("build", str(SAMPLE), "--theme", theme, "--paper", paper,
                          "-o", str(out), "--report", str(report))
    [check] = json.loads(report.read_text(encoding="utf-8"))["layout"]
    assert [(d["code"], d["page"]) for d in check["defects"]] == [], err
    assert code == 0, err
    assert "page " not in err  # no layout warning ("page 11: heading … alone")
    assert check["summary"]["smallest_type_pt"] >= 7
