"""What the layout check costs: a large imported programme built with and without it.

Usage (from the repository root, in the project's virtual environment):

    python benchmarks/bench_layout_check.py [--rounds 3] [--markdown]

Imports the FOSDEM 2024 export from the tests (674 talks) into benchmarks/.work/fosdem
once, then per round builds it twice through the Python API in this process, with the
check as shipped and with the check replaced by one that reads nothing, in alternating
order (a drift of the shared machine's load falls on both alike), and times the check
alone on the built PDF (CPU time of this process: on a shared machine the one measure
that another process's load hardly moves). Prints medians over the rounds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
EXPORT = ROOT / "tests" / "imports" / "frab_xml" / "fosdem-2024.xml.gz"


def ensure_event() -> Path:
    folder = WORK / "fosdem"
    if not (folder / "event.yaml").exists():
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "dokureport", "import", str(EXPORT),
                        str(folder)], check=True, capture_output=True)
    return folder


def build(folder: Path, out: Path, checked: bool) -> tuple[float, float, int]:
    """Wall and CPU seconds of one build (this process), and its pages."""
    from dokureport import api, pipeline
    from dokureport.output.layout_check import LayoutCheck, check_layout

    pipeline.check_layout = check_layout if checked else (  # type: ignore[assignment]
        lambda *args, **kwargs: LayoutCheck((), ()))
    wall, cpu = time.perf_counter(), time.process_time()
    result = api.build(folder, out, jobs=1)
    return time.perf_counter() - wall, time.process_time() - cpu, result.pages


def check_alone(pdf: Path) -> float:
    """CPU seconds of the check on a built PDF (no structure tree: the geometry only)."""
    from dokureport.output.layout_check import check_layout

    began = time.process_time()
    check_layout(pdf, None, type_area=(62.36, 68.03))
    return time.process_time() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    folder = ensure_event()
    out = WORK / "fosdem.pdf"
    rows: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    alone: list[float] = []
    pages = 0
    for round_ in range(args.rounds):
        for checked in ((True, False) if round_ % 2 == 0 else (False, True)):
            wall, cpu, pages = build(folder, out, checked)
            rows[checked].append((wall, cpu))
        alone.append(check_alone(out))

    def median(checked: bool, which: int) -> float:
        return statistics.median(r[which] for r in rows[checked])

    lines = [
        "| build of FOSDEM 2024 | pages | wall (median) | CPU (median) |",
        "|---|---|---|---|",
        f"| with the check | {pages} | {median(True, 0):.2f} s | {median(True, 1):.2f} s |",
        f"| without | {pages} | {median(False, 0):.2f} s | {median(False, 1):.2f} s |",
        f"| the check alone | {pages} | – | {statistics.median(alone):.2f} s "
        f"({statistics.median(alone) / median(False, 1):.0%} of a build) |",
    ]
    print("\n".join(lines) if args.markdown else "\n".join(line.replace("|", " ")
                                                             for line in lines))


if __name__ == "__main__":
    main()
