"""Image preparation: orientation, colour, size, pass-through, crop, cache, bad files."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageDraw, ImageOps

from dokureport.assets import (
    CACHE_MAX_AGE_DAYS,
    ImagePreparer,
    ImageRequest,
    PreparedImage,
    oriented_size,
    pixels,
)
from dokureport.core.errors import ExitCode, InputError, SystemFailure

RED = (220, 20, 20)
BLUE = (20, 40, 200)


# -- helpers: images made here, no binary blobs -------------------------------------------


def noisy(size: tuple[int, int], mode: str = "RGB", seed: int = 1) -> Image.Image:
    """Photographic-ish content (many colours) so nothing is mistaken for a graphic."""
    base = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 60)
    if mode == "L":
        return Image.blend(base, noise, 0.5)
    channels = [base, noise, Image.blend(base.rotate(90).resize(size), noise, 0.3)]
    return Image.merge("RGB", channels).convert(mode)


def upright_with_marker(size: tuple[int, int] = (400, 200)) -> Image.Image:
    """Blue, with a red block in the top-left corner: where 'up' is shows at a glance."""
    im = Image.new("RGB", size, BLUE)
    ImageDraw.Draw(im).rectangle((0, 0, size[0] // 4, size[1] // 4), fill=RED)
    return im


def exif_with_orientation(value: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif


def px_size(pt: float, dpi: int) -> float:
    return pt / 72 * dpi


def pt_for_px(px: float, dpi: int) -> float:
    return px * 72 / dpi


def close_to(actual: tuple[int, ...] | int, expected: tuple[int, ...], tol: int = 40) -> bool:
    values = actual if isinstance(actual, tuple) else (actual,)
    return all(abs(a - e) <= tol for a, e in zip(values, expected, strict=True))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def adobe_rgb_like_profile() -> bytes:
    """A minimal ICC v2 matrix/TRC profile with Adobe RGB (1998) primaries, gamma 2.2."""

    def pad(data: bytes) -> bytes:
        return data + b"\0" * (-len(data) % 4)

    text = b"Test Wide RGB (not sRGB)"
    desc = (
        b"desc\0\0\0\0" + struct.pack(">I", len(text) + 1) + text + b"\0"
        + b"\0" * 8 + b"\0\0\0" + b"\0" * 67
    )

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)

    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 563)  # u8Fixed8 2.2
    tags = [
        (b"desc", desc),
        (b"cprt", b"text\0\0\0\0public domain\0"),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        # Adobe RGB primaries, Bradford-adapted to D50 (the ICC PCS white).
        (b"rXYZ", xyz(0.6097559, 0.3111242, 0.0194811)),
        (b"gXYZ", xyz(0.2052401, 0.6256560, 0.0608902)),
        (b"bXYZ", xyz(0.1492240, 0.0632197, 0.7448387)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = struct.pack(">I", len(tags))
    body = b""
    for sig, data in tags:
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += pad(data)
    size = offset + len(body)
    header = (
        struct.pack(">I", size) + b"lcms" + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ " + struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp"
        + b"\0" * 24 + struct.pack(">I", 0)
        + _s15(0.9642) + _s15(1.0) + _s15(0.8249) + b"\0" * 48
    )
    assert len(header) == 128
    return header + table + body


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a huge size: enough for Pillow's decompression-bomb check."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def prepare(
    request: ImageRequest, dpi: int = 150, cache_dir: Path | None = None
) -> tuple[PreparedImage, Image.Image]:
    """One request through a preparer; the output is loaded before the temp dir goes."""
    with ImagePreparer(dpi=dpi, cache_dir=cache_dir, jobs=1) as preparer:
        preparer.submit(request)
        result = preparer.result(request)
        with Image.open(result.path) as im:
            im.load()
            return result, im


@pytest.fixture(scope="module")
def big_jpeg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.jpg"
    noisy((3000, 2000)).save(path, quality=90)
    return path


# -- orientation --------------------------------------------------------------------------

# What is stored so that applying the orientation shows the upright image.
STORED_AS = {
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,  # the viewer turns it 90° clockwise back
    8: Image.Transpose.ROTATE_270,  # the viewer turns it 90° counter-clockwise back
}


@pytest.mark.parametrize("orientation", [3, 6, 8])
@pytest.mark.parametrize("downscale", [False, True])
@pytest.mark.parametrize("cached", [False, True])  # with a cache, decoded from the bytes hashed
def test_exif_orientation_is_applied_once(
    tmp_path: Path, orientation: int, downscale: bool, cached: bool
) -> None:
    upright = upright_with_marker((400, 200))
    source = tmp_path / f"o{orientation}.jpg"
    upright.transpose(STORED_AS[orientation]).save(
        source, quality=95, exif=exif_with_orientation(orientation)
    )
    assert oriented_size(source) == (400, 200)
    scale = 0.5 if downscale else 1.0
    request = ImageRequest(source, pt_for_px(400 * scale, 150), pt_for_px(200 * scale, 150))
    result, im = prepare(request, cache_dir=tmp_path / "cache" if cached else None)
    assert result.path != source  # a rotation means re-encoding
    assert im.size == (round(400 * scale), round(200 * scale))
    w, h = im.size
    assert close_to(im.getpixel((w // 10, h // 10)), RED), "red marker not top-left"
    assert close_to(im.getpixel((w - 5, h - 5)), BLUE)
    assert close_to(im.getpixel((w - 5, 5)), BLUE)
    assert 0x0112 not in im.getexif(), "orientation tag would be applied a second time"


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_matches_pillows_exif_transpose(
    tmp_path: Path, orientation: int
) -> None:
    source = tmp_path / f"all{orientation}.jpg"
    upright_with_marker((400, 200)).save(
        source, quality=95, exif=exif_with_orientation(orientation)
    )
    with Image.open(source) as stored:
        expected = ImageOps.exif_transpose(stored)
    assert oriented_size(source) == expected.size
    w, h = expected.size
    _, out = prepare(ImageRequest(source, pt_for_px(w, 150), pt_for_px(h, 150), crop=True))
    assert out.size == expected.size
    for x, y in ((5, 5), (w - 5, 5), (5, h - 5), (w - 5, h - 5), (w // 2, h // 2)):
        assert close_to(out.getpixel((x, y)), expected.getpixel((x, y)), 40), (x, y)


def test_oriented_size_reads_header(tmp_path: Path) -> None:
    source = tmp_path / "plain.png"
    Image.new("RGB", (30, 20)).save(source)
    assert oriented_size(source) == (30, 20)


# -- colour modes -------------------------------------------------------------------------


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    source = tmp_path / "cmyk.jpg"
    im = Image.new("CMYK", (400, 200), (0, 255, 255, 0))  # red in ink
    im.paste(noisy((100, 100), "CMYK"), (300, 100))
    im.save(source, quality=95)
    _, out = prepare(ImageRequest(source, pt_for_px(200, 150), pt_for_px(100, 150)))
    assert out.mode == "RGB" and out.format == "JPEG"
    assert out.size == (200, 100)
    r, g, b = out.getpixel((20, 20))
    assert r > 200 and g < 60 and b < 60, (r, g, b)


def test_greyscale_stays_greyscale(tmp_path: Path) -> None:
    source = tmp_path / "grey.jpg"
    noisy((800, 600), "L").save(source, quality=90)
    _, out = prepare(ImageRequest(source, pt_for_px(400, 150), pt_for_px(300, 150)))
    assert out.mode == "L" and out.format == "JPEG"
    assert out.size == (400, 300)


def test_palette_image_kept_lossless(tmp_path: Path) -> None:
    source = tmp_path / "palette.png"
    im = Image.new("RGB", (300, 150), (0, 90, 160))
    ImageDraw.Draw(im).rectangle((0, 0, 150, 150), fill=(250, 200, 0))
    im.convert("P", palette=Image.Palette.ADAPTIVE, colors=4).save(source)
    result, out = prepare(ImageRequest(source, pt_for_px(150, 150), pt_for_px(75, 150)))
    assert out.format == "PNG" and result.path.suffix == ".png"
    assert out.mode in ("RGB", "RGBA")
    assert close_to(out.getpixel((10, 40))[:3], (250, 200, 0), 10)
    assert close_to(out.getpixel((140, 40))[:3], (0, 90, 160), 10)


def test_sixteen_bit_greyscale_is_scaled_not_clipped(tmp_path: Path) -> None:
    source = tmp_path / "deep.png"
    im = Image.new("I;16", (200, 100), 0)
    ImageDraw.Draw(im).rectangle((0, 0, 99, 99), fill=32768)  # half of 16-bit white
    im.save(source)
    with Image.open(source) as check:
        assert check.mode.startswith("I")
    _, out = prepare(ImageRequest(source, pt_for_px(200, 150), pt_for_px(100, 150)))
    value = out.convert("L").getpixel((50, 50))
    assert 120 <= value <= 136, value  # clipping would give 255
    assert out.convert("L").getpixel((150, 50)) < 5


def test_transparent_photo_is_flattened_on_white(tmp_path: Path) -> None:
    source = tmp_path / "cutout.png"
    im = noisy((400, 200)).convert("RGBA")
    alpha = Image.new("L", im.size, 255)
    ImageDraw.Draw(alpha).rectangle((0, 0, 199, 199), fill=0)  # left half transparent
    im.putalpha(alpha)
    im.save(source)
    _, out = prepare(ImageRequest(source, pt_for_px(200, 150), pt_for_px(100, 150)))
    assert out.format == "JPEG" and out.mode == "RGB"
    assert close_to(out.getpixel((20, 50)), (255, 255, 255), 6), "transparent became not white"


def test_transparent_logo_keeps_alpha(tmp_path: Path) -> None:
    source = tmp_path / "logo.png"
    im = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    ImageDraw.Draw(im).ellipse((100, 20, 300, 180), fill=(200, 0, 60, 255))
    im.save(source)
    _, out = prepare(ImageRequest(source, pt_for_px(200, 150), pt_for_px(100, 150)))
    assert out.format == "PNG" and out.mode == "RGBA"
    assert out.getpixel((2, 2))[3] == 0
    assert close_to(out.getpixel((100, 50)), (200, 0, 60, 255), 6)


def test_embedded_wide_gamut_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    icc = adobe_rgb_like_profile()
    profile = ImageCms.ImageCmsProfile(__import__("io").BytesIO(icc))
    assert "Wide" in ImageCms.getProfileDescription(profile)
    colour = (60, 160, 60)
    source = tmp_path / "adobe.jpg"
    # Small enough to pass through, were it not for the profile.
    Image.new("RGB", (120, 80), colour).save(source, quality=100, icc_profile=icc)
    expected = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), colour), profile, ImageCms.createProfile("sRGB")
    ).getpixel((0, 0))
    assert not close_to(expected, colour, 10), "test colour must differ between spaces"
    result, out = prepare(ImageRequest(source, pt_for_px(120, 150), pt_for_px(80, 150)))
    assert result.path != source
    assert out.mode == "RGB"
    assert close_to(out.getpixel((60, 40)), expected, 4)
    assert not out.info.get("icc_profile")


def test_embedded_srgb_profile_passes_through(tmp_path: Path) -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = tmp_path / "srgb.jpg"
    noisy((120, 80)).save(source, quality=90, icc_profile=icc)
    result, _ = prepare(ImageRequest(source, pt_for_px(120, 150), pt_for_px(80, 150)))
    assert result.path == source


# -- size ---------------------------------------------------------------------------------


def test_never_upscales(tmp_path: Path) -> None:
    source = tmp_path / "small.png"
    noisy((200, 100)).save(source)
    result, out = prepare(ImageRequest(source, 400, 200))  # wants 833×417 at 150 dpi
    assert out.size == (200, 100)
    assert (result.width_px, result.height_px) == (200, 100)
    assert result.effective_dpi == pytest.approx(200 / (400 / 72))


@pytest.mark.parametrize("dpi", [150, 300])
@pytest.mark.parametrize(
    ("width_pt", "height_pt", "crop"),
    [(500, 500 / 1.5, False), (123.4, 82.27, False), (170, 240, True), (481.9, 200, True)],
)
def test_effective_dpi_within_bounds(
    big_jpeg: Path, dpi: int, width_pt: float, height_pt: float, crop: bool
) -> None:
    result, out = prepare(ImageRequest(big_jpeg, width_pt, height_pt, crop=crop), dpi=dpi)
    assert out.size == (result.width_px, result.height_px)
    assert dpi <= result.effective_dpi <= dpi * 1.1
    if crop:  # the output has the box's aspect
        assert out.size[0] / out.size[1] == pytest.approx(width_pt / height_pt, rel=0.01)


def test_small_jpeg_passes_through_byte_for_byte(tmp_path: Path) -> None:
    source = tmp_path / "small.jpg"
    noisy((600, 400)).save(source, quality=80)
    digest = sha256(source)
    request = ImageRequest(source, pt_for_px(600, 150), pt_for_px(400, 150))
    with ImagePreparer(dpi=150, jobs=1) as preparer:
        preparer.submit(request)
        result = preparer.result(request)
        assert preparer.stats.passed_through == 1
    assert result.path == source
    assert sha256(result.path) == digest
    assert (result.width_px, result.height_px) == (600, 400)


def test_slightly_oversized_jpeg_passes_through(tmp_path: Path) -> None:
    source = tmp_path / "near.jpg"
    noisy((650, 433)).save(source, quality=80)  # 8 % more than needed
    result, _ = prepare(ImageRequest(source, pt_for_px(600, 150), pt_for_px(400, 150)))
    assert result.path == source


def test_big_jpeg_is_reencoded_smaller(big_jpeg: Path) -> None:
    request = ImageRequest(big_jpeg, pt_for_px(600, 150), pt_for_px(400, 150))
    with ImagePreparer(dpi=150, jobs=1) as preparer:
        result = preparer.result(request)
        assert result.path != big_jpeg and result.path.suffix == ".jpg"
        assert (result.width_px, result.height_px) == (600, 400)
        assert result.path.stat().st_size < big_jpeg.stat().st_size / 4


# -- crop ---------------------------------------------------------------------------------


def test_crop_keeps_the_focus_in_view(tmp_path: Path) -> None:
    source = tmp_path / "wide.jpg"
    im = Image.new("RGB", (900, 300), BLUE)
    ImageDraw.Draw(im).ellipse((780, 120, 840, 180), fill=RED)  # centred near (0.9, 0.5)
    im.save(source, quality=95)
    box = (pt_for_px(150, 150), pt_for_px(150, 150))

    def has_red(out: Image.Image) -> bool:
        return any(close_to(px, RED, 60) for _, px in out.getcolors(1 << 20) or [])

    _, out = prepare(ImageRequest(source, *box, crop=True, focus=(0.9, 0.5)))
    assert out.size == (150, 150)
    assert has_red(out)
    _, centred = prepare(ImageRequest(source, *box, crop=True))
    assert not has_red(centred)


def test_crop_focus_is_clamped_to_the_edge(tmp_path: Path) -> None:
    source = tmp_path / "edge.jpg"
    im = Image.new("RGB", (600, 200), BLUE)
    ImageDraw.Draw(im).rectangle((590, 0, 599, 199), fill=RED)  # the right edge
    im.save(source, quality=95)
    _, out = prepare(ImageRequest(source, 96, 96, crop=True, focus=(1.0, 0.5)))
    assert out.size == (200, 200)
    assert close_to(out.getpixel((197, 100)), RED, 60)


# -- duplicates, cache --------------------------------------------------------------------


def test_duplicates_prepared_once(big_jpeg: Path) -> None:
    request = ImageRequest(big_jpeg, 200, 200 / 1.5)
    with ImagePreparer(dpi=150, jobs=2) as preparer:
        preparer.submit(request)
        preparer.submit(request)
        preparer.submit(ImageRequest(big_jpeg, 200, 200 / 1.5))
        first = preparer.result(request)
        assert preparer.result(request) is first  # repeated calls are cheap
        assert preparer.stats.submitted == 1
        assert preparer.stats.prepared == 1


def test_temp_files_removed_on_exit(big_jpeg: Path) -> None:
    request = ImageRequest(big_jpeg, 200, 200 / 1.5)
    with ImagePreparer(dpi=150, jobs=1) as preparer:
        path = preparer.result(request).path  # result() submits when needed
        assert path.exists()
    assert not path.exists()
    assert not path.parent.exists()


def test_cache_hit_on_rebuild(tmp_path: Path, big_jpeg: Path) -> None:
    cache = tmp_path / "cache"
    requests = [
        ImageRequest(big_jpeg, 300, 200),
        ImageRequest(big_jpeg, 100, 100, crop=True, focus=(0.2, 0.3)),
    ]

    def build() -> tuple[list[PreparedImage], ImagePreparer]:
        with ImagePreparer(dpi=150, cache_dir=cache, jobs=2) as preparer:
            for request in requests:
                preparer.submit(request)
            results = [preparer.result(r) for r in requests]
        return results, preparer

    cold, first = build()
    assert first.stats.prepared == 2 and first.stats.cache_hits == 0
    mtimes = [r.path.stat().st_mtime_ns for r in cold]
    warm, second = build()
    assert second.stats.prepared == 0 and second.stats.cache_hits == 2
    assert second.stats.hashed == 0  # found by file identity: the photo is not even read
    assert [r.path for r in warm] == [r.path for r in cold]
    assert [r.path.stat().st_mtime_ns for r in warm] == mtimes
    assert all(r.path.exists() for r in warm)  # cache outlives the preparer


def test_cache_hit_by_content_after_touch(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    source = tmp_path / "photo.jpg"
    noisy((1200, 800)).save(source, quality=90)
    request = ImageRequest(source, 200, 200 / 1.5)
    prepare(request, cache_dir=cache)
    os.utime(source, (time.time() + 10, time.time() + 10))  # same bytes, new mtime
    with ImagePreparer(dpi=150, cache_dir=cache, jobs=1) as preparer:
        preparer.result(request)
        assert preparer.stats.hashed == 1
        assert preparer.stats.cache_hits == 1 and preparer.stats.prepared == 0


def test_identical_photos_in_two_files_share_one_entry(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = tmp_path / "first.jpg"
    noisy((1200, 800)).save(first, quality=90)
    second = tmp_path / "copy.jpg"
    second.write_bytes(first.read_bytes())
    one, _ = prepare(ImageRequest(first, 200, 200 / 1.5), cache_dir=cache)
    with ImagePreparer(dpi=150, cache_dir=cache, jobs=1) as preparer:
        other = preparer.result(ImageRequest(second, 200, 200 / 1.5))
        assert preparer.stats.hashed == 1
        assert preparer.stats.cache_hits == 1 and preparer.stats.prepared == 0
    assert other.path == one.path


def test_a_large_source_is_hashed_in_chunks_to_the_same_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "photo.jpg"
    noisy((1200, 800)).save(source, quality=90)
    data, whole = pixels.read_and_hash(str(source))
    assert data == source.read_bytes()
    monkeypatch.setattr(pixels, "READ_WHOLE_MAX", 1000)  # "large": not held in memory
    assert pixels.read_and_hash(str(source)) == (None, whole)


def test_hashes_from_an_older_index_are_not_trusted(tmp_path: Path) -> None:
    """An index an older build wrote (plain SHA-256 hashes) is no key to the cache:
    each photo is hashed again, the current way, and the index rewritten."""
    cache = tmp_path / "cache"
    source = tmp_path / "photo.jpg"
    noisy((1200, 800)).save(source, quality=90)
    request = ImageRequest(source, 200, 200 / 1.5)
    first, _ = prepare(request, cache_dir=cache)
    index = cache / "images" / "sources.json"
    data = json.loads(index.read_text())
    current = {entry[0] for entry in data["entries"].values()}
    old_hash = hashlib.sha256(source.read_bytes()).hexdigest()
    data["entries"] = {ident: [old_hash, used] for ident, (_, used) in data["entries"].items()}
    index.write_text(json.dumps(data))
    with ImagePreparer(dpi=150, cache_dir=cache, jobs=1) as preparer:
        again = preparer.result(request)
        assert preparer.stats.hashed == 1  # not found through the old hash
        assert preparer.stats.cache_hits == 1 and preparer.stats.prepared == 0
    assert again.path == first.path
    assert {entry[0] for entry in json.loads(index.read_text())["entries"].values()} == current


def test_cache_invalidated_when_source_changes(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    source = tmp_path / "photo.jpg"
    Image.new("RGB", (1200, 800), RED).save(source, quality=90)
    request = ImageRequest(source, 200, 200 / 1.5)
    first, out = prepare(request, cache_dir=cache)
    assert close_to(out.getpixel((10, 10)), RED, 10)
    Image.new("RGB", (1200, 800), BLUE).save(source, quality=90)
    with ImagePreparer(dpi=150, cache_dir=cache, jobs=1) as preparer:
        second = preparer.result(request)
        assert preparer.stats.prepared == 1 and preparer.stats.cache_hits == 0
        with Image.open(second.path) as im:
            assert close_to(im.getpixel((10, 10)), BLUE, 10)
    assert second.path != first.path


def test_cache_settings_are_part_of_the_key(tmp_path: Path, big_jpeg: Path) -> None:
    cache = tmp_path / "cache"
    a, _ = prepare(ImageRequest(big_jpeg, 300, 200), cache_dir=cache)
    b, _ = prepare(ImageRequest(big_jpeg, 300, 200), dpi=300, cache_dir=cache)
    c, _ = prepare(ImageRequest(big_jpeg, 300, 200, crop=True), cache_dir=cache)
    assert len({a.path, b.path, c.path}) == 3


def test_stale_cache_entries_cleaned(tmp_path: Path, big_jpeg: Path) -> None:
    images = tmp_path / "cache" / "images"
    images.mkdir(parents=True)
    old = time.time() - (CACHE_MAX_AGE_DAYS + 1) * 86400
    stale = [images / ("a" * 64 + ".json"), images / ("a" * 64 + ".jpg")]
    recent = [images / ("b" * 64 + ".json"), images / ("b" * 64 + ".jpg")]
    for path in stale + recent:
        path.write_text("{}")
    for path in stale:
        os.utime(path, (old, old))
    used, _ = prepare(ImageRequest(big_jpeg, 300, 200), cache_dir=tmp_path / "cache")
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in recent)
    assert used.path.exists()


# -- bad input ----------------------------------------------------------------------------


def test_truncated_jpeg_is_an_input_error(tmp_path: Path) -> None:
    source = tmp_path / "truncated.jpg"
    full = tmp_path / "full.jpg"
    noisy((1200, 800)).save(full, quality=90)
    source.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with ImagePreparer(dpi=150, jobs=1) as preparer, pytest.raises(InputError) as info:
        preparer.result(ImageRequest(source, 100, 100 / 1.5))
    assert "truncated.jpg" in str(info.value)
    assert info.value.problems[0].file == source


def test_not_an_image_is_an_input_error(tmp_path: Path) -> None:
    source = tmp_path / "notes.jpg"
    source.write_text("this is not a photo")
    with pytest.raises(InputError, match=r"notes\.jpg"):
        oriented_size(source)
    with ImagePreparer(dpi=150, jobs=1) as preparer:
        preparer.submit(ImageRequest(source, 100, 100))
        with pytest.raises(InputError, match=r"notes\.jpg"):
            preparer.result(ImageRequest(source, 100, 100))


def test_a_file_gone_before_it_is_prepared_is_a_system_failure(tmp_path: Path) -> None:
    # Validation saw every file before the preparer runs: a missing one vanished since
    # (a sync, a clean-up), which is the machine's doing, not a bad photo.
    with ImagePreparer(dpi=150, jobs=1) as preparer, pytest.raises(SystemFailure) as caught:
        preparer.result(ImageRequest(tmp_path / "gone.jpg", 100, 100))
    assert caught.value.exit_code == ExitCode.IO_ERROR
    assert str(caught.value) == (f"{tmp_path / 'gone.jpg'}: No such file or directory "
                                 "(the file went away during the build)")


@pytest.mark.parametrize("side", [20000, 10000])  # above 2× Pillow's limit; between 1× and 2×
def test_decompression_bomb_is_an_input_error(tmp_path: Path, side: int) -> None:
    source = tmp_path / "bomb.png"
    source.write_bytes(png_header_only(side, side))
    with pytest.raises(InputError, match=r"bomb\.png.*too large"):
        oriented_size(source)
    with ImagePreparer(dpi=150, jobs=1) as preparer, pytest.raises(
        InputError, match=r"bomb\.png.*too large"
    ):
        preparer.result(ImageRequest(source, 100, 100))


def test_every_bad_image_reported_at_once(tmp_path: Path, big_jpeg: Path) -> None:
    first, second = tmp_path / "first.jpg", tmp_path / "second.png"
    first.write_bytes(b"\xff\xd8\xff\xe0 not really")
    second.write_bytes(b"\x89PNG\r\n\x1a\n broken")
    with ImagePreparer(dpi=150, jobs=2) as preparer:
        requests = [ImageRequest(p, 100, 100) for p in (first, big_jpeg, second)]
        for request in requests:
            preparer.submit(request)
        with pytest.raises(InputError) as info:
            preparer.result(requests[0])
    assert [p.file for p in info.value.problems] == [first, second]


def test_cache_size_cap_drops_least_recently_used(
    tmp_path: Path, big_jpeg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dokureport.assets.preparer as preparer_module

    images = tmp_path / "cache" / "images"
    images.mkdir(parents=True)
    older, newer = images / ("c" * 64 + ".jpg"), images / ("d" * 64 + ".jpg")
    for age, path in ((3000, older), (1000, newer)):
        path.write_bytes(b"x" * 10_000)
        os.utime(path, (time.time() - age, time.time() - age))
    monkeypatch.setattr(preparer_module, "CACHE_MAX_BYTES", 15_000)
    used, _ = prepare(ImageRequest(big_jpeg, 30, 20), cache_dir=tmp_path / "cache")
    assert not older.exists()
    assert newer.exists()  # under the cap again after dropping one
    assert used.path.exists()  # this build's entries are never dropped


def test_progress_bar_goes_to_stderr(big_jpeg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    request = ImageRequest(big_jpeg, 30, 20)
    with ImagePreparer(dpi=150, jobs=1, progress=True) as preparer:
        preparer.submit(request)
        preparer.result(request)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Photos" in captured.err


def test_no_progress_output_by_default(
    big_jpeg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with ImagePreparer(dpi=150, jobs=1) as preparer:
        preparer.result(ImageRequest(big_jpeg, 30, 20))
    assert capsys.readouterr() == ("", "")


# -- scheduling ---------------------------------------------------------------------------


def test_a_photo_the_layout_waits_for_is_prepared_before_those_queued_before_it(
        tmp_path: Path) -> None:
    # The gallery is submitted before the pages in front of it are built; the layout then
    # asks for the cover's photo first, which must not wait for the whole gallery.
    requests = []
    for n in range(8):
        path = tmp_path / f"{n}.jpg"
        noisy((1200, 800), seed=n).save(path, quality=90)
        requests.append(ImageRequest(path, 100, 100 / 1.5))
    with ImagePreparer(dpi=150, jobs=1) as preparer:
        for request in requests:
            preparer.submit(request)
        preparer.result(requests[-1])
        prepared_before = sum(preparer.ready(r) for r in requests[:-1])
        # One worker: with every task queued in the pool in submission order, all seven
        # would have been prepared first. At most the few in the pool are.
        assert prepared_before <= 4
        assert [preparer.result(r).width_px for r in requests] == [209] * 8
        assert preparer.stats.prepared == 8


def test_submitting_does_not_wait_for_the_workers_to_start(
        big_jpeg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Starting the pool means starting the forkserver, which imports the pixel work's
    # modules before the first worker exists: the layout goes on meanwhile.
    import threading

    from dokureport.assets import preparer as preparer_module

    may_start = threading.Event()
    real_pool = preparer_module.worker_pool

    def slow_pool(jobs: int | None = None):  # type: ignore[no-untyped-def]
        may_start.wait(30)
        return real_pool(jobs)

    monkeypatch.setattr(preparer_module, "worker_pool", slow_pool)
    request = ImageRequest(big_jpeg, 200, 200 / 1.5)
    with ImagePreparer(dpi=150, jobs=1) as preparer:
        submitting = threading.Thread(target=preparer.submit, args=(request,))
        submitting.start()
        submitting.join(5)
        returned = not submitting.is_alive()
        may_start.set()
        submitting.join()
        assert returned, "submit waited for the pool"
        assert preparer.result(request).width_px == px_size(200, 150).__ceil__()
