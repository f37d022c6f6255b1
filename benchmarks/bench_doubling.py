"""Time linear in the size of one text: each text path built at n, 2n, 4n … and the ratios.

Usage (from the repository root, in the project's virtual environment):

    python benchmarks/bench_doubling.py [--rounds 3] [--steps 5] [--markdown]

For each text path, an event whose one text has n characters is built in this process
through the Python API (a mapping, no photos, no cache), at `--steps` sizes doubling up to
the documented limit (`dokureport.core.limits`, docs/validation.md), each size `--rounds`
times, interleaved round by round. Each time is the process's CPU time (a build of a
mapping without photos starts no worker: the process does all of it), and the least of
the rounds is judged, with its ratio to the least at half the size: on a shared machine
other work only ever adds to a time, to the wall clock's more than to the CPU's. Paths:

  plain paragraph      an intro of one paragraph of German words (limit: MAX_PARAGRAPH)
  one long word        a word without a space in a paragraph (limit: MAX_WORD)
  emphasis delimiters  a paragraph of `a*b ` (intra-word `*`, unmatched: MAX_PARAGRAPH)
  brackets             a paragraph of `[a]( ` (links never closed: MAX_PARAGRAPH)
  theme label          the agenda's heading as a theme label (limit: MAX_LABEL)
  chapter              a chapter of 400-character paragraphs (no limit: up to 160,000)

and, for each limited path, `validate` on the same text 64 to 512 times beyond its limit
(refused with `too-long`: what the time of a refusal grows with).

Target: every ratio at most 2.2 (linear is 2; the fixed part of a build makes small
sizes cheaper than linear). Exits 1 when a ratio is above it (a ratio with a time below
20 ms on either side is shown, not judged: noise decides it). Timing belongs here, not in
the tests (they count operations instead: tests/test_linear_text.py).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from dokureport.api import build
from dokureport.core.errors import DokureportError
from dokureport.core.limits import MAX_LABEL, MAX_PARAGRAPH, MAX_WORD
from dokureport.validate import validate_data

TARGET = 2.2
# Below this, the clock's and the machine's noise decide a ratio: not judged.
JUDGED_S = 0.02
CHAPTER_MAX = 160_000
_WORDS = ["Kinder-", "und", "Jugendhilfe", "Präventionsketten", "Bildungslandschaften", "in",
          "der", "Stadt", "Netzwerk", "Fachtag", "Beteiligung", "Quartier", "gemeinsam", "für",
          "mit", "den"]


def _base() -> dict[str, Any]:
    return {"title": "Fachtag", "event": {"start": "2019-10-29"}}


def words(n: int, seed: int = 1) -> str:
    """About n characters of German words (exactly n, cut at the end)."""
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < n:
        word = rng.choice(_WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[: n - 1].rstrip() + "."


def repeated(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def paragraph(n: int) -> dict[str, Any]:
    return _base() | {"intro": words(n)}


def long_word(n: int) -> dict[str, Any]:
    return _base() | {"intro": f"Ein Wort: {'x' * n} und danach."}


def emphasis(n: int) -> dict[str, Any]:
    return _base() | {"intro": repeated("a*b ", n)}


def brackets(n: int) -> dict[str, Any]:
    return _base() | {"intro": repeated("[a]( ", n)}


def label(n: int) -> dict[str, Any]:
    return _base() | {"theme": {"labels": {"agenda": words(n)}},
                      "agenda": [{"date": "2019-10-29",
                                  "items": [{"time": "10:00", "title": "Begrüßung"}]}]}


def chapter(n: int) -> dict[str, Any]:
    parts = [words(398, seed=i) for i in range(max(1, n // 400))]
    return _base() | {"chapters": [{"title": "Kapitel", "text": "\n\n".join(parts)}]}


# name: (event of size n, the documented limit or None, what the limit is called)
PATHS: dict[str, tuple[Callable[[int], dict[str, Any]], int, str]] = {
    "plain paragraph": (paragraph, MAX_PARAGRAPH, "MAX_PARAGRAPH"),
    "one long word": (long_word, MAX_WORD, "MAX_WORD"),
    "emphasis delimiters": (emphasis, MAX_PARAGRAPH, "MAX_PARAGRAPH"),
    "brackets": (brackets, MAX_PARAGRAPH, "MAX_PARAGRAPH"),
    "theme label": (label, MAX_LABEL, "MAX_LABEL"),
    "chapter": (chapter, CHAPTER_MAX, "none (160,000 measured)"),
}


def time_build(data: dict[str, Any], folder: Path) -> float:
    started = time.process_time()
    build(data, io.BytesIO(), folder=folder)
    return time.process_time() - started


def time_validate(data: dict[str, Any], folder: Path) -> float:
    started = time.process_time()
    with contextlib.suppress(DokureportError):
        validate_data(data, folder, decode_images=False)
        raise SystemExit(f"not refused: {str(data)[:80]}")
    return time.process_time() - started


def sizes(limit: int, steps: int) -> list[int]:
    return [limit >> k for k in range(steps - 1, -1, -1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5, help="sizes per path (doublings + 1)")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        time_build(_base(), folder)  # warm-up: imports, fonts, hyphenation patterns
        cases: list[tuple[str, str, int, Callable[[], float]]] = []
        for name, (make, limit, _) in PATHS.items():
            for n in sizes(limit, args.steps):
                cases.append((name, "build", n, partial(time_build, make(n), folder)))
            if name != "chapter":
                for n in (limit * 64, limit * 128, limit * 256, limit * 512):
                    cases.append((name, "validate (refused)", n,
                                  partial(time_validate, make(n), folder)))
        times: dict[tuple[str, str, int], list[float]] = {c[:3]: [] for c in cases}
        for _ in range(args.rounds):
            for name, kind, n, run in cases:
                times[(name, kind, n)].append(run())
    previous: dict[tuple[str, str], float] = {}
    for (name, kind, n), runs in times.items():
        least = min(runs)
        before = previous.get((name, kind))
        ratio = least / before if before else None
        previous[(name, kind)] = least
        judged = ratio is not None and min(least, before or 0) >= JUDGED_S
        rows.append({"path": name, "kind": kind, "n": n, "min_s": round(least, 4),
                     "median_s": round(statistics.median(runs), 4),
                     "max_s": round(max(runs), 4), "ratio": round(ratio, 2) if ratio else None,
                     "judged": judged, "within_target": not judged or ratio <= TARGET})
    print(json.dumps(rows, indent=1))
    if args.markdown:
        print(f"\n{dt.date.today().isoformat()}, CPU time, least and median of {args.rounds} "
              "rounds:\n")
        print("| path | what | n (characters) | least | median | ratio to n/2 |")
        print("|---|---|---|---|---|---|")
        for r in rows:
            ratio = f"{r['ratio']:.2f}×" if r["ratio"] else "–"
            if r["ratio"] and not r["judged"]:
                ratio += " (not judged)"
            print(f"| {r['path']} | {r['kind']} | {r['n']:,} | {r['min_s']:.3f} s "
                  f"| {r['median_s']:.3f} s | {ratio} |")
        print("\n| path | limit |")
        print("|---|---|")
        for name, (_, limit, called) in PATHS.items():
            print(f"| {name} | {called}: {limit:,} |")
    over = [f"{r['path']} {r['kind']} at {r['n']:,}" for r in rows if not r["within_target"]]
    if over:
        print(f"over {TARGET}× per doubling: {', '.join(over)}", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
