"""A photo worker's CPU per photo against the decode floor's, step by step, in one process.

Usage (from the repository root, after `bench_photos.py --n 300` made its photos):

    python benchmarks/bench_photo_work.py [--photos 20] [--rounds 3] [--quality]

Per photo of the benchmark event (every 15th, at the size the cold build needs: the
`needs-300.json` the photo benchmark writes), interleaved photo by photo so that a
machine's drift skews both alike:

  floor      the decode floor's work (`bench_photos._decode_at`: open, draft, load)
  work       the worker function of the cold build (`assets.pixels.work`, cache on)

and the steps of `work` timed one by one (read and hash, decode, turn, resample, encode,
write). With --quality, each resampling filter's PSNR against a LANCZOS resize of the
full-resolution decode (the "true" downscale): of the resampled pixels alone, and of the
prepared JPEG (quality 85, 4:2:0) as the PDF holds it, on average and for the photo it
harms most against the build's filter. CPU is `time.process_time`.

With --real DIR, only that comparison, on the camera files in DIR (JPEGs no one here
made; none is in the repository), each asked for at one of the gallery's sizes in turn:

    python benchmarks/bench_photo_work.py --real ~/camera-files
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import math
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageChops, ImageStat

if TYPE_CHECKING:
    from dokureport.assets.plan import Settings

HERE = Path(__file__).resolve().parent
NEEDS = HERE / ".work" / "needs-300.json"


def selected(count: int) -> list[tuple[str, int, int]]:
    if not NEEDS.exists():
        sys.exit(f"{NEEDS} not found: run benchmarks/bench_photos.py --n 300 first")
    needs = json.loads(NEEDS.read_text())
    return [tuple(n) for n in needs[1::15][:count]]  # not the cover: one of 300


def _request(path: str, w: int, h: int) -> Settings:
    from dokureport.assets.plan import ImageRequest, make_settings

    return make_settings(ImageRequest(Path(path), w * 72 / 150, h * 72 / 150), 150, 85)


def whole(photos: list[tuple[str, int, int]], rounds: int) -> tuple[float, float]:
    """Milliseconds per photo: the floor's decode, the worker's `work`."""
    sys.path.insert(0, str(HERE))
    from bench_photos import _decode_at

    from dokureport.assets import pixels

    pixels.worker_init()
    floor = work = 0.0
    for _ in range(rounds):
        cache = Path(tempfile.mkdtemp(prefix="bench-photo-work-"))
        try:
            for path, w, h in photos:
                with Image.open(path) as im:
                    turned = im.getexif().get(0x0112, 1) in (5, 6, 7, 8)
                floor += _decode_at((path, (h, w) if turned else (w, h)))
                task = pixels.Task(path, _request(path, w, h), str(cache / "x"), None,
                                   str(cache))
                began = time.process_time()
                meta = pixels.work(task)
                work += time.process_time() - began
                assert "error" not in meta, meta
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    n = rounds * len(photos)
    return floor / n * 1000, work / n * 1000


def steps(photos: list[tuple[str, int, int]], rounds: int) -> dict[str, float]:
    """Milliseconds per photo of each step of `work`, done here one by one."""
    from dokureport.assets import pixels
    from dokureport.assets.plan import make_plan
    from dokureport.event import image_headers

    spent: dict[str, float] = collections.defaultdict(float)

    def lap(name: str, began: float) -> float:
        now = time.process_time()
        spent[name] += now - began
        return now

    with tempfile.TemporaryDirectory(prefix="bench-photo-work-") as folder:
        for _ in range(rounds):
            for path, w, h in photos:
                t = time.process_time()
                data, _ = pixels.read_and_hash(path)
                assert data is not None
                t = lap("read and hash (XXH3-128)", t)
                with Image.open(io.BytesIO(data)) as im:
                    orientation = image_headers.orientation(im)
                    turned = orientation in (5, 6, 7, 8)
                    oriented = (im.height, im.width) if turned else im.size
                    plan = make_plan(oriented, _request(path, w, h))
                    need = [max(1, math.ceil(s * plan.scale)) for s in oriented]
                    im.draft("RGB", (need[1], need[0]) if turned else tuple(need))
                    im.load()
                    t = lap("decode (draft)", t)
                    out: Image.Image = im
                    for method in pixels._TRANSPOSE.get(orientation, []):
                        out = out.transpose(method)
                    t = lap("turn (EXIF orientation)", t)
                    out = out.resize(plan.out_size, Image.Resampling.LANCZOS)
                    t = lap("resample (LANCZOS)", t)
                    buffer = io.BytesIO()
                    out.save(buffer, "JPEG", quality=85, optimize=True, subsampling="4:2:0")
                    t = lap("encode (JPEG q85, optimized)", t)
                    pixels.file_digest(buffer.getvalue())
                    t = lap("SHA-256 of the prepared file", t)
                    data = buffer.getvalue()
                    pixels.atomic_write(str(Path(folder) / "x.jpg"),
                                        lambda p, data=data: Path(p).write_bytes(data))
                    lap("write", t)
    n = rounds * len(photos)
    return {name: seconds / n * 1000 for name, seconds in spent.items()}


def _psnr(a: Image.Image, b: Image.Image) -> float:
    squares = ImageStat.Stat(ImageChops.difference(a, b).point(lambda v: v * v))
    mse = sum(squares.mean) / 3
    return 99.0 if mse == 0 else 10 * math.log10(255**2 / mse)


FILTERS = {
    "LANCZOS (the build's)": {"resample": Image.Resampling.LANCZOS},
    "LANCZOS after a 2× box reduction (`reducing_gap=1`)": {
        "resample": Image.Resampling.LANCZOS, "reducing_gap": 1.0},
    "LANCZOS, `reducing_gap=2` (Pillow's `thumbnail`)": {
        "resample": Image.Resampling.LANCZOS, "reducing_gap": 2.0},
    "BICUBIC": {"resample": Image.Resampling.BICUBIC},
    "HAMMING": {"resample": Image.Resampling.HAMMING},
}
BUILDS = "LANCZOS (the build's)"
# The long sides (pixels at 150 dpi) the benchmark's gallery asks for, when its
# needs-300.json is not there to tell.
GALLERY_SIDES = (171, 221, 257, 332, 1242)


@dataclass
class Filtered:
    """One resampling filter over a set of photos (PSNR in dB, against the true downscale)."""

    resampled: float  # mean PSNR of the resampled pixels
    prepared: float  # mean PSNR of the prepared JPEG
    worst: float  # the prepared JPEG's largest loss against the build's filter, one photo
    worst_photo: str
    ms: float  # CPU per resample


def real_photos(folder: Path) -> list[tuple[str, int, int]]:
    """The JPEGs in `folder`, each with the size of one of the gallery's photos in turn
    (its long side; the short side from the photo's own shape, as it stands)."""
    sides = GALLERY_SIDES
    if NEEDS.exists():
        sides = tuple(sorted({max(w, h) for _, w, h in json.loads(NEEDS.read_text())}))
    from dokureport.event import image_headers

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg"))
    photos = []
    for index, path in enumerate(files):
        with Image.open(path) as im:
            width, height = im.size
            if image_headers.orientation(im) in (5, 6, 7, 8):
                width, height = height, width
        long = sides[index % len(sides)]
        short = max(1, round(long * min(width, height) / max(width, height)))
        photos.append((str(path), *((long, short) if width >= height else (short, long))))
    return photos


def quality(photos: list[tuple[str, int, int]]) -> dict[str, Filtered]:
    """Per filter: the PSNR of the resample and of the prepared JPEG, the worst photo."""
    from dokureport.assets import pixels
    from dokureport.assets.plan import make_plan
    from dokureport.event import image_headers

    scores: dict[str, list[tuple[float, float]]] = {name: [] for name in FILTERS}
    spent = dict.fromkeys(FILTERS, 0.0)
    for path, w, h in photos:
        with Image.open(path) as im:
            orientation = image_headers.orientation(im)
            full = im.convert("RGB")
        for method in pixels._TRANSPOSE.get(orientation, []):
            full = full.transpose(method)
        turned = orientation in (5, 6, 7, 8)
        plan = make_plan(full.size, _request(path, w, h))  # w × h: the photo as it stands
        truth = full.resize(plan.out_size, Image.Resampling.LANCZOS)
        with Image.open(path) as im:
            need = [max(1, math.ceil(s * plan.scale)) for s in full.size]
            im.draft("RGB", (need[1], need[0]) if turned else tuple(need))
            draft = im.convert("RGB")
        for method in pixels._TRANSPOSE.get(orientation, []):
            draft = draft.transpose(method)
        for name, how in FILTERS.items():
            began = time.process_time()
            for _ in range(5):
                out = draft.resize(plan.out_size, **how)
            spent[name] += (time.process_time() - began) / 5
            buffer = io.BytesIO()
            out.save(buffer, "JPEG", quality=85, optimize=True, subsampling="4:2:0")
            with Image.open(buffer) as encoded:
                as_printed = encoded.convert("RGB")
            scores[name].append((_psnr(out, truth), _psnr(as_printed, truth)))
    n = len(photos)
    result = {}
    for name, pairs in scores.items():
        losses = [p - b for (_, p), (_, b) in zip(pairs, scores[BUILDS], strict=True)]
        worst = min(range(n), key=losses.__getitem__)
        result[name] = Filtered(
            resampled=sum(a for a, _ in pairs) / n, prepared=sum(b for _, b in pairs) / n,
            worst=losses[worst], worst_photo=Path(photos[worst][0]).name,
            ms=spent[name] / n * 1000)
    return result


def print_quality(photos: list[tuple[str, int, int]]) -> None:
    print("\nAgainst LANCZOS from the full-resolution decode:\n")
    print("| resampling | PSNR, resampled | PSNR, prepared JPEG | worst photo against the "
          "build's | ms |\n|---|---|---|---|---|")
    for name, f in quality(photos).items():
        print(f"| {name} | {f.resampled:.1f} dB | {f.prepared:.2f} dB | {f.worst:+.2f} dB "
              f"({f.worst_photo}) | {f.ms:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--real", type=Path, metavar="DIR",
                        help="only the filters' quality, on the camera files in DIR")
    args = parser.parse_args()
    if args.real is not None:
        photos = real_photos(args.real)
        print(f"{len(photos)} camera files from {args.real}")
        print_quality(photos)
        return
    photos = selected(args.photos)
    floor, work = whole(photos, args.rounds)
    print(f"{len(photos)} photos × {args.rounds} rounds, CPU per photo:\n")
    print("| | ms | × floor |\n|---|---|---|")
    print(f"| decode floor | {floor:.1f} | 1.00 |")
    print(f"| worker (`pixels.work`) | {work:.1f} | {work / floor:.3f} |")
    print("\nThe worker's steps, one by one:\n\n| step | ms |\n|---|---|")
    for name, ms in steps(photos, args.rounds).items():
        print(f"| {name} | {ms:.2f} |")
    if args.quality:
        print_quality(photos)


if __name__ == "__main__":
    main()
