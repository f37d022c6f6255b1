"""Post-processing of the finished PDF, one job per module: structure, fixes, PDF/A, layout."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf

from dokureport.assets.cmyk import PrintProfile
from dokureport.core import collector
from dokureport.layout import restart
from dokureport.output.fixes import apply_fixes
from dokureport.output.pdfa import declare_pdfa_ua
from dokureport.output.pdfx import declare_pdfx
from dokureport.output.reading import read_right_to_left
from dokureport.output.stream_ends import (
    end_streams_unambiguously,
    written_unambiguously,
)
from dokureport.output.structure import write_structure
from dokureport.output.subset_tags import name_subsets


@contextlib.contextmanager
def read_once(path: Path) -> Iterator[pikepdf.Pdf]:
    """The PDF at `path`, opened once for the layout check and `finish` (which closes it
    when it has written the finished file)."""
    with pikepdf.open(path) as pdf:
        yield pdf


def finish(path: Path, tags: Any, *, archival: bool, linearize: bool,
           print_profile: PrintProfile | None = None, right_to_left: bool = False,
           spreads: bool = False, pdf: pikepdf.Pdf | None = None) -> None:
    """Tag the PDF at `path` from the recorded tree, repair it, declare PDF/UA-1 (and
    PDF/A-2u if `archival`, PDF/X-4 with `print_profile` as its output intent) and
    linearize it (`linearize`), in place and reproducibly. `right_to_left`: the catalog
    says it reads right to left (shown as `spreads`, a booklet's, see output.reading).
    `pdf`: the file at `path` opened already and not changed (`read_once`)."""
    # qpdf reads the input as it writes: the result goes beside it, then takes its place.
    finished = path.with_name(path.name + ".finished")
    try:
        with pikepdf.open(path) if pdf is None else pdf as pdf:
            structure = write_structure(pdf, tags) if tags is not None else None
            apply_fixes(pdf)
            if right_to_left:
                read_right_to_left(pdf, spreads=spreads)
            name_subsets(pdf)  # after the fixes: they rewrite the Unicode maps it renames in
            # Only a tagged file claims PDF/UA (untagged builds exist to measure tagging).
            if archival or tags is not None or print_profile is not None:
                declare_pdfa_ua(pdf, pdfa=archival, ua=tags is not None,
                                pdfx=print_profile is not None)
            if print_profile is not None:
                declare_pdfx(pdf, print_profile)
            end_streams_unambiguously(pdf, no_streams=structure)
            # qpdf writes every stream with an EOL before `endstream` and exact lengths;
            # the /ID is static here and replaced by a content digest afterwards
            # (reproducible; a linearized file carries it in both trailers). No object
            # streams: reportlab writes none, and the ones qpdf would generate pack the
            # outline root with other objects, which qpdf 11 and 12 then count differently
            # in the outline hint table. Every stream is compressed by now: qpdf, left to
            # compress, would also strip the ASCII85 that end_streams_unambiguously
            # wrapped around a few.
            written_unambiguously(
                pdf, finished, linearize=linearize, static_id=True, compress_streams=False,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        if restart.keeping():
            # Its file is written and closed; freeing its objects is left to the wait for
            # the next edit (watch mode), off the rebuild's time.
            collector.drop_between_builds(pdf)
        os.replace(finished, path)
    finally:
        finished.unlink(missing_ok=True)
