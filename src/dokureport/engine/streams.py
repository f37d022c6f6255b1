"""Output (engine): each page's content stream formatted and compressed once, its bytes
reused when a later layout takes the page over (engine.splice); so are links' and the
outline entries' bytes.

reportlab makes a page's content stream when it saves the document, and compresses it
there; a watch rebuild takes most of its pages from the last build, whose streams it
would compress again, byte for byte the same. A stream holds no references (only its
length and filter), so its formatted bytes depend on its content alone: they are kept
on the page, with the content they were made of.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.pdfbase.pdfdoc import (
    LinkAnnotation,
    NoEncryption,
    OutlineEntryObject,
    PDFArray,
    PDFBase85Encode,
    PDFDictionary,
    PDFObject,
    PDFObjectReference,
    PDFStream,
    PDFString,
    PDFZCompress,
)

# How many content streams were formatted anew (not taken from a page's memo): a test
# and a benchmark read it.
formatted = 0


class PageStream(PDFStream):
    """A page's content stream, as reportlab's PDFPage.check_format would make it, whose
    formatted bytes are memoised on the page while its content is the same object."""

    def __init__(self, page: Any) -> None:
        filters = None
        if page.compression:
            filters = [PDFBase85Encode, PDFZCompress] if rl_config.useA85 else [PDFZCompress]
        super().__init__(content=page.stream, filters=filters)
        self.__Comment__ = "page stream"
        self._page = page

    def format(self, document: Any) -> bytes:
        global formatted
        page, content = self._page, self.content
        memo = page.__dict__.get("_formatted_stream")
        if memo is not None and memo[0] is content and isinstance(document.encrypt,
                                                                  NoEncryption):
            return memo[1]  # type: ignore[no-any-return]
        data: bytes = super().format(document)
        formatted += 1
        if isinstance(document.encrypt, NoEncryption):
            page._formatted_stream = (content, data)
        return data


def give_stream(page: Any) -> None:
    """Give `page` (a reportlab PDFPage, shown, not yet saved) its memoising content
    stream; a page taken over from another document gets a new one (the old one is that
    document's numbered object)."""
    if page.stream and not page.Override_default_compilation:
        page.Contents = PageStream(page)


# Link annotations: thousands in a large programme (the agenda's, the index's), each
# formatted anew by every save. Their bytes depend on what they were made with and, for
# a link into the document, on its destination and the object number of the page it
# names: while those are the same, so are the bytes.
annotations_formatted = 0


def _plain(value: Any) -> bool:
    """Whether `value` formats without references (to numbered objects)."""
    if isinstance(value, PDFDictionary):
        return all(_plain(v) for v in value.dict.values())
    if isinstance(value, PDFArray):
        return all(_plain(v) for v in value.sequence)
    if isinstance(value, PDFString):
        return True
    return isinstance(value, str | int | float | bytes) or value is None


def _destination_key(destination: Any, document: Any) -> tuple[Any, ...] | None:
    fmt, page = getattr(destination, "fmt", None), getattr(destination, "page", None)
    if fmt is None or type(page) is not PDFObjectReference:
        return None
    values = tuple(sorted((k, v) for k, v in vars(fmt).items() if k != "page"))
    if not all(isinstance(v, int | float | str) or v is None for _, v in values):
        return None
    return (type(fmt), values, page.name,
            document.idToObjectNumberAndVersion.get(page.name))


def _same_items(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """The same keys, each with the very same value object."""
    return len(old) == len(new) and all(
        a[0] == b[0] and a[1] is b[1] for a, b in zip(old, new, strict=True))


def _same(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """A link made of the very same values: its rectangle, text, border, destination and
    other keys."""
    return all(a is b for a, b in zip(old[:4], new[:4], strict=True)) and _same_items(
        old[4], new[4])


class MemoLink(LinkAnnotation):
    """A link into the document whose formatted bytes are kept with what made them."""

    def format(self, document: Any) -> bytes:
        global annotations_formatted
        made = (self.Rect, self.Contents, self.Border, self.Destination,
                tuple(self.otherkw.items()))
        key = _destination_key(self.Destination, document)
        memo = self.__dict__.get("_formatted")
        if key is not None and memo is not None and memo[1] == key and _same(memo[0], made):
            return memo[2]  # type: ignore[no-any-return]
        data: bytes = super().format(document)
        annotations_formatted += 1
        if key is not None and isinstance(document.encrypt, NoEncryption) and all(
                _plain(v) for v in (self.Rect, self.Contents, self.Border,
                                     *self.otherkw.values())
                if isinstance(v, PDFObject)):
            self._formatted = (made, key, data)
        return data


class MemoDictionary(PDFDictionary):
    """A link to an address (a dictionary without references): formatted once."""

    def format(self, document: Any, IND: bytes = b"\n ") -> bytes:
        global annotations_formatted
        made = tuple(self.dict.items())
        memo = self.__dict__.get("_formatted")
        if memo is not None and _same_items(memo[0], made):
            return memo[1]  # type: ignore[no-any-return]
        data: bytes = super().format(document, IND)
        annotations_formatted += 1
        if isinstance(document.encrypt, NoEncryption) and _plain(self):
            self._formatted = (made, data)
        return data


def redirect(link: Any, destination: Any) -> None:
    """`link` (a LinkAnnotation) names `destination`, a later layout's object for the
    same name: its kept bytes stay while that object is bound alike (`_destination_key`
    compares the values when the link is formatted)."""
    memo = link.__dict__.get("_formatted")
    if memo is not None and memo[0][3] is link.Destination:
        made = memo[0]
        link._formatted = ((*made[:3], destination, *made[4:]), *memo[1:])
    link.Destination = destination


def memoising(annotation: Any) -> Any:
    """`annotation` (as reportlab's canvas makes it), its formatted bytes kept."""
    if type(annotation) is LinkAnnotation:
        annotation.__class__ = MemoLink
    elif type(annotation) is PDFDictionary:
        annotation.__class__ = MemoDictionary
    return annotation


# Outline entries: reportlab makes them anew at every save, one per heading (1,062 in a
# 1,000-talk programme), each a dictionary of its title, its count and references (its
# parent, neighbours, children and destination). Its bytes are the same while those and
# the objects' numbers they name are: kept by them, for the next save (a watch rebuild's).
outline_formatted = 0
_outline_bytes: dict[tuple[Any, ...], bytes] = {}
# Entries kept at most: several brochures' outlines (a watch session's targets).
_OUTLINE_KEPT = 20_000
_REFERENCES = ("Parent", "Prev", "Next", "First", "Last")
_format_outline_entry = OutlineEntryObject.format


def _outline_key(entry: Any, document: Any) -> tuple[Any, ...] | None:
    """What an outline entry's bytes are made of (None: something not kept by)."""
    title, count = entry.Title, entry.Count
    if type(title) is not str or not (count is None or type(count) is int) \
            or not isinstance(document.encrypt, NoEncryption):
        return None
    # The destination: a page's place, written inline.
    destination = _destination_key(entry.Dest, document)
    if destination is None or destination[3] is None:
        return None
    numbers = document.idToObjectNumberAndVersion
    key: list[Any] = [title, count, destination]
    for name in _REFERENCES:
        value = getattr(entry, name)
        if value is None:
            key.append(None)
            continue
        if type(value) is not PDFObjectReference:
            return None
        number = numbers.get(value.name)
        if number is None:
            return None  # unresolved: reportlab's format says so
        key.append(number)
    return tuple(key)


def _memo_outline_entry(self: Any, document: Any) -> bytes:
    global outline_formatted
    key = _outline_key(self, document)
    data = _outline_bytes.get(key) if key is not None else None
    if data is None:
        data = _format_outline_entry(self, document)
        outline_formatted += 1
        if key is not None:
            if len(_outline_bytes) >= _OUTLINE_KEPT:
                _outline_bytes.clear()
            _outline_bytes[key] = data
    return data  # type: ignore[no-any-return]


def install() -> None:
    """Outline entries' bytes kept between saves."""
    OutlineEntryObject.format = _memo_outline_entry
