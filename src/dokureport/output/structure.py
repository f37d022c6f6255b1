"""The structure tree: StructTreeRoot, ParentTree, /StructParents, Link OBJRs, /Tabs, MarkInfo."""

from __future__ import annotations

import io
import json
from typing import NamedTuple

import pikepdf
from pikepdf import Dictionary, Name, String

from dokureport.engine.tags import StructElem, TagRecorder
from dokureport.layout import restart

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


def _reference(obj: pikepdf.Object) -> str:
    """An indirect object's reference as qpdf JSON writes it: "12 0 R"."""
    number, generation = obj.objgen
    return f"{number} {generation} R"


def json_text(text: str) -> str:
    """`text_string(text)`'s bytes as a qpdf JSON string ("b:" and hex)."""
    if text.isascii():
        return "b:" + text.encode("ascii").hex()
    return "b:feff" + text.encode("utf-16-be").hex()


class _Subtree(NamedTuple):
    """What one element's subtree was written as, kept in a watch session for the next.

    A watch rebuild takes most pages over from the last build, and with them the
    structure elements closed before the first changed page: the very same objects (a
    closed element gets no more kids). A subtree's JSON text depends on those, on its
    element's and its parent's object numbers, and on the page and annotation references
    it names: while they are the same, so is the text, and the MCIDs and links it owns.
    """

    elem: StructElem
    kids: int  # its kid count when written
    number: int  # its element's object number
    parent: str
    after: int  # the number after its subtree's last
    ref: str | None  # None: left out (empty)
    objects: tuple[str, ...]
    mcids: dict[int, dict[int, str]]  # page index -> MCID -> its element
    links: tuple[tuple[int, int, str, str], ...]  # page, annotation index, its reference, element
    below: dict[int, _Subtree]  # id(element) -> subtree, of every element under it


# How many elements were written anew (not taken from the last build's subtrees): a test
# and a benchmark read it.
written = 0

# The last watch build's page references and its subtrees by id(element).
_kept: tuple[list[str], dict[int, _Subtree]] | None = None


def forget() -> None:
    """Drop the subtrees the last build kept (restart.keeping() no longer true, a test)."""
    global _kept
    _kept = None


def write_structure(pdf: pikepdf.Pdf, tags: TagRecorder) -> range:
    """Write the tree `tags` recorded into `pdf`: elements, parent tree, links, catalog;
    returns the numbers of the objects it made (none of them a stream).

    The elements (thousands in a long brochure) are written as qpdf JSON and read in one
    call (`update_from_qpdf_json`): made one pikepdf call at a time, they cost several
    times as much. Their object numbers follow the StructTreeRoot's, in reading order.
    """
    global _kept
    pages = [p.obj for p in pdf.pages]
    page_refs = [_reference(p) for p in pages]
    keeping = restart.keeping()
    last: dict[int, _Subtree] = {}
    if keeping and _kept is not None and _kept[0] == page_refs:
        last = _kept[1]
    _kept = None
    link_log: list[tuple[int, int, str, str]] = []  # keeping: every link written, in order
    root = pdf.make_indirect(Dictionary())  # the StructTreeRoot, filled in below
    number = root.objgen[0] + 1  # the next new object's number
    objects: list[str] = []  # qpdf JSON: "obj:N 0 R": {"value": …}
    by_mcid: dict[int, dict[int, str]] = {}
    annotations: list[tuple[pikepdf.Object, str]] = []  # each link's annotation, parent

    # A page's annotations, read once per page (thousands of links in a long brochure).
    annotations_on: dict[int, list[pikepdf.Object]] = {}
    roles: dict[str, str] = {}  # a role's "/S" entry, written once per role

    # Every element is an uncompressed object of its own (no object streams: see
    # output.postprocess.finish), so its bytes count: the optional /Type /StructElem is left out,
    # and content on the element's own page (/Pg) is a bare MCID, not an MCR dictionary.
    def annotation_at(page: int, index: int) -> pikepdf.Object:
        on = annotations_on.get(page)
        if on is None:
            on = annotations_on[page] = list(pages[page - 1].Annots)
        return on[index]

    def link(page: int, index: int, ref: str) -> pikepdf.Object:
        annotation = annotation_at(page, index)
        annotations.append((annotation, ref))
        annotation.Contents = text_string(link_description(
            tags.links.get((page, index), ""), tags.destinations))
        return annotation

    def replay(kept: _Subtree) -> bool:
        """Write `kept` as the last build did, if its links are the same objects."""
        nonlocal number
        for page, index, annotation_ref, _ in kept.links:
            if _reference(annotation_at(page, index)) != annotation_ref:
                return False
        for page, index, _, ref in kept.links:
            link(page, index, ref)
        link_log.extend(kept.links)
        objects.extend(kept.objects)
        _merge_mcids(by_mcid, kept.mcids)
        number = kept.after
        return True

    def build(elem: StructElem, parent: str) -> tuple[str | None, _Subtree | None]:
        nonlocal number
        global written
        if last:
            kept = last.get(id(elem))
            if kept is not None and kept.elem is elem and kept.kids == len(elem.kids) \
                    and kept.number == number and kept.parent == parent and replay(kept):
                return kept.ref, kept
        written += 1
        start, links_from, own = len(objects), len(link_log), number
        owned: dict[int, dict[int, str]] = {}  # keeping: the subtree's MCIDs by page
        below: dict[int, _Subtree] = {}
        ref = f"{number} 0 R"
        number += 1
        kids: list[str] = []
        first = 0  # the page of the element's first content (1-based); 0: none yet
        for kid in elem.kids:
            if isinstance(kid, StructElem):
                built, sub = build(kid, ref)
                if built is not None:
                    kids.append(f'"{built}"')
                if sub is not None:
                    below.update(sub.below)
                    below[id(kid)] = sub
                    _merge_mcids(owned, sub.mcids)
                continue
            kind, page, index = kid
            first = first or page
            if kind == "mcid":
                kids.append(str(index) if page == first else
                            f'{{"/Type":"/MCR","/Pg":"{page_refs[page - 1]}","/MCID":{index}}}')
                mcids = by_mcid.get(page - 1)
                if mcids is None:
                    mcids = by_mcid[page - 1] = {}
                mcids[index] = ref
                if keeping:
                    mine = owned.get(page - 1)
                    if mine is None:
                        mine = owned[page - 1] = {}
                    mine[index] = ref
                continue
            annotation = link(page, index, ref)
            if keeping:
                link_log.append((page, index, _reference(annotation), ref))
            on_page = "" if page == first else f',"/Pg":"{page_refs[page - 1]}"'
            kids.append(f'{{"/Type":"/OBJR","/Obj":"{_reference(annotation)}"{on_page}}}')
        role = elem.role
        if not kids and role not in _KEEP_EMPTY:
            return None, (remember(elem, parent, own, None, start, links_from, owned, below)
                          if keeping else None)
        entry = roles.get(role)
        if entry is None:
            entry = roles[role] = f'"/S":{json.dumps("/" + role)}'
        entries = [entry, f'"/P":"{parent}"', f'"/K":[{",".join(kids)}]']
        if first:
            entries.append(f'"/Pg":"{page_refs[first - 1]}"')
        attrs = elem.attrs
        if attrs:
            for key in ("Alt", "Lang", "ActualText"):
                if attrs.get(key):
                    entries.append(f'"/{key}":"{json_text(str(attrs[key]))}"')
            table = ([f'"/Scope":{json.dumps("/" + attrs["Scope"])}'] if "Scope" in attrs
                     else [])
            table += [f'"/ColSpan":{int(attrs["ColSpan"])}'] if "ColSpan" in attrs else []
            if table:
                entries.append(f'"/A":{{"/O":"/Table",{",".join(table)}}}')
        objects.append(f'"obj:{ref}":{{"value":{{{",".join(entries)}}}}}')
        return ref, (remember(elem, parent, own, ref, start, links_from, owned, below)
                     if keeping else None)

    def remember(elem: StructElem, parent: str, own: int, ref: str | None, start: int,
                 links_from: int,
                 owned: dict[int, dict[int, str]],
                 below: dict[int, _Subtree]) -> _Subtree:
        return _Subtree(elem, len(elem.kids), own, parent, number,
                        ref, tuple(objects[start:]), owned, tuple(link_log[links_from:]),
                        below)

    root_ref = _reference(root)
    document, tree = build(tags.root, root_ref)
    if tree is not None:
        _kept = (page_refs, {**tree.below, id(tags.root): tree})
    nums: list[str] = []
    for page_index in sorted(by_mcid):
        mcids = by_mcid[page_index]
        parents = ",".join(f'"{mcids.get(m, document)}"' for m in range(max(mcids) + 1))
        objects.append(f'"obj:{number} 0 R":{{"value":[{parents}]}}')
        nums.append(f'{page_index},"{number} 0 R"')
        number += 1
    key = len(pages)
    for _annotation, parent in annotations:
        nums.append(f'{key},"{parent}"')
        key += 1
    objects.append(f'"obj:{number} 0 R":{{"value":{{"/Nums":[{",".join(nums)}]}}}}')
    objects.append(f'"obj:{root_ref}":{{"value":{{"/Type":"/StructTreeRoot","/K":["{document}"],'
                   f'"/ParentTree":"{number} 0 R","/ParentTreeNextKey":{key}}}}}')
    update = '{"qpdf":[{"jsonversion":2},{' + ",".join(objects) + "}]}"
    pdf.update_from_qpdf_json(io.BytesIO(update.encode("ascii")))

    for page_index in sorted(by_mcid):
        pages[page_index].StructParents = page_index
    for key, (annotation, _parent) in enumerate(annotations, start=len(pages)):
        annotation.StructParent = key
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    preferences = pdf.Root.get("/ViewerPreferences", Dictionary())
    preferences.DisplayDocTitle = True
    pdf.Root.ViewerPreferences = preferences
    for page in pages:
        if len(page.get("/Annots", ())):
            page.Tabs = Name.S
    return range(root.objgen[0], number + 1)


def _merge_mcids(into: dict[int, dict[int, str]], more: dict[int, dict[int, str]]) -> None:
    """Add `more`'s marked-content owners (MCID → element, by page index) to `into`."""
    for page_index, owners in more.items():
        mine = into.get(page_index)
        if mine is None:
            into[page_index] = dict(owners)
        else:
            mine.update(owners)
