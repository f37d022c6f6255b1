"""The 60-talk Latin text build, side by side in several source trees: CPU time per build.

Usage (from the repository root):

    git archive COMMIT src fonts | tar -x -C /tmp/trees/COMMIT    # once per commit
    python benchmarks/bench_trees.py [--rounds 15] [--talks 60] NAME=TREE [NAME=TREE ...]

A TREE is a folder holding `src/` and `fonts/` (a checkout or an export of a commit). The
event is bench_text.py's (German abstracts, an intro, an agenda). Every tree builds it as
in the edit loop (`build -q` with its own cache folder, warmed by one build before the
rounds: settled pages kept), each in its own process with PYTHONPATH at the tree's src;
within a round the trees run one after the other, in an order turned by one each round,
so a busy moment of the machine falls on each alike. Reported per tree: the median CPU
time (user + system of the build process) and wall time over the rounds, and the median
of its per-round CPU ratio to the first tree, with the range.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_photos import WORK, make_logo  # the shared work folder and the event's logo
from bench_text import event_yaml

PY = sys.executable


def build(tree: Path, folder: Path, cache: Path) -> tuple[float, float]:
    """One build of the event with the tree's code: (CPU seconds, wall seconds)."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([PY, "-m", "dokureport", "build", str(folder), "-o",
                    str(cache / "out.pdf"), "-q", "--cache-dir", str(cache)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--talks", type=int, default=60)
    parser.add_argument("trees", nargs="+", help="NAME=FOLDER with src/ and fonts/")
    args = parser.parse_args()
    trees = {name: Path(path).resolve() for name, path in
             (spec.split("=", 1) for spec in args.trees)}
    folder = WORK / f"trees-text-{args.talks}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "event.yaml").write_text(event_yaml(args.talks), encoding="utf-8")
    if not (folder / "logo.png").exists():
        make_logo(folder / "logo.png")
    caches = {name: WORK / f"trees-cache-{name}" for name in trees}
    for name, tree in trees.items():  # warm-up: each tree's cache and settled pages
        caches[name].mkdir(parents=True, exist_ok=True)
        build(tree, folder, caches[name])
    cpu: dict[str, list[float]] = {name: [] for name in trees}
    wall: dict[str, list[float]] = {name: [] for name in trees}
    names = list(trees)
    for r in range(args.rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            c, w = build(trees[name], folder, caches[name])
            cpu[name].append(c)
            wall[name].append(w)
        print(f"round {r + 1}: " + ", ".join(f"{n} {cpu[n][-1]:.2f}" for n in names),
              flush=True)
    first = names[0]
    print(f"\n{args.talks} talks, {args.rounds} rounds; CPU and wall in s (medians); "
          f"ratio: median of per-round CPU ratios to {first} [min–max]")
    for name in names:
        ratios = [a / b for a, b in zip(cpu[name], cpu[first], strict=True)]
        print(f"{name:>12}: CPU {statistics.median(cpu[name]):.3f}  wall "
              f"{statistics.median(wall[name]):.3f}  ratio {statistics.median(ratios):.3f} "
              f"[{min(ratios):.3f}–{max(ratios):.3f}]")


if __name__ == "__main__":
    main()
