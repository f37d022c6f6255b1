"""The language tag a PDF writes for a brochure language (catalog and structure /Lang),
and its writing direction."""

from __future__ import annotations

# The region each bare language is written with, as the brochure's dates and labels are.
_REGIONS = {"de": "de-DE", "en": "en-GB"}


def pdf_language(lang: str) -> str:
    """`de` → `de-DE`, `en` → `en-GB`, any other locale as BCP 47 (`pt_BR` → `pt-BR`)."""
    return _REGIONS.get(lang, lang.replace("_", "-"))


# Languages written right to left: a brochure in one is set right to left throughout.
_RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})


def right_to_left(lang: str) -> bool:
    """Whether `lang` ("ar", "he-IL", "fa_IR") is written right to left."""
    return lang.replace("-", "_").split("_")[0].lower() in _RIGHT_TO_LEFT
