"""`build --report` and `validate --report`: real reports, good and failed, follow the
versioned schema and say what the build did."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import jsonschema
import pikepdf
import pytest

from dokureport.core.errors import PROBLEM_CODES, ExitCode
from dokureport.report import REPORT_VERSION, report_schema
from tests.conftest import minimal_event
from tests.helpers import invoke, pdftotext

SCHEMA = report_schema()


def _checked(report: dict) -> dict:
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert report["report_version"] == REPORT_VERSION == 1
    for problem in report["problems"]:
        assert problem["code"] in PROBLEM_CODES
    return report


def _event(photos: int = 2, **extra: object) -> tuple[dict, tuple[str, ...]]:
    files = tuple(f"0{i}.jpg" for i in range(1, photos + 1))
    data = minimal_event(
        intro="Ein Tag über Netzwerke.",
        talks=[{"id": "a", "title": "Erster Vortrag", "abstract": "Text."},
               {"id": "b", "title": "Zweiter Vortrag"}],
        agenda=[{"date": "2024-03-05", "items": [
            {"time": "9:00", "title": "Vortrag A", "talk": "a"},
            {"time": "10:00", "title": "Vortrag B", "talk": "b"}]}],
        photos={"credit": "Foto: Team", "items": [
            {"file": f"photos/{f}", "caption": f"Bild {f}", "alt": f"Testbild {f}"}
            for f in files]},
        contacts=[{"name": "Eva Muster", "email": "eva@example.org"},
                  {"name": "Max Zurückgezogen", "email": "max@example.org"}],
    ) | extra
    return data, files


def test_a_good_build_reports_outputs_sections_photos_fonts_and_timings(
        make_event, tmp_path: Path) -> None:
    data, files = _event()
    folder = make_event(data, files)
    out = tmp_path / "b.pdf"
    code, _, err = invoke("build", str(folder), "-o", str(out), "--report",
                          str(tmp_path / "r.json"))
    assert code == 0, err
    report = _checked(json.loads((tmp_path / "r.json").read_text()))
    assert report["status"] == "ok" and report["exit_code"] == 0
    [output] = report["outputs"]
    data_bytes = out.read_bytes()
    assert output["sha256"] == hashlib.sha256(data_bytes).hexdigest()
    assert output["bytes"] == len(data_bytes)
    with pikepdf.open(out) as pdf:
        assert output["pages"] == len(pdf.pages)
    keys = [s["key"] for s in report["sections"]]
    assert keys == ["cover", "contents", "introduction", "agenda", "talks", "gallery",
                    "contacts", "imprint"]
    # Each section's first page is where the PDF's text shows its heading.
    text = pdftotext(out, "-layout").split("\f")
    for section in report["sections"]:
        if section["key"] not in ("cover", "imprint"):
            assert section["title"] in text[section["first_page"] - 1], section
        assert section["first_page"] <= section["last_page"] <= output["pages"]
    assert {Path(p["file"]).name for p in report["photos"]} == set(files)
    assert all(p["effective_dpi"] > 0 for p in report["photos"])
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout
    assert report["fonts"] and all(f in fonts for f in report["fonts"])
    stages = [(t["stage"], t["target"]) for t in report["timings"]]
    assert stages == [("validate", None), ("layout", "screen"), ("post-process", "screen"),
                      ("write", "screen")]
    # The layout check of the brochure, a measure for each of its pages.
    [layout] = report["layout"]
    assert layout["target"] == "screen" and layout["kind"] == "brochure"
    assert [p["page"] for p in layout["pages"]] == list(range(1, output["pages"] + 1))
    assert layout["summary"]["pages"] == output["pages"]


def test_a_failed_build_writes_its_report_with_codes_and_places(make_event,
                                                                 tmp_path: Path) -> None:
    data, files = _event()
    data["talks"][0]["tpoic"] = "Strategie"
    data["photos"]["items"][0]["file"] = "photos/fehlt.jpg"
    folder = make_event(data, files)
    code, _, _ = invoke("build", str(folder), "-o", str(tmp_path / "b.pdf"), "--report",
                        str(tmp_path / "r.json"))
    assert code == ExitCode.BAD_INPUT
    assert not (tmp_path / "b.pdf").exists()
    report = _checked(json.loads((tmp_path / "r.json").read_text()))
    assert report["status"] == "failed" and report["exit_code"] == 2
    assert report["outputs"] == [] and report["sections"] == []
    problems = {p["code"]: p for p in report["problems"]}
    assert problems["unknown-key"]["key_path"] == "talks[0].tpoic"
    assert problems["file-not-found"]["key_path"] == "photos.items[0].file"
    for problem in problems.values():
        assert problem["severity"] == "error"
        assert problem["line"] >= 1 and problem["column"] >= 1
        assert problem["file"].endswith("event.yaml")
    assert [t["stage"] for t in report["timings"]] == ["validate"]


def test_strict_failure_reports_the_warnings_as_errors(make_event, tmp_path: Path) -> None:
    data, files = _event()
    data["photos"]["items"][0].pop("caption")
    data["photos"]["items"][0].pop("alt")
    folder = make_event(data, files)
    code, out, _ = invoke("build", str(folder), "-o", str(tmp_path / "b.pdf"), "--strict",
                          "--report", "-")
    assert code == ExitCode.BAD_INPUT
    report = _checked(json.loads(out))
    codes = [p["code"] for p in report["problems"]]
    assert "undescribed-photo" in codes and codes[-1] == "strict"
    # The check it failed after is reported; what it found is among the errors.
    [layout] = report["layout"]
    assert {d["code"] for d in layout["defects"]} == {c for c in codes if c.startswith("layout-")}
    assert all(p["severity"] == "error" for p in report["problems"])


def test_report_to_standard_output_keeps_it_pure_json(make_event, tmp_path: Path) -> None:
    data, files = _event()
    code, out, err = invoke("build", str(make_event(data, files)), "-o",
                            str(tmp_path / "b.pdf"), "--report", "-")
    assert code == 0
    assert _checked(json.loads(out))["outputs"][0]["path"] == str(tmp_path / "b.pdf")
    assert "Wrote" in err


def test_print_and_booklet_outputs_are_each_reported(make_event, tmp_path: Path) -> None:
    data, files = _event()
    code, out, _ = invoke("build", str(make_event(data, files)), "-o",
                          str(tmp_path / "b.pdf"), "--target", "all", "--booklet",
                          "--paper", "a5", "--report", "-")
    assert code == 0
    report = _checked(json.loads(out))
    kinds = [(o["target"], o["kind"], Path(o["path"]).name) for o in report["outputs"]]
    assert kinds == [("screen", "brochure", "b.pdf"), ("screen", "booklet", "b-booklet.pdf"),
                     ("print", "brochure", "b-print.pdf"),
                     ("print", "booklet", "b-print-booklet.pdf")]
    assert all(o["pages"] % 4 == 0 for o in report["outputs"] if o["kind"] == "brochure")
    # The blank pages that pad the booklet belong to no section.
    screen = [s for s in report["sections"] if s["target"] == "screen"]
    covered = {p for s in screen for p in range(s["first_page"], s["last_page"] + 1)}
    pages = report["outputs"][0]["pages"]
    assert screen[-1]["key"] == "imprint" and screen[-1]["last_page"] == pages
    blank = set(range(1, pages + 1)) - covered
    with pikepdf.open(tmp_path / "b.pdf") as pdf:
        for page in blank:
            assert b"Tj" not in pdf.pages[page - 1].Contents.read_bytes()


def test_validate_report_lists_warnings_and_errors(make_event, tmp_path: Path) -> None:
    data, files = _event()
    data["photos"]["items"][0].pop("caption")
    data["photos"]["items"][0].pop("alt")
    folder = make_event(data, files)
    code, out, _ = invoke("validate", str(folder), "--report", "-")
    assert code == 0
    report = _checked(json.loads(out))
    assert report["command"] == "validate" and report["outputs"] == []
    [warning] = report["problems"]
    assert (warning["severity"], warning["code"], warning["key_path"]) == (
        "warning", "undescribed-photo", "photos.items[0]")
    data["agenda"][0]["items"][0]["talk"] = "nix"
    folder = make_event(data, files, name="bad")
    code, _, _ = invoke("validate", str(folder), "--report", str(tmp_path / "v.json"))
    assert code == 2
    report = _checked(json.loads((tmp_path / "v.json").read_text()))
    assert [p["code"] for p in report["problems"]] == ["unknown-talk"]


def test_schema_report_prints_the_report_schema() -> None:
    code, out, _ = invoke("schema", "--report")
    assert code == 0 and json.loads(out) == SCHEMA
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("code", sorted(PROBLEM_CODES))
def test_every_problem_code_fits_the_schema(code: str) -> None:
    assert jsonschema.Draft202012Validator(
        SCHEMA["properties"]["problems"]["items"]["properties"]["code"]).is_valid(code)
