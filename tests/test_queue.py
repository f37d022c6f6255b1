"""`dokureport worker` and `enqueue`: builds as jobs on a real Redis, run by real workers.

Each test starts its own workers (subprocesses, each in its own process group so it can
be killed whole, as a machine dies) on a Redis server started for this module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import jsonschema
import pikepdf
import pytest
import redis

import dokureport
from dokureport.cli import cli
from dokureport.core.options import BuildOptions
from dokureport.queue.key import JobSpec, job_key
from dokureport.queue.tasks import make_app
from dokureport.report import report_schema
from tests.conftest import minimal_event

BUILDING = re.compile(r"dokureport: building (\S+) → (\S+) \(job (\w+), attempt (\d+), "
                      r"process (\d+)\)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis server of its own on a free port of 127.0.0.1; its URL."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is missing: apt-get install redis-server "
                    "(python3 scripts/dev.py test installs it)")
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture
def broker(redis_server: str) -> str:
    """The Redis server, emptied: no job or report of another test."""
    redis.Redis.from_url(redis_server).flushall()
    return redis_server


class Worker:
    """A `dokureport worker` process and what it wrote to its log."""

    def __init__(self, process: subprocess.Popen, log: Path) -> None:
        self.process = process
        self.log = log

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def builds(self) -> list[re.Match]:
        return list(BUILDING.finditer(self.text()))

    def wait_for(self, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while what not in self.text():
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}):\n{self.text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what!r} from the worker in {timeout} s:\n{self.text()}")
            time.sleep(0.05)


@pytest.fixture
def start_worker(broker: str, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """Start a worker on the test's Redis (with this checkout's dokureport): ready when
    it returns."""
    started: list[Worker] = []

    def start(*options: str, path: Path | None = None) -> Worker:
        """`path`: a folder to put first on the worker's module path."""
        log = tmp_path / f"worker-{len(started) + 1}.log"
        env = dict(os.environ, PYTHONPATH=str(Path(dokureport.__file__).parents[1]))
        process = subprocess.Popen(
            [sys.executable, "-m", "dokureport", "worker", "--broker", broker, "--no-cache",
             *options],
            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
            env=env if path is None else {**env, "PYTHONPATH": f"{path}:{env['PYTHONPATH']}"})
        worker = Worker(process, log)
        started.append(worker)
        worker.wait_for("ready on 'dokureport'")
        return worker

    yield start
    # Shown by pytest only when the test failed: where the jobs were, and what each
    # worker said.
    if started:
        print(_queue_state(broker))
    for worker in started:
        if worker.process.poll() is None:
            os.killpg(worker.process.pid, signal.SIGTERM)
            try:
                worker.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.process.pid, signal.SIGKILL)
                worker.process.wait()
    for n, worker in enumerate(started, 1):
        print(f"----- worker {n} (process {worker.process.pid}, exit status "
              f"{worker.process.returncode}), {worker.log.name}:\n{worker.text()}")


def _queue_state(broker: str) -> str:
    """The queue as Redis has it: jobs waiting, jobs taken by a worker and not finished
    (since when), and the lock under which workers put lost jobs back."""
    try:
        store = redis.Redis.from_url(broker)
        now = time.time()
        taken = []
        for tag, at in store.zrange("unacked_index", 0, -1, withscores=True):
            message = json.loads(store.hget("unacked", tag) or "[{}]")[0]
            job = message.get("headers", {}).get("id", "?")
            taken.append(f"job {job[:16]} {now - at:.1f} s ago")
        expires = store.pttl("unacked_mutex")
        lock = f"held, expires in {expires / 1000:g} s" if expires > 0 else "free"
        return (f"----- redis: {store.llen('dokureport')} job(s) waiting; taken: "
                f"{', '.join(taken) or 'none'}; lost-job lock: {lock}")
    except redis.RedisError as exc:
        return f"----- redis: {exc}"


def _programme(talks: int) -> dict:
    """An event with `talks` talks: a build of some seconds (over 100 pages at 300)."""
    days = range((talks + 599) // 600)  # 600 a day, a minute each from 9:00
    return minimal_event(
        title="Großes Programm",
        event={"start": "2024-03-05", "end": f"2024-03-{5 + days[-1]:02d}"},
        agenda=[{"date": f"2024-03-{5 + day:02d}", "items": [
            {"time": f"{9 + i % 600 // 60:02d}:{i % 60:02d}", "title": f"Vortrag {i}",
             "talk": f"t{i}"} for i in range(day * 600, min(talks, day * 600 + 600))]}
            for day in days],
        talks=[{"id": f"t{i}", "title": f"Vortrag Nummer {i} über die Dinge",
                "abstract": "Ein Absatz über das Thema, lang genug für einige Zeilen. " * 6,
                "speakers": [{"name": f"Person {i}"}]} for i in range(talks)])


def _pdf_pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


@pytest.mark.slow  # a real Redis and real workers
def test_ten_events_two_broken_on_two_workers(make_event, tmp_path: Path, broker: str,
                                              start_worker, runner) -> None:
    workers = [start_worker("--max-jobs-per-child", "3"), start_worker()]
    folders = []
    for n in range(10):
        # A photo each: the build process decodes it in a process of its own.
        data = minimal_event(title=f"Veranstaltung {n}", photos={"items": [
            {"file": "photos/01.jpg", "caption": f"Foto von Nummer {n}"}]})
        if n == 3:
            data["agenda"] = [{"date": "2024-03-05", "items": [
                {"time": "9:00", "title": "Los", "talk": "gibt-es-nicht"}]}]
        if n == 7:
            data["event"] = {"start": "2024-03-05", "end": "2024-03-01"}
        folders.append(make_event(data, ("01.jpg",), name=f"event-{n}"))
    out = tmp_path / "out"
    out.mkdir()

    result = runner.invoke(cli, ["enqueue", *map(str, folders), "--broker", broker,
                                 "--out-dir", str(out), "--wait"])

    assert result.exit_code == 2, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines()
            if line.startswith(str(tmp_path))}
    assert len(rows) == 10
    failed = sorted(source for source, line in rows.items() if " FAILED " in line)
    assert failed == [str(folders[3]), str(folders[7])]
    assert "agenda[0].items[0].talk: no talk has the id `gibt-es-nicht`" in rows[str(folders[3])]
    assert "event.end:" in rows[str(folders[7])]
    assert result.stderr.strip().endswith(
        f"error: 2 events failed: {folders[3]}, {folders[7]}")
    assert sorted(p.name for p in out.glob("*.pdf")) == [
        f"event-{n}.pdf" for n in range(10) if n not in (3, 7)]
    for n in range(10):
        report = json.loads((out / f"event-{n}.report.json").read_text())
        if n in (3, 7):
            assert report["status"] == "failed" and report["exit_code"] == 2
            assert [p["code"] for p in report["problems"] if p["severity"] == "error"] == [
                "unknown-talk" if n == 3 else "end-before-start"]
        else:
            assert report["status"] == "ok"
            assert report["outputs"][0]["pages"] == _pdf_pages(out / f"event-{n}.pdf")
            assert [p["width_px"] > 0 for p in report["photos"]] == [True]
    # Each job's result is its build report: the file's, in the report's schema.
    app = make_app(broker)
    schema = jsonschema.Draft202012Validator(report_schema())
    for n, folder in enumerate(folders):
        key = job_key(JobSpec.of(folder, out, f"event-{n}", BuildOptions(), ["screen"]))
        result = app.AsyncResult(key).get(timeout=10)
        schema.validate(result)
        assert result == json.loads((out / f"event-{n}.report.json").read_text())
    batch = json.loads((out / "batch.report.json").read_text())
    assert [e["status"] for e in batch["events"]].count("failed") == 2
    # Both workers built; each event once, and none twice.
    built = [m.group(1) for w in workers for m in w.builds()]
    assert sorted(built) == sorted(map(str, folders))
    assert all(w.builds() for w in workers)


@pytest.mark.slow  # a real Redis and real workers
def test_an_unchanged_event_is_built_once(make_event, tmp_path: Path, broker: str,
                                          start_worker, runner) -> None:
    worker = start_worker()
    folder = make_event(minimal_event(title="Einmal"), name="einmal")
    out = tmp_path / "out"
    out.mkdir()
    args = ["enqueue", str(folder), "--broker", broker, "--out-dir", str(out)]

    first = runner.invoke(cli, args)  # queued, not awaited
    second = runner.invoke(cli, [*args, "--wait"])  # the same job: waits for it
    assert first.exit_code == 0 and "queued" in first.stdout
    assert second.exit_code == 0, second.output
    assert "unchanged, not built again" in second.stderr
    pdf = out / "einmal.pdf"
    written = pdf.stat().st_mtime_ns
    third = runner.invoke(cli, [*args, "--wait"])
    assert third.exit_code == 0 and "unchanged, not built again" in third.stderr
    assert " ok " in third.stdout
    assert pdf.stat().st_mtime_ns == written
    assert len(worker.builds()) == 1

    # A changed byte in the event folder is a new job.
    (folder / "event.yaml").write_text(
        (folder / "event.yaml").read_text(encoding="utf-8").replace("Einmal", "Zweimal"),
        encoding="utf-8")
    fourth = runner.invoke(cli, [*args, "--wait"])
    assert fourth.exit_code == 0 and "queued" in fourth.stderr
    assert len(worker.builds()) == 2


# Loaded by the workers at start-up (Python imports `sitecustomize` from its path): the
# worker building a job dies (SIGKILL to its process group, as a machine is lost) once the
# build's PDF is half written, in the worst moment: while it looks for lost jobs, under a
# lock in Redis. Every worker does so every 2 s, so a worker killed at any moment is now
# and then killed there.
DIES_SWEEPING = """
import contextlib, os, signal, threading, time
from pathlib import Path
from celery.worker import state
from kombu.transport import redis as transport

OUT = Path(os.environ["DIES_SWEEPING"])
real_mutex, real_restore = transport.Mutex, transport.QoS.restore_visible
found, dying = [], threading.local()

def restore_visible(self, *args, **kwargs):
    found[:] = [self]  # the worker's consumer, which sweeps every 2 s from its start
    return real_restore(self, *args, **kwargs)

@contextlib.contextmanager
def mutex(client, name, expire):
    with real_mutex(client, name, expire):
        if getattr(dying, "now", False):
            os.killpg(0, signal.SIGKILL)
        yield

def die_mid_build():
    while not (state.active_requests and found and list(OUT.glob(".*.pdf.*.part"))):
        time.sleep(0.01)
    with contextlib.suppress(FileExistsError):
        (Path(__file__).parent / "died").touch(exist_ok=False)  # the first that builds
        dying.now = True
        while True:  # until the lock is free: another sweep may hold it for a moment
            found[0].restore_visible(num=None, interval=1)
            time.sleep(0.01)

transport.QoS.restore_visible, transport.Mutex = restore_visible, mutex
threading.Thread(target=die_mid_build, daemon=True).start()
"""


@pytest.mark.slow  # a real Redis and real workers
def test_a_worker_killed_mid_build_leaves_its_job_to_another(
        make_event, tmp_path: Path, broker: str, start_worker, monkeypatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(DIES_SWEEPING)
    monkeypatch.setenv("DIES_SWEEPING", str(out))
    # Lost jobs come back after 26 s: longer than the time limit and its grace (25 s),
    # which is far over the build's few seconds even on a loaded machine.
    options = ("--time-limit", "20", "--lost-after", "26")
    workers = [start_worker(*options, path=inject), start_worker(*options, path=inject)]
    folder = make_event(_programme(200), name="gross")
    env = dict(os.environ, PYTHONPATH=str(Path(dokureport.__file__).parents[1]))
    waiting = subprocess.Popen(
        [sys.executable, "-m", "dokureport", "enqueue", str(folder), "--broker", broker,
         "--out-dir", str(out), "--wait"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        while all(w.process.poll() is None for w in workers) and time.monotonic() < deadline:
            time.sleep(0.01)
        dead = [w for w in workers if w.process.poll() is not None]
        assert len(dead) == 1, "no worker died while building"
        [first], [second] = dead, [w for w in workers if w is not dead[0]]
        assert first.process.returncode == -signal.SIGKILL
        assert len(first.builds()) == 1 and not second.builds()
        assert not (out / "gross.pdf").exists()
        assert list(out.glob(".gross.pdf.*.part"))  # the dead build's, half written
        # The dead worker's lock is left in Redis: for 10 s, not for kombu's 300 s.
        assert 0 < redis.Redis.from_url(broker).pttl("unacked_mutex") <= 10_000

        # Back on the queue after 26 s (the dead worker's lock long gone), looked for
        # every 2 s, built (or failed) within the hard time limit, 25 s.
        stdout, stderr = waiting.communicate(timeout=70)
    finally:
        waiting.kill()  # no enqueue left waiting when the test fails
        waiting.wait()

    assert waiting.returncode == 0, stderr
    assert " ok " in stdout
    [build] = second.builds()
    assert build.group(4) == "1"  # a redelivery, not a retry of a failed attempt
    # The whole file its report describes, and nothing else: no partial file.
    [written] = json.loads((out / "gross.report.json").read_text())["outputs"]
    pdf = (out / "gross.pdf").read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == written["sha256"]
    # 200 talks: long enough to be killed mid-build (two columns: under 50 pages).
    assert _pdf_pages(out / "gross.pdf") == written["pages"] > 30
    assert not list(out.glob(".*.part"))  # the second worker removed the dead one's


@pytest.mark.slow  # a real Redis and real workers
def test_a_build_over_the_time_limit_fails_and_the_worker_goes_on(
        make_event, tmp_path: Path, broker: str, start_worker, runner) -> None:
    # 1,500 talks take over 8 s to build even on a fast idle machine: far over 3 s (and a
    # small event far under it, even on a loaded one).
    worker = start_worker("--time-limit", "3", "--max-jobs-per-child", "1")
    slow = make_event(_programme(1500), name="langsam")
    quick = make_event(minimal_event(title="Schnell"), name="schnell")
    out = tmp_path / "out"
    out.mkdir()

    result = runner.invoke(cli, ["enqueue", str(slow), "--broker", broker,
                                 "--out-dir", str(out), "--wait"])

    assert result.exit_code == 2, result.output
    assert "the build took longer than the worker's time limit (3 s)" in result.stdout
    report = json.loads((out / "langsam.report.json").read_text())
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    assert report["status"] == "failed" and report["exit_code"] == 2
    assert [p["code"] for p in report["problems"]] == ["time-limit"]
    assert not (out / "langsam.pdf").exists()
    assert not list(out.glob(".*.part"))

    after = runner.invoke(cli, ["enqueue", str(quick), "--broker", broker,
                                "--out-dir", str(out), "--wait"])
    assert after.exit_code == 0, after.output
    assert _pdf_pages(out / "schnell.pdf") >= 1
    assert worker.process.poll() is None
    # Each build had a fresh process (--max-jobs-per-child 1).
    assert len({m.group(5) for m in worker.builds()}) == 2


# Loaded by the worker at start-up (Python imports `sitecustomize` from its path): the
# disk is full when a build of EVENT renames its PDF into place, the first N times.
FULL_DISK = """
import errno, os
from pathlib import Path
from dokureport.output import write

FAILURES = dict(item.split("=") for item in os.environ["FULL_DISK"].split(","))
real_commit = write.Staged.commit

def commit(self):
    for path in self._pending:
        name = path.name.split(".")[0]
        if name in FAILURES and path.suffix == ".pdf":
            count = Path(os.environ["FULL_DISK_COUNTS"]) / name
            seen = int(count.read_text()) if count.exists() else 0
            count.write_text(str(seen + 1))
            if seen < int(FAILURES[name]):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    return real_commit(self)

write.Staged.commit = commit
"""


@pytest.mark.slow  # a real Redis and real workers
def test_machine_failures_are_retried_with_backoff(make_event, tmp_path: Path, broker: str,
                                                   start_worker, runner, monkeypatch) -> None:
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(FULL_DISK)
    monkeypatch.setenv("FULL_DISK", "einmal=1,immer=9")
    monkeypatch.setenv("FULL_DISK_COUNTS", str(inject))
    worker = start_worker("--retries", "1", path=inject)
    once = make_event(minimal_event(title="Einmal voll"), name="einmal")
    always = make_event(minimal_event(title="Immer voll"), name="immer")
    out = tmp_path / "out"
    out.mkdir()

    result = runner.invoke(cli, ["enqueue", str(once), str(always), "--broker", broker,
                                 "--out-dir", str(out), "--wait"])

    assert result.exit_code == 2, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines()
            if line.startswith(str(tmp_path))}
    assert " ok " in rows[str(once)]
    assert " FAILED " in rows[str(always)] and "No space left on device" in rows[str(always)]
    report = json.loads((out / "immer.report.json").read_text())
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    assert report["exit_code"] == 74
    assert [p["code"] for p in report["problems"] if p["severity"] == "error"] == ["io-error"]
    assert not (out / "immer.pdf").exists()
    assert _pdf_pages(out / "einmal.pdf") >= 1
    # Each built twice: the first attempt, and one retry 5 s later (--retries 1).
    attempts = [(Path(m.group(1)).name, m.group(4)) for m in worker.builds()]
    assert sorted(attempts) == [("einmal", "1"), ("einmal", "2"), ("immer", "1"),
                                ("immer", "2")]
    assert (inject / "immer").read_text() == "2"
    started = {}
    for line in worker.text().splitlines():
        found = BUILDING.search(line)
        if found:
            clock = dt.datetime.strptime(line[1:24], "%Y-%m-%d %H:%M:%S,%f")
            started[Path(found.group(1)).name, found.group(4)] = clock
    for name in ("einmal", "immer"):
        assert (started[name, "2"] - started[name, "1"]).total_seconds() >= 5  # the backoff


# A build of an event named "stuck" that ignores its time limit (as one stuck in C code
# would): it swallows the exception the soft limit raises and goes on.
STUCK = """
import time
from dokureport import pipeline

real_build = pipeline.build_brochures

def build_brochures(source, *args, **kwargs):
    while source.name == "stuck":
        try:
            time.sleep(0.1)
        except BaseException:
            pass
    return real_build(source, *args, **kwargs)

pipeline.build_brochures = build_brochures
"""


@pytest.mark.slow  # a real Redis and real workers
def test_a_build_that_ignores_its_time_limit_is_killed(make_event, tmp_path: Path,
                                                       broker: str, start_worker,
                                                       runner) -> None:
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(STUCK)
    worker = start_worker("--time-limit", "2", path=inject)
    stuck = make_event(minimal_event(title="Hängt"), name="stuck")
    quick = make_event(minimal_event(title="Schnell"), name="schnell")
    out = tmp_path / "out"
    out.mkdir()

    result = runner.invoke(cli, ["enqueue", str(stuck), str(quick), "--broker", broker,
                                 "--out-dir", str(out), "--wait"])

    assert result.exit_code == 2, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines()
            if line.startswith(str(tmp_path))}
    assert ("the build did not stop at the worker's time limit: its process was killed "
            "after 2.5 s") in rows[str(stuck)]
    assert " ok " in rows[str(quick)]
    report = json.loads((out / "stuck.report.json").read_text())  # the worker wrote it
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    assert report["exit_code"] == 2
    assert [p["code"] for p in report["problems"]] == ["time-limit"]
    assert not (out / "stuck.pdf").exists()
    # The stuck build's process was killed; a new one built the next event.
    [first, second] = worker.builds()
    assert first.group(5) != second.group(5)
    assert worker.process.poll() is None


def test_the_plain_install_needs_no_queue_library() -> None:
    """The command line, the API and a build import no Celery, kombu or redis."""
    code = ("import sys, dokureport.cli, dokureport.api, dokureport.pipeline; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('celery', 'kombu', 'redis', 'billiard')))")
    env = dict(os.environ, PYTHONPATH=str(Path(dokureport.__file__).parents[1]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("command", [["worker"], ["enqueue", "event", "--out-dir", "."]])
def test_without_the_queue_extra_the_commands_say_how_to_get_it(command, runner,
                                                                monkeypatch) -> None:
    for name in [m for m in sys.modules if m.startswith(("celery", "dokureport.queue"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "celery", None)  # import celery fails as if absent

    result = runner.invoke(cli, [*command, "--broker", "redis://127.0.0.1:1/0"])

    assert result.exit_code == 2
    assert result.stderr.strip() == ("dokureport: the queue needs Celery and Redis's client: "
                                     "pip install 'dokureport[queue]'")


def test_a_queue_that_cannot_be_reached_is_the_machines_failure(make_event, tmp_path: Path,
                                                                runner) -> None:
    folder = make_event(minimal_event(), name="event")
    port = _free_port()  # nothing listens there

    result = runner.invoke(cli, ["enqueue", str(folder), "--out-dir", str(tmp_path),
                                 "--broker", f"redis://:geheim@127.0.0.1:{port}/0"])

    assert result.exit_code == 74
    assert result.stderr.startswith(
        f"error: the queue at redis://…@127.0.0.1:{port}/0 cannot be reached: ")
    assert "geheim" not in result.output


def test_a_jobs_key_is_the_hash_of_everything_its_build_reads(make_event, tmp_path: Path,
                                                              monkeypatch) -> None:
    folder = make_event(minimal_event(), ("01.jpg",), name="event")
    theme = tmp_path / "hausfarben.yaml"
    theme.write_text("extends: classic\n")
    monkeypatch.chdir(tmp_path)

    def key(out: str = "out", **options: object) -> str:
        return job_key(JobSpec.of(folder, tmp_path / out, "event", BuildOptions(**options),
                                  ["screen"]))

    first = key(theme="hausfarben.yaml")
    assert key(theme="hausfarben.yaml") == first
    spec = JobSpec.of(folder, tmp_path, "event", BuildOptions(theme="hausfarben.yaml"),
                      ["screen"])
    assert spec.options["theme"] == str(theme)  # absolute: a worker's folder is its own
    assert key(theme="classic") != first
    assert key("elsewhere", theme="hausfarben.yaml") != first
    assert key(theme="hausfarben.yaml", paper="a5") != first
    # Options that change how a build runs, not what it writes, are not part of it.
    assert key(theme="hausfarben.yaml", jobs=3, cache_dir=tmp_path) == first

    theme.write_text("extends: bold\n")
    changed_theme = key(theme="hausfarben.yaml")
    assert changed_theme != first
    photo = folder / "photos" / "01.jpg"
    photo.write_bytes(photo.read_bytes()[:-1] + b"\0")
    changed_photo = key(theme="hausfarben.yaml")
    assert changed_photo != changed_theme
    (folder / "notes.txt").write_text("neu")
    assert key(theme="hausfarben.yaml") != changed_photo


@pytest.mark.slow  # a real Redis and real workers
def test_a_worker_told_to_exit_when_idle_ends_once_the_queue_is_empty(
        make_event, tmp_path: Path, broker: str, start_worker, runner) -> None:
    worker = start_worker("--exit-when-idle", "3")
    folder = make_event(minimal_event(), name="event")
    out = tmp_path / "out"
    out.mkdir()

    result = runner.invoke(cli, ["enqueue", str(folder), "--broker", broker,
                                 "--out-dir", str(out), "--wait"])

    assert result.exit_code == 0, result.output
    assert worker.process.wait(30) == 0
    assert "had no job for 3 s: stopping" in worker.text()
    assert len(worker.builds()) == 1


@pytest.mark.slow  # a real Redis and real workers
def test_a_build_process_over_its_memory_limit_is_replaced(
        make_event, tmp_path: Path, broker: str, start_worker, runner) -> None:
    # Every build process is over 50 MiB after a build: each build gets a fresh one,
    # although --max-jobs-per-child would allow 20.
    worker = start_worker("--max-memory-per-child", "50")
    folders = [make_event(minimal_event(title=f"Nummer {n}"), name=f"event-{n}")
               for n in range(2)]
    out = tmp_path / "out"
    out.mkdir()

    result = runner.invoke(cli, ["enqueue", *map(str, folders), "--broker", broker,
                                 "--out-dir", str(out), "--wait"])

    assert result.exit_code == 0, result.output
    assert len({m.group(5) for m in worker.builds()}) == 2


def test_a_lost_job_may_not_come_back_while_it_could_still_be_building(runner) -> None:
    result = runner.invoke(cli, ["worker", "--broker", "redis://127.0.0.1:1/0",
                                 "--time-limit", "20", "--lost-after", "25"])

    assert result.exit_code == 2
    assert "--lost-after must be longer than 25 s" in result.stderr
