"""Partner logos: readable images or safe SVG drawings in the folder, linked to http(s)."""

from __future__ import annotations

from typing import Any

from dokureport.core.errors import show
from dokureport.event.files import image_problem
from dokureport.event.load import KeyPath
from dokureport.validate.files import file_report
from dokureport.validate.state import State, items


def check_partners(state: State, data: dict[str, Any]) -> None:
    """Logos: files in the folder (SVG checked for hostile content), links http(s)."""
    from dokureport.assets.svg import is_svg, load_drawing, svg_problem

    for g, group in items(data.get("partners")):
        for n, logo in items(group.get("logos")):
            at: KeyPath = ("partners", g, "logos", n)
            url = logo.get("url")
            if isinstance(url, str):
                state.check_url((*at, "url"), url)
            file = logo.get("file")
            if not isinstance(file, str):
                continue
            problem, resolved = state.resolve(file, image=False)
            if problem is None and resolved is not None:
                if is_svg(resolved):
                    problem = svg_problem(resolved)
                    if problem is None and load_drawing(resolved) is None:
                        problem = "is an SVG drawing that cannot be read"
                else:
                    problem = image_problem(resolved, decode=False)
                    if problem is None:
                        state.decode_later(resolved, file_report(state, (*at, "file"), file,
                                                                 coded=False))
                problem = f"{show(file, 200)} {problem}" if problem else None
            if problem:
                state.error((*at, "file"), problem)
            elif resolved is not None:
                logo["file"] = resolved
                state.file_locations.setdefault(
                    resolved, state.source.problem((*at, "file"), show(file, 200)))
