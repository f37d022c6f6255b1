"""Throughput of the queue: events a minute on 1 and on 2 workers, on a real Redis.

Usage (from the repository root, in the project's virtual environment with the `queue`
extra, and redis-server on the PATH):

    python benchmarks/bench_queue.py [--events 12] [--rounds 3] [--event PATH]

Each round starts W workers (`dokureport worker`, one build process each) for W = 1, then
2, puts `--events` copies of the event on the queue (each with its own title, so none is
the same job as another) and times from the first enqueue to the last report. The photo
cache is shared and warmed first, as on a platform that rebuilds changed programmes.
Rounds interleave W = 1 and W = 2, so a machine whose load drifts skews both alike; the
load average is printed with each run. Also printed: the peak resident memory of the
workers' build processes and of the worker processes themselves (VmHWM).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

from dokureport.core.options import BuildOptions
from dokureport.core.resources import sample_event_dir
from dokureport.queue import client

SRC = Path(__file__).resolve().parents[1] / "src"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis(folder: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no", "--dir", str(folder)],
                               stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(200):
        try:
            redis.Redis.from_url(url).ping()
            return process, url
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def _copies(event: Path, into: Path, count: int, label: str) -> list[Path]:
    """`count` copies of the event, each with its own title (photos linked, not copied)."""
    text = (event / "event.yaml").read_text(encoding="utf-8")
    folders = []
    for n in range(count):
        folder = into / f"{label}-{n:03d}"
        shutil.copytree(event, folder, copy_function=os.link)
        (folder / "event.yaml").unlink()
        (folder / "event.yaml").write_text(
            re.sub(r"^title: ", f"title: {label} {n} ", text, count=1, flags=re.M),
            encoding="utf-8")
        folders.append(folder)
    return folders


def _peak_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _run(url: str, workers: int, events: list[Path], out: Path, cache: Path
         ) -> tuple[float, int, int]:
    """Seconds from the first enqueue to the last report; peak KiB of a build process and
    of a worker process."""
    env = dict(os.environ, PYTHONPATH=str(SRC))
    procs = []
    logs = []
    for n in range(workers):
        log = out / f"worker-{n}.log"
        logs.append(log)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "dokureport", "worker", "--broker", url,
             "--cache-dir", str(cache)], stdout=log.open("w"), stderr=subprocess.STDOUT,
            env=env, start_new_session=True))
    try:
        while not all("ready on" in log.read_text() for log in logs):
            time.sleep(0.05)
        began = time.perf_counter()
        jobs = client.enqueue(events, out, BuildOptions(), ["screen"], url)
        outcomes = client.wait(jobs, url)
        seconds = time.perf_counter() - began
        if not all(o.ok for o in outcomes):
            raise SystemExit(f"a build failed: {[o.problems for o in outcomes if not o.ok]}")
        build_peak = max(_peak_kib(c) for p in procs for c in _children(p.pid))
        worker_peak = max(_peak_kib(p.pid) for p in procs)
    finally:  # no worker outlives its run, even a failed one
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
    return seconds, build_peak, worker_peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--event", type=Path, default=sample_event_dir())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        server, url = _redis(root)
        try:
            cache = root / "cache"
            warm = root / "warm"
            warm.mkdir()
            _run(url, 1, _copies(args.event, root, 1, "warm"), warm, cache)
            results: dict[int, list[float]] = {1: [], 2: []}
            peaks: dict[int, list[tuple[int, int]]] = {1: [], 2: []}
            for r in range(args.rounds):
                for workers in (1, 2):
                    out = root / f"out-{r}-{workers}"
                    out.mkdir()
                    events = _copies(args.event, root, args.events, f"r{r}w{workers}")
                    load = os.getloadavg()[0]
                    seconds, build_kib, worker_kib = _run(url, workers, events, out, cache)
                    rate = args.events / seconds * 60
                    results[workers].append(rate)
                    peaks[workers].append((build_kib, worker_kib))
                    print(f"round {r + 1}, {workers} worker(s): {args.events} events in "
                          f"{seconds:.1f} s = {rate:.1f} events/min (load average "
                          f"{load:.1f} on {os.cpu_count()} cores; peak RSS: build process "
                          f"{build_kib / 1024:.0f} MiB, worker {worker_kib / 1024:.0f} MiB)",
                          flush=True)
        finally:
            server.terminate()
            server.wait(10)
    for workers, rates in results.items():
        print(f"{workers} worker(s): median {statistics.median(rates):.1f} events/min "
              f"(min {min(rates):.1f}, max {max(rates):.1f}; {len(rates)} rounds); peak build "
              f"process {max(b for b, _ in peaks[workers]) / 1024:.0f} MiB")
    speedup = statistics.median(results[2]) / statistics.median(results[1])
    print(f"2 workers / 1 worker: {speedup:.2f}×")


if __name__ == "__main__":
    main()
