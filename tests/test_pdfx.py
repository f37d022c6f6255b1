"""Print target: PDF/X-4 read back from the file — the CMYK output intent and its profile,
the XMP, the boxes, no DeviceRGB anywhere, every font embedded; renders in Ghostscript and
poppler like the screen PDF; an independent checker (pdf-oxide) agrees."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml
from PIL import Image, ImageCms, ImageStat

from dokureport.assets.cmyk import bundled_profile, rgb_to_cmyk
from dokureport.core.options import BuildOptions
from dokureport.pipeline import build_brochure
from tests.conftest import SAMPLE, minimal_event
from tests.helpers import box, invoke

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "werkstatt-2024"


def _photo_event(folder: Path) -> Path:
    """An event whose photos are every kind a photographer or designer hands over: RGB,
    CMYK and greyscale JPEGs, a transparent PNG, an SVG logo."""
    photos = folder / "photos"
    photos.mkdir(parents=True)
    for name in ("01.jpg", "02.jpg", "03.jpg", "05.jpg"):
        shutil.copy(SAMPLE / "photos" / name, photos / name)
    with Image.open(SAMPLE / "photos" / "04.jpg") as im:
        im.convert("CMYK").save(photos / "cmyk.jpg", quality=90)
        im.convert("L").save(photos / "grey.jpg", quality=90)
    badge = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    badge.paste((220, 40, 60, 255), (100, 100, 500, 300))
    badge.save(photos / "badge.png")
    (folder / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">'
        '<rect width="200" height="60" fill="#d4531c"/>'
        '<circle cx="30" cy="30" r="20" fill="#123456"/></svg>', encoding="utf-8")
    names = ["01.jpg", "02.jpg", "03.jpg", "05.jpg", "cmyk.jpg", "grey.jpg", "badge.png"]
    event = minimal_event(
        intro="Ein Tag mit vielen Fotos.",
        photos={"items": [{"file": f"photos/{n}", "caption": n} for n in names]},
        videos=[{"title": "Mitschnitt", "url": "https://example.org/video"}],
        partners=[{"title": "Gefördert von", "logos": [{"file": "logo.svg", "name": "Land"}]}])
    (folder / "event.yaml").write_text(yaml.safe_dump(event, allow_unicode=True),
                                       encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdfx")
    photos = _photo_event(folder / "photos-event")
    out = {}
    for name, source in (("sample", SAMPLE), ("example", EXAMPLE), ("photos", photos)):
        for target in ("print", "screen"):
            if target == "screen" and name == "example":
                continue
            out[f"{name}-{target}"] = folder / f"{name}-{target}.pdf"
            build_brochure(source, out[f"{name}-{target}"],
                           BuildOptions(target=target, jobs=1))  # type: ignore[arg-type]
    return out


PRINTS = ("sample-print", "example-print", "photos-print")


# -- the output intent and the metadata ---------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", PRINTS)
def test_one_gts_pdfx_output_intent_with_the_cmyk_profile_embedded(built, name) -> None:
    with pikepdf.open(built[name]) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        intent = intents[0]
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert str(intent.RegistryName) == "http://www.color.org"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4
        data = profile.read_bytes()
    assert data == bundled_profile().data
    assert data[12:20] == b"prtrCMYK"  # an output (printer) profile for four inks


@pytest.mark.slow
@pytest.mark.parametrize("name", PRINTS)
def test_xmp_says_pdf_x_4_as_the_info_dictionary_does(built, name) -> None:
    with pikepdf.open(built[name]) as pdf:
        info = pdf.trailer.Info
        meta = pdf.open_metadata()
        assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4" == str(info.GTS_PDFXVersion)
        assert info.Trapped == "/False" and meta["pdf:Trapped"] == "False"
        assert meta["dc:title"] == str(info.Title)
        assert meta["xmp:CreateDate"] and meta["xmp:ModifyDate"]
        assert meta["xmpMM:DocumentID"].startswith("uuid:")
        assert meta["xmpMM:RenditionClass"] == "default" and meta["xmpMM:VersionID"]
        ids = pdf.trailer.ID
        assert len(ids) == 2 and len(bytes(ids[0])) == 16
        assert "/Encrypt" not in pdf.trailer


@pytest.mark.slow
@pytest.mark.parametrize("name", PRINTS)
def test_every_page_has_trim_inside_bleed_inside_media(built, name) -> None:
    with pikepdf.open(built[name]) as pdf:
        for page in pdf.pages:
            media, bleed, trim = (box(page, n) for n in ("/MediaBox", "/BleedBox", "/TrimBox"))
            assert trim and bleed and media
            assert media[0] <= bleed[0] < trim[0] and trim[2] < bleed[2] <= media[2]
            assert media[1] <= bleed[1] < trim[1] and trim[3] < bleed[3] <= media[3]


@pytest.mark.slow
def test_the_screen_pdf_stays_pdf_a_in_srgb(built) -> None:
    with pikepdf.open(built["sample-screen"]) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and "/GTS_PDFXVersion" not in pdf.trailer.Info
        assert "pdfxid:GTS_PDFXVersion" not in pdf.open_metadata()


# -- colour: no DeviceRGB anywhere ---------------------------------------------------------


def _device_rgb(pdf: pikepdf.Pdf) -> list[str]:
    """Where DeviceRGB (or RGB colour operators) occurs: content streams of pages, forms,
    patterns and annotation appearances; images, soft masks, shadings, colour-space
    resources and transparency groups."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()

    def colour_space(cs: object, where: str) -> None:
        if cs == pikepdf.Name.DeviceRGB or cs == pikepdf.Name("/RGB"):
            found.append(where)
        elif isinstance(cs, pikepdf.Array) and len(cs):
            if cs[0] == "/ICCBased" and int(cs[1].get("/N", 0)) == 3:
                found.append(where + " (ICCBased RGB)")
            for part in list(cs)[1:]:
                if isinstance(part, pikepdf.Name | pikepdf.Array):
                    colour_space(part, where)

    def resources(res: pikepdf.Dictionary, where: str) -> None:
        for name, cs in res.get("/ColorSpace", {}).items():
            colour_space(cs, f"{where} colour space {name}")
        for name, shading in res.get("/Shading", {}).items():
            colour_space(shading.get("/ColorSpace"), f"{where} shading {name}")
        for name, pattern in res.get("/Pattern", {}).items():
            stream(pattern, f"{where} pattern {name}")
        for name, xobject in res.get("/XObject", {}).items():
            stream(xobject, f"{where} {name}")

    def content(obj: pikepdf.Object, where: str) -> None:
        for operands, op in pikepdf.parse_content_stream(obj):
            if str(op) in ("rg", "RG"):
                found.append(f"{where}: {op}")
            elif str(op) in ("cs", "CS") and operands[0] == pikepdf.Name.DeviceRGB:
                found.append(f"{where}: {operands[0]} {op}")
            elif str(op) == "BI":
                colour_space(operands[0].get("/CS"), f"{where} inline image")

    def stream(obj: pikepdf.Object, where: str) -> None:
        if obj.objgen != (0, 0):
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        group = obj.get("/Group")
        if group is not None:
            colour_space(group.get("/CS"), f"{where} group")
        subtype = obj.get("/Subtype")
        if subtype == "/Image":
            colour_space(obj.get("/ColorSpace"), f"{where} image")
            if "/SMask" in obj:
                stream(obj.SMask, f"{where} soft mask")
            return
        if "/Shading" in obj:
            colour_space(obj.Shading.get("/ColorSpace"), f"{where} shading")
        content(obj, where)
        resources(obj.get("/Resources", pikepdf.Dictionary()), where)

    for number, page in enumerate(pdf.pages, 1):
        where = f"page {number}"
        group = page.obj.get("/Group")
        if group is not None:
            colour_space(group.get("/CS"), f"{where} group")
        content(page.obj, where)
        resources(page.obj.get("/Resources", pikepdf.Dictionary()), where)
        for annotation in page.obj.get("/Annots", ()):
            colour = annotation.get("/C")
            if colour is not None and len(colour) == 3:
                found.append(f"{where} annotation /C")
            for state in annotation.get("/AP", {}).values():
                streams = state.values() if isinstance(state, pikepdf.Dictionary) and \
                    not isinstance(state, pikepdf.Stream) else [state]
                for appearance in streams:
                    stream(appearance, f"{where} annotation appearance")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name", PRINTS)
def test_no_device_rgb_is_left_anywhere(built, name) -> None:
    with pikepdf.open(built[name]) as pdf:
        assert _device_rgb(pdf) == []


@pytest.mark.slow
def test_the_rgb_walk_finds_what_the_screen_pdf_has(built) -> None:
    # The walk is not blind: the screen PDF's photos, text colours and groups are RGB.
    with pikepdf.open(built["photos-screen"]) as pdf:
        found = _device_rgb(pdf)
    assert any("image" in f for f in found) and any(f.endswith(": rg") for f in found)


@pytest.mark.slow
def test_photos_and_graphics_are_cmyk_and_greyscale_stays_grey(built) -> None:
    with pikepdf.open(built["photos-print"]) as pdf:
        spaces = {}
        for page in pdf.pages:
            for image in page.obj.Resources.get("/XObject", {}).values():
                if image.Subtype == "/Image":
                    spaces[(int(image.Width), int(image.Height))] = (
                        str(image.ColorSpace), tuple(str(f) for f in image.Filter))
    kinds = set(spaces.values())
    assert ("/DeviceCMYK", ("/DCTDecode",)) in kinds  # the photos, still JPEG
    assert ("/DeviceCMYK", ("/FlateDecode",)) in kinds  # the transparent badge, lossless
    assert ("/DeviceGray", ("/DCTDecode",)) in kinds  # black ink only
    assert {cs for cs, _ in kinds} <= {"/DeviceCMYK", "/DeviceGray"}


@pytest.mark.slow
def test_theme_colours_go_through_the_same_transform_as_photos(built) -> None:
    from tests.test_print_black import _colour_ops

    primary = rgb_to_cmyk((0x00, 0x57, 0x6B), bundled_profile())
    fills = {args for op, args, _ in _colour_ops(built["sample-print"]) if op == "k"}
    assert tuple(round(v, 3) for v in primary) in fills
    assert primary[0] > 0.5 and primary[3] > 0.3  # petrol: cyan and black, not RGB numbers


# -- fonts -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", PRINTS)
def test_every_font_is_embedded(built, name) -> None:
    lines = subprocess.run(["pdffonts", str(built[name])], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert lines  # the brochure has text
    # pdffonts' columns: name type encoding emb sub uni object-id
    assert [line for line in lines if line.split()[-5] != "yes"] == []


# -- rendering ---------------------------------------------------------------------------


def _trim_px(path: Path, dpi: int) -> list[tuple[int, int, int, int]]:
    with pikepdf.open(path) as pdf:
        out = []
        for page in pdf.pages:
            media, trim = box(page, "/MediaBox"), box(page, "/TrimBox") or box(page, "/MediaBox")
            assert media and trim
            k = dpi / 72
            out.append((round((trim[0] - media[0]) * k), round((media[3] - trim[3]) * k),
                        round((trim[2] - trim[0]) * k), round((trim[3] - trim[1]) * k)))
        return out


def _render_poppler(path: Path, folder: Path, dpi: int) -> list[Image.Image]:
    pages = []
    for number, (x, y, w, h) in enumerate(_trim_px(path, dpi), 1):
        prefix = folder / f"poppler-{number}"
        run = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(number), "-l", str(number),
                              "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h),
                              "-singlefile", "-png", str(path), str(prefix)],
                             capture_output=True, text=True)
        assert run.returncode == 0 and "Error" not in run.stderr, run.stderr
        pages.append(Image.open(f"{prefix}.png").convert("RGB"))
    return pages


def _render_gs(path: Path, folder: Path, dpi: int, trim: bool) -> list[Image.Image]:
    run = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=png16m",
                          f"-r{dpi}", *(["-dUseTrimBox"] if trim else []),
                          f"-sOutputFile={folder}/gs-%03d.png", str(path)],
                         capture_output=True, text=True)
    assert run.returncode == 0 and "Error" not in run.stdout + run.stderr, run.stderr
    return [Image.open(p).convert("RGB") for p in sorted(folder.glob("gs-*.png"))]


# The largest shift of a 4 × 4 tile's average colour, print against screen, measured on
# the sample and the photo event: Ghostscript (which uses the output intent) 8, poppler 33
# (it ignores the intent: a flat petrol cover comes out greyer). The same photo event with
# its CMYK photos inverted (a wrong decode array) moved a tile by 98 in both.
LIMIT = {"gs": 20, "poppler": 45}


def _shift(printed: Image.Image, shown: Image.Image, n: int = 4) -> float:
    """How far the average colour of the worst of n × n tiles moved (0..255)."""
    printed = printed.resize(shown.size)
    w, h = shown.size
    worst = 0.0
    for i in range(n):
        for j in range(n):
            tile = (i * w // n, j * h // n, (i + 1) * w // n, (j + 1) * h // n)
            a = ImageStat.Stat(printed.crop(tile)).mean
            b = ImageStat.Stat(shown.crop(tile)).mean
            worst = max(worst, *(abs(x - y) for x, y in zip(a, b, strict=True)))
    return worst


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sample", "photos"])
def test_print_renders_in_ghostscript_and_poppler_like_the_screen_pdf(built, name,
                                                                     tmp_path) -> None:
    dpi = 24
    renders = {}
    for target in ("print", "screen"):
        for renderer in ("gs", "poppler"):
            folder = tmp_path / f"{renderer}-{target}"
            folder.mkdir()
            path = built[f"{name}-{target}"]
            renders[renderer, target] = (_render_gs(path, folder, dpi, trim=True)
                                         if renderer == "gs" else
                                         _render_poppler(path, folder, dpi))
    for renderer in ("gs", "poppler"):
        printed, shown = renders[renderer, "print"], renders[renderer, "screen"]
        assert len(printed) == len(shown), renderer
        for number, (ink, light) in enumerate(zip(printed, shown, strict=True), 1):
            shift = _shift(ink, light)
            assert shift < LIMIT[renderer], f"{renderer}, page {number}: moved by {shift:.0f}"


# -- an independent smoke check -------------------------------------------------------------


@pytest.mark.slow
def test_pdf_oxide_finds_pdf_x_4_in_print_and_not_in_screen(built) -> None:
    import pdf_oxide  # the test extra has it

    for name in PRINTS:
        verdict = pdf_oxide.PdfDocument(str(built[name])).validate_pdf_x("4")
        assert verdict["valid"] and not verdict["errors"], (name, verdict)
        assert not verdict["warnings"], (name, verdict["warnings"][:5])
    screen = pdf_oxide.PdfDocument(str(built["sample-screen"])).validate_pdf_x("4")
    assert not screen["valid"]  # the checker is not blind: no intent, no PDF/X keys


# -- the shop's own profile -----------------------------------------------------------------


def _write_event(folder: Path, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "event.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                       encoding="utf-8")
    return folder


@pytest.mark.slow
def test_the_events_own_profile_and_condition_become_the_output_intent(tmp_path) -> None:
    folder = _write_event(tmp_path / "shop",
                          minimal_event(print={"icc": "druckerei.icc", "condition": "FOGRA51"}))
    # Any CMYK output profile will do for the test: the bundled one, under another name.
    shutil.copy(Path(bundled_profile().source), folder / "druckerei.icc")
    out = tmp_path / "shop.pdf"
    build_brochure(folder, out, BuildOptions(target="print", jobs=1))
    with pikepdf.open(out) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "FOGRA51"
        assert "FOGRA51" in str(intent.Info)
        assert intent.DestOutputProfile.read_bytes() == (folder / "druckerei.icc").read_bytes()


@pytest.mark.parametrize(("content", "why"), [
    (lambda: ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(), "not CMYK"),
    (lambda: b"just some text, no ICC header at all\n" * 10, "is not an ICC profile"),
], ids=["an RGB profile", "a text file"])
def test_a_file_that_is_not_a_cmyk_output_profile_exits_2_at_its_key(tmp_path, content,
                                                                      why) -> None:
    folder = _write_event(tmp_path / "bad", minimal_event(print={"icc": "shop.icc"}))
    (folder / "shop.icc").write_bytes(content())
    code, _, err = invoke("build", str(folder), "--target", "print", "-o",
                          str(tmp_path / "out.pdf"))
    assert code == 2
    assert "print.icc" in err and why in err and "Traceback" not in err
    assert not (tmp_path / "out.pdf").exists()


def test_a_themes_profile_that_is_not_cmyk_is_refused_at_the_themes_key(tmp_path) -> None:
    folder = _write_event(tmp_path / "themed", minimal_event(theme="hausstil.yaml"))
    (folder / "hausstil.yaml").write_text(
        "extends: default\nprint: {icc: rgb.icc, condition: FOGRA51}\n", encoding="utf-8")
    (folder / "rgb.icc").write_bytes(
        ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    code, _, err = invoke("validate", str(folder))
    assert code == 2
    assert "hausstil.yaml" in err and "print.icc" in err and "not CMYK" in err


@pytest.mark.slow
def test_a_theme_gives_exact_inks_for_its_colours(tmp_path) -> None:
    folder = _write_event(tmp_path / "inks", minimal_event(
        intro="Text", theme={"extends": "default",
                             "print_colours": {"primary": [100, 0, 30, 40]}}))
    out = tmp_path / "inks.pdf"
    build_brochure(folder, out, BuildOptions(target="print", jobs=1))
    from tests.test_print_black import _colour_ops

    fills = {args for op, args, _ in _colour_ops(out) if op == "k"}
    assert (1.0, 0.0, 0.3, 0.4) in fills  # the heading's primary, as the theme says
    converted = rgb_to_cmyk((0x00, 0x57, 0x6B), bundled_profile())
    assert tuple(round(v, 3) for v in converted) not in fills


# -- photos: converted once, cached per profile ----------------------------------------------


def test_prepared_cmyk_photos_are_cached_by_profile(tmp_path) -> None:
    from dokureport.assets import ImagePreparer, ImageRequest

    request = ImageRequest(source=SAMPLE / "photos" / "01.jpg", width_pt=200, height_pt=150)
    cache = tmp_path / "cache"
    modes = {}
    for label, profile in (("screen", None), ("print", bundled_profile()),
                           ("again", bundled_profile())):
        with ImagePreparer(dpi=300, cache_dir=cache, jobs=1, profile=profile) as preparer:
            preparer.submit(request)
            prepared = preparer.result(request)
            with Image.open(prepared.path) as im:
                modes[label] = im.mode
            stats = preparer.stats
        if label == "again":
            assert stats.cache_hits == 1 and stats.prepared == 0
        else:
            assert stats.cache_hits == 0
    # The screen's entry (sRGB, here passed through) is not taken for print.
    assert modes == {"screen": "RGB", "print": "CMYK", "again": "CMYK"}
