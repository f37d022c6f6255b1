"""dokureport: an event's data and photos in, a printable documentation brochure out.

The Python API (`build`, `BuildResult`, `Progress`, `DokureportError`, …) is imported on
first use: `import dokureport` stays cheap (no reportlab until a build).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# The one place the version is written (pyproject.toml reads it from here): importing
# importlib.metadata to look it up would cost every build and every command 60 ms.
__version__ = "0.1.0"

if TYPE_CHECKING:
    from dokureport.api import EventSource, build
    from dokureport.errors import (
        DokureportError,
        InputError,
        OutputError,
        Problem,
        SystemFailure,
    )
    from dokureport.layout.context import SectionPages
    from dokureport.model import Event
    from dokureport.pipeline import BuildResult, PlacedPhoto, Progress
    from dokureport.publish import Withheld

_LAZY = {
    "build": "dokureport.api",
    "EventSource": "dokureport.api",
    "BuildResult": "dokureport.pipeline",
    "PlacedPhoto": "dokureport.pipeline",
    "Progress": "dokureport.pipeline",
    "DokureportError": "dokureport.errors",
    "InputError": "dokureport.errors",
    "OutputError": "dokureport.errors",
    "Problem": "dokureport.errors",
    "SystemFailure": "dokureport.errors",
    "SectionPages": "dokureport.layout.context",
    "Event": "dokureport.model",
    "Withheld": "dokureport.publish",
}

__all__ = [  # noqa: RUF022 - the API first, then its types
    "__version__", "build", "EventSource", "BuildResult", "PlacedPhoto", "Progress",
    "DokureportError", "InputError", "OutputError", "Problem", "SystemFailure",
    "SectionPages", "Event", "Withheld",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dokureport' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
