"""A repair to reportlab's line breaking: U+202F NARROW NO-BREAK SPACE does not break.

reportlab (checked on 5.1) counts U+202F among the spaces it breaks lines at
(`reportlab.platypus.paragraph._wsc`, and Python's `str.split` in its `split`), and
sets it as an ordinary word space. French puts it before ":" ";" "!" "?" and inside
guillemets precisely so that the mark never starts a line and the space stays narrow.
U+00A0 it already keeps; this keeps U+202F too.
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.platypus import paragraph as _rl

_NARROW = "\u202f"
_NEEDED = ("_wsc", "_wsc_re_split", "_wsc_end_search", "split")


def check() -> None:
    """Raise if a reportlab internal this repair relies on is gone."""
    for name in _NEEDED:
        if not hasattr(_rl, name):
            raise RuntimeError(f"reportlab changed: reportlab.platypus.paragraph.{name} is gone")


def _split(text: Any, delim: Any = None) -> list[str]:
    if isinstance(text, bytes):
        text = text.decode("utf8")
    if delim is None:
        return _rl._wsc_re_split(text)
    if isinstance(delim, bytes):
        delim = delim.decode("utf8")
    return text.split(delim)


def apply() -> None:
    """Install the repair (idempotent)."""
    check()
    if _NARROW not in _rl._wsc:
        return
    _rl._wsc = _rl._wsc.replace(_NARROW, "")
    _rl._wsc_re_split = re.compile(f"[{re.escape(_rl._wsc)}]+").split
    _rl._wsc_end_search = re.compile(f"[{re.escape(_rl._wsc)}]+$").search
    _rl.split = _split
