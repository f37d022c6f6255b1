"""What tagging costs: the same event built tagged and untagged, interleaved, time and size.

Usage (from the repository root, in the project's virtual environment):

    python benchmarks/bench_tagging.py --n 300 [--rounds 3] [--cold] [--paired 0]
                                       [--jobs 2] [--markdown]

Builds bench_photos.py's synthetic event of N camera photos (N/5 talks; the photos are
generated once into benchmarks/.work, shared with bench_photos.py) for the screen target,
once with the structure tree (as shipped) and once without (`BuildOptions(tagged=False)`,
internal, no CLI flag: no marked content, no structure tree; everything else, the
linearization included, as usual). Each build runs in a fresh process, as the CLI would.

  warm   every photo from one shared cache, filled by an unmeasured build first; the
         rounds alternate the order (tagged first, then untagged first, …) so that a
         drift of the shared machine's load falls on both alike
  paired (--paired K) K more warm pairs, each pair's two builds run at the same time,
         one per core (pinned, one job each; a warm build decodes no photo): the
         machine's speed, which on a shared virtual machine drifts by more than the
         10 % measured here within a minute, is the same for both builds of a pair
  cold   (--cold) one pair with an empty cache each, tagged then untagged
  instructions (--instructions) one warm pair run under valgrind's callgrind, which
         counts the instructions executed: the same count on every run, so the one
         measure of tagging's cost that this machine's drift cannot move (valgrind
         makes the builds about 50 times slower)

Per build: wall and CPU time of the process (its workers included), the layout and
post-process stages as the build timed them, and the PDF's size. The table gives the
medians over the rounds, the median of the per-pair ratios with their range, and the
ratio of the fastest builds (the best of the rounds, as `timeit` reports: a busy
machine only ever adds time, so the fastest build is the one least disturbed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_photos import WORK, ensure_event, ensure_photos, machine


@dataclass
class Build:
    tagged: bool
    cache: str  # "warm", "paired" or "cold"
    seconds: float
    stages: dict[str, float]
    pdf_bytes: int
    pages: int
    cpu: float = 0.0  # user + system seconds of the build process and its workers
    pair: int = 0  # the round: a tagged and an untagged build of one kind share it
    instructions: int = 0  # counted by callgrind (kind "instructions" only)


@dataclass
class Result:
    n: int
    jobs: int
    rounds: int
    builds: list[Build] = field(default_factory=list)


def _build_here(event: Path, out: Path, cache: Path, jobs: int, tagged: bool) -> None:
    """The measured process: one screen build; prints its stage timings as JSON.

    The process runs as the command line's does (its collector policy), which has no
    flag for an untagged build."""
    from dokureport.core.collector import command_line_policy
    from dokureport.core.options import BuildOptions
    from dokureport.pipeline import BuildTrace, build_brochures

    command_line_policy()
    trace = BuildTrace()
    options = BuildOptions(target="screen", jobs=jobs, cache_dir=cache, tagged=tagged)
    result = build_brochures(event, out, options, ("screen",), trace)[0]
    stages: dict[str, float] = {}
    for name, _target, seconds in trace.timings:
        stages[name] = stages.get(name, 0.0) + seconds
    cpu = sum(getattr(resource.getrusage(who), field)
              for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for field in ("ru_utime", "ru_stime"))
    print(json.dumps({"stages": stages, "pages": result.pages, "cpu": cpu}))


def build(event: Path, out: Path, cache: Path, jobs: int, tagged: bool, kind: str,
          pair: int = 0, core: int | None = None) -> Build:
    command = [sys.executable, str(Path(__file__).resolve()), "_build", str(event), str(out),
               str(cache), str(jobs), "1" if tagged else "0"]
    counts = WORK / f"callgrind-{'tagged' if tagged else 'untagged'}.out"
    if kind == "instructions":
        if shutil.which("valgrind") is None:
            raise SystemExit("--instructions needs valgrind")
        counts.unlink(missing_ok=True)
        command = ["valgrind", "--tool=callgrind", "--trace-children=no",
                   f"--callgrind-out-file={counts}", *command]
    pin = None if core is None else (lambda: os.sched_setaffinity(0, {core}))
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, preexec_fn=pin)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"build failed ({'tagged' if tagged else 'untagged'}):\n"
                         f"{done.stderr[-2000:]}")
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    return Build(tagged=tagged, cache=kind, seconds=seconds, stages=facts["stages"],
                 pdf_bytes=out.stat().st_size, pages=facts["pages"], cpu=facts["cpu"],
                 pair=pair, instructions=_total_instructions(counts) if kind ==
                 "instructions" else 0)


def _total_instructions(counts: Path) -> int:
    """The `totals:` (or `summary:`) line of a callgrind output file: instructions read."""
    for line in counts.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise SystemExit(f"no instruction count in {counts}")


def build_pair(event: Path, outs: dict[bool, Path], cache: Path, pair: int) -> list[Build]:
    """A tagged and an untagged warm build at the same time, each pinned to its own core
    (the cores swap every pair)."""
    cores = sorted(os.sched_getaffinity(0))[:2]
    if len(cores) < 2:
        raise SystemExit("--paired needs two cores")
    if pair % 2:
        cores.reverse()
    built: dict[bool, Build] = {}

    def one(tagged: bool, core: int) -> None:
        built[tagged] = build(event, outs[tagged], cache, 1, tagged, "paired", pair, core)

    threads = [threading.Thread(target=one, args=(tagged, core))
               for tagged, core in zip((True, False), cores, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(built) != 2:
        raise SystemExit("a paired build failed")
    return [built[True], built[False]]


def bench(n: int, rounds: int, jobs: int, cold: bool, paired: int = 0,
          instructions: bool = False) -> Result:
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
            built = build(event, outs[tagged], cache, jobs, tagged, "warm", index)
            result.builds.append(built)
            print(f"  round {index + 1}: {'tagged' if tagged else 'untagged':8} "
                  f"{built.seconds:6.1f} s", file=sys.stderr)
    paired_outs = {True: WORK / f"tagged-{n}-paired.pdf",
                   False: WORK / f"untagged-{n}-paired.pdf"}
    for index in range(paired):
        pair = build_pair(event, paired_outs, cache, index)
        result.builds.extend(pair)
        print(f"  pair {index + 1}: tagged {pair[0].seconds:5.2f} s, untagged "
              f"{pair[1].seconds:5.2f} s: {pair[0].seconds / pair[1].seconds:.3f}",
              file=sys.stderr)
    if instructions:
        for tagged in (True, False):
            # One job: the photos are in the cache, and callgrind follows one process.
            result.builds.append(build(event, outs[tagged], cache, 1, tagged,
                                       "instructions"))
        print(f"  instructions: tagged {result.builds[-2].instructions:,}, untagged "
              f"{result.builds[-1].instructions:,}", file=sys.stderr)
    return result


def summary(result: Result, kind: str) -> dict[str, float] | None:
    """Medians of tagged and untagged builds of one kind, and their ratios."""
    tagged = [b for b in result.builds if b.cache == kind and b.tagged]
    untagged = [b for b in result.builds if b.cache == kind and not b.tagged]
    if not tagged or not untagged:
        return None

    def median(builds: list[Build], key: str) -> float:
        if key in ("seconds", "instructions"):
            return statistics.median(getattr(b, key) for b in builds)
        return statistics.median(b.stages.get(key, 0.0) for b in builds)

    out: dict[str, float] = {"pages": tagged[0].pages,
                             "tagged_bytes": tagged[0].pdf_bytes,
                             "untagged_bytes": untagged[0].pdf_bytes}
    for key in ("seconds", "layout", "post-process", "instructions"):
        out[f"tagged_{key}"] = median(tagged, key)
        out[f"untagged_{key}"] = median(untagged, key)
    partner = {b.pair: b for b in untagged}
    for key in ("seconds", "cpu", "instructions"):
        ratios = [getattr(b, key) / getattr(partner[b.pair], key)
                  for b in tagged if b.pair in partner and getattr(partner[b.pair], key)]
        if ratios:
            out[f"{key}_ratio"] = statistics.median(ratios)
            out[f"{key}_low"], out[f"{key}_high"] = min(ratios), max(ratios)
            out[f"{key}_best"] = (min(getattr(b, key) for b in tagged)
                                  / min(getattr(b, key) for b in untagged))
    return out


def _ratio(s: dict[str, float], key: str, pairs: int) -> str:
    """The median of the per-pair ratios, with their range when there are several."""
    if f"{key}_ratio" not in s:
        return "–"
    if pairs == 1:
        return f"{s[f'{key}_ratio']:.3f}"
    return f"{s[f'{key}_ratio']:.3f} ({s[f'{key}_low']:.2f}–{s[f'{key}_high']:.2f})"


def _best(s: dict[str, float], key: str, pairs: int) -> str:
    """The fastest tagged build over the fastest untagged one."""
    return f"{s[f'{key}_best']:.3f}" if f"{key}_best" in s and pairs > 1 else "–"


def markdown(results: list[Result]) -> str:
    rows = ["| N | kind | pairs | pages | tagged | untagged | time × (range) | time × best "
            "| CPU × (range) | CPU × best | layout tagged / untagged "
            "| post-process tagged / untagged | PDF tagged | PDF untagged | size × |",
            "|" + "---|" * 15]
    for result in results:
        for kind in ("warm", "paired", "cold", "instructions"):
            s = summary(result, kind)
            if s is None:
                continue
            pairs = sum(1 for b in result.builds if b.cache == kind) // 2
            if kind == "instructions":
                rows.append(
                    f"| {result.n} | instructions (callgrind) | 1 | {s['pages']:.0f} "
                    f"| {s['tagged_instructions'] / 1e9:.2f} G "
                    f"| {s['untagged_instructions'] / 1e9:.2f} G "
                    f"| {_ratio(s, 'instructions', 1)} | – | – | – | – | – | – | – | – |")
                continue
            rows.append(
                f"| {result.n} | {kind} | {pairs} | {s['pages']:.0f} "
                f"| {s['tagged_seconds']:.2f} s | {s['untagged_seconds']:.2f} s "
                f"| {_ratio(s, 'seconds', pairs)} | {_best(s, 'seconds', pairs)} "
                f"| {_ratio(s, 'cpu', pairs)} | {_best(s, 'cpu', pairs)} "
                f"| {s['tagged_layout']:.2f} / {s['untagged_layout']:.2f} s "
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
    parser.add_argument("--paired", type=int, default=0, metavar="K",
                        help="also K warm pairs built at the same time, one per core")
    parser.add_argument("--instructions", action="store_true",
                        help="also one warm pair counted by callgrind (slow)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.n or [300]:
        result = bench(n, args.rounds, args.jobs, args.cold, args.paired, args.instructions)
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
