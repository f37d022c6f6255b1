"""Print colour (assets stage): the CMYK output profile and the sRGB → CMYK transform.

One transform, LittleCMS through Pillow's ImageCms, relative colorimetric with
black-point compensation, serves the photos (in the workers) and every vector colour
(the print canvas): a photo and a band of the same theme colour get the same ink.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from PIL import Image, ImageCms

# The rendering intent is stated, not left to the default: in-gamut colours keep their
# values, out-of-gamut ones clip to the nearest printable one; BPC maps sRGB's black to
# the press's (no blocked shadows).
INTENT = ImageCms.Intent.RELATIVE_COLORIMETRIC
INTENT_NAME = "relative colorimetric + black-point compensation"
FLAGS = ImageCms.Flags.BLACKPOINTCOMPENSATION

DEFAULT_CONDITION = "FOGRA39"
_BUNDLED = "FOGRA39L-dokureport.icc"
# What a registered condition is called in the output intent's /Info.
CONDITION_INFO = {
    "FOGRA39": "Offset printing, coated paper (ISO 12647-2:2004/Amd 1, FOGRA39)",
    "FOGRA51": "Offset printing, premium coated paper (ISO 12647-2:2013, FOGRA51)",
    "FOGRA52": "Offset printing, uncoated paper (ISO 12647-2:2013, FOGRA52)",
}


class NotAPrintProfile(ValueError):
    """The file is not an ICC profile that describes a CMYK printing condition."""


@dataclass(frozen=True)
class PrintProfile:
    """The output intent of a print build: a CMYK output ICC profile and its condition."""

    data: bytes  # the ICC file, embedded as the output intent's DestOutputProfile
    condition: str  # OutputConditionIdentifier, e.g. FOGRA39
    description: str  # the profile's own name
    source: str = field(default="", compare=False)  # the file: worker processes read it

    @property
    def digest(self) -> str:
        """Part of every prepared photo's cache key: another profile, other pixels."""
        return _digest(self.data)

    @property
    def info(self) -> str:
        return CONDITION_INFO.get(self.condition.upper(), self.description or self.condition)


@functools.cache
def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


# Press profiles are 0.2–5 MB; a larger file is not read into memory to find out.
MAX_PROFILE_BYTES = 32 * 1024**2


def read_profile(path: Path) -> bytes:
    """The bytes of a profile file (OSError; NotAPrintProfile when far too large)."""
    with open(path, "rb") as fh:
        data = fh.read(MAX_PROFILE_BYTES + 1)
    if len(data) > MAX_PROFILE_BYTES:
        raise NotAPrintProfile(f"is larger than {MAX_PROFILE_BYTES // 1024**2} MB: not an "
                               "ICC profile")
    return data


def check_profile(data: bytes) -> str:
    """The profile's description if `data` is a CMYK output (printer) ICC profile; else
    NotAPrintProfile saying what it is instead."""
    # The ICC header: bytes 12..16 the device class, 16..20 the data colour space.
    if len(data) < 128 or data[36:40] != b"acsp":
        raise NotAPrintProfile("is not an ICC profile")
    device_class, space = data[12:16], data[16:20]
    if space != b"CMYK":
        raise NotAPrintProfile(
            f"is an ICC profile for {space.decode('latin-1').strip() or 'another'} "
            "colour, not CMYK: a print shop's profile describes its four inks")
    if device_class != b"prtr":
        raise NotAPrintProfile(
            f"is a CMYK profile of class {device_class.decode('latin-1')!r}, not an output "
            "(printer) profile")
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
        return (ImageCms.getProfileDescription(profile) or "").strip()
    except (ImageCms.PyCMSError, OSError) as exc:
        raise NotAPrintProfile(f"is a damaged ICC profile: {exc}") from None


def bundled_profile() -> PrintProfile:
    """FOGRA39 (offset, coated paper), built from the zlib-licensed FOGRA39L data."""
    return _bundled()


@functools.cache
def _bundled() -> PrintProfile:
    path = Path(str(resources.files("dokureport.resources").joinpath("icc", _BUNDLED)))
    data = path.read_bytes()
    return PrintProfile(data=data, condition=DEFAULT_CONDITION,
                        description=check_profile(data), source=str(path))


def load_profile(path: Path, condition: str | None) -> PrintProfile:
    """The profile in the file at `path` (OSError, NotAPrintProfile)."""
    data = read_profile(path)
    description = check_profile(data)
    return PrintProfile(data=data, condition=condition or description or path.stem,
                        description=description, source=str(path))


@functools.lru_cache(maxsize=4)
def profile_in_worker(source: str, digest: str) -> PrintProfile:
    """The profile a task names, read once per worker process; ValueError if the file
    changed since the build read it."""
    data = Path(source).read_bytes()
    if _digest(data) != digest:
        raise ValueError(f"{source}: the print profile changed during the build")
    return PrintProfile(data=data, condition="", description="", source=source)


_TRANSFORMS: dict[tuple[str, str], ImageCms.ImageCmsTransform] = {}


def transform(profile: PrintProfile, mode: str = "RGB") -> ImageCms.ImageCmsTransform:
    """sRGB (`mode` RGB) → the profile's CMYK, built once per process and profile."""
    key = (profile.digest, mode)
    found = _TRANSFORMS.get(key)
    if found is None:
        found = _TRANSFORMS[key] = ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(io.BytesIO(profile.data)),
            mode, "CMYK", renderingIntent=INTENT, flags=FLAGS)
    return found


def image_to_cmyk(im: Image.Image, profile: PrintProfile) -> Image.Image:
    """An RGB image in sRGB as CMYK for `profile`."""
    return ImageCms.applyTransform(im, transform(profile))


@functools.lru_cache(maxsize=4096)
def rgb_to_cmyk(rgb: tuple[int, int, int], profile: PrintProfile
                ) -> tuple[float, float, float, float]:
    """One sRGB colour (0..255 each) as ink coverages 0..1 for `profile`."""
    pixel = image_to_cmyk(Image.new("RGB", (1, 1), rgb), profile).getpixel((0, 0))
    assert isinstance(pixel, tuple)
    return tuple(round(v / 255, 4) for v in pixel)  # type: ignore[return-value]
