"""`dokureport build EVENT… --out-dir DIR`: many events on one worker pool, past failures."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from dokureport.cli import cli
from dokureport.report import report_schema
from tests.conftest import minimal_event
from tests.helpers import pdftotext


def _events(make_event) -> list[Path]:
    folders = []
    for n in range(1, 6):
        data = minimal_event(title=f"Veranstaltung {n}", photos={"items": [
            {"file": f"photos/0{n}.jpg", "caption": f"Foto von Nummer {n}"}]})
        if n == 3:
            data["agenda"] = [{"date": "2024-03-05", "items": [
                {"time": "9:00", "title": "Los", "talk": "gibt-es-nicht"}]}]
        folders.append(make_event(data, (f"0{n}.jpg",), name=f"event-{n}"))
    return folders


def test_five_events_one_broken_reports_exactly_that_one(make_event, tmp_path: Path,
                                                          monkeypatch, runner) -> None:
    from dokureport.assets import preparer

    pools = []
    real_pool = preparer.worker_pool
    monkeypatch.setattr(preparer, "worker_pool", lambda jobs=None: pools.append(1)
                        or real_pool(jobs))
    folders = _events(make_event)
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(cli, ["build", *map(str, folders), "--out-dir", str(out)])
    assert result.exit_code == 2
    assert len(pools) == 1  # one pool of workers for all five events
    rows = {line.split()[0]: line for line in result.stdout.splitlines()
            if line.startswith(str(tmp_path))}
    assert len(rows) == 5
    failed = [source for source, line in rows.items() if " FAILED " in line]
    assert failed == [str(folders[2])]
    assert "agenda[0].items[0].talk: no talk has the id `gibt-es-nicht`" in rows[failed[0]]
    assert result.stderr.strip() == f"error: 1 event failed: {folders[2]}"

    schema = jsonschema.Draft202012Validator(report_schema())
    for n, folder in enumerate(folders, start=1):
        report = json.loads((out / f"event-{n}.report.json").read_text())
        schema.validate(report)
        assert report["source"] == str(folder)
        if n == 3:
            assert report["status"] == "failed" and report["exit_code"] == 2
            assert [p["code"] for p in report["problems"]] == ["unknown-talk"]
            assert not (out / "event-3.pdf").exists()
        else:
            assert report["status"] == "ok"
            text = pdftotext(out / f"event-{n}.pdf")
            assert f"Veranstaltung {n}" in text and f"Foto von Nummer {n}" in text
    batch = json.loads((out / "batch.report.json").read_text())
    schema.validate(batch)
    assert batch["command"] == "batch" and batch["exit_code"] == 2
    assert [e["status"] for e in batch["events"]] == ["ok", "ok", "failed", "ok", "ok"]
    assert [p["key_path"] for p in batch["problems"]] == ["agenda[0].items[0].talk"]
    assert len(batch["outputs"]) == 4


def test_a_batch_of_good_events_exits_0_and_names_repeats_apart(make_event, tmp_path: Path,
                                                                 runner) -> None:
    one = make_event(minimal_event(title="Eins"), name="a/same")
    two = make_event(minimal_event(title="Zwei"), name="b/same")
    result = runner.invoke(cli, ["build", str(one), str(two), "--out-dir", str(tmp_path),
                                 "--report", str(tmp_path / "all.json")])
    assert result.exit_code == 0, result.output
    assert "Zwei" in pdftotext(tmp_path / "same-2.pdf")
    assert json.loads((tmp_path / "all.json").read_text())["status"] == "ok"


def test_several_events_need_an_out_dir(make_event, runner) -> None:
    one, two = (make_event(minimal_event(), name=n) for n in ("x", "y"))
    result = runner.invoke(cli, ["build", str(one), str(two)])
    assert result.exit_code == 2 and "--out-dir" in result.stderr
