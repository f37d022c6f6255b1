"""Font subset tags are derived from the subset: unique per font and glyph set, the same
for the same input, six capital letters (read back with pdffonts and pikepdf)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pikepdf

from dokureport.pipeline import BuildResult
from tests.conftest import minimal_event

Build = Callable[..., tuple[Path, BuildResult]]


def _subset_names(pdf_path: Path) -> list[str]:
    """The embedded fonts' names as pdffonts lists them."""
    lines = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    return [line.split()[0] for line in lines if line.strip()]


def _by_font(names: list[str]) -> dict[str, str]:
    """{font name: tag}; every name is a tagged subset."""
    out = {}
    for name in names:
        match = re.fullmatch(r"([A-Z]{6})\+(.+)", name)
        assert match, f"{name!r} is not TAG+Font with a six-letter tag"
        out[match.group(2)] = match.group(1)
    return out


def test_subset_tags_differ_by_font_and_by_glyph_set_and_repeat_for_the_same_input(
        make_event: Callable[..., Path], build: Build) -> None:
    text = "Das *Fachtag* **Programm** mit vielen Wörtern."
    few = make_event(minimal_event(intro=text), name="few")
    more = make_event(minimal_event(intro=text + " Quixotische Jazz-Zyklen, 1234567890 € ½."),
                      name="more")
    again = make_event(minimal_event(intro=text), name="again")
    few_tags = _by_font(_subset_names(build(few)[0]))
    more_tags = _by_font(_subset_names(build(more)[0]))
    again_tags = _by_font(_subset_names(build(again)[0]))

    assert len(few_tags) >= 3, "regular, bold and italic are embedded"
    assert len(set(few_tags.values())) == len(few_tags), "each font its own tag"
    regular = next(name for name in few_tags if name.endswith("-Regular"))
    assert few_tags[regular] != more_tags[regular], "another glyph set, another tag"
    assert few_tags == again_tags, "the same input, the same tags"


def test_the_unicode_map_and_descriptor_name_the_retagged_font(
        make_event: Callable[..., Path], build: Build) -> None:
    out, _ = build(make_event(minimal_event()))
    with pikepdf.open(out) as pdf:
        fonts = [o for o in pdf.objects
                 if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"
                 and "/FontDescriptor" in o]
        assert fonts
        for font in fonts:
            base = str(font.BaseFont)[1:]
            assert not base.startswith("AAAAAA+")
            assert str(font.FontDescriptor.FontName)[1:] == base
            assert f"/CMapName /{base} def".encode() in font.ToUnicode.read_bytes()
