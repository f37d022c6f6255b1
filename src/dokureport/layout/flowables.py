"""The brochure's own flowables: headings that bookmark themselves, photo rows, QR codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Flowable, Paragraph

from dokureport.assets import ImageRequest
from dokureport.layout.context import Images


@dataclass(frozen=True)
class OutlineEntry:
    """Where a heading appears in the PDF outline and the table of contents."""

    title: str  # plain text, as the outline shows it
    key: str  # unique destination name
    level: int
    in_toc: bool = True


class Heading(Paragraph):
    """A paragraph that is a link destination, a bookmark, and (via the doc) a TOC entry."""

    def __init__(self, markup: str, style: Any, outline: OutlineEntry) -> None:
        super().__init__(markup, style)
        self.outline = outline

    def draw(self) -> None:
        # Bookmark at the heading's top, not the page's: links land on the heading.
        self.canv.bookmarkHorizontal(self.outline.key, 0, self.height + self.style.fontSize)
        self.canv.addOutlineEntry(self.outline.title, self.outline.key, self.outline.level)
        super().draw()


def draw_image(canvas: Any, images: Images, request: ImageRequest, x: float, y: float,
               width: float, height: float) -> None:
    """Draw a prepared image into its box (file embedded as it is: JPEG stays DCT)."""
    prepared = images.result(request)
    canvas.drawImage(str(prepared.path), x, y, width, height, mask="auto")


@dataclass(frozen=True)
class PhotoCell:
    request: ImageRequest
    width: float
    height: float
    caption: Paragraph | None
    credit: Paragraph | None


class PhotoRow(Flowable):
    """Photos of one gallery row, each with its caption and credit directly below.

    One unsplittable flowable: a caption can never land on another page than its photo.
    """

    def __init__(self, cells: list[PhotoCell], gutter: float, images: Images,
                 caption_gap: float) -> None:
        super().__init__()
        self.cells = cells
        self.gutter = gutter
        self.images = images
        self.caption_gap = caption_gap
        self._text_heights: list[float] = []

    def _texts(self, cell: PhotoCell) -> list[Paragraph]:
        return [p for p in (cell.caption, cell.credit) if p is not None]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._text_heights = []
        for cell in self.cells:
            total = 0.0
            for para in self._texts(cell):
                total += para.wrap(cell.width, avail_height)[1]
            self._text_heights.append(total)
        photo_height = max(c.height for c in self.cells)
        self.width = sum(c.width for c in self.cells) + self.gutter * (len(self.cells) - 1)
        self.height = photo_height + self.caption_gap + max(self._text_heights, default=0.0)
        return self.width, self.height

    def draw(self) -> None:
        photo_height = max(c.height for c in self.cells)
        x = 0.0
        for cell in self.cells:
            top = self.height
            draw_image(self.canv, self.images, cell.request, x, top - cell.height,
                       cell.width, cell.height)
            y = top - photo_height - self.caption_gap
            for para in self._texts(cell):
                _, h = para.wrap(cell.width, self.height)
                para.drawOn(self.canv, x, y - h)
                y -= h
            x += cell.width + self.gutter


def qr_code(url: str, size: float) -> Drawing:
    """A QR code of `size` points square, with its quiet zone inside the square."""
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing
