"""The `validate`, `schema` and `init` commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from dokureport.cli import cli
from dokureport.core.resources import sample_event_dir
from dokureport.event.schema import event_schema
from dokureport.starter import write_starter
from dokureport.validate import validate_event
from tests.test_hostile_input import run_cli

WARNS = "title: x\nevent: {start: 2019-10-29}\ntalks:\n  - title: Nie im Programm\n"


def test_validate_ok(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text("title: x\nevent: {start: 2019-10-29}\n")
    code, out, err = run_cli("validate", str(tmp_path))
    assert (code, err) == (0, "")
    assert out.strip().endswith("event.yaml: valid")


def test_validate_errors_exit_2_all_at_once(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text("titel: x\nevent: {}\n")
    code, out, err = run_cli("validate", str(tmp_path))
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        "error: event.yaml:1:1: titel: unknown key `titel` (did you mean `title`?)",
        "error: event.yaml:1:1: title: required",
        "error: event.yaml:2:8: event.start: required",
    ]


def test_warnings_do_not_fail_unless_strict(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text(WARNS)
    code, out, err = run_cli("validate", str(tmp_path))
    assert code == 0
    assert err.splitlines() == [
        "warning: event.yaml:4:5: talks[0]: the talk “Nie im Programm” is in no agenda item "
        "(name its id in an item's `talk:`)"]
    assert "valid (1 warning)" in out
    code, out, err = run_cli("validate", "--strict", str(tmp_path))
    assert code == 2
    assert err.startswith("error: event.yaml:4:5: talks[0]: the talk")


def test_allow_outside(tmp_path: Path) -> None:
    event = tmp_path / "event"
    event.mkdir()
    (tmp_path / "slides.pdf").write_bytes(b"%PDF-1.4\n")
    (event / "event.yaml").write_text(
        "title: x\nevent: {start: 2019-10-29}\ntalks: [{title: t, slides: ../slides.pdf}]\n")
    assert run_cli("validate", str(event))[0] == 2
    assert run_cli("validate", "--allow-outside", str(event))[0] == 0


def test_missing_folder(tmp_path: Path) -> None:
    code, _, err = run_cli("validate", str(tmp_path / "nope"))
    assert code == 2
    assert "not found" in err


def test_real_process_exit_status(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text("title: [\n")
    done = subprocess.run([sys.executable, "-m", "dokureport", "validate", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("error: event.yaml:2:1: YAML syntax:")
    assert "Traceback" not in done.stderr


def test_schema_command_prints_json_schema(runner) -> None:
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "folder" not in schema["properties"]
    assert set(schema["required"]) == {"title", "event"}
    assert schema["additionalProperties"] is False
    item = schema["$defs"]["AgendaItem"]["properties"]
    assert item["time"]["type"] == "string"
    assert "format" not in json.dumps(item["time"])
    for typed in ("9:00", "09:00", "12:30:15", "9.30"):
        assert re.match(item["time"]["pattern"], typed)
    start = schema["$defs"]["EventInfo"]["properties"]["start"]
    for typed in ("2019-10-29", "2019-10-29 12:00", "2019-10-29T12:00:00"):
        assert re.match(start["pattern"], typed)
    assert not re.match(start["pattern"], "29.10.2019")


def test_schema_matches_the_starter() -> None:
    """Every key the starter uses is in the schema (a cheap check without a validator library)."""
    schema = event_schema()

    def keys_ok(data: object, node: dict) -> None:
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        if "anyOf" in node:
            node = next(n for n in node["anyOf"] if n.get("type") != "null")
            keys_ok(data, node)
            return
        if isinstance(data, dict):
            for key, value in data.items():
                assert key in node["properties"], key
                keys_ok(value, node["properties"][key])
        elif isinstance(data, list) and "items" in node:
            for value in data:
                keys_ok(value, node["items"])

    text = (Path(__file__).parent / "corpus" / "valid-what-people-type" / "event.yaml").read_text()
    keys_ok(yaml.safe_load(text), schema)


def test_init_writes_a_valid_starter(tmp_path: Path, runner) -> None:
    target = tmp_path / "neu"
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "event.yaml").is_file()
    assert (target / "photos" / "placeholder.jpg").is_file()
    assert json.loads((target / "event.schema.json").read_text())["title"]
    text = (target / "event.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=event.schema.json")
    validated = validate_event(target)
    assert validated.warnings == ()
    assert validated.event.photos.cover is not None
    code, _, _ = run_cli("validate", "--strict", str(target))
    assert code == 0


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    write_starter(tmp_path)
    (tmp_path / "event.yaml").write_text("mine\n")
    code, _, err = run_cli("init", str(tmp_path))
    assert code == 2
    assert "already exists" in err
    assert (tmp_path / "event.yaml").read_text() == "mine\n"


def test_the_sample_validates_without_a_warning_or_note() -> None:
    # The sample describes every photo with an alt text (the tagged PDF's /Alt).
    code, out, err = run_cli("validate", "--strict", str(sample_event_dir()))
    assert code == 0
    assert out.strip().endswith("event.yaml: valid")
    assert err == ""


def test_the_sample_builds_for_the_screen_without_a_warning_or_note(tmp_path: Path) -> None:
    # What a newcomer runs first: nothing on standard error that reads as "something is wrong".
    code, out, err = run_cli("build", "-o", str(tmp_path / "s.pdf"), "--no-cache")
    assert code == 0
    assert err == ""
    assert out.startswith("Wrote ")


def _damaged_everywhere(folder: Path) -> None:
    """Six good photos and a truncated JPEG in each place an event names an image."""
    from tests.test_hostile_input import make_image

    for i in range(6):
        make_image(folder / "photos" / f"{i}.jpg", (400, 300))
    for name in ("cut.jpg", "face.jpg", "logo.jpg", "chart.jpg"):
        data = make_image(folder / name, (600, 400)).read_bytes()
        (folder / name).write_bytes(data[: len(data) // 2])
    (folder / "event.yaml").write_text(
        "title: x\nevent: {start: 2019-10-29}\n"
        "photos:\n  items:\n"
        + "".join(f"    - {{file: photos/{i}.jpg, caption: Foto {i}}}\n" for i in range(6))
        + "    - {file: cut.jpg, caption: Abgeschnitten}\n"
        "contacts:\n  - {name: Ada, photo: face.jpg}\n"
        "partners:\n  - title: Gefördert von\n    logos:\n      - {file: logo.jpg, name: L}\n"
        "chapters:\n  - title: Zahlen\n    text: |\n      ![Grafik](chart.jpg)\n",
        encoding="utf-8")


def test_validate_decodes_photos_in_the_workers_and_finds_truncated_ones(
        tmp_path: Path, monkeypatch: Any) -> None:
    """Many photos are decoded on every core, in the build's photo workers; what they find
    is said exactly as a decode in the main process says it, at the key that named it."""
    import dokureport.assets.verify as verify

    _damaged_everywhere(tmp_path)
    pools: list[object] = []
    real_pool = verify.worker_pool

    def counting_pool(jobs: int | None = None) -> object:
        pools.append(real_pool(jobs))
        return pools[-1]

    monkeypatch.setattr(verify, "POOL_MIN_BYTES", 10**12)  # few bytes: decoded here
    here = run_cli("validate", str(tmp_path))
    assert pools == []
    monkeypatch.setattr(verify, "POOL_MIN_BYTES", 0)  # as 300 camera photos are
    monkeypatch.setattr(verify, "worker_pool", counting_pool)
    code, out, err = run_cli("validate", str(tmp_path))
    assert len(pools) == 1
    assert (code, out, err) == here
    assert code == 2
    errors = err.splitlines()
    assert [e.split(": ", 3)[2] for e in errors] == [
        "photos.items[6].file", "contacts[0].photo", "partners[0].logos[0].file",
        "chapters[0].text"]
    assert errors[0].startswith(
        "error: event.yaml:11:14: photos.items[6].file: 'cut.jpg' is damaged or truncated ("
        "image file is truncated")
    assert "image 'chart.jpg' is damaged or truncated" in errors[3]
    for name in ("photos/0.jpg", "photos/5.jpg"):
        assert name not in err


def test_validate_reads_many_good_photos_in_the_workers(tmp_path: Path,
                                                        monkeypatch: Any) -> None:
    import dokureport.assets.verify as verify
    from tests.test_hostile_input import make_image

    for i in range(8):
        make_image(tmp_path / f"{i}.jpg", (640, 480))
    (tmp_path / "event.yaml").write_text(
        "title: x\nevent: {start: 2019-10-29}\nphotos:\n  items:\n"
        + "".join(f"    - {{file: {i}.jpg, caption: F, alt: Foto}}\n" for i in range(8)))
    monkeypatch.setattr(verify, "POOL_MIN_BYTES", 0)
    assert verify.decode_problems([tmp_path / f"{i}.jpg" for i in range(8)]) == [None] * 8
    code, out, err = run_cli("validate", str(tmp_path))
    assert (code, err) == (0, "")
    assert out.strip().endswith("event.yaml: valid")
