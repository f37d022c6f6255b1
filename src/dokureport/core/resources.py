"""Locate the files that ship with dokureport: fonts and the sample event."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # the dokureport package
# In a source checkout (editable install) the files live at the repository's top level.
_REPO = _PACKAGE.parent.parent


def _find(packaged: str, in_repo: str) -> Path:
    for candidate in (_PACKAGE / packaged, _REPO / in_repo):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"dokureport is installed without its {in_repo!r} folder")


def fonts_dir() -> Path:
    """The folder with the brochure's font files."""
    return _find("_fonts", "fonts")


def sample_event_dir() -> Path:
    """The bundled sample event (the Duisburg 2019 Großstadtnetzwerk)."""
    return _find("_sample", "data/duisburg-2019")
