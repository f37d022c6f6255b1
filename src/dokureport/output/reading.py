"""Output: the catalog's reading direction, for a viewer that shows pages side by side."""

from __future__ import annotations

import pikepdf


def read_right_to_left(pdf: pikepdf.Pdf, *, spreads: bool) -> None:
    """Say in `pdf`'s catalog that it reads right to left (ViewerPreferences /Direction
    /R2L): a viewer that shows two pages puts the earlier one at the right.

    `spreads`: its pages are designed as a bound book's (a booklet): shown two at a
    time, the first alone as a cover and then each spread (/TwoPageRight: with /R2L its
    odd pages stand on the left, as a right-bound book opens)."""
    preferences = pdf.Root.get("/ViewerPreferences", pikepdf.Dictionary())
    preferences.Direction = pikepdf.Name.R2L
    pdf.Root.ViewerPreferences = preferences
    if spreads:
        pdf.Root.PageLayout = pikepdf.Name.TwoPageRight
