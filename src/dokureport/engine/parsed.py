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

from dokureport.core.memo import StoryMemo, text_key
from dokureport.engine import run_weights

# Tags whose parse reads a file, counts, or calls back: such markup is parsed every time.
_UNCACHED = ("<seq", "<img", "<ondraw", "<index", "<evalstring", "<pagenumber",
             "<pagecount", "<getvalue", "<unichar")

_kept = StoryMemo()
_bases = StoryMemo()  # by style: what its fragments share (see _compact)
_MISSING = object()
_fingerprints: weakref.WeakKeyDictionary[Any, tuple[Any, ...]] = weakref.WeakKeyDictionary()
_families: tuple[Any, ...] | None = None
_sizes: tuple[int, int] = (0, 0)
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
    """The registered font families, read again when a story begins or a family was
    registered since (a fallback font, on the first text that needs it)."""
    global _families, _sizes
    # The families whose runs keep the surrounding weight parse to other fonts too.
    sizes = (len(rl_fonts._tt2ps_map), len(rl_fonts._ps2tt_map), len(run_weights._FAMILIES))
    if _families is None or sizes != _sizes:
        _families = (tuple(sorted(rl_fonts._tt2ps_map.items())),
                     tuple(sorted(rl_fonts._ps2tt_map.items())),
                     tuple(sorted(run_weights._FAMILIES)))
        _sizes = sizes
    return _families


Compact = tuple[type, dict[str, Any], tuple[str, ...], bool]


def _compact(style_key: tuple[Any, ...], frags: list[Any], text: str
             ) -> tuple[dict[str, Any], tuple[Compact, ...]]:
    """Fragments as what each has beyond a base shared by every fragment of the style
    (a fragment's thirty-odd attributes are mostly the style's: a large programme's
    paragraphs kept whole took 20 MB), and whether its text is the whole markup."""
    base = _bases.get(style_key)
    if base is None:
        base = dict(vars(frags[0])) if frags else {}
        _bases.put(style_key, base)
    compact = []
    for frag in frags:
        values = vars(frag)
        own = {name: value for name, value in values.items()
               if base.get(name, _MISSING) is not value}
        whole = "text" in own and own["text"] == text
        if whole:
            del own["text"]  # a paragraph of one piece: its text is the markup, kept once
        compact.append((type(frag), own, tuple(name for name in base if name not in values),
                        whole))
    return base, tuple(compact)


def _expanded(base: dict[str, Any], compact: tuple[Compact, ...], text: str) -> list[Any]:
    """New fragments from `_compact`'s, of the markup `text`."""
    frags = []
    for kind, own, without, whole in compact:
        values = {**base, **own}
        if whole:
            values["text"] = text
        for name in without:
            del values[name]
        frag = kind.__new__(kind)
        frag.__dict__.update(values)
        frags.append(frag)
    return frags


def _setup(self: Any, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any
           ) -> None:
    if frags is not None or not isinstance(text, str) or (
            "<" in text and any(tag in text.lower() for tag in _UNCACHED)):
        _original_setup(self, text, style, bulletText, frags, cleaner)
        return
    key = (text_key(text), _style_key(style), bulletText if isinstance(bulletText, str) else
           id(bulletText), self.caseSensitive, cleaner, _families_key())
    entry = _kept.get(key)
    if entry is None:
        _original_setup(self, text, style, bulletText, frags, cleaner)
        if not isinstance(self.bulletText, str | None):
            return  # parsed bullet fragments: rare, not kept
        # The markup as cleaned is nearly always the markup as given: kept once.
        entry = (None if self.text == text else self.text,
                 self.style if self.style is not style else None,
                 _compact(key[1], self.frags, text), self.bulletText)
        _kept.put(key, entry)
        self.frags = [f.clone() for f in self.frags]
        return
    parsed_text, own_style, kept_frags, bullet = entry
    self.text = text if parsed_text is None else parsed_text
    self.frags = _expanded(*kept_frags, text)
    self.style = own_style if own_style is not None else style
    self.bulletText = bullet
    self.debug = 0


def install() -> None:
    """Parse through the cache (idempotent)."""
    global _original_setup
    if _original_setup is None:
        _original_setup = rl_paragraph.Paragraph._setup
        rl_paragraph.Paragraph._setup = _setup
