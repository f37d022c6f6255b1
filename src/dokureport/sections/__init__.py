"""One module per brochure section, each turning the event model into flowables."""

# Sections import platypus at their top: configure reportlab's fonts first (importing
# dokureport.layout does), or a section imported on its own lets Helvetica into tables.
import dokureport.layout  # noqa: F401
