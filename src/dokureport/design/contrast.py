"""WCAG 2.x contrast of a theme's text colours against the backgrounds they are set on."""

from __future__ import annotations

from typing import Any

BODY_MINIMUM = 4.5  # WCAG 2.x AA, normal text
HEADING_MINIMUM = 3.0  # WCAG 2.x AA, large text: headings and bold highlights


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """Relative luminance of "#RRGGBB" (WCAG 2.x definition)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """(lighter + 0.05) / (darker + 0.05): 1 for equal colours, 21 for black on white."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# (role, background role, minimum, what it is used for)
_PAIRS = (
    ("text", "background", BODY_MINIMUM, "body text"),
    ("muted", "background", BODY_MINIMUM, "secondary text (speakers, credits, footer)"),
    ("primary", "background", HEADING_MINIMUM, "headings and links"),
    ("accent", "background", HEADING_MINIMUM, "overlines and highlights"),
    ("text", "tint", BODY_MINIMUM, "contact cards"),
    ("cover_text", "cover_panel", HEADING_MINIMUM, "the cover's text on its panel"),
)


def contrast_warnings(theme: Any) -> list[tuple[tuple[str, ...], str]]:
    """(key path, message) for each colour pair below its WCAG minimum."""
    colours = theme.colours
    out = []
    for role, ground, minimum, use in _PAIRS:
        ratio = contrast_ratio(getattr(colours, role), getattr(colours, ground))
        if ratio < minimum:
            out.append((("colours", role),
                        f"{getattr(colours, role)} on {ground} {getattr(colours, ground)} has a "
                        f"contrast of {ratio:.1f}:1; {use} needs at least {minimum:g}:1 "
                        "(WCAG 2.x) to stay readable"))
    return out
