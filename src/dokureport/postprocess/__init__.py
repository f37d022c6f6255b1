"""Post-processing of the finished PDF, one job per module: structure, fixes, PDF/A, layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf

from dokureport.postprocess.fixes import apply_fixes, compress_streams
from dokureport.postprocess.pdfa import declare_pdfa_ua
from dokureport.postprocess.structure import write_structure


def finish(path: Path, tags: Any, *, archival: bool, linearize: bool) -> None:
    """Tag the PDF at `path` from the recorded tree, repair it, declare PDF/A-2u + PDF/UA-1
    (`archival`) and linearize it (`linearize`), in place and reproducibly."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        if tags is not None:
            write_structure(pdf, tags)
        apply_fixes(pdf)
        if archival:
            declare_pdfa_ua(pdf)
        compress_streams(pdf)
        # qpdf writes every stream with an EOL before `endstream` and exact lengths; the
        # /ID is static here and replaced by a content digest afterwards (reproducible).
        # Streams are compressed already (compress_streams: qpdf would drop its ASCII85).
        pdf.save(path, linearize=linearize, static_id=True, compress_streams=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
