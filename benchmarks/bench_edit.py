"""The edit loop: a one-word edit rebuilt as `build --watch` does, and the one-shot text
build beside the plain reportlab script (issue 23).

Usage (from the repository root):

    python benchmarks/bench_edit.py [--talks 60 --talks 1000] [--rounds 5] [--markdown]

For each N it generates (into benchmarks/.work/edit-N, with bench_text's generator) the
N-talk German event, then, in one fresh process, builds it once (what watch mode's first
build does, not counted) and rebuilds it `--rounds` times through the pipeline in that
process, the first abstract one word longer each time: the warm in-process rebuild that
`build --watch` makes after a save (`dokureport.watch.build_once`: validation, then the
build), with the garbage collector as the command line sets it and, between rebuilds, what
watch mode does while it waits for an edit (`core.collector.between_builds`, untimed, as
there). Each rebuild's CPU time
(user + system of this process and its photo workers) and wall time are taken.

Then, at the first N, `--rounds` rounds of the one-shot text build (a fresh
`dokureport build` process with a warm cache folder, as in the edit loop of one-shot
builds) and of bench_text's plain reportlab script (SimpleDocTemplate, Noto Sans 10/14
justified, hyphenated; title, intro, talks' title, format, speaker, abstract; no
contents, links, tags or post-processing), interleaved, each in its own process. The
ratio is taken per round, on CPU time.

The machine this runs on is shared: CPU time is the measure (another process's load
lengthens wall time much more than CPU time), medians over the rounds, and the range.
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
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_photos import WORK, machine, make_logo
from bench_text import REPORTLAB_SCRIPT, event_yaml, intro_of, talks_of

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
PY = sys.executable

EDIT_SCRIPT = """
import json, resource, sys, time
from pathlib import Path
from dokureport.core import collector
from dokureport.core.options import BuildOptions
from dokureport.watch import build_once


# Every build's file written twice, as one linearized file in 128 is (its hint stream
# ends in an end-of-line: output.stream_ends).
def second_write_forced():
    from dokureport.output import stream_ends

    looked = stream_ends._hint_stream_ends_in_eol
    seen = set()  # cleared before each rebuild

    def once(path):
        if path in seen:
            return looked(path)
        seen.add(path)
        return True

    stream_ends._hint_stream_ends_in_eol = once
    return seen


def cpu():
    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                 resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main():
    folder, out, cache, rounds = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), \\
        int(sys.argv[4])
    edit = sys.argv[5] if len(sys.argv) > 5 else "word"
    forced = second_write_forced() if sys.argv[6:] == ["second-write"] else None
    options = BuildOptions(cache_dir=cache)
    # The collector as `dokureport build --watch` runs it: the command line's thresholds,
    # and what watch mode does while it waits for an edit (nothing before issue 23's
    # between_builds).
    collector.command_line_policy()
    idle = getattr(collector, "between_builds", lambda: None)
    lines = []
    echo = lambda line, err: lines.append(line)
    build_once(folder, out, options, ["screen"], echo)  # watch mode's first build
    event = folder / "event.yaml"
    text = original = event.read_text(encoding="utf-8")
    if edit == "title":  # the first talk's title, before its closing quote
        start = text.index('"\\n', text.index("\\n    title: "))
    else:  # the first talk's abstract, at its start
        start = text.index("    abstract: |\\n") + len("    abstract: |\\n      ")
    insert = {"word": "Neue ", "title": " neu",
              "sentence": "Die Arbeitsgruppe hat die Grundlagen erarbeitet und viele "
                          "Beispiele gesammelt. "}[edit]
    runs = []
    try:
        for k in range(rounds):
            # One word (or sentence) more in the first abstract or title each time:
            # every state is new (an edit loop goes forward; going back and forth would
            # meet the pages of two builds ago again).
            text = text[:start] + insert + text[start:]
            event.write_text(text, encoding="utf-8")
            idle()
            if forced is not None:
                forced.clear()
            c0, w0 = cpu(), time.perf_counter()
            results = build_once(folder, out, options, ["screen"], echo)
            assert results is not None, lines
            runs.append({"cpu": cpu() - c0, "wall": time.perf_counter() - w0,
                         "pages": results[0].pages,
                         # Pages laid out, every layout counted (None before issue 23).
                         "laid_out": getattr(results[0], "pages_laid_out", None)})
    finally:
        event.write_text(original, encoding="utf-8")
    print(json.dumps(runs))


if __name__ == "__main__":
    main()
"""


def prepare(n: int) -> Path:
    folder = WORK / f"edit-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "event.yaml").write_text(event_yaml(n), encoding="utf-8")
    if not (folder / "logo.png").exists():
        make_logo(folder / "logo.png")
    (folder / "texts.json").write_text(json.dumps({
        "title": f"Fachtag mit {n} Vorträgen", "intro": intro_of(n).split("\n\n"),
        "talks": talks_of(n)}, ensure_ascii=False), encoding="utf-8")
    (folder / "plain_reportlab.py").write_text(REPORTLAB_SCRIPT, encoding="utf-8")
    (folder / "edit_loop.py").write_text(EDIT_SCRIPT, encoding="utf-8")
    return folder


# What an edit adds, each rebuild again: a word to the first talk's abstract, a sentence
# to it, or a word to its title (printed in the agenda, the talk and the index too).
EDITS = ("word", "sentence", "title")


def edit_loop(n: int, rounds: int, edit: str = "word", second_write: bool = False
              ) -> list[dict]:
    """Each rebuild's CPU and wall time and pages laid out; `second_write`: every
    rebuild's file written twice, as one file in 128 is."""
    folder = prepare(n)
    cache = WORK / f"edit-cache-{n}"
    shutil.rmtree(cache, ignore_errors=True)
    done = subprocess.run([PY, str(folder / "edit_loop.py"), str(folder),
                           str(folder / "watch.pdf"), str(cache), str(rounds), edit,
                           *(["second-write"] if second_write else [])],
                          capture_output=True, text=True, env=_environment())
    if done.returncode:
        raise SystemExit(f"edit loop at {n} talks failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _environment() -> dict[str, str]:
    """This environment, bytecode allowed: an installed package has its modules compiled,
    and a checkout run with PYTHONDONTWRITEBYTECODE would compile every module of
    dokureport (not those of reportlab, installed) in each run, about 0.4 s of CPU."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> dict:
    """Run `command` in its own process: its CPU time (with its children) and wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=_environment())
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "wall": wall}


def one_shot_against_plain(n: int, rounds: int) -> dict[str, list[dict]]:
    folder = prepare(n)
    cache = WORK / f"edit-oneshot-cache-{n}"
    commands = {
        "dokureport": [PY, "-m", "dokureport", "build", str(folder), "-o",
                       str(folder / "oneshot.pdf"), "-q", "--cache-dir", str(cache)],
        "plain reportlab": [PY, str(folder / "plain_reportlab.py"), str(FONTS),
                            str(folder / "texts.json"), str(folder / "plain.pdf")],
    }
    for command in commands.values():  # warm-up: caches, page cache
        timed(command)
    runs: dict[str, list[dict]] = {name: [] for name in commands}
    for r in range(rounds):
        order = list(commands) if r % 2 == 0 else list(reversed(commands))
        for name in order:
            runs[name].append(timed(commands[name]))
    return runs


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talks", type=int, action="append")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--skip-edit", action="store_true",
                        help="only the one-shot build against the plain reportlab script")
    parser.add_argument("--edit", choices=EDITS, default="word",
                        help="what each rebuild's edit adds to the first talk")
    parser.add_argument("--second-write", action="store_true",
                        help="every rebuild's file written twice (one file in 128 is)")
    parser.add_argument("--edit-only", action="store_true",
                        help="only the edit loop, not the one-shot build")
    args = parser.parse_args()
    sizes = args.talks or [60, 1000]
    result: dict = {"machine": machine(), "rounds": args.rounds, "edit": {},
                    "what": {"word": "one-word edit", "sentence": "one-sentence edit",
                             "title": "one-word title edit"}[args.edit]
                            + (", second write forced" if args.second_write else "")}
    with open("/proc/loadavg") as f:
        result["load_before"] = f.read().split()[:3]
    for n in [] if args.skip_edit else sizes:
        runs = edit_loop(n, args.rounds, args.edit, args.second_write)
        result["edit"][n] = {"cpu": summary([r["cpu"] for r in runs]),
                             "wall": summary([r["wall"] for r in runs]), "runs": runs}
        print(f"{n} talks, {result['what']}: CPU {result['edit'][n]['cpu']['median']:.2f} s",
              file=sys.stderr)
    if args.edit_only:
        print(json.dumps(result["edit"], indent=1))
        if args.markdown:
            print("\n".join(_edit_lines(result)))
        return
    runs = one_shot_against_plain(sizes[0], args.rounds)
    ratios = [d["cpu"] / p["cpu"] for d, p in zip(runs["dokureport"], runs["plain reportlab"],
                                                   strict=True)]
    result["one_shot"] = {"talks": sizes[0],
                          **{name: {"cpu": summary([r["cpu"] for r in rs]),
                                    "wall": summary([r["wall"] for r in rs])}
                             for name, rs in runs.items()},
                          "cpu_ratio": summary(ratios)}
    with open("/proc/loadavg") as f:
        result["load_after"] = f.read().split()[:3]
    (WORK / "results-edit.json").write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "edit"}, indent=1))
    if args.markdown:
        print(markdown(result))


def _cell(s: dict) -> str:
    return f"{s['median']:.2f} s ({s['min']:.2f}–{s['max']:.2f})"


def _edit_lines(r: dict) -> list[str]:
    lines = ["| measure | CPU, median (range) | wall, median (range) |", "|---|---|---|"]
    for n, e in r["edit"].items():
        laid = [run.get("laid_out") for run in e["runs"]]
        pages = f" (pages laid out: {', '.join(map(str, laid))} of {e['runs'][0]['pages']})" \
            if None not in laid else ""
        lines.append(f"| watch, {r.get('what', 'one-word edit')}, {n} talks{pages} | "
                     f"{_cell(e['cpu'])} | {_cell(e['wall'])} |")
    return lines


def markdown(r: dict) -> str:
    lines = _edit_lines(r)
    cell = _cell
    o = r["one_shot"]
    for name in ("dokureport", "plain reportlab"):
        lines.append(f"| one-shot text build, {o['talks']} talks: {name} | {cell(o[name]['cpu'])} "
                     f"| {cell(o[name]['wall'])} |")
    ratio = o["cpu_ratio"]
    lines.append(f"\ndokureport / plain reportlab, CPU, median of per-round ratios: "
                 f"{ratio['median']:.2f}× (range {ratio['min']:.2f}–{ratio['max']:.2f}); "
                 f"{r['rounds']} rounds; load average {' '.join(r['load_before'])} before, "
                 f"{' '.join(r['load_after'])} after.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
