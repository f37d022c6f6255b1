"""Print target: text, rules and QR codes in black ink only (DeviceCMYK K), other colours
in CMYK; screen stays RGB."""

from __future__ import annotations

import pikepdf
import pytest

from dokureport.engine.canvas import k_only_black
from tests.conftest import SAMPLE


def _streams(pdf: pikepdf.Pdf):
    """Every content stream: pages and the form XObjects they use."""
    for page in pdf.pages:
        yield page
        for xobject in (page.Resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                yield xobject


def _colour_ops(path) -> list[tuple[str, tuple[float, ...], bool]]:
    """(operator, operands, inside a text object) of every colour-setting operator."""
    out = []
    with pikepdf.open(path) as pdf:
        for stream in _streams(pdf):
            in_text = False
            for operands, op in pikepdf.parse_content_stream(stream):
                name = str(op)
                if name == "BT":
                    in_text = True
                elif name == "ET":
                    in_text = False
                elif name in ("rg", "RG", "k", "K", "g", "G"):
                    out.append((name, tuple(round(float(o), 3) for o in operands), in_text))
    return out


def _near_black_rgb(operands: tuple[float, ...]) -> bool:
    return len(operands) == 3 and max(operands) <= 0.25


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    from dokureport.core.options import BuildOptions
    from dokureport.pipeline import build_brochure

    folder = tmp_path_factory.mktemp("black")
    paths = {}
    for target in ("print", "screen"):
        paths[target] = folder / f"{target}.pdf"
        build_brochure(SAMPLE, paths[target], BuildOptions(target=target))
    return paths


def test_print_text_is_black_ink_only(builds) -> None:
    ops = _colour_ops(builds["print"])
    text_fills = [(op, args) for op, args, in_text in ops if in_text and op in ("rg", "k")]
    assert ("k", (0.0, 0.0, 0.0, 1.0)) in text_fills
    # Body text and headings (INK) are the commonest text colour: all solid K.
    assert text_fills.count(("k", (0.0, 0.0, 0.0, 1.0))) > len(text_fills) / 3
    assert not [o for o in ops if o[0] in ("rg", "RG") and _near_black_rgb(o[1])]
    # Vector black outside text (the videos' QR codes) too.
    assert ("k", (0.0, 0.0, 0.0, 1.0), False) in ops


def test_print_sets_other_colours_in_cmyk_and_none_in_rgb(builds) -> None:
    ops = _colour_ops(builds["print"])
    assert not [o for o in ops if o[0] in ("rg", "RG")]
    # The primary colour #00576b, through the print profile: cyan and black ink.
    assert any(op == "k" and args[0] > 0.5 and args[3] > 0.3 and in_text
               for op, args, in_text in ops)


def test_screen_stays_rgb(builds) -> None:
    ops = _colour_ops(builds["screen"])
    assert ("rg", (0.114, 0.114, 0.106), True) in ops  # INK #1d1d1b
    assert not [o for o in ops if o[0] in ("k", "K")]


def test_which_colours_become_k() -> None:
    from reportlab.lib import colors

    assert k_only_black(colors.HexColor("#1d1d1b")).cmyk() == (0, 0, 0, 1)
    assert k_only_black((0, 0, 0)).cmyk() == (0, 0, 0, 1)
    assert k_only_black(colors.HexColor("#5b6770")) == colors.HexColor("#5b6770")  # muted grey
    assert k_only_black(colors.HexColor("#00576b")) == colors.HexColor("#00576b")
    assert k_only_black(colors.HexColor("#3a0000")) == colors.HexColor("#3a0000")  # dark red
