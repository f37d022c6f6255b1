"""Rich-text flowables that name their role for a tagged PDF: list, item, quote, table, figure.

`role` uses the PDF structure types (ISO 32000-1, 14.8.4): a later accessibility pass
reads it to tag what each flowable draws. Headings are `flowables.Heading` ("H1"…).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from reportlab.platypus import Flowable, ListFlowable, ListItem, Paragraph, Table
from reportlab.platypus.doctemplate import LayoutError

from dokureport.engine.canvas import current_font_name
from dokureport.layout.flowables import PhotoCell, PhotoRow


class TextParagraph(Paragraph):
    """A paragraph of running text."""

    role = "P"


class BlockList(ListFlowable):
    """A bulleted or numbered list, possibly nested."""

    role = "L"

    def __init__(self, items: list[ListItem], *, numbered: bool, **kwargs: Any) -> None:
        super().__init__(items, **kwargs)
        self.numbered = numbered


class BlockListItem(ListItem):
    """One item of a BlockList: its bullet is the label ("Lbl"), its flowables the body."""

    role = "LI"


class PullQuote(Table):
    """A block quote set as a pull quote, its attribution (a line starting with —) below."""

    role = "BlockQuote"

    def __init__(self, *args: Any, attribution: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attribution = attribution


class DataTable(Table):
    """A table with a header row, repeated on every page the table runs onto."""

    role = "Table"


class TableTooWide(Flowable):
    """Stands for a table with more columns than a page holds: reportlab's LayoutError when
    placed, which the document reports at the text's key (validation refuses it first)."""

    def __init__(self, columns: int, limit: int) -> None:
        super().__init__()
        self.columns = columns
        self.limit = limit

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        raise LayoutError(f"a table of {self.columns} columns: at most {self.limit} fit a page")


class HeaderCell(Paragraph):
    """A cell of a table's header row."""

    role = "TH"


class DataCell(Paragraph):
    """A cell of a table's body."""

    role = "TD"


class Figure(PhotoRow):
    """An image with its caption below, never split from it; `alt` is its text alternative.

    Like every PhotoRow it tags itself: one Figure element with the alt, its caption a
    Caption (a `role` here would wrap that in a second Figure).
    """

    def __init__(self, cell: PhotoCell, *, alt: str, **kwargs: Any) -> None:
        super().__init__([dataclasses.replace(cell, alt=alt or cell.alt)], **kwargs)
        self.alt = alt
        self.hAlign = "CENTER"


class Rule(Flowable):
    """A thematic break (`---`): a short centred hairline; decoration, not content."""

    role = "Artifact"

    def __init__(self, colour: Any, space: float) -> None:
        super().__init__()
        self.colour = colour
        self.space = space

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.space * 2

    def draw(self) -> None:
        self.canv.setStrokeColor(self.colour)
        self.canv.setLineWidth(0.6)
        third = self.width / 3
        self.canv.line(third, self.space, 2 * third, self.space)


class LogoMark(Flowable):
    """A funder's or partner's logo: an SVG drawn as vector paths, or an image; `alt` is
    the name it stands for, `url` makes it a link."""

    role = "Figure"

    def __init__(self, width: float, height: float, *, alt: str, url: str | None = None,
                 drawing: Any = None, image: Any = None, images: Any = None,
                 font: str = "") -> None:
        super().__init__()
        self.width, self.height = width, height
        self.alt = alt
        self.url = url
        self.drawing = drawing  # a reportlab Drawing (from SVG)
        self.image = image  # an ImageRequest (PNG, JPEG)
        self.images = images
        self.font = font  # an embedded font for the drawing's text (see draw)
        self.hAlign = "LEFT"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        if self.drawing is not None:
            from reportlab.graphics import renderPDF

            self.canv.saveState()
            self.canv.scale(self.width / self.drawing.width, self.height / self.drawing.height)
            embed_drawing_text(self.drawing, self.font or current_font_name(self.canv))
            renderPDF.draw(self.drawing, self.canv, 0, 0)
            self.canv.restoreState()
        elif self.image is not None:
            from dokureport.layout.flowables import draw_image

            draw_image(self.canv, self.images, self.image, 0, 0, self.width, self.height)
        if self.url:
            self.canv.linkURL(self.url, (0, 0, self.width, self.height), relative=1)


def embed_drawing_text(drawing: Any, font: str) -> None:
    """Set a drawing's text, and its renderer's starting font, in `font` (embedded).

    renderPDF starts every drawing with Helvetica and svglib names the standard fonts for
    an SVG's text; neither is embedded, which PDF/A and PDF/UA refuse. A font the
    document registered as TrueType (embedded as a subset) is kept.
    """
    from reportlab.graphics.shapes import String
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    def embedded(name: str) -> bool:
        try:
            return isinstance(pdfmetrics.getFont(name), TTFont)
        except KeyError:
            return False

    drawing.initialFontName = font
    stack = [drawing]
    while stack:
        node = stack.pop()
        if isinstance(node, String) and not embedded(node.fontName):
            node.fontName = font
        stack.extend(getattr(node, "contents", ()))
