"""Hostile input is refused quickly: dokureport's loader against plain PyYAML, side by side.

Usage (from the repository root, in the project's virtual environment):

    python benchmarks/bench_hostile.py [--rounds 5] [--markdown]

Per case it times, in the same run and interleaved round by round:

  dokureport   `validate_event` on the file (the hardened loader, then validation)
  PyYAML       `yaml.safe_load` of the same text, then `json.dumps` of the result (what a
               consumer of the data does), in a child process killed after --cap seconds

Cases: a billion-laughs alias bomb, 5,000 levels of nesting, a 5 MB file, and every case
of the input corpus (tests/corpus). Target: every dokureport refusal within 1 s (median).
These limits used to be wall-clock assertions in the tests; timing belongs here.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 1.0


def generated_cases(folder: Path) -> dict[str, Path]:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    texts = {
        "billion laughs": "\n".join(lines) + "\n",
        "5,000 levels of nesting": "a: " + "[" * 5000 + "]" * 5000 + "\n",
        "5 MB of text": "title: x\nevent: {start: 2019-10-29}\nintro: |\n"
                        + "  Text, und noch mehr Text.\n" * 200_000,
    }
    cases = {}
    for n, (name, text) in enumerate(texts.items()):
        case = folder / f"gen{n}"
        case.mkdir()
        (case / "event.yaml").write_text(text, encoding="utf-8")
        cases[name] = case
    return cases


def corpus_cases() -> dict[str, Path]:
    return {f"corpus: {p.name}": p for p in sorted((ROOT / "tests" / "corpus").iterdir())
            if (p / "event.yaml").exists()}


def time_dokureport(case: Path) -> float:
    from dokureport.core.errors import DokureportError
    from dokureport.validate import validate_event

    started = time.perf_counter()
    with contextlib.suppress(DokureportError):
        validate_event(case, allow_outside=True)
    return time.perf_counter() - started


_PYYAML = """
import json, sys, time, yaml
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
started = time.perf_counter()
try:
    json.dumps(yaml.safe_load(text), default=str)
except Exception:
    pass
print(time.perf_counter() - started)
"""


def time_pyyaml(case: Path, cap: float) -> float | None:
    try:
        done = subprocess.run([sys.executable, "-c", _PYYAML, str(case / "event.yaml")],
                              capture_output=True, text=True, timeout=cap)
        return float(done.stdout.strip() or "nan")
    except subprocess.TimeoutExpired:
        return None  # still going when killed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cap", type=float, default=20.0,
                        help="seconds before a PyYAML run is killed")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        cases = generated_cases(Path(temp)) | corpus_cases()
        ours: dict[str, list[float]] = {name: [] for name in cases}
        peer: dict[str, list[float | None]] = {name: [] for name in cases}
        for _ in range(args.rounds):
            for name, case in cases.items():
                ours[name].append(time_dokureport(case))
                peer[name].append(time_pyyaml(case, args.cap))
    rows = []
    for name in cases:
        mine = statistics.median(ours[name])
        theirs = [t for t in peer[name] if t is not None]
        rows.append({"case": name, "dokureport_s": round(mine, 4),
                     "pyyaml_s": round(statistics.median(theirs), 4) if theirs else None,
                     "pyyaml_killed": len(theirs) < len(peer[name]),
                     "within_target": mine <= TARGET_S})
    print(json.dumps(rows, indent=1))
    if args.markdown:
        print(f"\n| case | dokureport (median of {args.rounds}) | PyYAML safe_load + dump |")
        print("|---|---|---|")
        for r in rows:
            theirs = (f"killed after {args.cap:g} s" if r["pyyaml_killed"]
                      else f"{r['pyyaml_s']:.3f} s")
            print(f"| {r['case']} | {r['dokureport_s']:.3f} s | {theirs} |")
    slow = [r["case"] for r in rows if not r["within_target"]]
    if slow:
        print(f"over the {TARGET_S:g} s target: {', '.join(slow)}", file=sys.stderr)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
