"""Photos and logos made ready for the page: oriented, sRGB, sized, cropped, cached, in parallel."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, ImageFile

from dokureport.errors import InputError, Problem

__all__ = [
    "CACHE_MAX_AGE_DAYS",
    "CACHE_MAX_BYTES",
    "ImagePreparer",
    "ImageRequest",
    "PreparedImage",
    "PreparerStats",
    "default_cache_dir",
    "oriented_size",
]

# Bump when the preparation changes its output: old cache entries then stop matching.
PREPARE_VERSION = 1
JPEG_QUALITY = 85
# A source up to this factor larger than needed is kept as it is: re-encoding it would
# save little and cost a generation of JPEG loss (and the effective dpi stays within
# [target, target * 1.1]).
PASS_THROUGH_SLACK = 1.1
# More distinct colours than this (or none of the "graphic" modes) means a photo.
GRAPHIC_MAX_COLOURS = 4096
# Cache clean-up on exit: an entry unused by this build goes when older than this, and
# least recently used unused entries go while the cache is larger than the cap.
CACHE_MAX_AGE_DAYS = 30
CACHE_MAX_BYTES = 2 * 1024**3
PAGE_BACKGROUND = (255, 255, 255)

_ORIENTATION_TAG = 0x0112
_TRANSPOSE: dict[int, list[Image.Transpose]] = {
    2: [Image.Transpose.FLIP_LEFT_RIGHT],
    3: [Image.Transpose.ROTATE_180],
    4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE],
    6: [Image.Transpose.ROTATE_270],
    7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_90],
}
_JPEG_FORMATS = ("JPEG", "MPO")


@dataclass(frozen=True)
class ImageRequest:
    """One image at one placed size on the page."""

    source: Path  # absolute path of the photo/logo file
    width_pt: float  # size of the box it is placed in on the page, in points
    height_pt: float
    crop: bool = False  # True: fill the box, cropping the excess (around focus); False: fit
    focus: tuple[float, float] | None = None  # focal point in 0..1 for crops, centre by default


@dataclass(frozen=True)
class PreparedImage:
    """The file to embed for a request, and what it amounts to at the placed size."""

    path: Path  # JPEG for photos, PNG for graphics, or the source itself when passed through
    width_px: int
    height_px: int
    effective_dpi: float  # min over both axes of pixels / (placed inches)


@dataclass
class PreparerStats:
    """What a preparer did; tests and the benchmark read it."""

    submitted: int = 0  # distinct preparations asked for
    prepared: int = 0  # decoded and encoded by a worker
    passed_through: int = 0  # the source embedded as it is
    cache_hits: int = 0  # found in the cache (without or with a worker hashing the file)
    hashed: int = 0  # source files whose content a worker hashed
    errors: int = 0


def default_cache_dir() -> Path:
    """Where prepared photos are cached unless the user says otherwise (XDG convention)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "dokureport"


def oriented_size(source: Path) -> tuple[int, int]:
    """Pixel size as displayed (after EXIF orientation), read from the header only: fast."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as im:
                width, height = im.size
                orientation = _orientation(im)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError([Problem(_too_large(), file=source)]) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError([Problem(f"cannot read image: {exc}", file=source)]) from None
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


# ---------------------------------------------------------------------------------------
# The plan: what to make of one source for one request (pure arithmetic, tested directly)


@dataclass(frozen=True)
class _Settings:
    """Everything besides the source's content that decides the output; part of the key."""

    box_px: tuple[int, int]  # the placed box at the target dpi, rounded up
    crop: bool
    focus: tuple[float, float]
    aspect: float  # width_pt / height_pt, exact (box_px is rounded)
    dpi: int
    quality: int

    def token(self) -> str:
        fx, fy = self.focus
        return (
            f"v{PREPARE_VERSION}|{self.box_px[0]}x{self.box_px[1]}|crop={int(self.crop)}"
            f"|focus={fx:.4f},{fy:.4f}|aspect={self.aspect:.6f}|dpi={self.dpi}|q={self.quality}"
        )


def _settings(request: ImageRequest, dpi: int, quality: int) -> _Settings:
    if not (request.width_pt > 0 and request.height_pt > 0):
        raise ValueError(f"image box must be positive, got {request.width_pt}×{request.height_pt}")
    # A tiny tolerance keeps 1240.0000001 from becoming 1241 pixels.
    box_w = max(1, math.ceil(request.width_pt / 72 * dpi - 1e-6))
    box_h = max(1, math.ceil(request.height_pt / 72 * dpi - 1e-6))
    fx, fy = request.focus if request.focus is not None else (0.5, 0.5)
    focus = (min(max(float(fx), 0.0), 1.0), min(max(float(fy), 0.0), 1.0))
    return _Settings(
        box_px=(box_w, box_h),
        crop=request.crop,
        focus=focus if request.crop else (0.5, 0.5),
        aspect=request.width_pt / request.height_pt,
        dpi=dpi,
        quality=quality,
    )


@dataclass(frozen=True)
class _Plan:
    crop_box: tuple[float, float, float, float]  # in oriented source pixels
    out_size: tuple[int, int]  # pixels written
    scale: float  # output pixels per source pixel (<= 1)


def _plan(oriented: tuple[int, int], settings: _Settings) -> _Plan:
    """Which part of the (oriented) source to keep and at what size; never upscales."""
    ow, oh = oriented
    bw, bh = settings.box_px
    if settings.crop:
        # The largest window of the box's aspect inside the source, placed so the focal
        # point is as central as the edges allow.
        if ow / oh > settings.aspect:
            cw, ch = oh * settings.aspect, float(oh)
        else:
            cw, ch = float(ow), ow / settings.aspect
        fx, fy = settings.focus
        x0 = min(max(fx * ow - cw / 2, 0.0), ow - cw)
        y0 = min(max(fy * oh - ch / 2, 0.0), oh - ch)
        crop_box = (x0, y0, x0 + cw, y0 + ch)
        scale = min(1.0, max(bw / cw, bh / ch))
        out = (
            min(max(1, math.ceil(cw * scale - 1e-6)), math.floor(cw) or 1),
            min(max(1, math.ceil(ch * scale - 1e-6)), math.floor(ch) or 1),
        )
    else:
        crop_box = (0.0, 0.0, float(ow), float(oh))
        # The larger ratio: both axes reach the target dpi even if the box's aspect is
        # off by a rounding.
        scale = min(1.0, max(bw / ow, bh / oh))
        out = (
            min(max(1, math.ceil(ow * scale - 1e-6)), ow),
            min(max(1, math.ceil(oh * scale - 1e-6)), oh),
        )
    return _Plan(crop_box=crop_box, out_size=out, scale=scale)


def _effective_dpi(size_px: tuple[int, int], width_pt: float, height_pt: float) -> float:
    return min(size_px[0] / (width_pt / 72), size_px[1] / (height_pt / 72))


# ---------------------------------------------------------------------------------------
# The work, done in a worker process: writes the output file, returns only metadata


@dataclass(frozen=True)
class _Task:
    source: str
    settings: _Settings
    out_base: str  # output path without extension; the worker picks .jpg or .png
    content_hash: str | None  # known from the stat index; None: hash it (cache only)
    cache_dir: str | None  # where finished entries live, when caching


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # a broken EXIF block must not sink the photo: show it as stored
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _too_large() -> str:
    # Pillow only warns between 1× and 2× its limit; such files are refused too, as
    # validation refuses them.
    limit = Image.MAX_IMAGE_PIXELS
    pixels = f"more than {limit / 1e6:.0f} megapixels" if limit else "too many pixels"
    return f"image too large: {pixels}, refused as a possible decompression bomb; scale it down"


def _hash_file(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _cache_key(content_hash: str, settings: _Settings) -> str:
    return hashlib.sha256(f"{content_hash}|{settings.token()}".encode()).hexdigest()


_SRGB = None
_TRANSFORMS: dict[tuple[bytes, str, str], Any] = {}


def _srgb_profile() -> ImageCms.ImageCmsProfile:
    global _SRGB
    if _SRGB is None:
        _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return _SRGB


def _is_srgb(icc: bytes | None) -> bool:
    if not icc:
        return True  # untagged: assumed sRGB, as browsers and PDF viewers do
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        description = ImageCms.getProfileDescription(profile) or ""
    except Exception:  # an unreadable profile is ignored, as viewers do
        return True
    # "sRGB IEC61966-2.1", "sRGB built-in", "sRGB v4 ICC preference…" — but not
    # "Wide RGB (not sRGB)": the name must start with it.
    return description.strip().lower().startswith("srgb")


def _to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB (or RGBA) in sRGB, from any colour mode, honouring an embedded profile."""
    out_mode = "RGBA" if im.mode in ("RGBA", "LA", "PA") else "RGB"
    if im.mode in ("RGB", "RGBA", "CMYK") and icc and not _is_srgb(icc):
        key = (hashlib.sha256(icc).digest(), im.mode, out_mode)
        transform = _TRANSFORMS.get(key)
        try:
            if transform is None:
                source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
                transform = ImageCms.buildTransform(
                    source_profile, _srgb_profile(), im.mode, out_mode,
                    renderingIntent=ImageCms.Intent.PERCEPTUAL,
                )
                _TRANSFORMS[key] = transform
            return ImageCms.applyTransform(im, transform)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a profile lcms refuses (or one for another colour space): plain conversion
    return im if im.mode == out_mode else im.convert(out_mode)


def _normalise_mode(im: Image.Image, icc: bytes | None) -> Image.Image:
    """One of L, LA, RGB, RGBA, in sRGB (greyscale stays greyscale)."""
    mode = im.mode
    if mode.startswith("I;16") or mode == "I":
        # convert("L") clips 16-bit values at 255 (a white image): scale them instead.
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
        mode = "L"
    elif mode in ("F", "1"):
        im = im.convert("L")
        mode = "L"
    if mode == "P":
        has_alpha = "transparency" in im.info or im.palette.mode == "RGBA"
        return im.convert("RGBA" if has_alpha else "RGB")
    if mode == "PA":
        return im.convert("RGBA")
    if mode in ("L", "LA"):
        if mode == "L" and "transparency" in im.info:
            return im.convert("LA")
        return im
    if mode == "RGB" and "transparency" in im.info:
        return im.convert("RGBA")
    if mode in ("RGB", "RGBA", "CMYK"):
        return _to_srgb(im, icc)
    if mode == "LAB":
        lab = ImageCms.createProfile("LAB")
        return ImageCms.profileToProfile(im, lab, _srgb_profile(), outputMode="RGB")
    return im.convert("RGBA" if "A" in mode else "RGB")


def _drop_opaque_alpha(im: Image.Image) -> Image.Image:
    if im.mode in ("RGBA", "LA"):
        low, _ = im.getchannel("A").getextrema()
        if low == 255:
            return im.convert(im.mode[:-1])
    return im


def _is_graphic(im: Image.Image, source_mode: str, source_format: str | None) -> bool:
    """A logo or diagram (kept lossless) rather than a photo (JPEG)."""
    if source_format in _JPEG_FORMATS:
        return False
    if source_mode in ("1", "P", "PA"):
        return True
    return im.getcolors(GRAPHIC_MAX_COLOURS) is not None


def _flatten(im: Image.Image) -> Image.Image:
    """Transparent pixels onto the page background, not onto black."""
    if im.mode == "RGBA":
        background = Image.new("RGB", im.size, PAGE_BACKGROUND)
        background.paste(im, mask=im.getchannel("A"))
        return background
    if im.mode == "LA":
        background = Image.new("L", im.size, 255)
        background.paste(im.getchannel("L"), mask=im.getchannel("A"))
        return background
    return im


def _atomic_write(path: str, write: Callable[[str], None]) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _read_meta(cache_dir: str, key: str) -> dict[str, Any] | None:
    """A finished cache entry's metadata, or None if there is no complete entry."""
    try:
        with open(os.path.join(cache_dir, f"{key}.json"), encoding="utf-8") as fh:
            meta = json.load(fh)
    except (OSError, ValueError):
        return None
    if meta.get("kind") != "source" and not os.path.exists(
        os.path.join(cache_dir, meta.get("file", ""))
    ):
        return None
    return meta


def _work(task: _Task) -> dict[str, Any]:
    """Prepare one image (in a worker); never raises for bad input, reports it instead."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _work_unsafe(task)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return {"error": _too_large()}
    except (OSError, SyntaxError, ValueError, EOFError, ImageCms.PyCMSError) as exc:
        # Pillow's ways of saying "corrupt, truncated or not an image".
        return {"error": f"cannot read image: {exc}"}


def _work_unsafe(task: _Task) -> dict[str, Any]:
    settings = task.settings
    hashed = False
    key: str | None = None
    if task.cache_dir is not None:
        content_hash = task.content_hash
        if content_hash is None:
            content_hash = _hash_file(task.source)
            hashed = True
        key = _cache_key(content_hash, settings)
        meta = _read_meta(task.cache_dir, key)
        if meta is not None:
            return {**meta, "key": key, "content_hash": content_hash, "hashed": hashed,
                    "cache_hit": True}
        out_base = os.path.join(task.cache_dir, key)
    else:
        content_hash = None
        out_base = task.out_base

    meta = _prepare(task.source, settings, out_base)
    if task.cache_dir is not None and key is not None:
        # The content hash lets tools (the benchmark) tell which photo an entry is of.
        record = json.dumps({**meta, "content_hash": content_hash}).encode()
        meta_path = os.path.join(task.cache_dir, f"{key}.json")
        _atomic_write(meta_path, lambda p: Path(p).write_bytes(record))
    return {**meta, "key": key, "content_hash": content_hash, "hashed": hashed,
            "cache_hit": False}


def _prepare(source: str, settings: _Settings, out_base: str) -> dict[str, Any]:
    with Image.open(source) as im:
        source_format = im.format
        source_mode = im.mode
        orientation = _orientation(im)
        width, height = im.size
        rotated = orientation in (5, 6, 7, 8)
        oriented = (height, width) if rotated else (width, height)
        plan = _plan(oriented, settings)
        icc = im.info.get("icc_profile")

        if (
            source_format == "JPEG"  # not MPO: its extra frames would be embedded too
            and source_mode in ("RGB", "L")
            and orientation == 1
            and _is_srgb(icc)
            and plan.scale * PASS_THROUGH_SLACK >= 1
            and plan.crop_box == (0.0, 0.0, float(width), float(height))
        ):
            # Embedded as it is, so decode it once (small, at 1/8 scale): a truncated or
            # damaged file must fail here, not print as a grey half photo.
            im.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            im.load()
            return {"kind": "source", "width": width, "height": height}

        if source_format in _JPEG_FORMATS:
            # Decode at 1/2, 1/4 or 1/8 directly: the full image is never in memory.
            need_w = max(1, math.ceil(oriented[0] * plan.scale))
            need_h = max(1, math.ceil(oriented[1] * plan.scale))
            im.draft("RGB", (need_h, need_w) if rotated else (need_w, need_h))
        im.load()
        decoded = im.size
        work: Image.Image = im
        for method in _TRANSPOSE.get(orientation, []):
            work = work.transpose(method)
        # The crop box in the (possibly reduced) decoded pixels.
        factor = (decoded[1] if rotated else decoded[0]) / oriented[0]
        x0, y0, x1, y1 = (c * factor for c in plan.crop_box)

        work = _normalise_mode(work, icc)
        work = _drop_opaque_alpha(work)
        graphic = _is_graphic(work, source_mode, source_format)

        box = (x0, y0, x1, y1)
        if work.size != plan.out_size or box != (0, 0, work.size[0], work.size[1]):
            work = work.resize(plan.out_size, Image.Resampling.LANCZOS, box=box)

        if graphic:
            path = f"{out_base}.png"
            _atomic_write(path, lambda p: work.save(p, "PNG", compress_level=6))
        else:
            work = _flatten(work)
            path = f"{out_base}.jpg"
            subsampling = "4:2:0" if settings.dpi <= 150 else "4:4:4"
            _atomic_write(path, lambda p: work.save(
                p, "JPEG", quality=settings.quality, optimize=True, progressive=False,
                subsampling=subsampling,
            ))
        return {
            "kind": "png" if graphic else "jpeg",
            "file": os.path.basename(path),
            "width": work.size[0],
            "height": work.size[1],
        }


def _worker_init() -> None:
    # Truncated files must fail loudly, not become half-grey photos.
    ImageFile.LOAD_TRUNCATED_IMAGES = False


# ---------------------------------------------------------------------------------------
# The preparer: the main process's side


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _StatIndex:
    """Source file identity (path, size, mtime, inode) → content hash, kept in the cache.

    A rebuild then needs neither a worker nor a read of the photo to find its entry.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = {}  # identity → [content hash, last used]
        self.dirty = False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == PREPARE_VERSION:
                self.entries = dict(data.get("entries", {}))
        except (OSError, ValueError, AttributeError):
            pass

    @staticmethod
    def identity(source: Path, st: os.stat_result) -> str:
        return f"{source}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}"

    def get(self, ident: str) -> str | None:
        entry = self.entries.get(ident)
        if entry is None:
            return None
        if time.time() - entry[1] > 86400:  # refresh "last used" at most daily
            entry[1] = time.time()
            self.dirty = True
        return str(entry[0])

    def put(self, ident: str, content_hash: str) -> None:
        self.entries[ident] = [content_hash, time.time()]
        self.dirty = True

    def save(self) -> None:
        cutoff = time.time() - CACHE_MAX_AGE_DAYS * 86400
        stale = [k for k, (_, used) in self.entries.items() if used < cutoff]
        for k in stale:
            del self.entries[k]
        if not (self.dirty or stale):
            return
        data = json.dumps({"version": PREPARE_VERSION, "entries": self.entries}).encode()
        with contextlib.suppress(OSError):
            _atomic_write(str(self.path), lambda p: Path(p).write_bytes(data))


class ImagePreparer:
    """Prepares images in worker processes while layout goes on.

    `submit` every request up front (cheap, non-blocking), then ask for each `result`
    when it is drawn. With `cache_dir`, prepared files live in `cache_dir/images`
    (keyed by the source's content hash and the preparation settings) and survive the
    build; without, they live in a temporary folder removed on exit: embed them before
    leaving the `with` block.

    Cache clean-up on exit: entries not used by this build go when older than
    CACHE_MAX_AGE_DAYS, then least recently used ones while the cache exceeds
    CACHE_MAX_BYTES.
    """

    def __init__(
        self,
        *,
        dpi: int,
        cache_dir: Path | None = None,
        jobs: int | None = None,
        progress: bool = False,
        quality: int = JPEG_QUALITY,
    ) -> None:
        self.dpi = dpi
        self.quality = quality
        self.jobs = jobs if jobs and jobs > 0 else _default_jobs()
        self.stats = PreparerStats()
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._futures: dict[tuple[str, _Settings], Future[dict[str, Any]]] = {}
        self._done: dict[tuple[str, _Settings], dict[str, Any]] = {}
        self._results: dict[ImageRequest, PreparedImage] = {}
        self._used_keys: set[str] = set()
        self._order: list[tuple[str, _Settings]] = []
        self._closed = False
        self._tmp_dir: Path | None = None
        if cache_dir is not None:
            self._out_dir = Path(cache_dir) / "images"
            self._out_dir.mkdir(parents=True, exist_ok=True)
            self._index: _StatIndex | None = _StatIndex(self._out_dir / "sources.json")
        else:
            self._tmp_dir = Path(tempfile.mkdtemp(prefix="dokureport-images-"))
            self._out_dir = self._tmp_dir
            self._index = None
        self._caching = cache_dir is not None
        self._bar: Any = None
        if progress:
            from tqdm import tqdm

            self._bar = tqdm(total=0, desc="Photos", unit="photo", file=sys.stderr,
                             leave=False, dynamic_ncols=True)

    # -- public -------------------------------------------------------------------------

    def submit(self, request: ImageRequest) -> None:
        """Start preparing `request` (non-blocking); a duplicate is prepared once."""
        if self._closed:
            raise RuntimeError("ImagePreparer is closed")
        settings = _settings(request, self.dpi, self.quality)
        task_key = (str(request.source), settings)
        if task_key in self._futures or task_key in self._done:
            return
        self.stats.submitted += 1
        self._order.append(task_key)
        self._bar_total(+1)
        content_hash = None
        try:
            st = os.stat(request.source)
        except OSError as exc:
            self._finish(task_key, {"error": f"cannot read image: {exc.strerror or exc}"})
            return
        if self._index is not None:
            ident = _StatIndex.identity(request.source, st)
            content_hash = self._index.get(ident)
            if content_hash is not None:
                key = _cache_key(content_hash, settings)
                meta = _read_meta(str(self._out_dir), key)
                if meta is not None:
                    # A rebuild's common case: no worker, no read of the photo.
                    self._finish(task_key, {**meta, "key": key, "cache_hit": True,
                                            "hashed": False, "content_hash": content_hash})
                    return
        out_name = hashlib.sha256(
            f"{request.source}|{st.st_size}|{st.st_mtime_ns}|{settings.token()}".encode()
        ).hexdigest()
        task = _Task(
            source=str(request.source),
            settings=settings,
            out_base=str(self._out_dir / out_name),
            content_hash=content_hash,
            cache_dir=str(self._out_dir) if self._caching else None,
        )
        future = self._pool().submit(_work, task)
        self._futures[task_key] = future
        ident_for_index = _StatIndex.identity(request.source, st) if self._index else None
        future.add_done_callback(lambda f: self._on_done(f, ident_for_index))

    def result(self, request: ImageRequest) -> PreparedImage:
        """The prepared image (blocks until ready); InputError naming the file if bad."""
        cached = self._results.get(request)
        if cached is not None:
            return cached
        settings = _settings(request, self.dpi, self.quality)
        task_key = (str(request.source), settings)
        meta = self._done.get(task_key)
        if meta is None:
            if task_key not in self._futures:
                self.submit(request)
            future = self._futures.get(task_key)
            # The future may have finished (and moved to _done) in the meantime.
            meta = self._collect(task_key, future) if future else self._done[task_key]
        if "error" in meta:
            raise InputError(self._all_problems())
        path = request.source if meta["kind"] == "source" else self._out_dir / meta["file"]
        size = (int(meta["width"]), int(meta["height"]))
        prepared = PreparedImage(
            path=path,
            width_px=size[0],
            height_px=size[1],
            effective_dpi=_effective_dpi(size, request.width_pt, request.height_pt),
        )
        self._results[request] = prepared
        return prepared

    def close(self) -> None:
        """Stop the workers, save the cache index, clean the cache or remove temp files."""
        if self._closed:
            return
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self._bar is not None:
            self._bar.close()
        if self._index is not None:
            self._index.save()
            self._clean_cache()
        if self._tmp_dir is not None:
            shutil.rmtree(self._tmp_dir, ignore_errors=True)

    def __enter__(self) -> ImagePreparer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # forkserver: workers start small (not a copy of a parent busy with layout)
            # and safe next to the parent's threads.
            try:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["dokureport.assets"])
            except ValueError:  # no forkserver on this platform
                context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=context, initializer=_worker_init
            )
        return self._executor

    def _all_problems(self) -> list[Problem]:
        """Every bad image, in submission order: the user fixes them all in one go."""
        for task_key, future in list(self._futures.items()):
            with contextlib.suppress(Exception):
                self._collect(task_key, future)
        return [
            Problem(meta["error"], file=Path(source))
            for (source, _), meta in ((k, self._done.get(k, {})) for k in self._order)
            if "error" in meta
        ]

    def _collect(self, task_key: tuple[str, _Settings], future: Future[dict[str, Any]]
                 ) -> dict[str, Any]:
        meta = future.result()
        with self._lock:
            self._done.setdefault(task_key, meta)
            self._futures.pop(task_key, None)
        return self._done[task_key]

    def _on_done(self, future: Future[dict[str, Any]], ident: str | None) -> None:
        # Runs in the executor's thread: stats, index and progress only.
        if future.cancelled() or future.exception() is not None:
            return
        meta = future.result()
        with self._lock:
            self._count(meta)
            if ident is not None and self._index is not None and meta.get("content_hash"):
                self._index.put(ident, meta["content_hash"])
            if meta.get("key"):
                self._used_keys.add(meta["key"])
        self._bar_update()

    def _finish(self, task_key: tuple[str, _Settings], meta: dict[str, Any]) -> None:
        with self._lock:
            self._done[task_key] = meta
            self._count(meta)
            if meta.get("key"):
                self._used_keys.add(meta["key"])
        self._bar_update()

    def _count(self, meta: dict[str, Any]) -> None:
        if "error" in meta:
            self.stats.errors += 1
            return
        if meta.get("hashed"):
            self.stats.hashed += 1
        if meta.get("cache_hit"):
            self.stats.cache_hits += 1
        elif meta.get("kind") == "source":
            self.stats.passed_through += 1
        else:
            self.stats.prepared += 1

    def _bar_total(self, delta: int) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.total += delta
                self._bar.refresh()

    def _bar_update(self) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.update(1)

    def _clean_cache(self) -> None:
        """Age first, then an LRU size cap; never touches entries this build used."""
        used = self._used_keys
        now = time.time()
        # Keep this build's entries recent for the LRU order.
        for key in used:
            with contextlib.suppress(OSError):
                os.utime(self._out_dir / f"{key}.json", (now, now))
        entries: dict[str, list[tuple[Path, os.stat_result]]] = {}
        try:
            scan = list(os.scandir(self._out_dir))
        except OSError:
            return
        for entry in scan:
            name = entry.name
            if name == "sources.json" or not entry.is_file():
                continue
            key = name.split(".", 1)[0]
            if len(key) != 64:
                continue
            with contextlib.suppress(OSError):
                entries.setdefault(key, []).append((Path(entry.path), entry.stat()))
        cutoff = now - CACHE_MAX_AGE_DAYS * 86400
        survivors: list[tuple[float, int, str]] = []
        total = 0
        for key, files in entries.items():
            size = sum(st.st_size for _, st in files)
            last_used = max(st.st_mtime for _, st in files)
            if key not in used and last_used < cutoff:
                self._remove(files)
                continue
            total += size
            if key not in used:
                survivors.append((last_used, size, key))
        if total > CACHE_MAX_BYTES:
            for _, size, key in sorted(survivors):
                self._remove(entries[key])
                total -= size
                if total <= CACHE_MAX_BYTES:
                    break

    @staticmethod
    def _remove(files: list[tuple[Path, os.stat_result]]) -> None:
        for path, _ in files:
            with contextlib.suppress(OSError):
                path.unlink()

