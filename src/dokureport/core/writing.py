"""Core: which languages are written right to left, for the brochure's direction (i18n)
and for a paragraph tagged in another language (engine)."""

from __future__ import annotations

_RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})


def right_to_left(lang: str) -> bool:
    """Whether `lang` ("ar", "he-IL", "fa_IR") is written right to left."""
    return lang.replace("-", "_").split("_")[0].lower() in _RIGHT_TO_LEFT
