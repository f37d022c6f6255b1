"""Validation in the edit loop: `validate_event` after a one-word edit of a talk, as a
`build --watch` rebuild calls it, and as a one-shot build calls it (issue 23).

Usage (from the repository root):

    python benchmarks/bench_validate.py [--talks 1000] [--rounds 20]

Generates bench_edit's N-talk event (benchmarks/.work/edit-N), then, in this process,
turns on what a watch session keeps (it opens one, `dokureport.watch._Session`), validates
once (not counted) and `--rounds` times more, a word added to the first talk's abstract
and to a middle talk's in turn; then, with nothing kept (`keep_between_builds(False)`
for each part, as a one-shot build runs), `--rounds` more validations of the same file.
CPU time of this process per validation; medians and ranges. It runs on a checkout that
keeps nothing for validation too (main before issue 23's validation part): then both
lines are one-shot validations.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_edit import prepare


def _rounds(folder: Path, rounds: int) -> list[float]:
    from dokureport.validate import validate_event

    event = folder / "event.yaml"
    text = original = event.read_text(encoding="utf-8")
    marker = "    abstract: |\n      "
    places = [text.index(marker) + len(marker),
              text.index(marker, len(text) // 2) + len(marker)]
    times = []
    validate_event(folder, decode_images=False)
    try:
        for k in range(rounds):
            at = places[k % 2]
            text = text[:at] + "Neue " + text[at:]
            if k % 2 == 0:
                places[1] += len("Neue ")
            event.write_text(text, encoding="utf-8")
            start = time.process_time()
            validate_event(folder, decode_images=False)
            times.append(time.process_time() - start)
    finally:
        event.write_text(original, encoding="utf-8")
    return times


def _line(what: str, times: list[float]) -> str:
    return (f"{what}: CPU median {statistics.median(times):.3f} s "
            f"({min(times):.3f}–{max(times):.3f}), {len(times)} rounds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talks", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    from dokureport.core import collector
    from dokureport.core.options import BuildOptions
    from dokureport.watch import _Session

    folder = prepare(args.talks)
    collector.command_line_policy()
    _Session(folder, folder / "watch.pdf", BuildOptions(), ["screen"], lambda line, err: None)
    size = (folder / "event.yaml").stat().st_size
    print(f"{args.talks} talks, event.yaml {size / 1e6:.1f} MB")
    print(_line("watch, one-word edit", _rounds(folder, args.rounds)))
    from dokureport.layout import restart
    from dokureport.output import page_reads

    for part in (restart, page_reads):
        part.keep_between_builds(False)
    try:
        from dokureport.event import reload
    except ImportError:  # a checkout from before validation kept anything
        pass
    else:
        reload.keep_between_builds(False)
    print(_line("one-shot", _rounds(folder, args.rounds)))


if __name__ == "__main__":
    main()
