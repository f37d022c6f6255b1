"""Engine: reportlab's paragraph markup parsed once per text and style, kept from one
story to the next (a watch rebuild, a planned second layout parse only what changed).

reportlab parses a Paragraph's markup into fragments in its constructor, every time:
about a tenth of a large programme's layout, spent again on every unchanged talk. The
fragments depend only on the markup, the style's values, and the font families
registered (what <b> and <i> turn a font into), so that is the key. A paragraph gets
copies of the kept fragments (reportlab and the engine give a paragraph's fragments new
attributes only on copies; the copies guard against one that does not). Markup whose
parse has side effects (<seq> counters, <img> files, callbacks) is never kept.

What the story before last used and the last one did not is dropped (core.memo).
"""

from __future__ import annotations

import contextlib
import weakref
from typing import Any

from reportlab.lib import fonts as rl_fonts
from reportlab.platypus import paragraph as rl_paragraph

from dokureport.core.memo import StoryMemo

# Tags whose parse reads a file, counts, or calls back: such markup is parsed every time.
_UNCACHED = ("<seq", "<img", "<ondraw", "<index", "<evalstring", "<pagenumber",
             "<pagecount", "<getvalue", "<unichar")

_kept = StoryMemo()
_fingerprints: weakref.WeakKeyDictionary[Any, tuple[Any, ...]] = weakref.WeakKeyDictionary()
_families: tuple[Any, ...] | None = None
_original_setup: Any = None


def next_story() -> None:
    """A new story is being built: the font families are read again (the memo itself
    moves on with core.memo.next_story)."""
    global _families
    _families = None


def _value(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _style_key(style: Any) -> tuple[Any, ...]:
    """The style's values (its parent's are copied into it), once per style object: a
    style is not changed once a paragraph uses it."""
    try:
        return _fingerprints[style]
    except (KeyError, TypeError):
        pass
    key = (type(style), *sorted((name, _value(value)) for name, value in vars(style).items()
                                if name != "parent"))
    with contextlib.suppress(TypeError):  # a style that cannot be weakly referenced
        _fingerprints[style] = key
    return key


def _families_key() -> tuple[Any, ...]:
    global _families
    if _families is None:
        _families = (tuple(sorted(rl_fonts._tt2ps_map.items())),
                     tuple(sorted(rl_fonts._ps2tt_map.items())))
    return _families


def _setup(self: Any, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any
           ) -> None:
    if frags is not None or not isinstance(text, str) or (
            "<" in text and any(tag in text.lower() for tag in _UNCACHED)):
        _original_setup(self, text, style, bulletText, frags, cleaner)
        return
    key = (text, _style_key(style), bulletText if isinstance(bulletText, str) else
           id(bulletText), self.caseSensitive, cleaner, _families_key())
    entry = _kept.get(key)
    if entry is None:
        _original_setup(self, text, style, bulletText, frags, cleaner)
        if not isinstance(self.bulletText, str | None):
            return  # parsed bullet fragments: rare, not kept
        entry = (self.text, self.style if self.style is not style else None,
                 tuple(self.frags), self.bulletText)
        _kept.put(key, entry)
        self.frags = [f.clone() for f in entry[2]]
        return
    parsed_text, own_style, kept_frags, bullet = entry
    self.text = parsed_text
    self.frags = [f.clone() for f in kept_frags]
    self.style = own_style if own_style is not None else style
    self.bulletText = bullet
    self.debug = 0


def install() -> None:
    """Parse through the cache (idempotent)."""
    global _original_setup
    if _original_setup is None:
        _original_setup = rl_paragraph.Paragraph._setup
        rl_paragraph.Paragraph._setup = _setup
