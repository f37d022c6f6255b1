"""Post-process: a written PDF read in overlapping blocks, so that a long one is never
in memory whole while a pattern is searched for in it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

BLOCK = 1 << 20


def overlapping_blocks(fh: BinaryIO, overlap: int) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) of `fh` from its current position, block by block; each block
    starts with the previous one's last `overlap` bytes, so that a match no longer than
    `overlap` + 1 bytes lies whole in some block."""
    offset, tail = fh.tell(), b""
    while chunk := fh.read(BLOCK):
        block = tail + chunk
        yield offset - len(tail), block
        tail = block[-overlap:] if overlap else b""
        offset += len(chunk)
