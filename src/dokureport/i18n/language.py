"""The language tag a PDF writes for a brochure language (catalog and structure /Lang),
and its writing direction."""

from __future__ import annotations

from dokureport.core.writing import right_to_left

__all__ = ["pdf_language", "right_to_left"]

# The region each bare language is written with, as the brochure's dates and labels are.
_REGIONS = {"de": "de-DE", "en": "en-GB"}


def pdf_language(lang: str) -> str:
    """`de` → `de-DE`, `en` → `en-GB`, any other locale as BCP 47 (`pt_BR` → `pt-BR`)."""
    return _REGIONS.get(lang, lang.replace("_", "-"))
