"""Output stage: each page's read-back (output.page_content) kept between the builds of one
process that asks for it (watch mode: `keep_between_builds`), by what the page draws, so
that a rebuild reads only the pages that changed.

A page's read-back depends on nothing but its content stream, the fonts it names (their
type, widths and /ToUnicode map) and the form XObjects it names (their type and box): the
key is a digest of exactly those, so a page is read again as soon as any of them differs.
Only the latest 2,500 pages are kept, about 12 kB a page (11 MiB for 1,000 talks): a
one-shot build keeps none, as it would only hold them through post-processing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pikepdf

from dokureport.output.page_content import Drawn, FontFacts, PageReader

# The latest pages built in this process: this build's, then the last builds' of other
# targets (a screen and a print PDF take turns), up to about 30 MiB.
KEPT_PAGES = 2_500


@dataclass(frozen=True, slots=True)
class PageRead:
    """What a page draws, by marked content; its smallest type (size, role); `key`: the
    digest of all it was read from (its content, fonts and forms, tagged or not)."""

    owners: dict[Any, Drawn]
    smallest: tuple[float, str] | None
    key: bytes = b""


_kept: dict[bytes, PageRead] = {}
_keeping = False


def keeping() -> bool:
    """Whether this process keeps what a build read for the next (watch mode)."""
    return _keeping


def keep_between_builds(keep: bool = True) -> None:
    """Whether the pages read are kept for the next build of this process (watch mode)."""
    global _keeping
    _keeping = keep
    if not keep:
        _kept.clear()


def _stream_bytes(stream: Any) -> bytes:
    try:
        return bytes(stream.read_bytes())
    except pikepdf.PdfError:
        return b"\x00unreadable"


def _resource_digest(obj: Any, digests: dict[Any, bytes]) -> bytes:
    """A font's or XObject's part in a page's key: what the page reader reads of it."""
    key = obj.objgen if obj.is_indirect else None
    if key is not None and key in digests:
        return digests[key]
    parts = [str(obj.get("/Subtype")), str(obj.get("/FirstChar")), str(obj.get("/BBox")),
             repr([float(w) for w in obj.get("/Widths", ())])]
    unicode = obj.get("/ToUnicode")
    digest = hashlib.sha256("\x00".join(parts).encode()
                            + (_stream_bytes(unicode) if unicode is not None else b"")).digest()
    if key is not None:
        digests[key] = digest
    return digest


def _raw(stream: Any) -> bytes:
    """A stream as stored, with its filters: what it decodes to, without decoding it (a
    rebuild digests every page's content; inflating all of it took a tenth of its check)."""
    try:
        return (repr((stream.get("/Filter"), stream.get("/DecodeParms"))).encode()
                + b"\x00" + bytes(stream.read_raw_bytes()))
    except pikepdf.PdfError:
        return b"\x00unreadable"


def _content(page: Any) -> bytes:
    contents = page.obj.get("/Contents")
    if contents is None:
        return b""
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(_raw(part) for part in contents)
    return _raw(contents)


def _key(page: Any, tagged: bool, digests: dict[Any, bytes]) -> bytes:
    h = hashlib.sha256(b"tagged" if tagged else b"untagged")
    resources = page.obj.get("/Resources") or {}
    for kind in ("/Font", "/XObject"):
        named = resources.get(kind) or {}
        for name in sorted(named.keys()):
            h.update(f"\x00{kind}{name}".encode())
            h.update(_resource_digest(named[name], digests))
    h.update(b"\x00content\x00")
    h.update(_content(page))
    return h.digest()


def read_pages(pdf: pikepdf.Pdf, *, tagged: bool) -> list[PageRead]:
    """Every page of `pdf` read back, in order; pages drawn exactly as in an earlier build
    of this process are taken from it, not read again."""
    fonts: dict[Any, FontFacts] = {}
    digests: dict[Any, bytes] = {}
    reads: list[PageRead] = []
    now: dict[bytes, PageRead] = {}
    for page in pdf.pages:
        key = _key(page, tagged, digests)
        found = _kept.get(key) or now.get(key)
        if found is None:
            reader = PageReader(page, fonts, tagged=tagged)
            reader.read()
            found = PageRead(reader.owners, reader.smallest, key)
        now[key] = found
        reads.append(found)
    if not _keeping:
        return reads
    # This build's pages first: they are what the next build (an edit of it) will meet.
    for key, read in _kept.items():
        if len(now) >= KEPT_PAGES:
            break
        now.setdefault(key, read)
    _kept.clear()
    _kept.update(now)
    return reads


def forget() -> None:
    """Keep no page (tests: a build as a fresh process makes it)."""
    _kept.clear()
