"""Lay out stage: turn the validated event into reportlab flowables on brochure pages."""

# reportlab copies some settings at import time: configure it before anything
# imports platypus or graphics, so that no unembedded Helvetica leaks in.
from dokureport.layout import fonts as _fonts

_fonts.configure_reportlab()
