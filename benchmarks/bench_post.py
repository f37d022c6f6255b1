"""What a watch rebuild does after reportlab's save: the layout check, the dates,
post-processing (structure tree, fixes, declarations, the linearized save) and the content
ID, timed on one rebuild's file (issue 23).

Usage (from the repository root):

    python benchmarks/bench_post.py [--talks 1000] [--rounds 10]

Generates bench_edit's N-talk event, builds it in a watch session and rebuilds it once
after a one-word edit, keeping the laid-out file that rebuild post-processed. Then, in the
same process and the session's state, `--rounds` times each and in turn: the steps as
the pipeline runs them now (one opened file for the check and post-processing; qpdf's
objects freed while the next edit is awaited, `core.collector.between_builds`, untimed
as in watch mode) and as it ran them before (the check and post-processing each open
the file; the objects freed in the build). CPU time of this process per round; min,
median and max. Both write the same bytes (checked).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from bench_edit import prepare

from dokureport import pipeline
from dokureport.core import collector
from dokureport.core.options import BuildOptions
from dokureport.output import postprocess
from dokureport.output.layout_check import check_layout
from dokureport.output.reproducible import set_content_id, set_dates
from dokureport.watch import build_once


def _captured(n: int, work: Path) -> dict[str, Any]:
    """A watch session's rebuild after a one-word edit; its laid-out file, tags, dates."""
    captured: dict[str, Any] = {}
    check, dates = pipeline.check_layout, pipeline.set_dates

    def spy_check(path: Path, tags: Any, **how: Any) -> Any:
        captured.update(tags=tags, type_area=how["type_area"])
        return check(path, tags, **how)

    def spy_dates(path: Path, day: Any) -> None:
        shutil.copy(path, work / "laid-out.pdf")  # as reportlab wrote it
        captured["day"] = day
        dates(path, day)

    folder = prepare(n)
    options = BuildOptions(cache_dir=work / "cache")
    collector.command_line_policy()
    build_once(folder, work / "w.pdf", options, ["screen"], lambda line, err: None)
    event = folder / "event.yaml"
    text = event.read_text(encoding="utf-8")
    start = text.index("    abstract: |\n") + len("    abstract: |\n      ")
    pipeline.check_layout, pipeline.set_dates = spy_check, spy_dates
    try:
        event.write_text(text[:start] + "Neue " + text[start:], encoding="utf-8")
        collector.between_builds()
        build_once(folder, work / "w.pdf", options, ["screen"], lambda line, err: None)
    finally:
        event.write_text(text, encoding="utf-8")
        pipeline.check_layout, pipeline.set_dates = check, dates
    return captured


def _now(path: Path, c: dict[str, Any]) -> None:
    set_dates(path, c["day"])
    with postprocess.read_once(path) as pdf:
        check_layout(path, c["tags"], type_area=c["type_area"], pdf=pdf)
        postprocess.finish(path, c["tags"], archival=True, linearize=True, pdf=pdf)
    set_content_id(path)


def _before(path: Path, c: dict[str, Any]) -> None:
    check_layout(path, c["tags"], type_area=c["type_area"])
    set_dates(path, c["day"])
    dropping = collector.drop_between_builds
    collector.drop_between_builds = lambda obj: None  # freed as finish returns
    try:
        postprocess.finish(path, c["tags"], archival=True, linearize=True)
    finally:
        collector.drop_between_builds = dropping
    set_content_id(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--talks", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        captured = _captured(args.talks, work)
        path = work / "post.pdf"
        times: dict[str, list[float]] = {"now": [], "before": []}
        digests: set[str] = set()
        for _ in range(args.rounds):
            for name, steps in (("now", _now), ("before", _before)):
                shutil.copy(work / "laid-out.pdf", path)
                collector.between_builds()  # watch mode, while it waits for an edit
                began = time.process_time()
                steps(path, captured)
                times[name].append(time.process_time() - began)
                digests.add(hashlib.sha256(path.read_bytes()).hexdigest())
        assert len(digests) == 1, "the two ways wrote different bytes"
    print(f"after reportlab's save, {args.talks} talks, CPU s per rebuild "
          f"({args.rounds} rounds each, in turn):")
    for name, values in times.items():
        print(f"  {name:7s} min {min(values):.3f}  median {statistics.median(values):.3f}  "
              f"max {max(values):.3f}")


if __name__ == "__main__":
    main()
