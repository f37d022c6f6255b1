"""Photo-heavy build benchmark: a synthetic event of N camera photos against the decode floor.

Usage (from the repository root, in the project's virtual environment):

    python benchmarks/bench_photos.py --n 9 --n 100 --n 300 [--rounds 3] [--jobs 2] [--markdown]

Per N it generates (once, cached in benchmarks/.work) N photos of 6000×4000 pixels with
photographic content (smooth colour fields, shapes, texture at two scales; JPEG q90, 7–9 MB
each; every fifth stored sideways with EXIF orientation 6, some 3 or 8, some
portrait) and N/5 talks with German abstracts, then measures in one run:

  floor   decoding every photo at the size the build needs (JPEG draft mode, all cores,
          nothing else): the time no correct tool can beat
  cold    `dokureport build` with an empty cache
  warm    the same build again (every photo from the cache)
  text    the same event with its photos removed (no cache)
  validate  `dokureport validate` on the event with photos (it decodes every photo)

with, for each build, the wall time, the CPU time of the whole process tree, the peak
RSS of the whole process tree (sampled every 20 ms from /proc: the build, the forkserver
and every worker, summed), the largest single process's peak RSS (its VmHWM, sampled
likewise), the PDF's size and pages and the lowest effective resolution of any photo in
the PDF; and, last, every target of issue 13 against its measurement. With --rounds R
everything is measured R times, interleaved round by round, and each ratio is the median
of its per-round ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
PHOTO_SIZE = (6000, 4000)
# The needed size when no cache tells us what the build asked for: a photo across the
# text width of an A4 page at 150 dpi.
FALLBACK_NEED_PX = 1240


# ---------------------------------------------------------------------------------------
# Synthetic input


def photo_plan(index: int) -> tuple[tuple[int, int], int]:
    """Stored size and EXIF orientation of photo `index` (deterministic)."""
    if index % 5 == 1:
        return PHOTO_SIZE, 6  # sideways on the card, shown portrait
    if index % 20 == 9:
        return PHOTO_SIZE, 8
    if index % 10 == 7:
        return PHOTO_SIZE, 3  # upside down
    if index % 5 == 3:
        return (PHOTO_SIZE[1], PHOTO_SIZE[0]), 1  # portrait as stored
    return PHOTO_SIZE, 1


def _tiled_noise(size: tuple[int, int], tile: int, sigma: float) -> Image.Image:
    """Per-channel Gaussian noise; a tile repeated, as effect_noise over 24 MP is slow."""
    block = Image.merge("RGB", [Image.effect_noise((tile, tile), sigma) for _ in range(3)])
    noise = Image.new("RGB", size)
    for x in range(0, size[0], tile):
        for y in range(0, size[1], tile):
            noise.paste(block, (x, y))
    return noise


def make_photo(index: int, path: Path) -> None:
    """Colour fields, shapes, texture at two scales: JPEGs that behave like camera photos.

    The coarse texture survives the downscale (a prepared photo at 1240 px comes out at
    about 1.5 bits a pixel, as real ones do); the fine grain makes the source 7–9 MB.
    """
    size, orientation = photo_plan(index)
    rnd = random.Random(index)
    small = Image.new("RGB", (8, 6))
    small.putdata([tuple(rnd.randrange(256) for _ in range(3)) for _ in range(48)])
    quarter = (size[0] // 4, size[1] // 4)
    base = small.resize(quarter, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(base)
    for _ in range(40):
        x, y = rnd.randrange(base.width), rnd.randrange(base.height)
        r = rnd.randrange(10, 300)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        shape = draw.ellipse if rnd.random() < 0.5 else draw.rectangle
        shape((x - r, y - r // 2, x + r, y + r), fill=colour)
    base = base.filter(ImageFilter.GaussianBlur(2))
    base = ImageChops.add(base, _tiled_noise(quarter, 512, 14), 1.0, -128)
    base = base.resize(size, Image.Resampling.BICUBIC)
    image = ImageChops.add(base, _tiled_noise(size, 1024, 7), 1.0, -128)
    exif = Image.Exif()
    exif[0x010F] = "Synthetic"
    exif[0x0110] = "bench_photos"
    if orientation != 1:
        exif[0x0112] = orientation
    tmp = path.with_suffix(".tmp")
    image.save(tmp, "JPEG", quality=90, exif=exif)
    os.replace(tmp, path)


def ensure_photos(n: int, jobs: int) -> list[Path]:
    folder = WORK / "photos-v2"  # v2: texture at two scales
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{i:04d}.jpg" for i in range(n)]
    missing = [(i, p) for i, p in enumerate(paths) if not p.exists()]
    if missing:
        print(f"generating {len(missing)} photos in {folder} …", file=sys.stderr)
        started = time.perf_counter()
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(make_photo, *zip(*missing, strict=True)))
        print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return paths


WORDS = {
    "subj": ["Die Kommune", "Das Jugendamt", "Die Schulsozialarbeit", "Der Landkreis",
             "Die Bildungslandschaft", "Das Netzwerk", "Die Stadtverwaltung",
             "Die Kinder- und Jugendhilfe", "Das Quartiersmanagement"],
    "verb": ["stärkt", "verzahnt", "untersucht", "entwickelt", "begleitet", "koordiniert",
             "überprüft", "gestaltet"],
    "obj": ["die Präventionskette", "das Bildungsmonitoring", "die Armutsprävention",
            "die Elternbeteiligung", "die Übergangsgestaltung zwischen Kita und Grundschule",
            "die Verwirklichungschancen benachteiligter Kinder", "die Sozialraumorientierung",
            "das datenbasierte kommunale Bildungsmanagement",
            "die ressortübergreifende Jugendhilfeplanung"],
    "tail": ["vor Ort", "im Quartier", "über Ressortgrenzen hinweg", "mit freien Trägern",
             "gemeinsam mit Schulen und Kitas", "auf der Grundlage belastbarer Daten",
             "im Rahmen der Landesförderung", "für Familien in prekären Lebenslagen"],
}
LONG = ["Kinderarmutsbekämpfungsstrategie", "Bundesverfassungsgerichtsentscheidungen",
        "Jugendhilfeplanungsausschusssitzung", "Bildungsberichterstattung",
        "Sozialraummonitoringsystem"]


def german_sentence(rnd: random.Random) -> str:
    s = f"{rnd.choice(WORDS['subj'])} {rnd.choice(WORDS['verb'])} {rnd.choice(WORDS['obj'])}"
    s += f" {rnd.choice(WORDS['tail'])}"
    if rnd.random() < 0.3:
        s += f", und die {rnd.choice(LONG)} zeigt „messbare“ Wirkungen"
    return s + "."


def german_abstract(rnd: random.Random) -> str:
    paragraphs = []
    for _ in range(rnd.randint(2, 4)):
        paragraphs.append(" ".join(german_sentence(rnd) for _ in range(rnd.randint(4, 8))))
    return "\n\n".join(paragraphs)


def q(text: str) -> str:
    """A YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def block(text: str, indent: int) -> str:
    pad = " " * indent
    return "|\n" + "\n".join(pad + line if line else "" for line in text.split("\n"))


def event_yaml(n_photos: int, with_photos: bool) -> str:
    rnd = random.Random(1000 + n_photos)
    n_talks = max(1, n_photos // 5)
    lines = [
        "format: 1",
        "lang: de",
        f"title: {q(f'Benchmark-Dokumentation mit {n_photos} Fotos')}",
        "subtitle: Synthetische Veranstaltung für die Leistungsmessung",
        "event:",
        "  kind: Großstadtnetzwerk",
        "  start: 2024-10-29 09:00",
        "  end: 2024-10-31 16:00",
        "  venue:",
        "    name: Landschaftspark Duisburg-Nord",
        "    address: [Emscherstraße 71, 47137 Duisburg]",
        "organiser:",
        "  name: Deutsche Kinder- und Jugendstiftung",
        "  logo: logo.png",
        f"intro: {block(german_abstract(rnd), 2)}",
        "agenda:",
    ]
    per_day = -(-n_talks // 3)
    for day in range(3):
        lines += [f"  - date: 2024-10-{29 + day}", "    items:"]
        for slot, talk in enumerate(range(day * per_day, min(n_talks, (day + 1) * per_day))):
            minutes = 9 * 60 + slot * 30
            start = f"{minutes // 60:02d}:{minutes % 60:02d}"
            end = f"{(minutes + 25) // 60:02d}:{(minutes + 25) % 60:02d}"
            lines += [
                f"      - time: {start}",
                f"        end: {end}",
                f"        title: {q(f'Vortrag {talk + 1}')}",
                "        place: Gebläsehalle",
                f"        talk: t{talk + 1}",
            ]
        if not lines[-1].startswith("        "):
            lines += ["      - time: 09:00", "        title: Ankommen"]
    lines.append("talks:")
    for talk in range(n_talks):
        lines += [
            f"  - id: t{talk + 1}",
            f"    format: {rnd.choice(['Impulsvortrag', 'Aus der Praxis', 'Werkstatt'])}",
            f"    topic: {rnd.choice(['Strategie', 'Praxis', 'Daten'])}",
            f"    title: {q(german_sentence(rnd)[:-1])}",
            "    speakers:",
            f"      - name: {q(f'Referentin {talk + 1}')}",
            "        role: Fachberaterin für kommunale Präventionsketten",
            "        organisation: LVR-Landesjugendamt Rheinland",
            f"    abstract: {block(german_abstract(rnd), 6)}",
            f"    slides: https://example.org/slides/{talk + 1}.pdf",
        ]
    if with_photos:
        lines += ["photos:", "  credit: © Benchmark", "  items:"]
        for i in range(n_photos):
            lines.append(f"    - file: photos/{i:04d}.jpg")
            if i % 3 == 0:
                lines.append(f"      caption: {q(f'Impressionen, Bild {i + 1}')}")
            lines.append(f"      alt: {q(f'Synthetisches Foto {i + 1}')}")
            if i == 0:
                lines += ["      cover: true", "      focus: [0.5, 0.4]"]
    lines += [
        "contacts:",
        "  - name: Dr. Daniel März",
        "    role: Programmabteilung",
        "    city: Hamburg",
        "    email: daniel.maerz@example.org",
    ]
    return "\n".join(lines) + "\n"


def make_logo(path: Path) -> None:
    logo = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.ellipse((10, 10, 190, 190), fill=(0, 94, 168, 255))
    draw.rectangle((220, 70, 590, 130), fill=(230, 120, 0, 255))
    logo.save(path)


def ensure_event(n: int, photos: list[Path], with_photos: bool) -> Path:
    folder = WORK / (f"event-{n}" if with_photos else f"event-{n}-text")
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    if with_photos:
        for src in photos:
            dst = folder / "photos" / src.name
            if not dst.exists():
                try:
                    os.link(src, dst)  # same bytes, no copy
                except OSError:
                    shutil.copy2(src, dst)
    if not (folder / "logo.png").exists():
        make_logo(folder / "logo.png")
    (folder / "event.yaml").write_text(event_yaml(n, with_photos), encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------
# Measuring


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ")".
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _rss_kib(pid: int) -> tuple[int, int]:
    """Current and peak (high-water) RSS of one process."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (its own, not its children's)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def tree_rss_kib(root: int, cpu: dict[int, float] | None = None) -> tuple[int, int]:
    """The tree's summed RSS now, and the largest single process's peak so far.

    With `cpu`, each process's CPU time seen so far is recorded in it (by pid).
    """
    children = _children_map()
    total, largest, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        rss, hwm = _rss_kib(pid)
        total += rss
        largest = max(largest, hwm)
        if cpu is not None:
            cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid))
        stack.extend(children.get(pid, []))
    return total, largest


@dataclass
class Run:
    name: str
    ok: bool
    seconds: float
    peak_tree_mib: float  # sampled sum over the process tree
    peak_process_mib: float  # largest single process (VmHWM, sampled)
    cpu_seconds: float = 0.0  # user + system of every process of the tree (sampled)
    pdf_mib: float | None = None
    pages: int | None = None
    photos_in_pdf: int | None = None
    min_photo_dpi: float | None = None
    note: str = ""


def bytecode_env(**extra: str) -> dict[str, str]:
    """This environment, bytecode allowed: an installed package has its modules compiled,
    and a checkout run with PYTHONDONTWRITEBYTECODE compiles every module of dokureport
    whose bytecode is missing or stale in each build (0.3-0.5 s of CPU), which would
    weigh on every build alike and so pull each ratio towards 1."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **extra}


def compile_package(env: dict[str, str]) -> None:
    """Compile the dokureport that `env` runs, before any build is measured."""
    code = "import dokureport, os; print(os.path.dirname(dokureport.__file__))"
    where = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env=env).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", where], check=True, env=env)


def run_measured(name: str, command: list[str], output: Path | None,
                 env: dict[str, str] | None = None) -> Run:
    out_log = WORK / f"{name}.log"
    with open(out_log, "wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   env=bytecode_env() if env is None else env)
        peak = largest = 0
        cpu: dict[int, float] = {}
        done = threading.Event()

        def sample() -> None:
            nonlocal peak, largest
            while not done.is_set():
                total, biggest = tree_rss_kib(process.pid, cpu)
                peak, largest = max(peak, total), max(largest, biggest)
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # The root's own CPU time, read while it is a zombie (waitid leaves it there):
        # exact, where its children's is sampled (at most 20 ms missing each).
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        cpu[process.pid] = _cpu_seconds(process.pid)
        _, status = os.waitpid(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    run = Run(name=name, ok=process.returncode == 0, seconds=seconds,
              peak_tree_mib=peak / 1024, peak_process_mib=largest / 1024,
              cpu_seconds=sum(cpu.values()))
    if not run.ok:
        tail = out_log.read_text(errors="replace").strip().splitlines()[-3:]
        run.note = f"exit {process.returncode}: " + " | ".join(tail)
    elif output is not None and output.exists():
        run.pdf_mib = output.stat().st_size / 2**20
        run.pages, run.photos_in_pdf, run.min_photo_dpi = pdf_facts(output)
    return run


def pdf_facts(pdf: Path) -> tuple[int | None, int | None, float | None]:
    """Pages, JPEG images drawn, and the lowest effective dpi among them."""
    try:
        import pdfplumber
    except ImportError:
        return None, None, None
    lowest: float | None = None
    count = 0
    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
        for page in doc.pages:
            for image in page.images:
                filters = image["stream"].attrs.get("Filter")
                names = filters if isinstance(filters, list) else [filters]
                if not any("DCT" in str(f) for f in names):
                    continue  # logos and QR codes are not photos
                w_px, h_px = image["srcsize"]
                w_pt, h_pt = image["width"], image["height"]
                if w_pt <= 0 or h_pt <= 0:
                    continue
                count += 1
                dpi = min(w_px / (w_pt / 72), h_px / (h_pt / 72))
                lowest = dpi if lowest is None else min(lowest, dpi)
    return pages, count, lowest


def _decode_at(args: tuple[str, tuple[int, int]]) -> float:
    """Decode one photo at (at least) `need` pixels; returns the CPU time it took."""
    path, need = args
    began = time.process_time()
    with Image.open(path) as im:
        im.draft("RGB", need)
        im.load()
    return time.process_time() - began


def needed_sizes(photos: list[Path], cache: Path) -> tuple[list[tuple[int, int]], str]:
    """Per photo, the displayed size the build prepared it at (from the build's cache)."""
    from dokureport.assets.pixels import content_hash

    by_hash: dict[str, tuple[int, int]] = {}
    for meta_file in (cache / "images").glob("*.json"):
        if meta_file.name == "sources.json":
            continue
        try:
            meta = json.loads(meta_file.read_text())
        except (OSError, ValueError):
            continue
        key = meta.get("content_hash")
        if key and "width" in meta:
            w, h = by_hash.get(key, (0, 0))
            by_hash[key] = (max(w, meta["width"]), max(h, meta["height"]))
    sizes, found = [], 0
    for index, path in enumerate(photos):
        _, orientation = photo_plan(index)
        digest = content_hash(path.read_bytes())  # as the build's cache names it
        if digest in by_hash:
            found += 1
            w, h = by_hash[digest]
        else:
            stored, _ = photo_plan(index)
            scale = FALLBACK_NEED_PX / max(stored)
            w, h = round(stored[0] * scale), round(stored[1] * scale)
            if orientation in (5, 6, 7, 8):
                w, h = h, w
        sizes.append((w, h))  # as displayed
    source = "the build's cache" if found == len(photos) else (
        f"the build's cache for {found}, {FALLBACK_NEED_PX} px long side for the rest"
    )
    return sizes, source


def decode_floor(photos: list[Path], sizes: list[tuple[int, int]], jobs: int
                 ) -> tuple[float, float]:
    """Wall and CPU seconds of decoding every photo at its size on `jobs` cores."""
    tasks = []
    for index, (path, (w, h)) in enumerate(zip(photos, sizes, strict=True)):
        _, orientation = photo_plan(index)
        tasks.append((str(path), (h, w) if orientation in (5, 6, 7, 8) else (w, h)))  # as stored
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_decode_at, [(str(p), (1, 1)) for p in photos[: jobs * 2]]))  # warm up
        started = time.perf_counter()
        cpu = sum(pool.map(_decode_at, tasks, chunksize=1))
        return time.perf_counter() - started, cpu


def prepare_only(needs: Path, cache: Path, jobs: int) -> None:
    """dokureport.assets alone: every photo at the size the floor decoded it for."""
    from dokureport.assets import ImagePreparer, ImageRequest

    requests = [
        ImageRequest(Path(path), w * 72 / 150, h * 72 / 150)
        for path, w, h in json.loads(needs.read_text())
    ]
    with ImagePreparer(dpi=150, cache_dir=cache, jobs=jobs) as preparer:
        for request in requests:
            preparer.submit(request)
        low = min(preparer.result(r).effective_dpi for r in requests)
        print(json.dumps({**asdict(preparer.stats), "min_dpi": low}))


def build_flags() -> set[str]:
    help_text = subprocess.run(
        [sys.executable, "-m", "dokureport", "build", "--help"],
        capture_output=True, text=True, check=False,
    ).stdout
    return set(re.findall(r"--[a-z][a-z-]+", help_text))


@dataclass
class Round:
    floor_seconds: float
    floor_cpu_seconds: float  # summed over the decoding processes
    runs: list[Run] = field(default_factory=list)

    def run(self, kind: str) -> Run:
        return next(r for r in self.runs if r.name.split("-")[0] == kind)


@dataclass
class Result:
    n: int
    jobs: int
    floor_sizes_from: str
    rounds: list[Round] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


def baseline_env(src: str) -> dict[str, str]:
    """The environment that runs dokureport from another checkout's `src` (before/after)."""
    return bytecode_env(PYTHONPATH=str(Path(src).resolve()))


def baseline_runs(baseline: str, n: int, tag: str, common: list[str], event: Path,
                  text_only: Path, cached: bool, no_cache: list[str]) -> list[Run]:
    """The other checkout's cold build, warm rebuild and build without photos."""
    cache = WORK / f"cache-{n}-base"
    shutil.rmtree(cache, ignore_errors=True)
    out, text_out = WORK / f"out-{n}-base.pdf", WORK / f"out-{n}-text-base.pdf"
    with_cache = ["--cache-dir", str(cache)] if cached else []
    env = baseline_env(baseline)
    return [run_measured(f"{kind}-{tag}", [*common, str(where), "-o", str(to), *extra], to, env)
            for kind, where, to, extra in (("basecold", event, out, with_cache),
                                           ("basewarm", event, out, with_cache),
                                           ("basetext", text_only, text_out, no_cache))]


def bench(n: int, jobs: int, target: str, rounds: int = 1, baseline: str | None = None
          ) -> Result:
    photos = ensure_photos(n, jobs)
    event = ensure_event(n, photos, with_photos=True)
    text_only = ensure_event(n, photos, with_photos=False)
    event_photos = [event / "photos" / p.name for p in photos]
    cache = WORK / f"cache-{n}"
    flags = build_flags()
    pending = []
    compile_package(bytecode_env())
    if baseline is not None:
        compile_package(baseline_env(baseline))
    common = [sys.executable, "-m", "dokureport", "build", "--target", target]
    if "--quiet" in flags:
        common.append("--quiet")
    if "--jobs" in flags:
        common += ["--jobs", str(jobs)]
    else:
        pending.append("--jobs not in the CLI yet: the build used its default (all cores)")
    cached = ["--cache-dir", str(cache)] if "--cache-dir" in flags else []
    if not cached:
        pending.append("--cache-dir not in the CLI yet: the warm rebuild is not a cache hit")
    no_cache = ["--no-cache"] if "--no-cache" in flags else []
    needs = WORK / f"needs-{n}.json"
    prep_cache = WORK / f"cache-{n}-prepare"
    prep = [sys.executable, str(Path(__file__).resolve()), "_prepare", str(needs),
            str(prep_cache), str(jobs)]
    out = WORK / f"out-{n}.pdf"
    text_out = WORK / f"out-{n}-text.pdf"

    result = Result(n=n, jobs=jobs, floor_sizes_from="", pending=pending)
    sizes: list[tuple[int, int]] = []
    # Every measurement once per round, round after round: a machine whose speed drifts
    # (other work, a VM's neighbours) then skews each ratio's two sides alike.
    for number in range(1, rounds + 1):
        tag = f"{n}" if rounds == 1 else f"{n}-r{number}"
        # With a baseline, its builds run in this round too: in odd rounds before this
        # tree's, in even rounds after them.
        base_runs: list[Run] = []
        if baseline is not None and number % 2:
            base_runs = baseline_runs(baseline, n, tag, common, event, text_only,
                                      bool(cached), no_cache)
        shutil.rmtree(cache, ignore_errors=True)
        cold = run_measured(f"cold-{tag}", [*common, str(event), "-o", str(out), *cached],
                            out)
        if not sizes:
            sizes, result.floor_sizes_from = needed_sizes(event_photos, cache)
            # The preparer alone (no validation, no layout) at the same sizes.
            needs.write_text(json.dumps([[str(p), w, h] for p, (w, h)
                                         in zip(event_photos, sizes, strict=True)]))
        floor, floor_cpu = decode_floor(event_photos, sizes, jobs)
        this = Round(floor_seconds=floor, floor_cpu_seconds=floor_cpu, runs=[cold])
        if baseline is not None and not number % 2:
            base_runs = baseline_runs(baseline, n, tag, common, event, text_only,
                                      bool(cached), no_cache)
        this.runs += base_runs
        shutil.rmtree(prep_cache, ignore_errors=True)
        this.runs.append(run_measured(f"prepcold-{tag}", prep, None))
        this.runs.append(run_measured(f"prepwarm-{tag}", prep, None))
        this.runs.append(run_measured(f"warm-{tag}", [*common, str(event), "-o", str(out),
                                                      *cached], out))
        this.runs.append(run_measured(f"text-{tag}", [*common, str(text_only), "-o",
                                                      str(text_out), *no_cache], text_out))
        # `dokureport validate` decodes every photo (in the photo workers, on every core).
        this.runs.append(run_measured(f"validate-{tag}", [
            sys.executable, "-m", "dokureport", "validate", str(event)], None))
        result.rounds.append(this)
        print(f"N={n} round {number}: " + ", ".join(
            f"{r.name.split('-')[0]} {r.seconds:.1f} s" for r in this.runs)
            + f", floor {floor:.1f} s", file=sys.stderr)
    if not all(r.ok for rnd in result.rounds for r in rnd.runs):
        pending.append("some builds failed (see the notes)")
    return result


# ---------------------------------------------------------------------------------------
# Reporting

# Issue 13's targets: (what, numerator, denominator, limit); at N = 300 for the ratios.
RATIO_TARGETS = [
    ("cold build ≤ 1.25× the decode floor", "cold", "floor", 1.25),
    ("warm rebuild ≤ 1.1× the build without photos", "warm", "text", 1.1),
    ("`validate` ≤ 1.2× the decode floor", "validate", "floor", 1.2),
]
# With --baseline: the same two ratios for the other checkout, measured in the same rounds.
BASELINE_RATIOS = [
    ("baseline: cold build / decode floor", "basecold", "floor", 1.25),
    ("baseline: warm rebuild / build without photos", "basewarm", "basetext", 1.1),
]
PEAK_TREE_LIMIT_MB = 300  # at every N (10^6 bytes)


def _wall(rnd: Round, kind: str) -> float:
    return rnd.floor_seconds if kind == "floor" else rnd.run(kind).seconds


def _cpu(rnd: Round, kind: str) -> float:
    return rnd.floor_cpu_seconds if kind == "floor" else rnd.run(kind).cpu_seconds


def ratios(result: Result, num: str, den: str) -> tuple[list[float], list[float]]:
    """Per round, wall and CPU ratio of two measurements of that round."""
    ok = [r for r in result.rounds if all(r.run(k).ok for k in (num, den) if k != "floor")]
    return ([_wall(r, num) / _wall(r, den) for r in ok],
            [_cpu(r, num) / _cpu(r, den) for r in ok if _cpu(r, den) > 0])


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def targets_table(results: list[Result]) -> str:
    """Every target, each N measured, against its limit (wall time decides; CPU shown)."""
    rows = ["| target | N | wall ratio (median, range) | CPU ratio (median) | status |",
            "|---|---|---|---|---|"]
    measured = [k for rnd in (results[0].rounds[:1] if results else [])
                for k in (run.name.split("-")[0] for run in rnd.runs)]
    for what, num, den, limit in RATIO_TARGETS + [
            t for t in BASELINE_RATIOS if t[1] in measured]:
        for r in results:
            wall, cpu = ratios(r, num, den)
            med, cpu_med = _median(wall), _median(cpu)
            if med is None:
                rows.append(f"| {what} | {r.n} | — | — | not measured |")
                continue
            spread = f" ({min(wall):.2f}–{max(wall):.2f})" if len(wall) > 1 else ""
            status = "met" if med <= limit else "missed"
            if r.n < 300:
                status += " (the target is at N = 300)"
            cpu_text = "—" if cpu_med is None else f"{cpu_med:.2f}×"
            rows.append(f"| {what} | {r.n} | {med:.2f}×{spread} | {cpu_text} | {status} |")
    for r in results:
        peak = max(run.peak_tree_mib for rnd in r.rounds for run in rnd.runs)
        status = "met" if peak * 2**20 <= PEAK_TREE_LIMIT_MB * 10**6 else "missed"
        rows.append(f"| peak tree RSS ≤ {PEAK_TREE_LIMIT_MB} MB, every run | {r.n} "
                    f"| {peak:.0f} MiB ({peak * 2**20 / 1e6:.0f} MB) | | {status} |")
    return "\n".join(rows)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    except OSError:
        mem = 0.0
    import PIL
    import reportlab
    from PIL import features

    return (
        f"{model}, {len(os.sched_getaffinity(0))} cores available, {mem:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"Pillow {PIL.__version__} (libjpeg-turbo {features.version('libjpeg_turbo')}), "
        f"reportlab {reportlab.Version}"
    )


def markdown(results: list[Result]) -> str:
    head = ("| N | decode floor | cold build | cold / floor | warm rebuild | text only "
            "| warm / text | peak tree RSS | largest process | PDF | pages | min photo dpi "
            "| prepare only, cold | prepare only, warm | validate only | validate / floor |")
    rows = [head, "|" + "---|" * 16]

    def fmt(value: float | None, spec: str, suffix: str = "") -> str:
        return "—" if value is None else f"{value:{spec}}{suffix}"

    def wall(r: Result, kind: str) -> float | None:
        return _median([_wall(rnd, kind) for rnd in r.rounds
                        if kind == "floor" or rnd.run(kind).ok])

    for r in results:
        last = r.rounds[-1].run("cold")
        peak_tree = max(run.peak_tree_mib for rnd in r.rounds for run in rnd.runs)
        peak_proc = max(run.peak_process_mib for rnd in r.rounds for run in rnd.runs)
        rows.append(
            f"| {r.n} | {fmt(wall(r, 'floor'), '.1f', ' s')} "
            f"| {fmt(wall(r, 'cold'), '.1f', ' s')} "
            f"| {fmt(_median(ratios(r, 'cold', 'floor')[0]), '.2f', '×')} "
            f"| {fmt(wall(r, 'warm'), '.1f', ' s')} "
            f"| {fmt(wall(r, 'text'), '.1f', ' s')} "
            f"| {fmt(_median(ratios(r, 'warm', 'text')[0]), '.2f', '×')} "
            f"| {peak_tree:.0f} MiB | {peak_proc:.0f} MiB | {fmt(last.pdf_mib, '.1f', ' MiB')} "
            f"| {fmt(last.pages, 'd')} | {fmt(last.min_photo_dpi, '.0f')} "
            f"| {fmt(wall(r, 'prepcold'), '.1f', ' s')} "
            f"| {fmt(wall(r, 'prepwarm'), '.2f', ' s')} "
            f"| {fmt(wall(r, 'validate'), '.1f', ' s')} "
            f"| {fmt(_median(ratios(r, 'validate', 'floor')[0]), '.2f', '×')} |"
        )
    return "\n".join(rows)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "_prepare":
        prepare_only(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, action="append", help="photos (repeatable)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--target", choices=["screen", "print"], default="screen")
    parser.add_argument("--markdown", action="store_true", help="print a table for the docs")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure everything this many times, interleaved; medians")
    parser.add_argument("--baseline", metavar="SRC",
                        help="also build with dokureport from this src folder (another "
                             "checkout), in the same rounds: before and after side by side")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.n or [9]:
        result = bench(n, args.jobs, args.target, max(1, args.rounds), args.baseline)
        results.append(result)
        print(json.dumps(asdict(result), indent=2, ensure_ascii=False))
        (WORK / f"results-{n}.json").write_text(json.dumps(asdict(result), indent=2))
    print(f"\nMachine: {machine()}")
    print(f"Command: python benchmarks/bench_photos.py {' '.join(sys.argv[1:])}")
    if args.markdown:
        print()
        print(markdown(results))
    print()
    print(targets_table(results))
    for result in results:
        for item in result.pending:
            print(f"PENDING (N={result.n}): {item}", file=sys.stderr)


if __name__ == "__main__":
    main()
