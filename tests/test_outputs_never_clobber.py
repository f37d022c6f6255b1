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


# --- outputs that are inputs ----------------------------------------------------------------

def test_o_naming_the_event_file_is_refused(make_event, tmp_path: Path) -> None:
    folder = _event(make_event)
    before = _digests(folder)
    code, out, err = invoke("build", str(folder), "-o", str(folder / "event.yaml"))
    assert code == ExitCode.BAD_INPUT
    assert err == (f"error: -o: {folder / 'event.yaml'} is the event file; "
                   "choose another path\n")
    assert out == ""
    assert _digests(folder) == before


def test_report_naming_the_event_file_is_refused(make_event, tmp_path: Path) -> None:
    folder = _event(make_event)
    before = _digests(folder)
    code, _, err = invoke("build", str(folder), "-o", str(tmp_path / "out.pdf"),
                          "--report", str(folder / "event.yaml"))
    assert code == ExitCode.BAD_INPUT
    assert err == (f"error: --report: {folder / 'event.yaml'} is the event file; "
                   "choose another path\n")
    assert _digests(folder) == before
    assert not (tmp_path / "out.pdf").exists()  # refused before anything is written


def test_an_output_naming_a_photo_the_event_reads_is_refused(make_event, tmp_path: Path
                                                             ) -> None:
    folder = _event(make_event)
    before = _digests(folder)
    photo = folder / "photos" / "01.jpg"
    code, _, err = invoke("build", str(folder), "-o", str(photo))
    assert code == ExitCode.BAD_INPUT
    assert err == (f"error: -o: {photo} is a file the event reads (photos.items[0].file); "
                   "choose another path\n")
    assert _digests(folder) == before


def test_a_symbolic_link_to_the_event_file_is_refused(make_event, tmp_path: Path) -> None:
    folder = _event(make_event)
    link = tmp_path / "link.json"
    link.symlink_to(folder / "event.yaml")
    before = _digests(folder)
    code, _, err = invoke("build", str(folder), "-o", str(tmp_path / "out.pdf"),
                          "--report", str(link))
    assert code == ExitCode.BAD_INPUT
    assert err == (f"error: --report: {link} leads to {folder / 'event.yaml'}, the event "
                   "file; choose another path\n")
    assert _digests(folder) == before
    assert link.is_symlink()


def test_a_theme_file_is_an_input_too(make_event, tmp_path: Path) -> None:
    folder = _event(make_event, theme="theme.yaml")
    (folder / "theme.yaml").write_text("extends: classic\n", encoding="utf-8")
    before = _digests(folder)
    code, _, err = invoke("build", str(folder), "-o", str(tmp_path / "out.pdf"),
                          "--report", str(folder / "theme.yaml"))
    assert code == ExitCode.BAD_INPUT
    assert err == (f"error: --report: {folder / 'theme.yaml'} is the theme file; "
                   "choose another path\n")
    assert _digests(folder) == before


def test_a_failed_build_writes_no_report_over_an_input(make_event, tmp_path: Path) -> None:
    # Validation fails, so the report would be a failure report: it still may not land
    # on a file the event reads.
    folder = _event(make_event, agenda=[{"date": "2024-03-05", "items": [
        {"time": "9:00", "title": "Los", "talk": "gibt-es-nicht"}]}])
    before = _digests(folder)
    photo = folder / "photos" / "01.jpg"
    code, _, err = invoke("build", str(folder), "-o", str(tmp_path / "out.pdf"),
                          "--report", str(photo))
    assert code == ExitCode.BAD_INPUT
    assert "no talk has the id `gibt-es-nicht`" in err
    assert (f"error: --report: {photo} is a file the event reads (photos.items[0].file); "
            "choose another path\n") in err
    assert _digests(folder) == before


# --- outputs of one run that are each other -------------------------------------------------

def test_report_naming_the_pdf_is_refused(make_event, tmp_path: Path) -> None:
    folder = _event(make_event)
    before = _digests(folder)
    out = tmp_path / "out.pdf"
    old = _old_pdf(out)
    code, _, err = invoke("build", str(folder), "-o", str(out), "--report", str(out))
    assert code == ExitCode.BAD_INPUT
    assert err == f"error: --report: {out} is also the PDF (-o); choose another path\n"
    assert out.read_bytes() == old
    assert _digests(folder) == before


def test_report_naming_the_print_pdf_or_the_booklet_is_refused(make_event, tmp_path: Path
                                                               ) -> None:
    folder = _event(make_event)
    before = _digests(folder)
    out = tmp_path / "out.pdf"
    for taken, what in (("out-print.pdf", "the print PDF"), ("out-booklet.pdf", "the booklet"),
                        ("out-print-booklet.pdf", "the print booklet")):
        code, _, err = invoke("build", str(folder), "-o", str(out), "--target", "all",
                              "--booklet", "--report", str(tmp_path / taken))
        assert code == ExitCode.BAD_INPUT
        assert err == (f"error: --report: {tmp_path / taken} is also {what} (-o); "
                       "choose another path\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["event"]
    assert _digests(folder) == before


def test_report_to_standard_output_never_collides(make_event, tmp_path: Path) -> None:
    folder = _event(make_event)
    out = tmp_path / "-"
    code, stdout, err = invoke("build", str(folder), "-o", str(out), "--report", "-")
    assert code == 0, err
    assert json.loads(stdout)["status"] == "ok"
    assert pdftotext(out)


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


@pytest.mark.parametrize("hard_links", [True, False])
def test_a_rename_that_fails_after_another_puts_the_replaced_file_back(
        make_event, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hard_links: bool) -> None:
    if not hard_links:  # a file system without them (FAT): the old file is moved aside
        def no_link(*args: object, **kwargs: object) -> None:
            raise PermissionError(1, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_link)
    folder = _event(make_event)
    out, report = tmp_path / "out.pdf", tmp_path / "r.json"
    old_pdf = _old_pdf(out)
    report.write_text('{"the": "previous report"}')
    old_report = report.read_bytes()
    placed: list[str] = []
    real_replace = os.replace

    def replace(source: object, target: object) -> None:
        if Path(str(target)) in (out, report):
            placed.append(Path(str(target)).name)
        if Path(str(target)) == report and str(source).endswith(".part"):
            # The PDF is in place; the report built with it cannot follow.
            raise OSError(28, "No space left on device", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    code, _, err = invoke("build", str(folder), "-o", str(out), "--report", str(report))
    # The PDF, the report (failed), the old PDF put back (and the old report, where it
    # was moved aside).
    assert placed[:3] == ["out.pdf", "r.json", "out.pdf" if hard_links else "r.json"]
    assert code == ExitCode.IO_ERROR == 74
    assert err.startswith(f"error: {report}: No space left on device\n")
    assert out.read_bytes() == old_pdf
    assert report.read_bytes() == old_report
    assert sorted(p.name for p in tmp_path.iterdir()) == ["event", "out.pdf", "r.json"]


def test_a_failed_rename_takes_back_a_new_file_too(
        make_event, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _event(make_event)
    out, report = tmp_path / "out.pdf", tmp_path / "r.json"
    real_replace = os.replace
    placed: list[Path] = []

    def replace(source: object, target: object) -> None:
        if Path(str(target)) in (out, report):
            placed.append(Path(str(target)))
        if Path(str(target)) == report:
            raise OSError(28, "No space left on device", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    code, _, _ = invoke("build", str(folder), "-o", str(out), "--report", str(report))
    assert code == ExitCode.IO_ERROR
    assert placed[:2] == [out, report]  # the new PDF was in place, then taken away
    assert sorted(p.name for p in tmp_path.iterdir()) == ["event"]


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


# --- batches: products never collide, whatever the events are called -----------------------

def test_an_event_called_batch_keeps_its_report_apart_from_the_batch_report(
        make_event, tmp_path: Path) -> None:
    one = make_event(minimal_event(title="Eins"), name="batch")
    two = make_event(minimal_event(title="Zwei"), name="other")
    inputs = _digests(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, err = invoke("build", str(one), str(two), "--out-dir", str(out))
    assert code == 0, err
    assert f"{out / 'batch-2.pdf'}" in stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "batch-2.pdf", "batch-2.report.json", "batch.report.json", "other.pdf",
        "other.report.json"]
    assert json.loads((out / "batch.report.json").read_text())["command"] == "batch"
    event_report = json.loads((out / "batch-2.report.json").read_text())
    assert event_report["command"] == "build" and event_report["source"] == str(one)
    assert "Eins" in pdftotext(out / "batch-2.pdf")
    assert {k: v for k, v in _digests(tmp_path).items() if not k.startswith("out")} == inputs


def test_names_that_differ_only_in_case_are_told_apart(make_event, tmp_path: Path) -> None:
    one = make_event(minimal_event(title="Eins"), name="a/Fachtag")
    two = make_event(minimal_event(title="Zwei"), name="b/fachtag")
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = invoke("build", str(one), str(two), "--out-dir", str(out))
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == [
        "Fachtag.pdf", "Fachtag.report.json", "batch.report.json", "fachtag-2.pdf",
        "fachtag-2.report.json"]


def test_a_batch_report_naming_an_events_product_is_refused(make_event, tmp_path: Path
                                                            ) -> None:
    one = make_event(minimal_event(title="Eins"), name="a")
    two = make_event(minimal_event(title="Zwei"), name="b")
    inputs = _digests(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    taken = out / "b.report.json"
    code, _, err = invoke("build", str(one), str(two), "--out-dir", str(out),
                               "--report", str(taken))
    assert code == ExitCode.BAD_INPUT
    assert err == (f"error: --report: {taken} is also the report of {two} (--out-dir); "
                   "choose another path\n")
    assert list(out.iterdir()) == []  # nothing was built
    assert _digests(tmp_path) == inputs


def test_a_batch_report_naming_an_event_file_is_refused(make_event, tmp_path: Path) -> None:
    one = make_event(minimal_event(title="Eins"), name="a")
    two = make_event(minimal_event(title="Zwei"), name="b")
    inputs = _digests(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = invoke("build", str(one), str(two), "--out-dir", str(out),
                          "--report", str(two / "event.yaml"))
    assert code == ExitCode.BAD_INPUT
    assert err == (f"error: --report: {two / 'event.yaml'} is the event file of {two}; "
                   "choose another path\n")
    assert list(out.iterdir()) == []
    assert _digests(tmp_path) == inputs


def test_batch_products_naming_an_events_input_are_refused(make_event, tmp_path: Path
                                                           ) -> None:
    # --out-dir is the event's own folder, where a chapter's Markdown is called a.pdf:
    # building would overwrite a file the event reads.
    one = make_event(minimal_event(title="Eins", chapters=[{"title": "Mehr", "file": "a.pdf"}]),
                     name="a")
    (one / "a.pdf").write_text("Ein Kapitel.\n", encoding="utf-8")
    inputs = _digests(tmp_path)
    code, _, err = invoke("build", str(one), "--out-dir", str(one))
    assert code == ExitCode.BAD_INPUT
    assert err == (f"error: --out-dir: {one / 'a.pdf'} is a file the event {one} reads "
                   "(chapters[0].file); choose another path\n")
    assert _digests(tmp_path) == inputs
    assert sorted(p.name for p in one.iterdir()) == ["a.pdf", "event.yaml", "photos"]


def test_a_chapter_file_is_an_input(make_event, tmp_path: Path) -> None:
    folder = _event(make_event, chapters=[{"title": "Mehr", "file": "mehr.md"}])
    (folder / "mehr.md").write_text("Ein Kapitel.\n", encoding="utf-8")
    before = _digests(folder)
    code, _, err = invoke("build", str(folder), "-o", str(folder / "mehr.md"))
    assert code == ExitCode.BAD_INPUT
    assert err == (f"error: -o: {folder / 'mehr.md'} is a file the event reads "
                   "(chapters[0].file); choose another path\n")
    assert _digests(folder) == before


# --- validate --report ------------------------------------------------------------------------

def test_validate_report_naming_the_event_file_is_refused(make_event, tmp_path: Path) -> None:
    folder = _event(make_event)
    before = _digests(folder)
    code, _, err = invoke("validate", str(folder), "--report", str(folder / "event.yaml"))
    assert code == ExitCode.BAD_INPUT
    assert err == (f"error: --report: {folder / 'event.yaml'} is the event file; "
                   "choose another path\n")
    assert _digests(folder) == before


def test_validate_report_of_an_invalid_event_spares_its_photos(make_event, tmp_path: Path
                                                                ) -> None:
    folder = _event(make_event, agenda=[{"date": "2024-03-05", "items": [
        {"time": "9:00", "title": "Los", "talk": "gibt-es-nicht"}]}])
    before = _digests(folder)
    photo = folder / "photos" / "01.jpg"
    code, _, err = invoke("validate", str(folder), "--report", str(photo))
    assert code == ExitCode.BAD_INPUT
    assert "no talk has the id `gibt-es-nicht`" in err
    assert err.endswith(f"error: --report: {photo} is a file the event reads "
                        "(photos.items[0].file); choose another path\n")
    assert _digests(folder) == before


# --- the cost of the check ------------------------------------------------------------------

def test_an_existing_output_is_compared_with_many_inputs_by_identity(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checking a PDF that exists against 300 photos resolves no photo's path component
    by component (a warm rebuild's case): one stat each; a hard link and a symbolic link
    to a photo are still found."""
    from dokureport.output import guard

    photos = tmp_path / "event" / "photos"
    photos.mkdir(parents=True)
    inputs = {}
    for i in range(300):
        (photos / f"{i:03}.jpg").write_bytes(b"jpeg")
        inputs[photos / f"{i:03}.jpg"] = f"photo {i}"
    out = tmp_path / "out.pdf"
    out.write_bytes(b"%PDF-")
    os.link(photos / "007.jpg", tmp_path / "hard.pdf")
    (tmp_path / "soft.pdf").symlink_to(photos / "123.jpg")
    real = os.path.realpath
    resolved: list[str] = []
    monkeypatch.setattr(guard.os.path, "realpath",
                        lambda p, *a, **k: resolved.append(p) or real(p, *a, **k))
    planned = [guard.Planned("-o", out, "the PDF"),
               guard.Planned("--report", tmp_path / "hard.pdf", "the report"),
               guard.Planned("--print", tmp_path / "soft.pdf", "the print PDF")]
    found = guard.clashes(planned, inputs)
    assert [(p.option, problem.message.split(";")[0]) for p, problem in found] == [
        ("--report", f"--report: {tmp_path / 'hard.pdf'} is photo 7"),
        ("--print", f"--print: {tmp_path / 'soft.pdf'} leads to {photos / '123.jpg'}, "
         "photo 123")]
    assert len(resolved) <= 1  # the symbolic link's target, told to the user
