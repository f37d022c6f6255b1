"""What tagging costs: the same event built tagged and untagged, interleaved, time and size.

Usage (from the repository root, in the project's virtual environment):

    python benchmarks/bench_tagging.py --n 300 [--rounds 3] [--cold] [--jobs 2] [--markdown]

Builds bench_photos.py's synthetic event of N camera photos (N/5 talks; the photos are
generated once into benchmarks/.work, shared with bench_photos.py) for the screen target,
once with the structure tree (as shipped) and once without (`BuildOptions(tagged=False)`,
internal, no CLI flag: no marked content, no structure tree; everything else, the
linearization included, as usual). Each build runs in a fresh process, as the CLI would.

  warm   every photo from one shared cache, filled by an unmeasured build first; the
         rounds alternate the order (tagged first, then untagged first, …) so that a
         drift of the shared machine's load falls on both alike
  cold   (--cold) one pair with an empty cache each, tagged then untagged

Per build: wall time of the process, the layout and post-process stages as the build
timed them, and the PDF's size. The ratios are of the medians over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_photos import WORK, ensure_event, ensure_photos, machine


@dataclass
class Build:
    tagged: bool
    cache: str  # "warm" or "cold"
    seconds: float
    stages: dict[str, float]
    pdf_bytes: int
    pages: int


@dataclass
class Result:
    n: int
    jobs: int
    rounds: int
    builds: list[Build] = field(default_factory=list)


def _build_here(event: Path, out: Path, cache: Path, jobs: int, tagged: bool) -> None:
    """The measured process: one screen build; prints its stage timings as JSON."""
    from dokureport.options import BuildOptions
    from dokureport.pipeline import BuildTrace, build_brochures

    trace = BuildTrace()
    options = BuildOptions(target="screen", jobs=jobs, cache_dir=cache, tagged=tagged)
    result = build_brochures(event, out, options, ("screen",), trace)[0]
    stages: dict[str, float] = {}
    for name, _target, seconds in trace.timings:
        stages[name] = stages.get(name, 0.0) + seconds
    print(json.dumps({"stages": stages, "pages": result.pages}))


def build(event: Path, out: Path, cache: Path, jobs: int, tagged: bool, kind: str) -> Build:
    command = [sys.executable, str(Path(__file__).resolve()), "_build", str(event), str(out),
               str(cache), str(jobs), "1" if tagged else "0"]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"build failed ({'tagged' if tagged else 'untagged'}):\n"
                         f"{done.stderr[-2000:]}")
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    return Build(tagged=tagged, cache=kind, seconds=seconds, stages=facts["stages"],
                 pdf_bytes=out.stat().st_size, pages=facts["pages"])


def bench(n: int, rounds: int, jobs: int, cold: bool) -> Result:
    photos = ensure_photos(n, jobs)
    event = ensure_event(n, photos, with_photos=True)
    result = Result(n=n, jobs=jobs, rounds=rounds)
    outs = {True: WORK / f"tagged-{n}.pdf", False: WORK / f"untagged-{n}.pdf"}
    if cold:
        for tagged in (True, False):
            cache = WORK / f"cache-tagging-{n}-cold"
            shutil.rmtree(cache, ignore_errors=True)
            result.builds.append(build(event, outs[tagged], cache, jobs, tagged, "cold"))
            shutil.rmtree(cache, ignore_errors=True)
    cache = WORK / f"cache-tagging-{n}"
    print(f"N={n}: filling the photo cache (not measured) …", file=sys.stderr)
    build(event, outs[True], cache, jobs, True, "fill")
    for index in range(rounds):
        order = (True, False) if index % 2 == 0 else (False, True)
        for tagged in order:
            built = build(event, outs[tagged], cache, jobs, tagged, "warm")
            result.builds.append(built)
            print(f"  round {index + 1}: {'tagged' if tagged else 'untagged':8} "
                  f"{built.seconds:6.1f} s", file=sys.stderr)
    return result


def summary(result: Result, kind: str) -> dict[str, float] | None:
    """Medians of tagged and untagged builds of one kind, and their ratios."""
    tagged = [b for b in result.builds if b.cache == kind and b.tagged]
    untagged = [b for b in result.builds if b.cache == kind and not b.tagged]
    if not tagged or not untagged:
        return None

    def median(builds: list[Build], key: str) -> float:
        if key == "seconds":
            return statistics.median(b.seconds for b in builds)
        return statistics.median(b.stages.get(key, 0.0) for b in builds)

    out: dict[str, float] = {"pages": tagged[0].pages,
                             "tagged_bytes": tagged[0].pdf_bytes,
                             "untagged_bytes": untagged[0].pdf_bytes}
    for key in ("seconds", "layout", "post-process"):
        out[f"tagged_{key}"] = median(tagged, key)
        out[f"untagged_{key}"] = median(untagged, key)
    return out


def markdown(results: list[Result]) -> str:
    rows = ["| N | photos cache | builds | pages | tagged | untagged | time × "
            "| layout tagged / untagged | post-process tagged / untagged "
            "| PDF tagged | PDF untagged | size × |",
            "|" + "---|" * 12]
    for result in results:
        for kind in ("warm", "cold"):
            s = summary(result, kind)
            if s is None:
                continue
            count = sum(1 for b in result.builds if b.cache == kind)
            rows.append(
                f"| {result.n} | {kind} | {count} | {s['pages']:.0f} "
                f"| {s['tagged_seconds']:.1f} s | {s['untagged_seconds']:.1f} s "
                f"| {s['tagged_seconds'] / s['untagged_seconds']:.3f} "
                f"| {s['tagged_layout']:.1f} / {s['untagged_layout']:.1f} s "
                f"| {s['tagged_post-process']:.2f} / {s['untagged_post-process']:.2f} s "
                f"| {s['tagged_bytes'] / 2**20:.2f} MiB | {s['untagged_bytes'] / 2**20:.2f} MiB "
                f"| {s['tagged_bytes'] / s['untagged_bytes']:.3f} |")
    return "\n".join(rows)


def main() -> None:
    if len(sys.argv) == 7 and sys.argv[1] == "_build":
        _build_here(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]),
                    int(sys.argv[5]), sys.argv[6] == "1")
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, action="append", help="photos (repeatable)")
    parser.add_argument("--rounds", type=int, default=3, help="warm pairs (default 3)")
    parser.add_argument("--cold", action="store_true", help="also one cold pair")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.n or [300]:
        result = bench(n, args.rounds, args.jobs, args.cold)
        results.append(result)
        (WORK / f"tagging-{n}.json").write_text(json.dumps(asdict(result), indent=2))
        print(json.dumps(asdict(result), indent=2))
    print(f"\nMachine: {machine()}")
    print(f"Command: python benchmarks/bench_tagging.py {' '.join(sys.argv[1:])}")
    if args.markdown:
        print()
        print(markdown(results))


if __name__ == "__main__":
    main()
