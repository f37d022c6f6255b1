"""Pixel work, run in worker processes: orient, convert, crop, resize, encode one image."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import signal
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xxhash
from PIL import Image, ImageCms, ImageFile

from dokureport.assets.cmyk import image_to_cmyk, profile_in_worker
from dokureport.assets.plan import PASS_THROUGH_SLACK, Settings, make_plan
from dokureport.core.errors import InputError, Problem
from dokureport.event import image_headers

# More distinct colours than this (or none of the "graphic" modes) means a photo.
GRAPHIC_MAX_COLOURS = 4096
PAGE_BACKGROUND = (255, 255, 255)

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


def oriented_size(source: Path) -> tuple[int, int]:
    """Pixel size as displayed (after EXIF orientation), read from the header only: fast,
    and not read again when validation has read this version of the file."""
    known, version = image_headers.known_size(source)
    if known is not None:
        return known
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as im:
                return image_headers.remember(im, version)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError([Problem(_too_large(), file=source, code="bad-image")]) from None
    except FileNotFoundError:
        raise  # validation saw it: it vanished since, which is not the photo's fault
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError([Problem(f"cannot read image: {exc}", file=source,
                                   code="bad-image")]) from None


# ---------------------------------------------------------------------------------------
# The work, done in a worker process: writes the output file, returns only metadata


@dataclass(frozen=True)
class Task:
    source: str
    settings: Settings
    out_base: str  # output path without extension; the worker picks .jpg or .png
    content_hash: str | None  # known from the stat index; None: hash it (cache only)
    cache_dir: str | None  # where finished entries live, when caching


def _too_large() -> str:
    # Pillow only warns between 1× and 2× its limit; such files are refused too, as
    # validation refuses them.
    limit = Image.MAX_IMAGE_PIXELS
    pixels = f"more than {limit / 1e6:.0f} megapixels" if limit else "too many pixels"
    return f"image too large: {pixels}, refused as a possible decompression bomb; scale it down"


# The source's content hash, the cache's key to a photo. XXH3-128 hashes a photo's 8 MB
# in about 0.3 ms where SHA-256 took 6 ms (of a photo's 110 ms); it is made to tell
# files apart, not to resist someone who crafts two files with one hash (the worst they
# could get is one of their own two photos printed for the other). Every hash is tagged
# with its algorithm: one of another (an older build's index) never finds an entry.
CONTENT_HASH = "xxh3_128"


def content_hash(data: bytes) -> str:
    """The content hash of a source file's bytes, tagged with its algorithm."""
    return _tagged(xxhash.xxh3_128(data))


def _tagged(digest: xxhash.xxh3_128) -> str:
    return f"{CONTENT_HASH}:{digest.hexdigest()}"


def is_current_hash(value: object) -> bool:
    """Whether `value` is a content hash of the current algorithm (not an older build's)."""
    return isinstance(value, str) and value.startswith(f"{CONTENT_HASH}:")


# A source up to this size is read whole, hashed and decoded from memory (one read);
# a larger one is hashed in chunks and decoded from the file, so memory stays bounded.
READ_WHOLE_MAX = 64 * 1024**2


def read_and_hash(path: str) -> tuple[bytes | None, str]:
    """The source's bytes (None when larger than READ_WHOLE_MAX) and its content hash."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size <= READ_WHOLE_MAX:
            data = fh.read()
            return data, content_hash(data)
        digest = xxhash.xxh3_128()
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
        return None, _tagged(digest)


def cache_key(content_hash: str, settings: Settings) -> str:
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


def atomic_write(path: str, write: Callable[[str], None]) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


class WriteFailed(Exception):
    """Writing a prepared file failed: the disk or the folder, never the photo, is at fault."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _write(path: str, write: Callable[[str], None]) -> None:
    try:
        atomic_write(path, write)
    except OSError as exc:
        if exc.errno is None:  # Pillow's "cannot write mode … as JPEG": not the disk
            raise
        raise WriteFailed(path, exc.strerror or str(exc)) from None


def file_digest(data: bytes) -> str:
    """What the PDF names an image file by: the SHA-256 of its bytes, tagged."""
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def is_file_digest(value: object) -> bool:
    """Whether `value` is a file_digest (a cache entry's, which may be older or damaged)."""
    return (isinstance(value, str) and len(value) == 71 and value.startswith("sha256:")
            and all(c in "0123456789abcdef" for c in value[7:]))


def _write_encoded(path: str, save: Callable[[io.BytesIO], None]) -> str:
    """Write what `save` encodes to `path` (atomically) and return its file_digest: the
    build's process then need not read the file to name it."""
    buffer = io.BytesIO()
    save(buffer)
    data = buffer.getvalue()
    _write(path, lambda p: Path(p).write_bytes(data))
    return file_digest(data)


def read_meta(cache_dir: str, key: str) -> dict[str, Any] | None:
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
    return {**meta, "dir": cache_dir}


def work(task: Task) -> dict[str, Any]:
    """Prepare one image (in a worker); never raises for bad input, reports it instead."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _work_unsafe(task)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return {"error": _too_large()}
    except WriteFailed as failure:
        return {"write_error": failure.reason, "path": failure.path}
    except FileNotFoundError as exc:
        # Validation saw the file: it went away during the build (a sync, a clean-up).
        return {"vanished": exc.strerror or str(exc)}
    except (OSError, SyntaxError, ValueError, EOFError, ImageCms.PyCMSError) as exc:
        # Pillow's ways of saying "corrupt, truncated or not an image".
        return {"error": f"cannot read image: {exc}"}


def _work_unsafe(task: Task) -> dict[str, Any]:
    settings = task.settings
    hashed = False
    key: str | None = None
    # The file is read once: hashed, then decoded from memory.
    data: bytes | None = None
    if task.cache_dir is not None:
        digest = task.content_hash
        if digest is None:
            data, digest = read_and_hash(task.source)
            hashed = True
        key = cache_key(digest, settings)
        meta = read_meta(task.cache_dir, key)
        if meta is not None:
            return {**meta, "key": key, "content_hash": digest, "hashed": hashed,
                    "cache_hit": True}
        out_base = os.path.join(task.cache_dir, key)
    else:
        digest = None
        out_base = task.out_base

    meta = _prepare(task.source if data is None else io.BytesIO(data), settings, out_base)
    if task.cache_dir is not None and key is not None:
        # The content hash lets tools (the benchmark) tell which photo an entry is of.
        record = json.dumps({**meta, "content_hash": digest}).encode()
        meta_path = os.path.join(task.cache_dir, f"{key}.json")
        _write(meta_path, lambda p: Path(p).write_bytes(record))
    return {**meta, "key": key, "content_hash": digest, "hashed": hashed,
            "cache_hit": False}


def _prepare(source: str | io.BytesIO, settings: Settings, out_base: str) -> dict[str, Any]:
    with Image.open(source) as im:
        source_format = im.format
        source_mode = im.mode
        orientation = image_headers.orientation(im)
        width, height = im.size
        rotated = orientation in (5, 6, 7, 8)
        oriented = (height, width) if rotated else (width, height)
        plan = make_plan(oriented, settings)
        icc = im.info.get("icc_profile")

        if (
            settings.ink is None  # print: every photo is converted to the press's CMYK
            and source_format == "JPEG"  # not MPO: its extra frames would be embedded too
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

        # One factor for both axes: a draft-decoded side rounds on its own, so the box
        # may overshoot the decoded image by a fraction of a pixel (Pillow refuses that).
        box = (max(0.0, x0), max(0.0, y0), min(x1, float(work.size[0])),
               min(y1, float(work.size[1])))
        if work.size != plan.out_size or box != (0, 0, work.size[0], work.size[1]):
            work = work.resize(plan.out_size, Image.Resampling.LANCZOS, box=box)

        if settings.ink is not None:
            return _save_for_print(work, graphic, settings, out_base)
        if graphic:
            path = f"{out_base}.png"
            digest = _write_encoded(path, lambda b: work.save(b, "PNG", compress_level=6))
        else:
            work = _flatten(work)
            path = f"{out_base}.jpg"
            subsampling = "4:2:0" if settings.dpi <= 150 else "4:4:4"
            digest = _write_encoded(path, lambda b: work.save(
                b, "JPEG", quality=settings.quality, optimize=True, progressive=False,
                subsampling=subsampling,
            ))
        return {
            "kind": "png" if graphic else "jpeg",
            "dir": os.path.dirname(path),
            "file": os.path.basename(path),
            "width": work.size[0],
            "height": work.size[1],
            "digest": digest,
        }


def _save_for_print(work: Image.Image, graphic: bool, settings: Settings, out_base: str
                    ) -> dict[str, Any]:
    """The image for the print target: on white (no soft mask), colour in the press's
    CMYK (grey stays grey: black ink only); a photo as JPEG, a graphic as lossless TIFF."""
    assert settings.ink is not None
    work = _flatten(work)
    if work.mode == "RGB":
        work = image_to_cmyk(work, profile_in_worker(*settings.ink))
    if graphic:
        # PNG has no CMYK; reportlab embeds a TIFF's pixels as they are (Flate).
        path = f"{out_base}.tif"
        digest = _write_encoded(path, lambda b: work.save(
            b, "TIFF", compression="tiff_adobe_deflate"))
    else:
        path = f"{out_base}.jpg"
        # Pillow writes CMYK JPEGs the Adobe way (inverted), which reportlab's Decode
        # array for a four-channel JPEG expects.
        digest = _write_encoded(path, lambda b: work.save(
            b, "JPEG", quality=settings.quality, optimize=True, progressive=False,
            subsampling="4:4:4"))
    return {"kind": "tiff" if graphic else "jpeg", "dir": os.path.dirname(path),
            "file": os.path.basename(path), "width": work.size[0], "height": work.size[1],
            "digest": digest}


def worker_init() -> None:
    # Truncated files must fail loudly, not become half-grey photos.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    # Ctrl-C on a terminal reaches the whole process group: the parent stops the
    # workers, so they must not die with a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


