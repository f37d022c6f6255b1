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
    from dokureport.build import BuildResult, PlacedPhoto, Progress
    from dokureport.errors import (
        DokureportError,
        InputError,
        OutputError,
        Problem,
        SystemFailure,
    )
    from dokureport.layout.context import SectionPages
    from dokureport.model import Event
    from dokureport.publish import Withheld

_LAZY = {
    # The pipeline module `dokureport.build` is callable as the API function (see
    # build._CallableModule): a submodule of that name replaces any attribute on import.
    "build": "dokureport.build",
    "EventSource": "dokureport.api",
    "BuildResult": "dokureport.build",
    "PlacedPhoto": "dokureport.build",
    "Progress": "dokureport.build",
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
    value = import_module(module) if name == "build" else getattr(import_module(module), name)
    globals()[name] = value
    return value
