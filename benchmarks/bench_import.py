"""Import and build a programme of over 1,000 talks from a real frab schedule.json.

Usage (from the repository root, in the project's virtual environment):

    python benchmarks/bench_import.py [--copies 14] [--rounds 3] [--markdown]

The programme is the real CCCamp 2019 export in tests/imports (79 talks over five days,
German and English), repeated `--copies` times on consecutive weeks with fresh guids:
1,106 talks at the default. Each round times, as separate processes:

  import     `dokureport import schedule.json DIR`
  validate   `dokureport validate DIR`
  build      `dokureport build DIR --no-cache -q`

and the peak RSS of each process (its VmHWM, from /proc, sampled every 20 ms). The same
three steps on the 79-talk original run in the same rounds, interleaved, for the ratio:
time should grow no faster than the number of talks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "imports" / "frab_json" / "camp2019.json"
CLI = [sys.executable, "-m", "dokureport"]


def programme(copies: int) -> dict:
    """The camp's schedule repeated `copies` times, one week apart, with fresh guids."""
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    conference = data["schedule"]["conference"]
    days = conference["days"]
    all_days = []
    for copy in range(copies):
        shift = dt.timedelta(weeks=copy)
        for day in json.loads(json.dumps(days)):
            day["date"] = (dt.date.fromisoformat(day["date"]) + shift).isoformat()
            for key in ("day_start", "day_end"):
                day[key] = (dt.datetime.fromisoformat(day[key]) + shift).isoformat()
            for talks in day["rooms"].values():
                for talk in talks:
                    talk["date"] = (dt.datetime.fromisoformat(talk["date"]) + shift).isoformat()
                    talk["guid"] = str(uuid.UUID(int=hash((talk["guid"], copy)) % 2**128))
                    talk["id"] = talk["id"] * 100 + copy
            day["index"] = len(all_days) + 1
            all_days.append(day)
    conference["days"] = all_days
    conference["end"] = all_days[-1]["date"]
    conference["daysCount"] = len(all_days)
    return data


def talks_in(data: dict) -> int:
    return sum(len(t) for d in data["schedule"]["conference"]["days"]
               for t in d["rooms"].values())


def run(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one dokureport process."""
    started = time.perf_counter()
    process = subprocess.Popen([*CLI, *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    peak = 0

    def sample() -> None:
        nonlocal peak
        status = Path(f"/proc/{process.pid}/status")
        while process.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.02)

    watcher = threading.Thread(target=sample)
    watcher.start()
    _, err = process.communicate()
    watcher.join()
    if process.returncode not in (0,):
        raise SystemExit(f"dokureport {' '.join(args)} failed: {err.decode()[-2000:]}")
    return time.perf_counter() - started, peak // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=14)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    results: dict[str, dict[str, list[tuple[float, int]]]] = {}
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        sizes = {"small": programme(1), "large": programme(args.copies)}
        for name, data in sizes.items():
            (work / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
            results[name] = {"import": [], "validate": [], "build": []}
        for round_ in range(args.rounds):
            for name in sizes:
                folder = work / f"{name}-{round_}"
                results[name]["import"].append(run(["import", str(work / f"{name}.json"),
                                                    str(folder)]))
                results[name]["validate"].append(run(["validate", str(folder)]))
                results[name]["build"].append(run(["build", str(folder), "-o",
                                                   str(folder / "out.pdf"), "--no-cache",
                                                   "-q"]))
        pages = {name: subprocess.run(["pdfinfo", str(work / f"{name}-0" / "out.pdf")],
                                      capture_output=True, text=True).stdout
                 for name in sizes}
    counts = {name: talks_in(data) for name, data in sizes.items()}
    summary = {
        name: {step: {"median_s": round(statistics.median(t for t, _ in runs), 2),
                      "peak_mib": max(m for _, m in runs)}
               for step, runs in steps.items()} | {"talks": counts[name]}
        for name, steps in results.items()}
    print(json.dumps(summary, indent=1))
    if args.markdown:
        page_count = {n: next((line.split()[-1] for line in text.splitlines()
                               if line.startswith("Pages:")), "?") for n, text in pages.items()}
        print(f"\n| step | {counts['small']} talks ({page_count['small']} pages) | "
              f"{counts['large']} talks ({page_count['large']} pages) | time ratio "
              f"(talks ×{counts['large'] / counts['small']:.0f}) |")
        print("|---|---|---|---|")
        for step in ("import", "validate", "build"):
            small, large = summary["small"][step], summary["large"][step]
            print(f"| {step} | {small['median_s']:.2f} s, {small['peak_mib']} MiB | "
                  f"{large['median_s']:.2f} s, {large['peak_mib']} MiB | "
                  f"{large['median_s'] / small['median_s']:.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
