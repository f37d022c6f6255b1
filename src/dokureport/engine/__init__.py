"""Engine: the only package that touches reportlab's internals, set up by one `install()`.

Importing dokureport changes no reportlab state. A build calls `install()` before it
registers fonts or lays out a page: the repairs of reportlab_fixes (soft hyphens, the
outline's count, line ends), the tagging hooks on every flowable's drawOn (tags), the
kept line breaks (linebreaks), word spaces within bounds (spacing), no hyphen at a
page's end (pageends), markup parsed once per text (parsed), and reportlab's settings.
Each part is idempotent; tests/test_reportlab_internals.py fails loudly when a
reportlab upgrade moves what they rely on.
"""

from __future__ import annotations

import inspect

_installed = False


def check() -> None:
    """Raise RuntimeError naming what a reportlab upgrade moved that the engine relies on.

    Reading reportlab's source takes half a second: tests/test_architecture.py calls it,
    builds do not (they run reportlab_fixes' own quick check).
    """
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import (
        Frame,
        KeepTogether,
        Paragraph,
        Table,
        flowables,
        paragraph,
        paraparser,
    )
    from reportlab.platypus import tableofcontents as toc

    from dokureport.engine import linebreaks, reportlab_fixes

    reportlab_fixes.check()
    from reportlab.pdfbase import ttfonts
    from reportlab.pdfgen.textobject import PDFTextObject

    where = {"the engine's frames": (Frame, "_add"), "keeping": (flowables, "_listWrapOn"),
             "linebreaks": (Paragraph, "breakLines"), "linebreaks' split": (Paragraph, "split"),
             "linebreaks' space widths": (paragraph, "stringWidth"),
             "spacing": (Paragraph, "drawPara"),
             "shaping": (paragraph, "shapeFragWord"), "shaping's words": (ttfonts,
                                                                         "makeShapedFragWord"),
             "shaping's spans": (PDFTextObject, "_formatText"),
             "shaping's ToUnicode maps": (ttfonts, "makeToUnicodeCMap"),
             "shaping's fonts written": (ttfonts.TTFont, "addObjects"),
             "bidi_lines": (paragraph, "_putFragLine"),
             "bidi_lines' direction": (Paragraph, "drawPara"),
             "cjk_lines": (paragraph, "cjkFragSplit"), "cjk_lines' lines": (paragraph,
                                                                           "makeCJKParaLine"),
             "cjk_lines' characters": (paragraph, "cjkU"),
             "run_weights": (paraparser.ParaParser, "start_font"),
             "parsed": (Paragraph, "_setup")}
    for user, (owner, name) in where.items():
        if not callable(getattr(owner, name, None)):
            raise RuntimeError(f"reportlab changed: {owner.__name__}.{name} is gone ({user})")
    from reportlab.lib import fonts as rl_fonts

    if not (isinstance(getattr(rl_fonts, "_tt2ps_map", None), dict)
            and isinstance(getattr(rl_fonts, "_ps2tt_map", None), dict)):
        raise RuntimeError("reportlab changed: its font family maps are gone (parsed)")
    setup = inspect.signature(Paragraph._setup).parameters
    if list(setup) != ["self", "text", "style", "bulletText", "frags", "cleaner"]:
        raise RuntimeError("reportlab changed: Paragraph._setup's parameters (parsed)")
    if Frame.add is not Frame._add:
        raise RuntimeError("reportlab changed: Frame.add is no longer Frame._add (frames)")
    # Private attributes read or set on reportlab's objects, by the engine module that does.
    sources = {
        "contents": (inspect.getsource(toc.TableOfContents),
                     ("self._entries", "self._lastEntries", "self._table")),
        "contents' page numbers": (inspect.getsource(toc), ("canvas._curr_tx_info",)),
        "keeping": (inspect.getsource(KeepTogether), ("self._content", "self._H")),
        "canvas": (inspect.getsource(Canvas), ("self._fontname",)),
        # shaping: a right-to-left glyph's code says its text in the ToUnicode map.
        "shaping": (inspect.getsource(ttfonts), ("makeToUnicodeCMap(baseFontName, subset)",
                                                 "face.charToGlyph", "face.charWidths")),
        # bidi_lines: a phrase's span opens and closes at a callback fragment.
        "bidi_lines": (inspect.getsource(paragraph), ("tx._canvas.getNamedCB(name)",
                                                      "_curr_tx_info=dict(tx=tx")),
        "linebreaks": (inspect.getsource(paragraph),
                       tuple(f"self.{n}" for n in linebreaks.STATE if n.startswith("_"))),
        "contents' cells": (inspect.getsource(Table), ("self._cellvalues",)),
        # spacing draws a line flush left by giving it no extra width.
        "spacing": (inspect.getsource(paragraph),
                    ("lineBreak or (-1e-8<extraSpace<=1e-8)", "(-1e-8<extraspace<=1e-8)",
                     "def _nbspCount(")),
    }
    for user, (text, needed) in sources.items():
        for name in needed:
            if name not in text:
                raise RuntimeError(f"reportlab changed: {name} is gone ({user})")


def install() -> None:
    """Patch reportlab for dokureport, once per process (later calls return at once)."""
    global _installed
    if _installed:
        return
    from reportlab import rl_config

    from dokureport.engine import (
        bidi_lines,
        cjk_lines,
        linebreaks,
        no_break_spaces,
        pageends,
        parsed,
        reportlab_fixes,
        run_weights,
        shaping,
        spacing,
        streams,
        tags,
    )

    # Photos are embedded as JPEG files: ASCII85 would add a quarter to their size.
    rl_config.useA85 = 0
    # Soft-hyphenated words next to markup lose or double their space without these.
    reportlab_fixes.apply()
    no_break_spaces.apply()  # French spaces before : ; ! ? and inside « » never break
    tags.install()
    # Before linebreaks: its kept lines are per style, and shaping lends a paragraph a
    # shaping copy of its style only while its lines break.
    shaping.install()
    # Before bidi_lines, so that it draws inside it: a right-to-left paragraph is set flush
    # right by bidi_lines, and spacing's ragged lines (no extra space) must not move it.
    spacing.install()
    bidi_lines.install()  # after reportlab_fixes, whose line drawing it wraps
    cjk_lines.install()
    run_weights.install()  # a fallback font's run in a heading is set in its bold
    linebreaks.install()
    pageends.install()  # after linebreaks: it wraps linebreaks' split
    parsed.install()  # markup parsed once per text and style (see compose.story)
    streams.install()  # outline entries' bytes kept from save to save
    _installed = True


def brochure_direction(right_to_left: bool) -> None:
    """Lay out the next brochure right to left throughout (Arabic, Hebrew) or not."""
    from dokureport.engine import bidi_lines

    bidi_lines.brochure_direction(right_to_left)
