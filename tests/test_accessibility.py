"""The screen PDF is tagged (PDF/UA-1) and archival (PDF/A-2u): checked by page and by our
own reading of its tagging, and its structure tree read back for roles, reading order and
alternative texts."""

from __future__ import annotations

import hashlib
import itertools
import re
import subprocess
import typing
import zlib
from pathlib import Path

import page
import pikepdf
import pytest

from dokureport.core.limits import MAX_PARAGRAPH
from dokureport.core.options import BuildOptions, Paper
from dokureport.core.resources import sample_event_dir
from dokureport.design.theme import bundled_themes
from tests.conftest import minimal_event


def assert_accessible_and_archival(pdf: Path) -> None:
    """page (profiles ua1 and 2u) passes, and so does our own reading of the tagging."""
    for profile in ("ua1", "2u"):
        report = page.validate_pdf(str(pdf), profile=profile)
        assert report.is_compliant, f"{profile}: {report}"
    assert tagging_problems(pdf) == []


# ISO 32000-1, 14.8.4: the standard structure types; any other must be role-mapped to one.
STANDARD_TYPES = frozenset({
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index",
    "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl",
    "LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note",
    "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu",
    "WT", "WP", "Figure", "Formula", "Form"})
# The operators that put text, an image, a shading or a path on the page.
PAINTING = frozenset({"Tj", "TJ", "'", '"', "Do", "BI", "sh",
                      "f", "F", "f*", "S", "s", "B", "B*", "b", "b*"})


def tagging_problems(pdf_path: Path, *, archival: bool = True) -> list[str]:
    """The conditions of PDF/UA-1 (and, if `archival`, of PDF/A-2) a reading of the file
    can decide, each that fails as one line: the catalog's declarations; a structure tree
    of standard (or role-mapped) types, with headings that skip no level, figures with
    alternative text and links for the link annotations; every painting operator of a page
    inside tagged content or an Artifact, and every tagged part reached from the tree;
    annotations in tab order; every font embedded. An empty list: all of them hold."""
    problems: list[str] = []
    with pikepdf.open(pdf_path) as pdf:
        root = pdf.Root
        if pdf.is_encrypted:
            problems.append("the file is encrypted")
        if root.get("/MarkInfo", pikepdf.Dictionary()).get("/Marked") is not True:
            problems.append("catalog: /MarkInfo /Marked is not true")
        if not str(root.get("/Lang", "")).strip():
            problems.append("catalog: no /Lang")
        if root.get("/ViewerPreferences", pikepdf.Dictionary()).get("/DisplayDocTitle") \
                is not True:
            problems.append("catalog: /DisplayDocTitle is not true")
        xmp = root.Metadata.read_bytes().decode("utf-8", "replace") if "/Metadata" in root \
            else ""
        if not re.search(r'pdfuaid:part(>|=")\s*1', xmp):
            problems.append("XMP: no pdfuaid:part 1")
        if "<dc:title>" not in xmp:
            problems.append("XMP: no dc:title")
        if archival:
            if not re.search(r'pdfaid:part(>|=")\s*2', xmp):
                problems.append("XMP: no pdfaid:part 2")
            if not any(intent.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in intent
                       for intent in root.get("/OutputIntents", ())):
                problems.append("no PDF/A output intent with an ICC profile")

        tree = root.get("/StructTreeRoot")
        if tree is None:
            return [*problems, "catalog: no /StructTreeRoot"]
        if "/ParentTree" not in tree:
            problems.append("structure tree: no /ParentTree")
        role_map = {str(k)[1:]: str(v)[1:] for k, v in tree.get("/RoleMap", {}).items()}
        reached: set[tuple[tuple[int, int] | None, int]] = set()  # (page, MCID) in the tree
        kinds: list[str] = []  # each element's standard type, depth first: the reading order
        figures_without_alt = 0

        def walk(node: pikepdf.Dictionary, page_of: tuple[int, int] | None) -> None:
            nonlocal figures_without_alt
            kids = node.get("/K")
            if kids is None:
                return
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, int):
                    reached.add((page_of, kid))
                elif not isinstance(kid, pikepdf.Dictionary) or kid.get("/Type") == "/OBJR":
                    continue
                elif kid.get("/Type") == "/MCR":
                    reached.add((kid.Pg.objgen if "/Pg" in kid else page_of, int(kid.MCID)))
                else:
                    if "/S" in kid:
                        kind = str(kid.S)[1:]
                        kinds.append(role_map.get(kind, kind))
                        if kinds[-1] == "Figure" and not (str(kid.get("/Alt", "")).strip()
                                                          or str(kid.get("/ActualText", "")
                                                                 ).strip()):
                            figures_without_alt += 1
                    walk(kid, kid.Pg.objgen if "/Pg" in kid else page_of)

        walk(tree, None)
        if nonstandard := sorted({k for k in kinds if k not in STANDARD_TYPES}):
            problems.append(f"structure types neither standard nor role-mapped: {nonstandard}")
        if figures_without_alt:
            problems.append(f"{figures_without_alt} Figure elements without /Alt")
        headings = [int(k[1]) for k in kinds if re.fullmatch(r"H[1-6]", k)]
        if not headings:
            problems.append("no headings (H1–H6)")
        problems += [f"heading levels skip: H{a} then H{b}"
                     for a, b in itertools.pairwise(headings) if b > a + 1][:1]

        untagged = unreached = no_tabs = links = bare_links = unembedded = 0
        for page_ in pdf.pages:
            annotations = page_.obj.get("/Annots", ())
            if len(annotations) and page_.obj.get("/Tabs") != "/S":
                no_tabs += 1
            for annotation in annotations:
                if annotation.get("/Subtype") == "/Link":
                    links += 1
                    if "/StructParent" not in annotation \
                            or not str(annotation.get("/Contents", "")).strip():
                        bare_links += 1
            marked: list[tuple[str, int | None]] = []  # (tag, MCID) of the open sequences
            mcids: set[int] = set()
            for operands, operator in pikepdf.parse_content_stream(page_):
                op = str(operator)
                if op in ("BMC", "BDC"):
                    props = operands[1] if op == "BDC" else None
                    mcid = int(props.MCID) if isinstance(props, pikepdf.Dictionary) \
                        and "/MCID" in props else None
                    marked.append((str(operands[0]), mcid))
                    if mcid is not None:
                        mcids.add(mcid)
                elif op == "EMC":
                    if marked:
                        marked.pop()
                elif op in PAINTING and not any(tag == "/Artifact" or mcid is not None
                                                for tag, mcid in marked):
                    untagged += 1
            unreached += len({(page_.obj.objgen, m) for m in mcids} - reached)
            for _, font in page_.obj.get("/Resources", {}).get("/Font", {}).items():
                if font.get("/Subtype") == "/Type0":
                    font = font.DescendantFonts[0]
                descriptor = font.get("/FontDescriptor")
                if descriptor is None or not any(
                        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    unembedded += 1
        for count, what in (
                (untagged, "painting operators outside tagged content and Artifacts"),
                (unreached, "marked-content ids the structure tree does not reach"),
                (no_tabs, "pages with annotations but no /Tabs /S"),
                (bare_links, f"of {links} link annotations without /StructParent or /Contents"),
                (unembedded, "font uses without an embedded font file")):
            if count:
                problems.append(f"{count} {what}")
        if links and "Link" not in kinds:
            problems.append("link annotations but no Link structure element")
    return problems


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


def objrs(link: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """The annotations a Link element holds (a contents entry's link holds several)."""
    return [k for k in link.K if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]


def test_every_link_is_in_the_tree_with_a_description(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        links = [e for e in elements(pdf) if e.S == "/Link"]
        annotations = [a for p in pdf.pages for a in p.obj.get("/Annots", ())]
        held = [objr for link in links for objr in objrs(link)]
        assert len(held) == len(annotations) > 0
        assert all(objrs(link) for link in links)
        assert all(str(objr.Obj.Contents).strip() for objr in held)
        for p in pdf.pages:
            if "/Annots" in p.obj:
                assert p.obj.Tabs == "/S"


def struct_text_of(pdf: Path, role: str) -> list[list[str]]:
    """`pdfinfo -struct-text`, per element of `role`: the lines nested in it, stripped."""
    lines = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    found: list[list[str]] = []
    depth = -1
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if depth >= 0 and indent <= depth:
            depth = -1
        if depth >= 0:
            found[-1].append(line.strip())
        elif line.strip().split(" ")[0] == role:
            depth = indent
            found.append([])
    return found


def test_contents_entries_read_title_then_page_as_one_link(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        entries = [e for e in elements(pdf) if e.S == "/TOCI"]
        assert len(entries) == 11  # 8 sections and the 3 talks the sample lists
        for entry in entries:
            # TOCI › Reference › Link: the title and the page number are the link's text,
            # its annotations (one per line of the title, one on the page number) its own.
            assert [str(k.S) for k in entry.K] == ["/Reference"]
            [link] = entry.K[0].K
            assert link.S == "/Link"
            # Its text first: a bare MCID on its own page (or a reference to another one).
            kinds = ["/MCID" if isinstance(k, int) else str(k.get("/Type")) for k in link.K]
            assert kinds[0] in ("/MCID", "/MCR") and kinds.count("/OBJR") >= 2
            assert len({str(o.Obj.Contents) for o in objrs(link)}) == 1
    texts = [" ".join(line.strip('"').strip() for line in lines if line.startswith('"'))
             for lines in struct_text_of(sample_pdf, "TOCI")]
    assert len(texts) == 11  # none empty
    assert [t.rsplit(" ", 1)[0] for t in texts[:3]] == ["Einführung", "Programm", "Vorträge"]
    pages = []
    for text in texts:
        title, page_number = text.rsplit(" ", 1)
        assert title and page_number.isdigit(), text
        pages.append(int(page_number))
    assert pages == sorted(pages)


def test_footer_and_page_numbers_are_artifacts(sample_pdf: Path) -> None:
    text = subprocess.run(["pdfinfo", "-struct-text", str(sample_pdf)], capture_output=True,
                          text=True, check=True).stdout
    # The footer's title repeats on every content page; in the tree it appears only where
    # the brochure prints it as content (cover, imprint), never once per page.
    with pikepdf.open(sample_pdf) as pdf:
        pages = len(pdf.pages)
    assert text.count("Dokumentation des") < pages // 2


def test_contents_over_several_pages_are_a_toc_on_each(make_event, tmp_path: Path) -> None:
    from dokureport.pipeline import build_brochure

    talks = [{"id": f"t{i}", "title": f"Vortrag {i} über Kinder- und Jugendhilfe in der Stadt"}
             for i in range(70)]
    event = make_event({"title": "Fachtag", "event": {"start": "2024-03-05"},
                        "intro": "Hallo.", "talks": talks})
    out = tmp_path / "long.pdf"
    build_brochure(event, out, BuildOptions(paper="a5"))
    with pikepdf.open(out) as pdf:
        found = roles(pdf)
        assert found.count("TOC") >= 3  # the contents run over three pages
        entries = [e for e in elements(pdf) if e.S == "/TOCI"]
        assert all([str(k.S) for k in e.K] == ["/Reference"] for e in entries)
    texts = [" ".join(line.strip('"').strip() for line in lines if line.startswith('"'))
             for lines in struct_text_of(out, "TOCI")]
    # Introduction, talks, the 70 talks, imprint: each "title page", none outside a TOC.
    assert len(texts) == 73
    assert [t.rsplit(" ", 1)[0] for t in texts[2:72]] == [t["title"] for t in talks]
    assert all(t.rsplit(" ", 1)[1].isdigit() for t in texts)
    assert_accessible_and_archival(out)


def test_no_stream_data_ends_in_a_carriage_return(tmp_path: Path) -> None:
    """A CR before qpdf's LF and `endstream` reads as a CRLF end-of-line: /Length one
    byte too long for a checker (page's STREAM-LENGTH). Flate data ends in the Adler-32 of
    what it holds, so about one stream in 256 would end so."""
    from dokureport.output.postprocess import finish

    comments = (b"q Q %% %s\n" % hashlib.sha256(b"%d" % i).hexdigest().encode()
                for i in range(5000))
    content = next(d for d in comments if zlib.adler32(d) & 0xFF == 0x0D)
    assert zlib.compress(content).endswith(b"\r")
    path = tmp_path / "cr.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.pages[0].obj.Contents = pdf.make_stream(zlib.compress(content),
                                                    Filter=pikepdf.Name.FlateDecode)
        pdf.Root.Plain = pdf.make_stream(content)  # qpdf would compress this one itself
        pdf.save(path)
    finish(path, None, archival=False, linearize=False)
    data = path.read_bytes()
    assert data.count(b"endstream") >= 2 and b"\r\nendstream" not in data
    with pikepdf.open(path) as pdf:
        assert pdf.pages[0].obj.Contents.read_bytes() == content
        assert pdf.Root.Plain.read_bytes() == content


PAPERS = typing.get_args(Paper)


@pytest.mark.slow
@pytest.mark.parametrize(("theme", "paper"), list(itertools.product(bundled_themes(), PAPERS)))
def test_every_theme_and_paper_passes(tmp_path: Path, theme: str, paper: str) -> None:
    from dokureport.pipeline import build_brochure

    out = tmp_path / f"{theme}-{paper}.pdf"
    build_brochure(sample_event_dir(), out, BuildOptions(theme=theme, paper=paper))
    assert_accessible_and_archival(out)


def test_every_theme_and_paper_is_checked() -> None:
    assert len(bundled_themes()) >= 3 and set(PAPERS) == {"a4", "a5", "letter"}


def test_a_heading_split_over_pages_is_one_heading(make_event, build) -> None:
    # A heading longer than a page: its parts are one H2 on two pages, never a bare "H"
    # (PDF/UA forbids H beside H1–H6). Titles are at most 500 characters: a Markdown
    # heading may be as long as a paragraph (5,000), on A5 more than a page.
    title = " ".join(["Überlange Überschrift"] * 260)[:MAX_PARAGRAPH]
    folder = make_event(minimal_event(intro=f"# {title}\n\nKurz."))
    pdf_path, _ = build(folder, paper="a5")
    with pikepdf.open(pdf_path) as pdf:
        page_of = {p.objgen: n for n, p in enumerate(pdf.pages)}
        headings = [e for e in elements(pdf) if str(e.S) in ("/H", "/H2")]
        assert [str(h.S) for h in headings] == ["/H2"]
        # A bare MCID is on the element's own /Pg; a marked-content reference names its page.
        pages = {page_of[headings[0].Pg.objgen]}
        pages |= {page_of[k.Pg.objgen] for k in headings[0].K
                  if not isinstance(k, int) and "/Pg" in k}
    assert len(pages) >= 2
    assert_accessible_and_archival(pdf_path)


def test_a_list_over_pages_is_one_list_of_its_items(make_event, build) -> None:
    # A list that does not fit where it starts is placed item by item (reportlab's
    # ListFlowable.split): its items stay LIs of one L, never bare LIs in the section.
    items = "\n".join(f"- Punkt {n}: die Kommune als Trägerin der Jugendhilfe"
                      for n in range(1, 61))
    folder = make_event(minimal_event(intro=f"Vorweg.\n\n{items}\n\nDanach."))
    pdf_path, _ = build(folder, paper="a5")
    with pikepdf.open(pdf_path) as pdf:
        found = elements(pdf)
        lists = [e for e in found if str(e.S) == "/L"]
        items_of = [e for e in found if str(e.S) == "/LI"]
        assert len(items_of) == 60 and len(lists) == 1
        assert all(item.P.objgen == lists[0].objgen for item in items_of)
    pages = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    first = next(n for n, text in enumerate(pages) if "Punkt 1:" in text)
    assert "Punkt 60:" not in pages[first]  # the list runs over pages
    assert_accessible_and_archival(pdf_path)


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
