"""Engine: the only package that touches reportlab's internals, set up by one `install()`.

Importing dokureport changes no reportlab state. A build calls `install()` before it
registers fonts or lays out a page: the repairs of reportlab_fixes (soft hyphens, the
outline's count, line ends), the tagging hooks on every flowable's drawOn (tags), the
kept line breaks (linebreaks), and reportlab's settings. Each part is idempotent;
tests/test_reportlab_internals.py fails loudly when a reportlab upgrade moves what
they rely on.
"""

from __future__ import annotations

_installed = False


def install() -> None:
    """Patch reportlab for dokureport, once per process (later calls return at once)."""
    global _installed
    if _installed:
        return
    from reportlab import rl_config

    from dokureport.engine import linebreaks, reportlab_fixes, tags

    # Photos are embedded as JPEG files: ASCII85 would add a quarter to their size.
    rl_config.useA85 = 0
    # Soft-hyphenated words next to markup lose or double their space without these.
    reportlab_fixes.apply()
    tags.install()
    linebreaks.install()
    _installed = True
