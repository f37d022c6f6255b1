"""Photo resolution on paper: warn where a placed image has too few pixels."""

from __future__ import annotations

from dokureport.assets import ImageRequest, PreparedImage
from dokureport.core.errors import Problem

# Below these effective resolutions at its placed size a photo looks soft: in print,
# and on a screen at the zoom a reader uses to look at a photo.
MIN_PRINT_DPI = 200
MIN_SCREEN_DPI = 100


def low_resolution_warnings(placed: dict[ImageRequest, PreparedImage],
                            target: str = "print") -> list[Problem]:
    """One warning per image file whose lowest effective dpi on the page is too low."""
    minimum = MIN_PRINT_DPI if target == "print" else MIN_SCREEN_DPI
    need = ("print needs 200 dpi or more to look sharp, 300 is best" if target == "print"
            else "it looks soft on screen below 100 dpi and in print below 200")
    lowest: dict[str, tuple[float, ImageRequest, PreparedImage]] = {}
    for request, prepared in placed.items():
        key = str(request.source)
        if key not in lowest or prepared.effective_dpi < lowest[key][0]:
            lowest[key] = (prepared.effective_dpi, request, prepared)
    problems = []
    for key in sorted(lowest):
        dpi, request, prepared = lowest[key]
        if dpi < minimum:
            width_mm = request.width_pt / 72 * 25.4
            height_mm = request.height_pt / 72 * 25.4
            problems.append(Problem(
                f"only {dpi:.0f} dpi at its printed size of {width_mm:.0f} × {height_mm:.0f} mm "
                f"({prepared.width_px} × {prepared.height_px} pixels used); {need}",
                file=request.source, code="low-resolution",
            ))
    return problems
