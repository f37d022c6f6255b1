"""The brochure's own flowables: headings that bookmark themselves, photo rows, QR codes."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from functools import cache
from typing import Any

from reportlab.platypus import Flowable, KeepInFrame, Paragraph

from dokureport.assets import ImageRequest
from dokureport.core import plain_cache
from dokureport.core.cache_dir import default_cache_dir
from dokureport.engine.canvas import content_named
from dokureport.engine.tags import grouped, recorder, tagged
from dokureport.layout.context import PassImages
from dokureport.layout.direction import LEFT_TO_RIGHT, Direction
from dokureport.text.typesetter import outline_text


@dataclass(frozen=True)
class OutlineEntry:
    """Where a heading appears in the PDF outline and the table of contents."""

    title: str  # plain text, as the outline shows it
    key: str  # unique destination name
    level: int
    in_toc: bool = True


class Heading(Paragraph):
    """A paragraph that is a link destination, a bookmark, and (via the doc) a TOC entry.

    The bookmark shows the heading as printed (typographic quotes and dashes, right-to-left
    runs in drawing order), not the source text.
    """

    # The first part of a heading split over pages, on every later part: in the structure
    # tree the parts are one heading element (see engine.tags).
    continues: Heading | None = None

    @property
    def role(self) -> str:
        """Its structure type for a tagged PDF: H1 for a section, H2 below it, …"""
        if self.continues is not None:
            return self.continues.role
        return f"H{self.outline.level + 1}" if self.outline else "H"

    def __init__(self, markup: str, style: Any, outline: OutlineEntry | None = None,
                 **kwargs: Any) -> None:
        super().__init__(markup, style, **kwargs)
        self.outline = outline
        self.bookmark = outline_text(markup) if isinstance(markup, str) else ""

    # Beyond this many characters a heading runs to many lines: keeping it on the page of
    # what follows cannot work, and reportlab then breaks pages until it gives up.
    KEEP_WITH_NEXT_CHARACTERS = 300

    def getKeepWithNext(self) -> int:
        if len(self.getPlainText()) > self.KEEP_WITH_NEXT_CHARACTERS:
            return 0
        return int(super().getKeepWithNext())

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        # A heading too long for one page: only its first part is the destination.
        parts = super().split(avail_width, avail_height)
        if parts:
            parts[0].outline = self.outline
            parts[0].bookmark = self.bookmark
            parts[0].continues = self.continues
            for part in parts[1:]:
                part.continues = self.continues or parts[0]
        return parts

    def draw(self) -> None:
        if self.outline is not None:
            # Bookmark at the heading's top, not the page's: links land on the heading.
            self.canv.bookmarkHorizontal(self.outline.key, 0, self.height + self.style.fontSize)
            self.canv.addOutlineEntry(self.bookmark or self.outline.title, self.outline.key,
                                      self.outline.level)
        super().draw()


class LanguageMark(Flowable):
    """Zero-size: the text drawn after it is in `lang` (a PDF language tag such as en-GB),
    until a LanguageMark(None). The structure elements drawn between get that /Lang.

    A mark, not an attribute of the flowables between: reportlab splits paragraphs, lists
    and tables over pages into new flowables, but draws the story in order.
    """

    role = "Artifact"
    _ZEROSIZE = True  # placed even on a full frame; never moves the frame's top
    width = height = 0

    def __init__(self, lang: str | None, *, keep_with_next: bool = True) -> None:
        super().__init__()
        self.begins = lang
        # Never parts a heading from what keeps with it, nor ties a paragraph to what
        # follows that did not keep with it before (a section's page break).
        self.keepWithNext = int(keep_with_next)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        tags = recorder(self.canv)
        if tags is None:
            return
        if self.begins:
            tags.begin_language(self.begins)
        else:
            tags.end_language()


def in_language(flowables: list[Any], lang: str | None) -> list[Any]:
    """`flowables` bracketed by LanguageMarks for `lang` (a PDF language tag), if given."""
    if not lang or not flowables:
        return flowables
    last = flowables[-1]
    keeps = bool(last.getKeepWithNext()) if hasattr(last, "getKeepWithNext") else False
    return [LanguageMark(lang), *flowables, LanguageMark(None, keep_with_next=keeps)]


def draw_image(canvas: Any, images: PassImages, request: ImageRequest, x: float, y: float,
               width: float, height: float) -> None:
    """Draw a prepared image into its box (file embedded as it is: JPEG stays DCT).

    A layout pass that is not the final one may leave it out (see PassImages).
    """
    prepared = images.for_drawing(request)
    if prepared is not None:
        path = str(prepared.path)
        # A digest the preparer knows names the image without reading the file here.
        image = content_named(path, prepared.digest) if prepared.digest else path
        canvas.drawImage(image, x, y, width, height, mask="auto")


@dataclass(frozen=True)
class PhotoCell:
    request: ImageRequest
    width: float
    height: float
    caption: Paragraph | None
    credit: Paragraph | None
    alt: str = ""  # the photo's text description (Figure /Alt)


class PhotoRow(Flowable):
    """Photos of one gallery row, each with its caption and credit directly below.

    One unsplittable flowable: a caption can never land on another page than its photo.
    A caption too long to fit under its photo on a full page is set smaller to fit.
    """

    def __init__(self, cells: list[PhotoCell], gutter: float, images: PassImages,
                 caption_gap: float, max_height: float,
                 direction: Direction = LEFT_TO_RIGHT) -> None:
        super().__init__()
        # The first photo at the line's start: at the right when right to left, and a
        # short row there too.
        self.direction = direction
        self.hAlign = direction.h_align("LEFT")
        self.cells = cells
        self.gutter = gutter
        self.images = images
        self.caption_gap = caption_gap
        self.max_height = max_height
        self._blocks: list[tuple[Flowable, float]] = []

    @property
    def photo_height(self) -> float:
        return max(c.height for c in self.cells)

    def _text_block(self, cell: PhotoCell) -> tuple[Flowable, float]:
        texts = [p for p in (cell.caption, cell.credit) if p is not None]
        room = self.max_height - self.photo_height - self.caption_gap
        block: Flowable = KeepInFrame(cell.width, room, texts, mode="shrink")
        _, height = block.wrapOn(self.canv, cell.width, room)
        if not hasattr(block, "_scale"):
            # It fits unshrunk: it wrapped each text at the cell's width last, as asked
            # here before (a gallery of 300 photos wrapped each caption twice a row).
            natural = sum(p.height for p in texts)
        else:
            natural = sum(p.wrapOn(self.canv, cell.width, room)[1] for p in texts)
            _, height = block.wrapOn(self.canv, cell.width, room)  # as it drew before
        return block, min(natural, height) if natural <= room else height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._blocks = [self._text_block(cell) for cell in self.cells]
        self.width = sum(c.width for c in self.cells) + self.gutter * (len(self.cells) - 1)
        text_height = max((h for _, h in self._blocks), default=0.0)
        self.height = self.photo_height + self.caption_gap + text_height
        return self.width, self.height

    # No role: it tags itself, each photo a Figure with its caption and credit a Caption.
    def draw(self) -> None:
        at = 0.0
        for cell, (block, height) in zip(self.cells, self._blocks, strict=True):
            x = self.direction.x(at, cell.width, self.width)
            with tagged(self.canv, "Figure", Alt=cell.alt or "Photo"):
                draw_image(self.canv, self.images, cell.request, x, self.height - cell.height,
                           cell.width, cell.height)
                with grouped(self.canv, "Caption"):
                    block.drawOn(self.canv, x,
                                 self.height - self.photo_height - self.caption_gap - height)
            at += cell.width + self.gutter


# Bumped when what a cached QR symbol holds changes.
QR_CACHE_VERSION = 1


@cache
def _qr_runs(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR symbol of url as (modules per side, dark runs as (row, first column, length)).

    Encoding (with its mask search) is slow in pure Python, 6 ms a URL, and layout draws
    every page several times: each URL is encoded once per process, and kept in the
    user's cache for the next build.
    """
    digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    path = default_cache_dir() / "qr" / f"v{QR_CACHE_VERSION}-{digest}.pickle"
    found = plain_cache.load(path)
    if isinstance(found, tuple) and len(found) == 3 and found[0] == url:
        return found[1], found[2]
    count, runs = _encoded(url)
    plain_cache.store(path, (url, count, runs))
    return count, runs


def _encoded(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    # Imported here: only a QR symbol missing from the cache needs the encoder.
    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    runs = []
    for r, row in enumerate(code.modules):
        c = 0
        for dark, group in itertools.groupby(bool(m) for m in row):
            count = len(list(group))
            if dark:
                runs.append((r, c, count))
            c += count
    return code.getModuleCount(), tuple(runs)


class QrCode(Flowable):
    """A QR code `size` points square, quiet zone included, drawn as one filled path."""

    QUIET_ZONE = 4  # modules, as the standard asks

    role = "Figure"

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.url = url
        self.alt = f"QR code: {url}"
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        count, runs = _qr_runs(self.url)
        module = self.width / (count + 2 * self.QUIET_ZONE)
        path = self.canv.beginPath()
        for row, column, length in runs:
            x = (column + self.QUIET_ZONE) * module
            y = self.height - (row + self.QUIET_ZONE + 1) * module
            path.rect(x, y, length * module, module)
        self.canv.setFillColorRGB(0, 0, 0)
        self.canv.drawPath(path, stroke=0, fill=1)
