"""Theme loading: colours a theme file leaves out follow the primary colour it sets.

A theme that changes only `primary` (a corporate colour) would otherwise keep the
parent theme's petrol tint behind contact cards and table heads, and its petrol cover
panel: colours the brochure's owner never chose. A tint left out is mixed from the new
primary and the paper (a light red for a red primary); a cover panel left out follows
the primary where the parent's panel was its primary.
"""

from __future__ import annotations

import re
from typing import Any

# The primary's share in a tint: the bundled default's #EEF3F5 is about 7 % of its petrol.
TINT_SHARE = 0.08
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _rgb(value: str) -> tuple[int, int, int]:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def tint_of(primary: str, background: str = "#FFFFFF", share: float = TINT_SHARE) -> str:
    """`primary` laid thinly over `background`: "#CC0000" → "#FBEBEB"."""
    mixed = (round(p * share + b * (1 - share))
             for p, b in zip(_rgb(primary), _rgb(background), strict=True))
    return "#{:02X}{:02X}{:02X}".format(*mixed)


def derived_colours(parent: Any, user: Any) -> dict[str, str]:
    """The colours to add to a theme file's own (`user`) over its parent's: those it
    leaves out that follow its primary. Anything malformed is left to validation."""
    if not isinstance(user, dict) or not isinstance(parent, dict):
        return {}
    primary = user.get("primary")
    if not isinstance(primary, str) or not _HEX.match(primary):
        return {}
    background = user.get("background", parent.get("background", "#FFFFFF"))
    if not isinstance(background, str) or not _HEX.match(background):
        return {}
    out: dict[str, str] = {}
    if "tint" not in user:
        out["tint"] = tint_of(primary, background)
    parent_panel, parent_primary = parent.get("cover_panel"), parent.get("primary")
    if "cover_panel" not in user and isinstance(parent_panel, str) \
            and isinstance(parent_primary, str) and parent_panel.lower() == parent_primary.lower():
        out["cover_panel"] = primary
    return out
