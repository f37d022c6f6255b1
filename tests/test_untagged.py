"""The internal untagged build (for measuring what tagging costs) draws and writes no tags."""

from __future__ import annotations

import pikepdf

from dokureport.core.options import BuildOptions
from tests.conftest import minimal_event


def test_untagged_build_has_no_marked_content_and_no_structure_tree(make_event, build) -> None:
    folder = make_event(minimal_event(intro="Mehr unter [example.org](https://example.org)."))
    tagged, _ = build(folder)
    untagged_path = tagged.with_name("untagged.pdf")
    from dokureport.pipeline import build_brochure

    build_brochure(folder, untagged_path, BuildOptions(tagged=False))
    with pikepdf.open(tagged) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert any(b"BDC" in page.obj.Contents.read_bytes() for page in pdf.pages)
    with pikepdf.open(untagged_path) as pdf:
        assert "/StructTreeRoot" not in pdf.Root
        assert not any(b"BDC" in page.obj.Contents.read_bytes() or
                       b"BMC" in page.obj.Contents.read_bytes() for page in pdf.pages)
        # Everything else is built as usual: the link is there, the file linearized.
        assert any("/Annots" in page.obj for page in pdf.pages)
        assert pdf.is_linearized
