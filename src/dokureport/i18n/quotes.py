"""Quotation marks by locale, from CLDR's delimiters (Babel does not carry them), and
straight quotes made typographic: the brochure's text stage."""

from __future__ import annotations

from collections.abc import Sequence

# CLDR 44 main/*.xml <delimiters>: quotationStart, quotationEnd for each language, and
# the few regional variants that differ from their language.
_CLDR: dict[str, tuple[str, str]] = {
    "ar": ("”", "“"), "bg": ("„", "“"), "ca": ("«", "»"), "cs": ("„", "“"),
    "da": ("“", "”"), "de": ("„", "“"), "de_CH": ("«", "»"), "el": ("«", "»"),
    "en": ("“", "”"), "es": ("«", "»"), "et": ("„", "“"), "eu": ("«", "»"),
    "fa": ("«", "»"), "fi": ("”", "”"), "fr": ("«", "»"), "fr_CH": ("«", "»"),
    "ga": ("“", "”"), "he": ("”", "”"), "hr": ("„", "“"), "hu": ("„", "”"),
    "is": ("„", "“"), "it": ("«", "»"), "ja": ("「", "」"), "ko": ("“", "”"),
    "lt": ("„", "“"), "lv": ("“", "”"), "nb": ("«", "»"), "nl": ("‘", "’"),
    "nn": ("«", "»"), "no": ("«", "»"), "pl": ("„", "”"), "pt": ("“", "”"),
    "ro": ("„", "”"), "ru": ("«", "»"), "sk": ("„", "“"), "sl": ("„", "“"),
    "sq": ("«", "»"), "sr": ("„", "“"), "sv": ("”", "”"), "tr": ("“", "”"),
    "uk": ("«", "»"), "vi": ("“", "”"), "zh": ("“", "”"),
}
# CLDR 44 <delimiters>: alternateQuotationStart/End, the marks of a quote inside a quote
# (and of straight single quotes); languages not named here use ‘ ’.
_CLDR_ALTERNATE: dict[str, tuple[str, str]] = {
    "bg": ("„", "“"), "cs": ("‚", "‘"), "da": ("‘", "’"), "de": ("‚", "‘"),
    "de_CH": ("‹", "›"), "el": ("“", "”"), "es": ("“", "”"), "et": ("‚", "‘"),
    "fi": ("’", "’"), "fr": ("“", "”"), "fr_CH": ("‹", "›"), "hu": ("»", "«"),
    "is": ("‚", "‘"), "it": ("“", "”"), "lt": ("‚", "‘"), "nb": ("‘", "’"),
    "nl": ("“", "”"), "pl": ("«", "»"), "pt": ("‘", "’"), "ro": ("«", "»"),
    "ru": ("„", "“"), "sk": ("‚", "‘"), "sl": ("‚", "‘"), "sv": ("’", "’"),
    "uk": ("„", "“"),
}
# French sets a narrow no-break space inside guillemets (Imprimerie nationale); Swiss
# French does not.
_INSIDE_SPACE = {"fr": "\u202f"}


def quotation_marks(lang: str) -> tuple[str, str]:
    """The opening and closing quotation marks for lang ("fr" → "« ", " »")."""
    key = lang.replace("-", "_")
    parts = key.split("_")
    for candidate in (key, f"{parts[0]}_{parts[-1]}", parts[0]):
        if candidate in _CLDR:
            start, end = _CLDR[candidate]
            space = _INSIDE_SPACE.get(candidate, "")
            return start + space, space + end
    return _CLDR["en"]


def alternate_quotation_marks(lang: str) -> tuple[str, str]:
    """The marks of a quote inside a quote for lang ("de" → "‚", "‘"; "en" → "‘", "’")."""
    key = lang.replace("-", "_")
    parts = key.split("_")
    for candidate in (key, f"{parts[0]}_{parts[-1]}", parts[0]):
        if candidate in _CLDR_ALTERNATE:
            return _CLDR_ALTERNATE[candidate]
    return ("‘", "’")


# After these (or a space, or at the start) a quote opens.
_OPENS_AFTER = frozenset("([{/–—-\u00a0\u202f„“”‚‘«»‹›")
APOSTROPHE = "’"


def curled(parts: Sequence[tuple[str, bool]], lang: str) -> list[str]:
    """Straight quotes in running text as lang sets them; one paragraph's parts in order,
    each (text, whether to curl it): parts not curled (code) are context only.

    A `"` opens after a space, an opening bracket or dash, or at the start; otherwise it
    closes. A `'` between letters is an apostrophe; one that opens pairs with a later
    `'` that closes; a closing one without an open quote (customers') and an opening one
    that never closes ('90s) are apostrophes.
    """
    open_double, close_double = quotation_marks(lang)
    open_single, close_single = alternate_quotation_marks(lang)
    texts = [list(text) for text, _ in parts]
    singles: list[tuple[int, int]] = []  # open single quotes not yet closed: (part, index)
    before = ""
    for p, (text, curl) in enumerate(parts):
        chars = texts[p]
        for i, char in enumerate(text):
            if curl and char in "\"'":
                after = text[i + 1] if i + 1 < len(text) else _next_char(parts, p)
                opens = not before or before.isspace() or before in _OPENS_AFTER
                if char == '"':
                    chars[i] = open_double if opens else close_double
                elif before.isalnum() and after.isalnum():
                    chars[i] = APOSTROPHE
                elif opens and after and not after.isspace():
                    singles.append((p, i))
                    chars[i] = open_single
                elif singles:
                    singles.pop()
                    chars[i] = close_single
                else:
                    chars[i] = APOSTROPHE
            before = char
    for p, i in singles:  # opened and never closed: an elision ('90s, 'n')
        texts[p][i] = APOSTROPHE
    return ["".join(chars) for chars in texts]


def _next_char(parts: Sequence[tuple[str, bool]], p: int) -> str:
    for text, _ in parts[p + 1:]:
        if text:
            return text[0]
    return ""
