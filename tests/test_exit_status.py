"""Every way a build ends has its exit status and one clear line (docs/command-line.md).

0 built, 1 a bug, 2 bad input, 73 an output cannot be created, 74 the machine failed
mid-way, 130 and 143 interrupted. Whatever the ending, an existing PDF stays untouched
and no temporary file is left behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PIL import Image

from dokureport.core.errors import ExitCode
from tests.conftest import minimal_event
from tests.helpers import invoke


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- bugs and bad input, in process -------------------------------------------------------

def test_a_bug_is_exit_1_with_one_line_and_a_traceback_file(make_event, tmp_path: Path,
                                                            monkeypatch) -> None:
    from dokureport import pipeline as build_module

    def explode(ctx, path, blank_pages=0, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(build_module, "lay_out", explode)
    code, _, err = invoke("build", str(make_event(minimal_event())), "-o",
                          str(tmp_path / "out.pdf"))
    assert code == ExitCode.BUG == 1
    first, second = err.splitlines()
    assert first == "dokureport: internal error: RuntimeError: boom"
    assert second.startswith("This is a bug. The traceback was written to ")
    log = Path(second.rsplit(" ", 1)[1])
    assert "Traceback" in log.read_text() and "boom" in log.read_text()
    log.unlink()
    assert "Traceback" not in err


def test_content_reportlab_cannot_place_is_bad_input_at_its_key(make_event, tmp_path: Path,
                                                                monkeypatch) -> None:
    # Real input that reportlab cannot place is rare after the layout's hardening; an
    # introduction taller than any page stands in for it. The LayoutError is reportlab's.
    from reportlab.platypus import Spacer

    from dokureport.sections import intro

    monkeypatch.setattr(intro, "flowables", lambda ctx: [Spacer(10, 5000)])
    folder = make_event(minimal_event(intro="Ein sehr langer Text."))
    code, _, err = invoke("build", str(folder), "-o", str(tmp_path / "out.pdf"))
    assert code == ExitCode.BAD_INPUT
    lines = (folder / "event.yaml").read_text().splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("intro:"))
    assert err == (f"error: event.yaml:{line}:8: intro: cannot be laid out: it is too large "
                   "for a page; shorten it or split it up\n")
    assert "internal error" not in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out.pdf").exists()


def test_a_talk_that_cannot_be_placed_is_named_by_its_index(make_event, tmp_path: Path,
                                                           monkeypatch) -> None:
    from reportlab.platypus import Spacer

    from dokureport.sections import common

    real = common.paragraphs

    def huge_second_abstract(ctx, text, style=None, **setting):
        return [Spacer(10, 5000)] if text == "zwei" else real(ctx, text, style, **setting)

    monkeypatch.setattr("dokureport.sections.talks.paragraphs", huge_second_abstract)
    folder = make_event(minimal_event(talks=[{"title": "A", "abstract": "eins"},
                                             {"title": "B", "abstract": "zwei"}]))
    code, _, err = invoke("build", str(folder), "-o", str(tmp_path / "out.pdf"))
    assert code == ExitCode.BAD_INPUT
    assert "talks[1].abstract: cannot be laid out" in err


def test_ctrl_c_inside_the_build_is_exit_130(make_event, tmp_path: Path, monkeypatch) -> None:
    from dokureport import pipeline as build_module

    def interrupted(ctx, path, blank_pages=0, **kwargs):
        path.write_bytes(b"%PDF- half")
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "lay_out", interrupted)
    out = tmp_path / "out.pdf"
    out.write_bytes(b"old")
    code, _, err = invoke("build", str(make_event(minimal_event())), "-o", str(out))
    assert code == ExitCode.INTERRUPTED == 130
    assert err == "dokureport: interrupted (Ctrl-C); nothing was written\n"
    assert out.read_bytes() == b"old"
    assert _leftovers(tmp_path) == ["event", "out.pdf"]


# --- the machine's failures ---------------------------------------------------------------

def test_a_photo_that_vanishes_during_the_build_is_exit_74(make_event, tmp_path: Path,
                                                          monkeypatch) -> None:
    from dokureport import pipeline as build_module

    real = build_module.validate_event

    def validate_then_lose_the_photo(*args, **kwargs):
        validated = real(*args, **kwargs)
        (validated.source.parent / "photos" / "01.jpg").unlink()
        return validated

    monkeypatch.setattr(build_module, "validate_event", validate_then_lose_the_photo)
    folder = make_event(minimal_event(photos={"items": [{"file": "photos/01.jpg",
                                                         "caption": "x", "alt": "y"}]}),
                        ("01.jpg",))
    code, _, err = invoke("build", str(folder), "-o", str(tmp_path / "out.pdf"), "--no-cache")
    assert code == ExitCode.IO_ERROR == 74
    assert err == (f"error: {folder / 'photos' / '01.jpg'}: No such file or directory "
                   "(the file went away during the build)\n")
    assert _leftovers(tmp_path) == ["event"]


def test_an_output_path_that_is_a_folder_is_a_usage_error(make_event, tmp_path: Path) -> None:
    (tmp_path / "out.pdf").mkdir()
    (tmp_path / "out.pdf" / "keep").write_text("x")
    code, _, err = invoke("build", str(make_event(minimal_event())), "-o",
                          str(tmp_path / "out.pdf"))
    assert code == ExitCode.BAD_INPUT
    assert f"'{tmp_path / 'out.pdf'}' is a directory" in err
    assert (tmp_path / "out.pdf" / "keep").read_text() == "x"
    assert _leftovers(tmp_path) == ["event", "out.pdf"]


def test_a_cache_that_cannot_be_made_is_a_warning_not_a_failure(make_event, tmp_path: Path
                                                                ) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache's parent folder should be")
    folder = make_event(minimal_event(photos={"items": [{"file": "photos/01.jpg",
                                                         "caption": "x", "alt": "y"}]}),
                        ("01.jpg",))
    code, out, err = invoke("build", str(folder), "-o", str(tmp_path / "out.pdf"),
                            "--cache-dir", str(blocker / "cache"))
    assert code == 0, err
    # Said once; the other lines are the layout check's (pages, never the cache).
    lines = err.splitlines()
    assert lines[0] == (f"warning: photo cache: cannot write {blocker / 'cache' / 'images'} "
                        "(Not a directory); photos are prepared without the cache in this build")
    assert all(line.startswith(("warning: page ", "warning: pages ")) for line in lines[1:])
    assert "photos.items" not in err
    assert out.startswith(f"Wrote {tmp_path / 'out.pdf'}")


# --- real file systems: a full disk and a read-only one, in a private mount namespace -----

def _in_namespace(script: str, tmp_path: Path, size: str = "200k",
                  read_only: bool = False) -> subprocess.CompletedProcess[str]:
    """Run shell `script` with a small tmpfs at $SMALL (unshare: no root needed)."""
    small = tmp_path / "small"
    small.mkdir()
    options = f"size={size}" + (",ro" if read_only else "")
    command = (f'mount -t tmpfs -o {options} tmpfs "$SMALL" && {script}')
    env = dict(os.environ, SMALL=str(small), PY=sys.executable)
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                           command], env=env, capture_output=True, text=True, timeout=240)


def _seed_old(script: str) -> str:
    # The previous brochure sits on the small disk before the build starts.
    return f'printf "%%PDF- old" > "$SMALL/out.pdf" && {script}'


@pytest.mark.slow
def test_a_full_disk_is_exit_74_and_keeps_the_previous_pdf(make_event, tmp_path: Path
                                                          ) -> None:
    folder = make_event(minimal_event(intro="Text. " * 400))
    done = _in_namespace(_seed_old(
        f'"$PY" -m dokureport build {folder} -o "$SMALL/out.pdf" --no-cache; '
        'echo "exit=$?"; cat "$SMALL/out.pdf"; echo; ls -A "$SMALL"'), tmp_path, size="24k")
    exit_line = next(x for x in done.stdout.splitlines() if x.startswith("exit="))
    assert exit_line == "exit=74", done.stdout + done.stderr
    assert done.stderr == f"error: {tmp_path / 'small' / 'out.pdf'}: No space left on device\n"
    lines = done.stdout.splitlines()
    assert "%PDF- old" in lines
    assert lines[-1] == "out.pdf", "no temporary file is left on the full disk"


@pytest.mark.slow
def test_a_read_only_output_folder_is_exit_73(make_event, tmp_path: Path) -> None:
    folder = make_event(minimal_event())
    done = _in_namespace(f'"$PY" -m dokureport build {folder} -o "$SMALL/out.pdf"; '
                         'echo "exit=$?"', tmp_path, read_only=True)
    assert done.stdout.strip() == "exit=73", done.stderr
    assert done.stderr == f"error: {tmp_path / 'small'}: Read-only file system\n"


@pytest.mark.slow
def test_a_full_cache_disk_warns_once_and_builds(make_event, tmp_path: Path) -> None:
    # Photos big enough to be prepared (not embedded as they are): each needs cache room.
    items = []
    folder = make_event(minimal_event())
    for n in range(4):
        name = f"photos/{n}.jpg"
        Image.effect_noise((2400, 1600), 60).convert("RGB").save(folder / name, quality=90)
        items.append({"file": name, "caption": f"Foto {n}", "alt": f"Rauschen {n}"})
    (folder / "event.yaml").write_text((folder / "event.yaml").read_text()
                                       + "photos:\n  items:\n" + "".join(
        f"    - {{file: {i['file']}, caption: {i['caption']}, alt: {i['alt']}}}\n"
        for i in items))
    out = tmp_path / "out.pdf"
    done = _in_namespace(f'"$PY" -m dokureport build {folder} -o {out} -j 1 '
                         '--cache-dir "$SMALL/cache"; echo "exit=$?"', tmp_path, size="40k")
    assert done.stdout.splitlines()[-1] == "exit=0", done.stderr
    warnings = done.stderr.splitlines()
    assert len(warnings) == 1, done.stderr
    assert warnings[0].startswith(f"warning: photo cache: cannot write {tmp_path / 'small'}")
    assert warnings[0].endswith("(No space left on device); photos are prepared without the "
                                "cache in this build")
    assert "photos.items" not in done.stderr and "cannot read image" not in done.stderr
    from pypdf import PdfReader

    assert sum(len(p.images) for p in PdfReader(out).pages) == 4


# --- real signals to a real build ---------------------------------------------------------

def _slow_event(folder: Path, photos: int = 40) -> Path:
    (folder / "photos").mkdir(parents=True)
    lines = ["title: Unterbrochen", "event: {start: 2019-10-29}", "photos:", "  items:"]
    for n in range(photos):
        Image.effect_noise((3000, 2000), 60).convert("RGB").save(
            folder / "photos" / f"{n:02}.jpg", quality=92)
        lines.append(f"    - {{file: photos/{n:02}.jpg, caption: Foto {n}}}")
    (folder / "event.yaml").write_text("\n".join(lines) + "\n")
    return folder


def _processes_with(marker: str) -> list[int]:
    """Processes whose environment holds marker: the build and every worker it started."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    return int(stat[stat.rfind(b")") + 2 :].split()[1])


def _photo_workers(marker: str) -> list[int]:
    """The build's photo workers: forked by its worker server, itself a child of the build."""
    ours = set(_processes_with(marker))
    return [pid for pid in ours
            if (parent := _parent(pid)) in ours and _parent(parent) in ours]


@pytest.fixture(scope="module")
def slow_event(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _slow_event(tmp_path_factory.mktemp("slow") / "event")


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "status", "line"), [
    (signal.SIGINT, 130, "dokureport: interrupted (Ctrl-C); nothing was written"),
    (signal.SIGTERM, 143, "dokureport: terminated (SIGTERM); nothing was written"),
])
def test_a_signal_stops_the_build_cleanly(slow_event: Path, tmp_path: Path, signum: int,
                                          status: int, line: str) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "brochure.pdf").write_bytes(b"%PDF- the previous brochure")
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    marker = f"DOKUREPORT_SIGNAL_TEST={tmp_path.name}"
    env = dict(os.environ, TMPDIR=str(private_tmp), DOKUREPORT_SIGNAL_TEST=tmp_path.name)
    build = subprocess.Popen(
        [sys.executable, "-m", "dokureport", "build", str(slow_event), "-o",
         str(out_dir / "brochure.pdf"), "--no-cache", "-j", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait until layout and the photo workers are busy: the temporary PDF exists.
    deadline = time.monotonic() + 60
    while not any(p.suffix == ".part" for p in out_dir.iterdir()):
        assert build.poll() is None, build.communicate()
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.05)
    # Photo workers, not just the server that forks them (it starts with the build).
    while not _photo_workers(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _photo_workers(marker), "expected the build's photo workers"
    build.send_signal(signum)
    stdout, stderr = build.communicate(timeout=60)
    assert build.returncode == status
    assert stderr == line + "\n", stderr
    assert stdout == ""
    assert _leftovers(out_dir) == ["brochure.pdf"]
    assert (out_dir / "brochure.pdf").read_bytes() == b"%PDF- the previous brochure"
    assert _leftovers(private_tmp) == [], "temporary files left behind"
    deadline = time.monotonic() + 10
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_with(marker) == [], "photo workers outlived the build"


# --- temporary files -----------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("outcome", ["built", "bad photo", "bug"])
def test_no_temporary_file_survives_any_ending(make_event, tmp_path: Path,
                                               outcome: str) -> None:
    folder = make_event(minimal_event(lang="de", intro="Armutsgefährdung und "
                                      "Bildungsbenachteiligung hängen zusammen.",
                                      photos={"items": [{"file": "photos/01.jpg",
                                                         "caption": "x", "alt": "y"}]}),
                        ("01.jpg",))
    if outcome == "bad photo":
        data = (folder / "photos" / "01.jpg").read_bytes()
        (folder / "photos" / "01.jpg").write_bytes(data[: len(data) // 2])
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    script = textwrap.dedent(f"""
        import sys
        from dokureport import cli, pipeline
        if {outcome == "bug"!r}:
            def explode(ctx, path, blank_pages=0, **kwargs):
                raise RuntimeError("boom")
            pipeline.lay_out = explode
        cli.main(["build", {str(folder)!r}, "-o", {str(tmp_path / "out.pdf")!r},
                  "--no-cache"])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=dict(os.environ, TMPDIR=str(private_tmp)), timeout=120)
    expected = {"built": 0, "bad photo": 2, "bug": 1}[outcome]
    assert done.returncode == expected, done.stderr
    # A bug's traceback file is the one file that is meant to stay.
    left = [name for name in _leftovers(private_tmp) if not name.startswith("dokureport-crash-")]
    assert left == []
    shutil.rmtree(private_tmp)
