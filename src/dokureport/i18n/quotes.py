"""Quotation marks by locale, from CLDR's delimiters (Babel does not carry them)."""

from __future__ import annotations

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
