"""The structure tree: StructTreeRoot, ParentTree, /StructParents, Link OBJRs, /Tabs, MarkInfo."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from dokureport.layout.tags import StructElem, TagRecorder

# Roles whose elements stay even when empty: the document and its sections' frame.
_KEEP_EMPTY = frozenset({"Document"})


def text_string(text: str) -> String:
    """A PDF text string: ASCII as it is, anything else as UTF-16BE with its byte-order mark.

    pikepdf would write PDFDocEncoding where it can; readers that guess UTF-8 or UTF-16
    (pdfplumber, some screen-reader bridges) then fail on "Ährenfeld". UTF-16BE is the
    encoding every reader must know.
    """
    if text.isascii():
        return String(text)
    return String(b"\xfe\xff" + text.encode("utf-16-be"))


def link_description(target: str, destinations: dict[str, str]) -> str:
    """A link's /Contents: the heading it leads to, or the address it opens."""
    if target.startswith("#"):
        return destinations.get(target[1:], target[1:])
    return target.removeprefix("mailto:")


def write_structure(pdf: pikepdf.Pdf, tags: TagRecorder) -> None:
    """Write the tree `tags` recorded into `pdf`: elements, parent tree, links, catalog."""
    pages = [p.obj for p in pdf.pages]
    by_mcid: dict[int, dict[int, pikepdf.Object]] = {}
    annotation_parents: list[pikepdf.Object] = []
    annotation_refs: list[pikepdf.Object] = []
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))

    # Every element is an uncompressed object of its own (no object streams: see
    # postprocess.finish), so its bytes count: the optional /Type /StructElem is left out,
    # and content on the element's own page (/Pg) is a bare MCID, not an MCR dictionary.
    def build(elem: StructElem, parent: pikepdf.Object) -> pikepdf.Object | None:
        node = pdf.make_indirect(Dictionary(S=Name("/" + elem.role), P=parent))
        kids = Array()
        first_page: pikepdf.Object | None = None
        for kid in elem.kids:
            if isinstance(kid, StructElem):
                built = build(kid, node)
                if built is not None:
                    kids.append(built)
                continue
            kind, number, index = kid
            page = pages[number - 1]
            first_page = first_page if first_page is not None else page
            own_page = page.objgen == first_page.objgen
            if kind == "mcid":
                kids.append(index if own_page else Dictionary(Type=Name.MCR, Pg=page,
                                                              MCID=index))
                by_mcid.setdefault(number - 1, {})[index] = node
            else:
                annotation = page.Annots[index]
                annotation_parents.append(node)
                annotation_refs.append(annotation)
                annotation.Contents = text_string(link_description(
                    tags.links.get((number, index), ""), tags.destinations))
                reference = Dictionary(Type=Name.OBJR, Obj=annotation)
                if not own_page:
                    reference.Pg = page
                kids.append(reference)
        if not len(kids) and elem.role not in _KEEP_EMPTY:
            return None
        node.K = kids
        if first_page is not None:
            node.Pg = first_page
        attrs = elem.attrs
        for key in ("Alt", "Lang", "ActualText"):
            if attrs.get(key):
                node[Name("/" + key)] = text_string(str(attrs[key]))
        if "Scope" in attrs:
            node.A = Dictionary(O=Name.Table, Scope=Name("/" + attrs["Scope"]))
        return node

    document = build(tags.root, root)
    nums = Array()
    for page_index in sorted(by_mcid):
        mcids = by_mcid[page_index]
        pages[page_index].StructParents = page_index
        nums.append(page_index)
        nums.append(pdf.make_indirect(Array([mcids.get(m, document)
                                             for m in range(max(mcids) + 1)])))
    key = len(pages)
    for annotation, parent in zip(annotation_refs, annotation_parents, strict=True):
        annotation.StructParent = key
        nums.append(key)
        nums.append(parent)
        key += 1
    root.K = Array([document])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = key
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    preferences = pdf.Root.get("/ViewerPreferences", Dictionary())
    preferences.DisplayDocTitle = True
    pdf.Root.ViewerPreferences = preferences
    for page in pages:
        if len(page.get("/Annots", ())):
            page.Tabs = Name.S
