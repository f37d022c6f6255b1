"""Output stage: each page's read-back (output.page_content) kept between the builds of one
process that asks for it (watch mode: `keep_between_builds`), by what the page draws, so
that a rebuild reads only the pages that changed; a one-shot build keeps its pages' in
the cache folder instead (`kept_file`), for the next build of the same brochure.

A page's read-back depends on nothing but its content stream, the fonts it names (their
type, widths and /ToUnicode map) and the form XObjects it names (their type and box): the
key is a digest of exactly those, so a page is read again as soon as any of them differs.
Only the latest 2,500 pages are kept, about 12 kB a page (11 MiB for 1,000 talks): a
one-shot build keeps none in memory, as it would only hold them through post-processing.
In the cache folder it keeps its own pages' read-backs as plain data: a warm build of
300 photos read its 99 pages in 0.12 s of CPU, and loads them in a hundredth of that.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from dokureport.core import plain_cache
from dokureport.output.page_content import Drawn, FontFacts, Line, PageReader

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


def read_pages(pdf: pikepdf.Pdf, *, tagged: bool, kept: Path | None = None) -> list[PageRead]:
    """Every page of `pdf` read back, in order; pages drawn exactly as in an earlier build
    of this process, or (a one-shot build) in the last build that kept its pages in the
    file `kept` (`kept_file`), are taken from it, not read again."""
    fonts: dict[Any, FontFacts] = {}
    digests: dict[Any, bytes] = {}
    reads: list[PageRead] = []
    now: dict[bytes, PageRead] = {}
    # Watch mode keeps its pages in memory and writes no file per rebuild.
    on_disk = kept is not None and not _keeping
    stored = _load(kept) if on_disk and kept is not None else {}
    for page in pdf.pages:
        key = _key(page, tagged, digests)
        found = _kept.get(key) or now.get(key) or stored.get(key)
        if found is None:
            reader = PageReader(page, fonts, tagged=tagged)
            reader.read()
            found = PageRead(reader.owners, reader.smallest, key)
        now[key] = found
        reads.append(found)
    if on_disk and kept is not None and now.keys() != stored.keys():
        _store(kept, now)
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


# ---------------------------------------------------------------------------------------
# In the cache folder (one-shot builds): one file per brochure, its pages' read-backs.

_FOLDER = "page-reads"
# Bumped when what a file holds, or what page_content reads from a page, changes.
_VERSION = 1
# Brochures (events, targets, papers) whose pages are kept; each file holds one build's.
_FILES_KEPT = 32


def kept_file(cache_dir: Path, brochure: str) -> Path:
    """Where the pages of the brochure named `brochure` (its event, target, paper …) are
    kept in `cache_dir` for its next one-shot build."""
    digest = hashlib.sha256(brochure.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return cache_dir / _FOLDER / f"v{_VERSION}-{digest}.pickle"


def _encoded(reads: dict[bytes, PageRead]) -> tuple[Any, ...]:
    """`reads` as plain data: fonts once each in a table, the headings' text by index."""
    table: list[tuple[float, bool, dict[int, str]]] = []
    indices: dict[int, int] = {}
    pages = []
    for key, read in reads.items():
        owners = []
        for owner, drawn in read.owners.items():
            text = []
            for font, raw in drawn.text:
                index = indices.get(id(font))
                if index is None:
                    index = indices[id(font)] = len(table)
                    table.append((font.space, font.two_byte, dict(font.unicode)))
                text.append((index, bytes(raw)))
            owners.append((owner, drawn.role, drawn.low, drawn.high, drawn.drew,
                           [(line.y, line.low, line.high, line.chars, line.trailing,
                             line.gap_em) for line in drawn.lines.values()], text))
        pages.append((key, owners, read.smallest))
    return (_VERSION, table, pages)


def _decoded(data: Any) -> dict[bytes, PageRead]:
    """What `_encoded` gave, as read-backs; raises (TypeError, ValueError …) on anything
    else."""
    version, table, pages = data
    if version != _VERSION:
        raise ValueError("another version")
    fonts = [FontFacts(float(space), bool(two_byte),
                       {int(code): str(text) for code, text in unicode.items()})
             for space, two_byte, unicode in table]
    reads: dict[bytes, PageRead] = {}
    for key, owners, smallest in pages:
        drawn: dict[Any, Drawn] = {}
        for owner, role, low, high, drew, lines, text in owners:
            drawn[int(owner)] = Drawn(
                str(role), float(low), float(high),
                {float(y): Line(float(y), float(lo), float(hi), int(chars), int(trailing),
                                float(gap)) for y, lo, hi, chars, trailing, gap in lines},
                bool(drew), [(fonts[index], bytes(raw)) for index, raw in text])
        if smallest is not None:
            smallest = (float(smallest[0]), str(smallest[1]))
        if type(key) is not bytes:
            raise TypeError("a page key is bytes")
        reads[key] = PageRead(drawn, smallest, key)
    return reads


def _load(path: Path) -> dict[bytes, PageRead]:
    """The pages kept at `path`; none when the file is missing, damaged or foreign (the
    pages are then read, as if nothing had been kept)."""
    data = plain_cache.load(path)
    if data is None:
        return {}
    try:
        return _decoded(data)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError):
        return {}


def _store(path: Path, reads: dict[bytes, PageRead]) -> None:
    """Keep `reads` at `path` (whole or not at all), and only the newest few files."""
    plain_cache.store(path, _encoded(reads))
    try:
        with os.scandir(path.parent) as entries:
            files = [(entry.stat().st_mtime_ns, entry.path) for entry in entries
                     if entry.name.endswith(".pickle") and not entry.name.startswith(".")]
        for _, old in sorted(files)[:-_FILES_KEPT]:
            os.unlink(old)
    except OSError:
        pass  # a cache only ever saves time
