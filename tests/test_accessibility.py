"""The screen PDF is tagged (PDF/UA-1) and archival (PDF/A-2u): checked by two independent
checkers, and its structure tree read back for roles, reading order and alternative texts."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import page
import pikepdf
import pytest

from dokureport.options import BuildOptions
from dokureport.resources import sample_event_dir

UA_CHECK = Path("/work/shared/tools/ua_check.py")


def assert_accessible_and_archival(pdf: Path) -> None:
    """page (profiles ua1 and 2u) and, where present, the shared ua_check.py pass."""
    for profile in ("ua1", "2u"):
        report = page.validate_pdf(str(pdf), profile=profile)
        assert report.is_compliant, f"{profile}: {report}"
    if UA_CHECK.exists():
        run = subprocess.run([sys.executable, str(UA_CHECK), str(pdf)], capture_output=True,
                             text=True)
        assert run.returncode == 0, run.stdout


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, depth first: the reading order."""
    out: list[pikepdf.Dictionary] = []

    def walk(node: pikepdf.Object) -> None:
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                out.append(kid)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return out


def roles(pdf: pikepdf.Pdf) -> list[str]:
    return [str(e.S)[1:] for e in elements(pdf)]


def test_sample_passes_both_checkers(sample_pdf: Path) -> None:
    assert_accessible_and_archival(sample_pdf)


def test_catalog_declares_tagged_archival_and_language(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "de-DE"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert str(pdf.docinfo.Title) in xmp and "<rdf:li>de-DE</rdf:li>" in xmp
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3


def test_sections_follow_the_brochure_and_headings_do_not_skip(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        document = pdf.Root.StructTreeRoot.K[0]
        assert document.S == "/Document"
        sections = [e for e in document.K if e.S == "/Sect"]
        assert sections and all(s.K[0].S == "/H1" for s in sections)
        found = roles(pdf)
    headings = [int(r[1]) for r in found if r in ("H1", "H2", "H3")]
    assert headings[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(headings))
    # The order of the sample's sections: contents, introduction, agenda, talks, gallery.
    order = [r for r in found if r in ("TOC", "Table", "Figure")]
    assert order.index("TOC") < order.index("Table")
    assert "P" in found and "TOCI" in found and "Caption" in found


def test_agenda_is_a_table_with_row_headers(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        tables = [e for e in elements(pdf) if e.S == "/Table"]
        assert tables
        rows = [k for k in tables[0].K if k.S == "/TR"]
        assert rows
        first = rows[0].K
        assert first[0].S == "/TH" and first[0].A.Scope == "/Row"
        assert first[1].S == "/TD"


def test_photos_and_qr_codes_are_figures_with_alt(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        figures = [e for e in elements(pdf) if e.S == "/Figure"]
        alts = [str(f.Alt) for f in figures]
    assert all(a.strip() for a in alts)
    assert any(a.startswith("QR code: https://") for a in alts)
    assert any(a.startswith("Logo: ") for a in alts)


def test_every_link_is_in_the_tree_with_a_description(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        links = [e for e in elements(pdf) if e.S == "/Link"]
        annotations = [a for p in pdf.pages for a in p.obj.get("/Annots", ())]
        assert len(links) == len(annotations) > 0
        for link in links:
            objr = link.K[0]
            assert objr.Type == "/OBJR" and str(objr.Obj.Contents).strip()
        for p in pdf.pages:
            if "/Annots" in p.obj:
                assert p.obj.Tabs == "/S"


def test_footer_and_page_numbers_are_artifacts(sample_pdf: Path) -> None:
    text = subprocess.run(["pdfinfo", "-struct-text", str(sample_pdf)], capture_output=True,
                          text=True, check=True).stdout
    # The footer's title repeats on every content page; in the tree it appears only where
    # the brochure prints it as content (cover, imprint), never once per page.
    with pikepdf.open(sample_pdf) as pdf:
        pages = len(pdf.pages)
    assert text.count("Dokumentation des") < pages // 2


@pytest.mark.slow
@pytest.mark.parametrize(("theme", "paper"), [("classic", "a5"), ("bold", "letter"),
                                              ("default", "a5")])
def test_every_theme_and_paper_passes(tmp_path: Path, theme: str, paper: str) -> None:
    from dokureport.pipeline import build_brochure

    out = tmp_path / f"{theme}-{paper}.pdf"
    build_brochure(sample_event_dir(), out, BuildOptions(theme=theme, paper=paper))
    assert_accessible_and_archival(out)


def test_content_on_an_elements_own_page_is_a_bare_mcid(sample_pdf: Path) -> None:
    # Every element is an uncompressed object: the compact forms keep the tagged PDF small.
    with pikepdf.open(sample_pdf) as pdf:
        bare = 0
        for element in elements(pdf):
            assert "/Type" not in element  # optional for a structure element
            for kid in element.K:
                if isinstance(kid, int):
                    bare += 1
                elif kid.get("/Type") in ("/MCR", "/OBJR") and "/Pg" in kid:
                    assert kid.Pg.objgen != element.Pg.objgen
    assert bare > 100
