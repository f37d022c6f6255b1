"""dokureport: an event's data and photos in, a printable documentation brochure out.

The Python API (`build`, `BuildResult`, `Progress`, `DokureportError`, …) is imported on
first use: `import dokureport` stays cheap (no reportlab until a build).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from dokureport.core.version import __version__

if TYPE_CHECKING:
    from dokureport.api import EventSource, build
    from dokureport.core.errors import (
        DokureportError,
        InputError,
        OutputError,
        Problem,
        SystemFailure,
    )
    from dokureport.event.model import Event
    from dokureport.event.publish import Withheld
    from dokureport.layout.context import SectionPages
    from dokureport.pipeline import BuildResult, PlacedPhoto, Progress

_LAZY = {
    "build": "dokureport.api",
    "EventSource": "dokureport.api",
    "BuildResult": "dokureport.pipeline",
    "PlacedPhoto": "dokureport.pipeline",
    "Progress": "dokureport.pipeline",
    "DokureportError": "dokureport.core.errors",
    "InputError": "dokureport.core.errors",
    "OutputError": "dokureport.core.errors",
    "Problem": "dokureport.core.errors",
    "SystemFailure": "dokureport.core.errors",
    "SectionPages": "dokureport.layout.context",
    "Event": "dokureport.event.model",
    "Withheld": "dokureport.event.publish",
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
