"""Where dokureport keeps what it can make again: the user's cache folder (XDG convention)."""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    """Where prepared photos are cached unless the user says otherwise (XDG convention)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "dokureport"
