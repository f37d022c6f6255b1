"""Regenerate the stand-in photos and the logo of the sample event `data/duisburg-2019/`.

The real photos of the 2019 Großstadtnetzwerk (© Scheffka/DKJS) are not ours to
ship, so the sample uses nine public-domain / CC0 pictures that scikit-image
bundles with its package, cropped to varied aspect ratios so that the gallery
layout is exercised, and a logo drawn here with Pillow.

What it writes (into `data/duisburg-2019/`, next to this script):

* `photos/01.jpg` … `photos/09.jpg` – sRGB JPEGs, quality 88, with a small
  embedded sRGB ICC profile and no other metadata, except `photos/05.jpg`,
  which is stored rotated 90° counter-clockwise with EXIF Orientation = 6, so
  it displays upright only when a reader applies the tag.
* `contacts/maerz.jpg`, `contacts/roeber.jpg` – head-and-shoulders crops (4:5) that
  stand in for the contact persons' portraits, saved like the photos.
* `logo.png` – a 600 × 600 px "DKJS" wordmark in a rounded square on a
  transparent background, set in `fonts/NotoSans-Bold.ttf`.

Sources and licences (as stated in the docstrings of `skimage.data`, i.e.
`skimage/data/_fetchers.py`) are listed in `duisburg-2019/SOURCES.md`; keep
that file in step with `PHOTOS` below.

scikit-image is *not* a dependency of dokureport; install it (and Pillow) only
to run this script:

    python data/make_sample_photos.py

The script reads the image files from the installed `skimage` package, is
deterministic and idempotent: running it again rewrites byte-identical files.
"""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw, ImageFont, ImageOps

HERE = Path(__file__).resolve().parent
EVENT = HERE / "duisburg-2019"
FONT = HERE.parent / "fonts" / "NotoSans-Bold.ttf"
QUALITY = 88


@dataclass(frozen=True)
class StandIn:
    out: str  # file name under photos/
    source: str  # file name in skimage/data/
    box: tuple[int, int, int, int]  # crop (left, top, right, bottom) in source pixels
    exif_orientation: int = 1  # 1 = stored upright; 6 = stored rotated, needs the tag


PHOTOS = (
    StandIn("01.jpg", "rocket.jpg", (0, 0, 640, 427)),  # 3:2, whole picture
    StandIn("02.jpg", "brick.png", (0, 0, 512, 384)),  # 4:3
    StandIn("03.jpg", "coffee.png", (34, 0, 567, 400)),  # 4:3
    StandIn("04.jpg", "camera.png", (0, 0, 341, 512)),  # 2:3 portrait
    StandIn("05.jpg", "astronaut.png", (72, 0, 456, 512), exif_orientation=6),  # 3:4 portrait
    StandIn("06.jpg", "chelsea.png", (0, 0, 450, 300)),  # 3:2
    # The whole picture: 1000 px across is enough for 100 dpi on an A4 or Letter cover.
    StandIn("07.jpg", "hubble_deep_field.jpg", (0, 0, 1000, 872)),  # 8:7
    StandIn("08.jpg", "grass.png", (0, 112, 512, 400)),  # 16:9
    StandIn("09.jpg", "gravel.png", (51, 0, 461, 512)),  # 4:5 portrait
)


# Head-and-shoulders stand-ins for the contact persons' portraits (under contacts/).
PORTRAITS = (
    StandIn("maerz.jpg", "astronaut.png", (105, 0, 345, 300)),  # 4:5
    StandIn("roeber.jpg", "camera.png", (160, 30, 344, 260)),  # 4:5
)


def skimage_data_dir() -> Path:
    """The `data` folder of the installed scikit-image package (not imported, only located)."""
    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("scikit-image is not installed: pip install scikit-image")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def srgb_profile() -> bytes:
    """A small sRGB ICC profile with a fixed creation date, so output is reproducible."""
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    icc[24:36] = bytes.fromhex("07e3 000a 001d 000c 0000 0000".replace(" ", ""))  # 2019-10-29 12:00
    icc[84:100] = bytes(16)  # profile ID "not computed" (the date changed)
    return bytes(icc)


SRGB = srgb_profile()


def to_srgb(image: Image.Image) -> Image.Image:
    """RGB pixels in sRGB: convert from an embedded ICC profile, else assume sRGB already."""
    icc = image.info.get("icc_profile")
    if icc and image.mode == "RGB":
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        return ImageCms.profileToProfile(image, source, target, outputMode="RGB")
    return image.convert("RGB")


def make_photo(spec: StandIn, source_dir: Path, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    with Image.open(source_dir / spec.source) as original:
        image = to_srgb(original).crop(spec.box)
    upright = image
    exif = Image.Exif()
    if spec.exif_orientation == 6:
        # Orientation 6: "rotate 90° clockwise to display" – so store it turned the other way.
        image = image.transpose(Image.Transpose.ROTATE_90)
        exif[0x0112] = 6
    elif spec.exif_orientation != 1:
        raise ValueError(f"unsupported orientation {spec.exif_orientation}")
    target = out_dir / spec.out
    image.save(
        target,
        "JPEG",
        quality=QUALITY,
        optimize=True,
        progressive=False,
        icc_profile=SRGB,
        exif=exif.tobytes() if len(exif) else b"",
    )
    with Image.open(target) as check:  # the tag, applied, must give back the upright picture
        assert ImageOps.exif_transpose(check).size == upright.size, target
    return target


def make_logo(target: Path, width: int = 600) -> Path:
    """A "DKJS" wordmark: white letters in a deep-blue rounded square, a warm accent bar."""
    scale = 4  # draw large, then shrink: smooth edges without relying on antialiased drawing
    size = width * scale
    blue, accent, white = (22, 72, 128, 255), (242, 169, 0, 255), (255, 255, 255, 255)
    big = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=blue)
    font = ImageFont.truetype(str(FONT), size=int(size * 0.30))
    text = "DKJS"
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = (size - (right - left)) / 2 - left
    y = size * 0.47 - (bottom - top) / 2 - top
    draw.text((x, y), text, font=font, fill=white)
    bar_w, bar_h = size * 0.46, size * 0.035
    bar_top = size * 0.47 + (bottom - top) / 2 + size * 0.07
    draw.rounded_rectangle(
        ((size - bar_w) / 2, bar_top, (size + bar_w) / 2, bar_top + bar_h),
        radius=bar_h / 2,
        fill=accent,
    )
    logo = big.resize((width, width), Image.Resampling.LANCZOS)
    logo.save(target, "PNG", optimize=True)
    return target


def main() -> None:
    source_dir = skimage_data_dir()
    photos = EVENT / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    for spec in PHOTOS:
        path = make_photo(spec, source_dir, photos)
        with Image.open(path) as im:
            print(f"{path.relative_to(HERE)}: {im.size[0]}x{im.size[1]} from {spec.source}")
    for spec in PORTRAITS:
        path = make_photo(spec, source_dir, EVENT / "contacts")
        with Image.open(path) as im:
            print(f"{path.relative_to(HERE)}: {im.size[0]}x{im.size[1]} from {spec.source}")
    path = make_logo(EVENT / "logo.png")
    print(f"{path.relative_to(HERE)}: written")


if __name__ == "__main__":
    main()
