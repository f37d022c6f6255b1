"""Text-only build benchmark: dokureport against Typst, WeasyPrint and a plain reportlab script.

Usage (from the repository root, with the `bench` extra installed):

    python benchmarks/bench_text.py [--rounds 11] [--talks 60] [--scale 1000] [--markdown]

Generates (into benchmarks/.work/text-N) an event of N talks with German abstracts of
2–4 paragraphs, a three-paragraph intro and an agenda, and the same texts as a Typst file,
an HTML file and a reportlab script: headings, speakers, hyphenated German paragraphs,
a table of contents with page numbers (not in the plain reportlab script: one pass),
Noto Sans from the repository's fonts. Every tool runs in its own process (imports
included), one after the other within a round; rounds repeat. Reported per tool: the
median wall time, CPU time (user + system, the process and its children), peak RSS of the
process tree, pages; and dokureport's median per-round ratio to Typst, with its range.
One warm-up round first (fills the caches an edit loop has warm) is not counted.
dokureport runs twice a round: as in the edit loop (the event built before with the same
cache folder, which keeps the pages its layout settled on: one layout pass when none
moved) and as the event's first build (those pages removed first: two passes).

`--scale M` adds the M-talk event built by dokureport alone (three rounds), for the
"time linear in talks" row: its time over the N-talk build's, and its memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_photos import (  # the photo benchmark's generator and meters
    LONG,
    WORK,
    german_abstract,
    german_sentence,
    machine,
    make_logo,
    q,
    run_measured,
)

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
PY = sys.executable
TALKS_PER_DAY = 18


def talks_of(n: int) -> list[dict]:
    rnd = random.Random(4242 + n)
    return [{
        "id": f"t{i + 1}",
        "format": rnd.choice(["Impulsvortrag", "Aus der Praxis", "Werkstatt"]),
        "title": german_sentence(rnd)[:-1],
        "speaker": f"Referentin {i + 1}",
        "role": "Fachberaterin für kommunale Präventionsketten, LVR-Landesjugendamt Rheinland",
        "abstract": german_abstract(rnd),
    } for i in range(n)]


def intro_of(n: int) -> str:
    return german_abstract(random.Random(n)) + f"\n\nDie {LONG[0]} im Überblick."


def event_yaml(n: int) -> str:
    talks = talks_of(n)
    days = -(-n // TALKS_PER_DAY)
    start = dt.date(2024, 10, 29)
    lines = [
        "format: 1", "lang: de", f"title: {q(f'Fachtag mit {n} Vorträgen')}",
        "subtitle: Synthetische Veranstaltung für die Leistungsmessung",
        "event:", "  kind: Großstadtnetzwerk",
        f"  start: {start} 09:00", f"  end: {start + dt.timedelta(days=days - 1)} 17:00",
        "  venue:", "    name: Landschaftspark Duisburg-Nord",
        "organiser:", "  name: Deutsche Kinder- und Jugendstiftung", "  logo: logo.png",
        "intro: |", *("  " + line if line else "" for line in intro_of(n).split("\n")),
        "agenda:",
    ]
    for day in range(days):
        lines += [f"  - date: {start + dt.timedelta(days=day)}", "    items:"]
        for slot, talk in enumerate(talks[day * TALKS_PER_DAY:(day + 1) * TALKS_PER_DAY]):
            minutes = 9 * 60 + slot * 25
            lines += [f"      - time: {minutes // 60:02d}:{minutes % 60:02d}",
                      f"        title: {q(talk['title'])}", f"        talk: {talk['id']}"]
    lines.append("talks:")
    for talk in talks:
        lines += [f"  - id: {talk['id']}", f"    format: {talk['format']}",
                  f"    title: {q(talk['title'])}", "    speakers:",
                  f"      - name: {q(talk['speaker'])}", f"        role: {q(talk['role'])}",
                  "    abstract: |",
                  *("      " + line if line else "" for line in talk["abstract"].split("\n"))]
    return "\n".join(lines) + "\n"


def typst_source(n: int) -> str:
    def esc(text: str) -> str:
        return "".join("\\" + c if c in "\\#*_`$<>@[]~/=-+\"'" else c for c in text)

    out = ['#set page(paper: "a4", margin: (x: 25mm, y: 22mm), numbering: "1")',
           '#set text(font: "Noto Sans", size: 10pt, lang: "de", hyphenate: true)',
           "#set par(justify: false, leading: 0.65em)",
           f"= {esc(f'Fachtag mit {n} Vorträgen')}", "#outline()", "#pagebreak()",
           "= Einführung", *(esc(p) + "\n" for p in intro_of(n).split("\n\n"))]
    for talk in talks_of(n):
        out += [f"== {esc(talk['title'])}", f"_{esc(talk['format'])}_\n",
                f"*{esc(talk['speaker'])}*, {esc(talk['role'])}\n",
                *(esc(p) + "\n" for p in talk["abstract"].split("\n\n"))]
    return "\n".join(out)


def html_source(n: int) -> str:
    e = html.escape
    talks = talks_of(n)
    css = f"""
@font-face {{ font-family: Noto; src: url("{(FONTS / 'NotoSans-Regular.ttf').as_uri()}"); }}
@font-face {{ font-family: Noto; font-weight: bold;
  src: url("{(FONTS / 'NotoSans-Bold.ttf').as_uri()}"); }}
@font-face {{ font-family: Noto; font-style: italic;
  src: url("{(FONTS / 'NotoSans-Italic.ttf').as_uri()}"); }}
@page {{ size: A4; margin: 22mm 25mm; @bottom-right {{ content: counter(page); }} }}
body {{ font-family: Noto; font-size: 10pt; hyphens: auto; }}
h2 {{ font-size: 13pt; }} .toc a::after {{ content: leader('.') target-counter(attr(href), page); }}
"""
    body = [f"<h1>{e(f'Fachtag mit {n} Vorträgen')}</h1>", '<ul class="toc">',
            *(f'<li><a href="#{t["id"]}">{e(t["title"])}</a></li>' for t in talks), "</ul>",
            "<h1 style='break-before: page'>Einführung</h1>",
            *(f"<p>{e(p)}</p>" for p in intro_of(n).split("\n\n"))]
    for t in talks:
        body += [f'<h2 id="{t["id"]}">{e(t["title"])}</h2>', f"<p><i>{e(t['format'])}</i></p>",
                 f"<p><b>{e(t['speaker'])}</b>, {e(t['role'])}</p>",
                 *(f"<p>{e(p)}</p>" for p in t["abstract"].split("\n\n"))]
    return (f'<!doctype html><html lang="de"><head><meta charset="utf-8"><style>{css}</style>'
            f"</head><body>{''.join(body)}</body></html>")


REPORTLAB_SCRIPT = '''
import json, sys
from xml.sax.saxutils import escape
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate
fonts, data, out = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8")), sys.argv[3]
for name, file in (("N", "Regular"), ("N-B", "Bold"), ("N-I", "Italic")):
    pdfmetrics.registerFont(TTFont(name, f"{fonts}/NotoSans-{file}.ttf"))
pdfmetrics.registerFontFamily("N", normal="N", bold="N-B", italic="N-I", boldItalic="N-B")
body = ParagraphStyle("b", fontName="N", fontSize=10, leading=14, spaceAfter=4,
                      hyphenationLang="de_DE", embeddedHyphenation=1, uriWasteReduce=0.3)
head = ParagraphStyle("h", parent=body, fontName="N-B", fontSize=13, leading=17, spaceBefore=10)
story = [Paragraph(escape(data["title"]), head)]
story += [Paragraph(escape(p), body) for p in data["intro"]]
for t in data["talks"]:
    story += [Paragraph(escape(t["title"]), head), Paragraph(f"<i>{escape(t['format'])}</i>", body),
              Paragraph(f"<b>{escape(t['speaker'])}</b>, {escape(t['role'])}", body)]
    story += [Paragraph(escape(p), body) for p in t["abstract"].split("\\n\\n")]
doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=25*mm, rightMargin=25*mm)
doc.build(story, onLaterPages=lambda c, d: c.drawRightString(185*mm, 12*mm, str(d.page)))
'''


@dataclass(frozen=True)
class Tool:
    """How one tool builds the brochure: its command, the PDF it writes, and what is
    undone before each run (not measured)."""

    command: list[str]
    pdf: Path
    before: Callable[[], None] | None = None


FIRST_CACHE = WORK / "cache-first"  # the first build's: no settled pages kept in it


def _forget_settled_pages() -> None:
    shutil.rmtree(FIRST_CACHE / "settled-v1", ignore_errors=True)


def prepare(n: int) -> dict[str, Tool]:
    """Inputs for every tool, and how each builds the brochure."""
    folder = WORK / f"text-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "event.yaml").write_text(event_yaml(n), encoding="utf-8")
    if not (folder / "logo.png").exists():
        make_logo(folder / "logo.png")
    (folder / "brochure.typ").write_text(typst_source(n), encoding="utf-8")
    (folder / "brochure.html").write_text(html_source(n), encoding="utf-8")
    (folder / "texts.json").write_text(json.dumps({
        "title": f"Fachtag mit {n} Vorträgen", "intro": intro_of(n).split("\n\n"),
        "talks": talks_of(n)}, ensure_ascii=False), encoding="utf-8")
    (folder / "plain_reportlab.py").write_text(REPORTLAB_SCRIPT, encoding="utf-8")
    out = {name: folder / f"{name}.pdf" for name in ("dokureport", "dokureport-first",
                                                      "typst", "weasyprint", "reportlab")}
    return {
        # The edit loop: this event was built before with this cache folder, which keeps
        # (besides the photos) the page numbers its layout settled on.
        "dokureport": Tool([PY, "-m", "dokureport", "build", str(folder), "-o",
                            str(out["dokureport"]), "-q", "--cache-dir", str(WORK / "cache")],
                           out["dokureport"]),
        # The first build of the event: its settled pages are removed before every run.
        "dokureport-first": Tool([PY, "-m", "dokureport", "build", str(folder), "-o",
                                  str(out["dokureport-first"]), "-q", "--cache-dir",
                                  str(FIRST_CACHE)], out["dokureport-first"],
                                 before=_forget_settled_pages),
        "typst": Tool([PY, "-c", "import sys, typst; typst.compile(sys.argv[1], "
                       "output=sys.argv[2], font_paths=[sys.argv[3]])",
                       str(folder / "brochure.typ"), str(out["typst"]), str(FONTS)],
                      out["typst"]),
        "weasyprint": Tool([PY, "-c", "import sys, weasyprint; weasyprint.HTML(sys.argv[1])"
                            ".write_pdf(sys.argv[2])", str(folder / "brochure.html"),
                            str(out["weasyprint"])], out["weasyprint"]),
        "reportlab": Tool([PY, str(folder / "plain_reportlab.py"), str(FONTS),
                           str(folder / "texts.json"), str(out["reportlab"])],
                          out["reportlab"]),
    }


WATCH_SCRIPT = """
import sys, time
from pathlib import Path
from dokureport.pipeline import build_brochures
from dokureport.core.options import BuildOptions
folder, out, cache = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
options = BuildOptions(cache_dir=cache)
build_brochures(folder, out, options, ["screen"])  # what watch mode's first build does
event = folder / "event.yaml"
text = event.read_text(encoding="utf-8")
start = text.index("    abstract: |\\n") + len("    abstract: |\\n      ")
times = []
for k in range(3):  # one word more in the first abstract, then back, then more again
    edited = text[:start] + "Neue " + text[start:] if k % 2 == 0 else text
    event.write_text(edited, encoding="utf-8")
    started = time.perf_counter()
    build_brochures(folder, out, options, ["screen"])
    times.append(time.perf_counter() - started)
print(sorted(times)[1])
"""


def watch_rebuild(n: int) -> float:
    """A warm in-process rebuild (as `build --watch` does) after a one-word edit: median s."""
    folder = WORK / f"text-{n}-watch"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(WORK / f"text-{n}", folder)
    done = subprocess.run([PY, "-c", WATCH_SCRIPT, str(folder), str(folder / "out.pdf"),
                           str(WORK / "cache")], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def measure(name: str, tool: Tool) -> dict:
    if tool.before is not None:
        tool.before()
    command, pdf = tool.command, tool.pdf
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Pages from pdfinfo: pdfplumber (run_measured's PDF facts) takes minutes on 1,000 talks.
    run = run_measured(f"text-{name}", command, None)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if not run.ok:
        raise SystemExit(f"{name} failed: {run.note}")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = next((int(line.split()[1]) for line in info.splitlines()
                  if line.startswith("Pages:")), None)
    return {"wall": run.seconds, "cpu": cpu, "mib": run.peak_tree_mib, "pages": pages}


def versions() -> str:
    from importlib.metadata import version

    parts = []
    for package in ("dokureport", "typst", "weasyprint", "reportlab", "pyphen"):
        try:
            parts.append(f"{package} {version(package)}")
        except Exception:
            parts.append(f"{package} missing")
    return ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--talks", type=int, default=60)
    parser.add_argument("--scale", type=int, default=0, help="also build an event this big")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    # The caches an edit loop has warm (hyphenation patterns, QR symbols) live here.
    os.environ["XDG_CACHE_HOME"] = str(WORK / "cache")
    tools = prepare(args.talks)
    for name, tool in tools.items():  # warm-up round, not counted
        measure(name, tool)
    rounds: dict[str, list[dict]] = {name: [] for name in tools}
    for r in range(args.rounds):
        order = list(tools) if r % 2 == 0 else list(reversed(tools))
        for name in order:
            rounds[name].append(measure(name, tools[name]))
        print(f"round {r + 1}: " + ", ".join(f"{n} {rounds[n][-1]['wall']:.2f} s"
                                             for n in tools), file=sys.stderr)
    med = {n: {k: statistics.median(x[k] for x in rs) for k in ("wall", "cpu", "mib")}
           for n, rs in rounds.items()}
    ratios = [d["wall"] / t["wall"] for d, t in zip(rounds["dokureport"], rounds["typst"],
                                                     strict=True)]
    cpu_ratios = [d["cpu"] / t["cpu"] for d, t in zip(rounds["dokureport"], rounds["typst"],
                                                       strict=True)]
    first_ratios = [d["wall"] / t["wall"] for d, t in zip(rounds["dokureport-first"],
                                                           rounds["typst"], strict=True)]
    result = {"machine": machine(), "versions": versions(), "talks": args.talks,
              "rounds": args.rounds, "median": med,
              "pages": {n: rs[0]["pages"] for n, rs in rounds.items()},
              "ratio_to_typst": {"median": statistics.median(ratios), "min": min(ratios),
                                 "max": max(ratios)},
              "cpu_ratio_to_typst": statistics.median(cpu_ratios),
              "first_ratio_to_typst": {"median": statistics.median(first_ratios),
                                       "min": min(first_ratios), "max": max(first_ratios)}}
    result["watch_rebuild"] = statistics.median(watch_rebuild(args.talks) for _ in range(3))
    result["watch_ratio"] = result["watch_rebuild"] / med["dokureport"]["wall"]
    if args.scale:
        big = prepare(args.scale)["dokureport"]
        runs = [measure("dokureport-scale", big) for _ in range(3)]
        result["scale"] = {"talks": args.scale,
                           "wall": statistics.median(r["wall"] for r in runs),
                           "mib": max(r["mib"] for r in runs), "pages": runs[0]["pages"]}
        result["scale"]["ratio"] = result["scale"]["wall"] / med["dokureport"]["wall"]
    (WORK / "results-text.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    if args.markdown:
        print(markdown(result))


def markdown(r: dict) -> str:
    lines = ["| tool | pages | median wall | median CPU | peak tree RSS |", "|---|---|---|---|---|"]
    for name, m in r["median"].items():
        lines.append(f"| {name} | {r['pages'][name]} | {m['wall']:.2f} s | {m['cpu']:.2f} s | "
                     f"{m['mib']:.0f} MiB |")
    ratio = r["ratio_to_typst"]
    lines.append(f"\ndokureport / Typst, median of per-round wall ratios: {ratio['median']:.2f}× "
                 f"(range {ratio['min']:.2f}–{ratio['max']:.2f}); CPU: "
                 f"{r['cpu_ratio_to_typst']:.2f}×")
    if "first_ratio_to_typst" in r:
        first = r["first_ratio_to_typst"]
        lines.append(f"\nThe event's first build (no settled pages kept, two layout passes): "
                     f"{first['median']:.2f}× Typst (range {first['min']:.2f}–"
                     f"{first['max']:.2f})")
    lines.append(f"\nWarm rebuild after a one-word edit (as `build --watch` does): "
                 f"{r['watch_rebuild']:.2f} s, {r['watch_ratio']:.2f}× the one-shot build")
    if "scale" in r:
        s = r["scale"]
        lines.append(f"\n{s['talks']} talks: {s['wall']:.1f} s ({s['ratio']:.1f}× the "
                     f"{r['talks']}-talk build), {s['pages']} pages, peak tree RSS "
                     f"{s['mib']:.0f} MiB")
    return "\n".join(lines)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"benchmark took {time.perf_counter() - started:.0f} s", file=sys.stderr)
