"""Design colour for print: each colour the canvas is given, as the press's CMYK."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.colors import CMYKColor, Color, toColor

from dokureport.assets.cmyk import PrintProfile, rgb_to_cmyk
from dokureport.design.model import Theme
from dokureport.engine.canvas import k_only_black


def _rgb255(colour: Color) -> tuple[int, int, int]:
    return (round(colour.red * 255), round(colour.green * 255), round(colour.blue * 255))


def print_ink(theme: Theme, profile: PrintProfile) -> Callable[[Any], Any]:
    """The print canvas's colour function: a theme colour with exact inks in the theme's
    `print_colours` gets those; near-black gets black ink alone (k_only_black); any
    other RGB colour goes through the same sRGB → CMYK transform as the photos."""
    exact: dict[tuple[int, int, int], tuple[float, ...]] = {}
    for role, inks in theme.print_colours.items():
        hex_colour = getattr(theme.colours, role)
        exact.setdefault(_rgb255(toColor(hex_colour)), tuple(v / 100 for v in inks))

    def ink(colour: Any) -> Any:
        try:
            tc = toColor(colour)
        except ValueError:
            return colour
        if isinstance(tc, CMYKColor) or not isinstance(tc, Color):
            return colour
        rgb = _rgb255(tc)
        if rgb in exact:
            c, m, y, k = exact[rgb]
            return CMYKColor(c, m, y, k, alpha=tc.alpha)
        black = k_only_black(tc)
        if isinstance(black, CMYKColor):
            return black
        c, m, y, k = rgb_to_cmyk(rgb, profile)
        return CMYKColor(c, m, y, k, alpha=tc.alpha)

    return ink
