"""Plan stage of asset preparation: what to make of one image for one placed box."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

# Bump when the preparation changes its output: old cache entries then stop matching.
PREPARE_VERSION = 1
JPEG_QUALITY = 85
# A source up to this factor larger than needed is kept as it is: re-encoding it would
# save little and cost a generation of JPEG loss (and the effective dpi stays within
# [target, target * 1.1]).
PASS_THROUGH_SLACK = 1.1


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

    path: Path  # JPEG for photos, PNG (TIFF in CMYK) for graphics, or the source itself
    width_px: int
    height_px: int
    effective_dpi: float  # min over both axes of pixels / (placed inches)
    # "sha256:<hex>" of the file's bytes when the preparer knows it (a file it made): the
    # PDF names an image by it, and need not read the file to find it out.
    digest: str | None = None


# ---------------------------------------------------------------------------------------
# The plan: what to make of one source for one request (pure arithmetic, tested directly)


@dataclass(frozen=True)
class Settings:
    """Everything besides the source's content that decides the output; part of the key."""

    box_px: tuple[int, int]  # the placed box at the target dpi, rounded up
    crop: bool
    focus: tuple[float, float]
    aspect: float  # width_pt / height_pt, exact (box_px is rounded)
    dpi: int
    quality: int
    # The print target's inks: (the CMYK profile's file, its content digest); None keeps
    # sRGB. Only the digest is in the key: the same profile from another path is the same.
    ink: tuple[str, str] | None = None

    def token(self) -> str:
        fx, fy = self.focus
        ink = f"|cmyk={self.ink[1]}" if self.ink else ""
        return (
            f"v{PREPARE_VERSION}|{self.box_px[0]}x{self.box_px[1]}|crop={int(self.crop)}"
            f"|focus={fx:.4f},{fy:.4f}|aspect={self.aspect:.6f}|dpi={self.dpi}|q={self.quality}"
            f"{ink}"
        )


def make_settings(request: ImageRequest, dpi: int, quality: int,
                  ink: tuple[str, str] | None = None) -> Settings:
    if not (request.width_pt > 0 and request.height_pt > 0):
        raise ValueError(f"image box must be positive, got {request.width_pt}×{request.height_pt}")
    # A tiny tolerance keeps 1240.0000001 from becoming 1241 pixels.
    box_w = max(1, math.ceil(request.width_pt / 72 * dpi - 1e-6))
    box_h = max(1, math.ceil(request.height_pt / 72 * dpi - 1e-6))
    fx, fy = request.focus if request.focus is not None else (0.5, 0.5)
    focus = (min(max(float(fx), 0.0), 1.0), min(max(float(fy), 0.0), 1.0))
    return Settings(
        box_px=(box_w, box_h),
        crop=request.crop,
        focus=focus if request.crop else (0.5, 0.5),
        aspect=request.width_pt / request.height_pt,
        dpi=dpi,
        quality=quality,
        ink=ink,
    )


@dataclass(frozen=True)
class Plan:
    crop_box: tuple[float, float, float, float]  # in oriented source pixels
    out_size: tuple[int, int]  # pixels written
    scale: float  # output pixels per source pixel (<= 1)


def make_plan(oriented: tuple[int, int], settings: Settings) -> Plan:
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
    return Plan(crop_box=crop_box, out_size=out, scale=scale)


def effective_dpi(size_px: tuple[int, int], width_pt: float, height_pt: float) -> float:
    return min(size_px[0] / (width_pt / 72), size_px[1] / (height_pt / 72))


