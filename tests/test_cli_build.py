"""`dokureport build` from the command line: the sample by default, exit codes, nothing lost."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from click.testing import Result

from dokureport import __version__
from dokureport.cli import cli
from tests.conftest import minimal_event
from tests.helpers import cli_runner


def test_build_without_event_builds_the_bundled_sample(tmp_path: Path, runner) -> None:
    out = tmp_path / "sample.pdf"
    result = runner.invoke(cli, ["build", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote {out} (")
    pages = int(result.stdout.split("(")[1].split()[0])
    assert pages >= 10
    assert out.read_bytes().startswith(b"%PDF-")


def test_version_and_help(runner) -> None:
    assert __version__ in runner.invoke(cli, ["--version"]).output
    for args in (["--help"], ["build", "--help"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0 and "Usage:" in result.output


def _run(*args: str, cwd: Path) -> Result:
    """`dokureport ARGS` in process: CliRunner sees every exit path (real processes are
    tested where they matter: signals and full disks, in test_exit_status.py)."""
    with contextlib.chdir(cwd):
        return cli_runner().invoke(cli, list(args))


def test_bad_input_exits_2_and_leaves_the_existing_pdf_untouched(tmp_path: Path,
                                                                 make_event) -> None:
    folder = make_event({"title": "Ohne Datum"})
    out = tmp_path / "brochure.pdf"
    out.write_bytes(b"%PDF- the previous good brochure")
    result = _run("build", str(folder), "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 2
    assert "event.yaml:1:1: event: required" in result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_bytes() == b"%PDF- the previous good brochure"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brochure.pdf", "event"]


def test_a_crash_during_layout_leaves_no_partial_file(tmp_path: Path, make_event,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from dokureport import pipeline as build_module

    def explode(ctx, path, *args, **kwargs):
        path.write_bytes(b"%PDF- half")
        raise RuntimeError("boom")

    monkeypatch.setattr(build_module, "lay_out", explode)
    out = tmp_path / "brochure.pdf"
    out.write_bytes(b"old")
    folder = make_event(minimal_event())
    with pytest.raises(RuntimeError):
        build_module.build_brochure(folder, out, build_module.BuildOptions())
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brochure.pdf", "event"]


def test_output_folder_must_exist(tmp_path: Path, make_event) -> None:
    folder = make_event(minimal_event())
    result = _run("build", str(folder), "-o", str(tmp_path / "nope" / "x.pdf"), cwd=tmp_path)
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_a_damaged_photo_is_named_at_its_key_and_nothing_is_written(tmp_path: Path,
                                                                    make_event) -> None:
    # The build reads only image headers while validating; the photo workers decode
    # each photo (a small one is embedded as it is, so it is decoded for this check too).
    from PIL import Image

    folder = make_event(minimal_event(photos={"items": [
        {"file": "photos/cut.jpg", "caption": "Abgeschnitten"}]}))
    Image.effect_noise((600, 400), 50).convert("RGB").save(folder / "photos" / "cut.jpg")
    data = (folder / "photos" / "cut.jpg").read_bytes()
    (folder / "photos" / "cut.jpg").write_bytes(data[: len(data) // 2])
    out = tmp_path / "brochure.pdf"
    result = _run("build", str(folder), "-o", str(out), "--no-cache", cwd=tmp_path)
    assert result.exit_code == 2, result.stderr
    assert ("error: event.yaml:6:11: photos.items[0].file: 'photos/cut.jpg': "
            "cannot read image: image file is truncated") in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["event"]


def test_progress_shows_photos_and_pages_only_when_asked(make_event, build, capsys) -> None:
    folder = make_event(minimal_event(photos={"items": [{"file": "photos/01.jpg"}]}),
                        ("01.jpg",))
    build(folder, progress=True, cache_dir=None)
    shown = capsys.readouterr().err
    assert "Photos" in shown and "Pages (pass 1)" in shown
    build(folder)
    assert capsys.readouterr().err == ""


def test_a_long_title_is_shortened_in_the_footer(make_event, build) -> None:
    import pdfplumber

    title = "Dokumentation " + " ".join(["des Großstadtnetzwerks"] * 20)  # 474 characters
    out, _ = build(make_event(minimal_event(title=title)))
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[1]
        foot = page.within_bbox((0, page.height - 60, page.width, page.height)).extract_text()
    assert foot.splitlines()[0].startswith("Dokumentation des Großstadtnetzwerks")
    assert "…" in foot and len(foot.splitlines()) == 1


def test_the_command_line_process_collects_cycles_less_often(tmp_path: Path) -> None:
    import subprocess
    import sys

    # The process's own settings, as `dokureport` starts them (not this test process's).
    probe = ("import gc, sys; from dokureport import cli; sys.argv = ['dokureport', "
             "'--version']\ntry:\n    cli.main()\nexcept SystemExit:\n    pass\n"
             "print(gc.get_threshold(), gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, cwd=tmp_path)
    threshold, enabled = done.stdout.strip().splitlines()[-1].rsplit(" ", 1)
    plain = subprocess.run([sys.executable, "-c", "import gc; print(gc.get_threshold())"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert threshold == str((100_000, 50, 1000)) != plain
    assert enabled == "True"  # cycles are still collected
