"""The canvas every build draws on: images named by their content, flattened for print."""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from typing import Any

from PIL import Image
from reportlab.lib.colors import CMYKColor, Color, toColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from dokureport.engine.streams import give_stream, memoising
from dokureport.engine.tags import TagRecorder


class _ContentNamed(str):
    """A file name whose str() is its content digest.

    reportlab names an image given by file name after `str(name)`; the prepared
    files live in a temporary folder with a fresh name each build, so naming them
    by path would make every build differ. Opening the file still uses the real path.
    """

    digest: str

    def __new__(cls, path: str, digest: str) -> _ContentNamed:
        obj = super().__new__(cls, path)
        obj.digest = digest
        return obj

    def __str__(self) -> str:
        return self.digest


def content_named(path: str, digest: str) -> str:
    """`path` for drawImage, named by `digest` (its file_digest, known to the caller): the
    canvas then does not read the file to name it."""
    return _ContentNamed(path, digest)


def _identity(path: str) -> tuple[str, int, int]:
    st = os.stat(path)
    return (path, st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _digest(identity: tuple[str, int, int]) -> str:
    digest = hashlib.sha256()
    with open(identity[0], "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


@functools.lru_cache(maxsize=8)
def _flattened(identity: tuple[str, int, int]) -> ImageReader | None:
    """The image composited onto white if it has any transparency, else None."""
    with Image.open(identity[0]) as im:
        transparent = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
        if not transparent:
            return None
        rgba = im.convert("RGBA")
    if rgba.getchannel("A").getextrema()[0] == 255:
        return None
    white = Image.new("RGB", rgba.size, (255, 255, 255))
    white.paste(rgba, mask=rgba.getchannel("A"))
    return ImageReader(white)


# Near-black, neutral RGB (the theme's INK #1d1d1b, the QR codes' pure black): black
# ink alone in print. Four-colour black blurs small text when the plates misregister.
_NEAR_BLACK = 0.25
_NEUTRAL = 0.06
K_BLACK = CMYKColor(0, 0, 0, 1)


def k_only_black(color: Any) -> Any:
    """The colour to draw for `color`: near-black as solid K (DeviceCMYK), others as given."""
    try:
        tc = toColor(color)
    except ValueError:
        return color
    if isinstance(tc, CMYKColor) or not isinstance(tc, Color):
        return color
    channels = (tc.red, tc.green, tc.blue)
    if max(channels) <= _NEAR_BLACK and max(channels) - min(channels) <= _NEUTRAL:
        return K_BLACK.clone(alpha=tc.alpha)
    return color


class BrochureCanvas(Canvas):
    """A reportlab canvas whose image names depend only on the image's bytes.

    With `flatten_alpha` (the print target) an image with an alpha channel is put onto
    white first: soft masks are transparency, which older print workflows (PDF/X-1a,
    some RIPs) reject or flatten badly. The brochure places such images (logos) on
    white paper, so the result looks the same.

    With `k_black` text and vector black is black ink only (see k_only_black);
    reportlab applies it to every colour set on the canvas and its text objects. With
    `ink` (the print target), that function converts every colour instead.
    """

    def __init__(self, *args: Any, flatten_alpha: bool = False, k_black: bool = False,
                 tagged: bool = True, ink: Callable[[Any], Any] | None = None,
                 deferred: bool = False, **kwargs: Any) -> None:
        # `ink` (the print target's colour conversion) sees every colour set on the
        # canvas, its text objects and the drawings rendered onto it (logos, QR codes).
        if ink is not None:
            kwargs["enforceColorSpace"] = ink
        elif k_black:
            kwargs["enforceColorSpace"] = k_only_black
        super().__init__(*args, **kwargs)
        self.flatten_alpha = flatten_alpha
        # What flowables draw is recorded here as a structure tree (tagged PDF); without
        # a recorder (`tagged=False`, for measurement only) nothing is tagged.
        self.tags = TagRecorder(self, lang=kwargs.get("lang")) if tagged else None
        # Each outline entry with the page it was added on (engine.splice replays them).
        self.outline_calls: list[tuple[int, tuple[Any, ...]]] = []
        # With `deferred`, save() only marks the document finished; write() saves it.
        # The page planner may replace a layout by another: formatting and compressing
        # its pages for a file the next layout overwrites was a fifth of a rebuild.
        self.deferred = deferred
        self.unwritten = False

    def save(self) -> None:
        if self.deferred:
            self.unwritten = True
            return
        super().save()

    def showPage(self) -> None:
        shown = len(self._doc.Pages.pages)
        super().showPage()
        if len(self._doc.Pages.pages) > shown:
            give_stream(self._doc.Pages.pages[-1])

    def write(self) -> None:
        """Save a deferred document (once; a canvas saved already is left alone)."""
        if self.unwritten:
            self.unwritten = self.deferred = False
            super().save()

    def addOutlineEntry(self, title: str, key: str, level: int = 0,
                        closed: Any = None) -> None:
        self.outline_calls.append((self._pageNumber, (title, key, level, closed)))
        super().addOutlineEntry(title, key, level, closed)

    def linkURL(self, url: str, rect: Any, *args: Any, **kwargs: Any) -> Any:
        if self.tags is not None:
            self.tags.pending_link = url
        return super().linkURL(url, rect, *args, **kwargs)

    def linkRect(self, contents: str, destinationname: str, *args: Any, **kwargs: Any) -> Any:
        if self.tags is not None:
            self.tags.pending_link = "#" + destinationname
        return super().linkRect(contents, destinationname, *args, **kwargs)

    def _addAnnotation(self, annotation: Any, name: Any = None, addtopage: int = 1) -> Any:
        result = super()._addAnnotation(memoising(annotation), name, addtopage)
        if addtopage and self.tags is not None:
            self.tags.link(len(self._annotationrefs) - 1)
        return result

    def drawImage(self, image: Any, x: float, y: float, width: float | None = None,
                  height: float | None = None, mask: Any = None, **kwargs: Any) -> Any:
        if isinstance(image, _ContentNamed) and not self.flatten_alpha:
            pass  # named by its digest already: nothing to read here
        elif isinstance(image, str | os.PathLike):
            known = image.digest if isinstance(image, _ContentNamed) else None
            identity = _identity(str.__str__(image) if known else os.fspath(image))
            flat = _flattened(identity) if self.flatten_alpha else None
            if flat is not None:
                image, mask = flat, None
            else:
                image = _ContentNamed(identity[0], known or _digest(identity))
        return super().drawImage(image, x, y, width, height, mask, **kwargs)


def current_font_name(canvas: Canvas) -> str:
    """The name of the font the canvas draws text in now."""
    return str(canvas._fontname)
