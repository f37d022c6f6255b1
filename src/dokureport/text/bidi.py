"""Text: right-to-left runs (Hebrew, Arabic) put in the order reportlab draws them."""

from __future__ import annotations

import re

# Hebrew, Arabic and their presentation forms: reportlab sets text left to right only.
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def visual_order(text: str) -> str:
    """Right-to-left runs (a Hebrew or Arabic name) in the order reportlab must draw them.

    The Unicode Bidirectional Algorithm (python-bidi) on a left-to-right line. The
    characters stay as typed: HarfBuzz joins Arabic letters when the run is drawn
    (engine/shaping), which reads each run back into logical order. A right-to-left run
    that wraps over lines keeps its words' order per line only: good for names, titles
    and phrases, not for paragraphs of Arabic or Hebrew prose.
    """
    if not RIGHT_TO_LEFT.search(text):
        return text
    from bidi import get_display  # 20 ms: most brochures have no right-to-left text

    return get_display(text, base_dir="L")
