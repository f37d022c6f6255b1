"""The tagging contract: flowables bracket what they draw in marked content and record a
structure tree while they draw; post-processing (dokureport.output.structure) writes it.

Every flowable is tagged when it is drawn, by its `role` attribute or, without one, by its
type (Paragraph → P, Heading → H1…H6 and a Sect, Table, TableOfContents → TOC with a
TOCI › Reference › Link per entry, Image → Figure). A flowable's own drawing is content of
its element; a nested flowable interrupts it (EMC, the child's own marked content, then a
fresh MCID for the parent), so marked content never nests. Anything drawn by a flowable
without a role, by a table's grid or by the page templates is an Artifact. New flowables
need only set `role` (and `alt` for a Figure, `lang` for text in another language);
flowables that know more (PhotoRow) call `content`/`group` themselves. Text in another
language than the document's is bracketed by LanguageMark flowables (see
layout.flowables.in_language): every element drawn between them gets its /Lang.
"""

from __future__ import annotations

import contextlib
import functools
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Roles whose own drawing is decoration (grid lines, backgrounds), not content.
_FRAME_ROLES = frozenset({"Table", "TR", "TOC", "TOCI", "Sect", "Div", "L", "Art", "Part"})


@dataclass(eq=False, slots=True)
class StructElem:
    """One structure element: role, attributes and kids in reading order."""

    role: str
    attrs: dict[str, Any] = field(default_factory=dict)
    # Kids: StructElem, ("mcid", page, mcid) or ("annot", page, index in the page's /Annots).
    kids: list[Any] = field(default_factory=list)
    # The language its content is in, its own /Lang or inherited; None: the document's.
    lang: str | None = None


@dataclass(slots=True)
class _Frame:
    elem: StructElem | None  # None: the frame's own drawing is an artifact
    flowable: Any = None
    open_at: int = -1  # index of our BDC/BMC in canvas._code while open, else -1
    mcid: tuple[int, int] | None = None
    opens: bool = True  # False: only names the parent of nested elements, draws nothing


@dataclass(slots=True)
class _Undo:
    """What TagRecorder.end undoes of its begin."""

    outer: _Frame | None  # the frame paused while the flowable draws
    named: bool = False  # a frame naming the parent of nested elements was pushed too
    restore: Any = None  # puts back a table's own render callback


class _Platypus(NamedTuple):
    Image: type
    LIIndenter: type
    Paragraph: type
    Table: type
    TableOfContents: type


@functools.cache
def _platypus() -> _Platypus:
    """reportlab's flowable classes, imported once on first use (importing platypus
    early would come before the build sets reportlab's default fonts)."""
    from reportlab.platypus import Image, Paragraph, Table
    from reportlab.platypus.flowables import LIIndenter
    from reportlab.platypus.tableofcontents import TableOfContents

    return _Platypus(Image, LIIndenter, Paragraph, Table, TableOfContents)


class TagRecorder:
    """Hands out MCIDs per page and records the structure tree while one pass draws."""

    def __init__(self, canvas: Any, lang: str | None = None) -> None:
        self.canvas = canvas
        self.document_lang = lang  # the catalog's /Lang
        # Languages begun by LanguageMark flowables (a talk in another language), innermost
        # last: what is drawn meanwhile is in that language.
        self._languages: list[str] = []
        self.root = StructElem("Document")
        self._sections: list[tuple[int, StructElem]] = [(-1, self.root)]
        self._frames: list[_Frame] = []
        self._next_mcid: dict[int, int] = {}
        # Link annotations: (page, index) → the destination name or URI, for /Contents.
        self.links: dict[tuple[int, int], str] = {}
        self.pending_link: str = ""
        # Destination names → heading titles, for the /Contents of internal links.
        self.destinations: dict[str, str] = {}
        self._furniture = 0  # inside artifact(): flowables drawn there are furniture too
        # The element of each drawn flowable that declares `continues` (one that splits
        # into parts): a later part (its `continues` names the first part) adds to the
        # first part's element. Only those, and held weakly: a drawn flowable (its broken
        # lines, a table's cell sizes) goes once the pass is done with it, unless a later
        # part still names it.
        self._drawn: weakref.WeakKeyDictionary[Any, StructElem] = weakref.WeakKeyDictionary()

    def laid_out(self) -> None:
        """The pass is over: let go of the canvas and of every drawn flowable (the tree
        stays), so that post-processing does not keep the whole story in memory, and a
        pass's canvas (which holds its recorder) is freed as soon as the next replaces it,
        not at the next full garbage collection."""
        self._drawn.clear()
        self._frames.clear()
        self.canvas = None

    # -- the tree -----------------------------------------------------------
    def _attach(self, elem: StructElem, parent: StructElem | None = None) -> StructElem:
        """Add `elem` to `parent` (the current element), with a /Lang where its language
        differs from the one it would inherit."""
        parent = parent or self.parent()
        inherited = parent.lang or self.document_lang
        wanted = (elem.attrs.get("Lang") or (self._languages[-1] if self._languages else None)
                  or inherited)
        if wanted and wanted != inherited:
            elem.attrs["Lang"] = wanted
        else:
            elem.attrs.pop("Lang", None)
        elem.lang = wanted if wanted != self.document_lang else None
        parent.kids.append(elem)
        return elem

    def begin_language(self, lang: str) -> None:
        """What is drawn from here on is in `lang` (until end_language)."""
        self._languages.append(lang)

    def end_language(self) -> None:
        if self._languages:
            self._languages.pop()

    def parent(self) -> StructElem:
        for frame in reversed(self._frames):
            if frame.elem is not None:
                return frame.elem
        return self._sections[-1][1]

    def section(self, level: int) -> None:
        """A heading of outline `level` begins: close deeper sections, open a Sect."""
        while self._sections[-1][0] >= level:
            self._sections.pop()
        # A section takes no /Lang of its own: a talk in another language has its heading
        # and abstract tagged, its speakers' lines and the slides' label stay the event's.
        parent = self._sections[-1][1]
        sect = StructElem("Sect", lang=parent.lang)
        parent.kids.append(sect)
        self._sections.append((level, sect))

    # -- marked content -----------------------------------------------------
    @property
    def _page(self) -> int:
        return int(self.canvas.getPageNumber())

    def _code(self) -> list[str]:
        return self.canvas._code  # type: ignore[no-any-return]

    def _open(self, frame: _Frame) -> None:
        code = self._code()
        if frame.elem is None:
            code.append("/Artifact BMC")
        else:
            page = self._page
            mcid = self._next_mcid.get(page, 0)
            self._next_mcid[page] = mcid + 1
            frame.mcid = (page, mcid)
            frame.elem.kids.append(("mcid", page, mcid))
            code.append(f"/{frame.elem.role} <</MCID {mcid}>> BDC")
        frame.open_at = len(code) - 1

    def _close(self, frame: _Frame) -> None:
        if frame.open_at < 0:
            return
        code = self._code()
        if len(code) - 1 == frame.open_at:
            # Nothing drawn: take the operator (and its MCID) back.
            code.pop()
            if frame.mcid is not None and frame.elem is not None:
                page, mcid = frame.mcid
                frame.elem.kids.remove(("mcid", page, mcid))
                if self._next_mcid.get(page) == mcid + 1:
                    self._next_mcid[page] = mcid
        else:
            code.append("EMC")
        frame.open_at, frame.mcid = -1, None

    def _push(self, frame: _Frame) -> _Frame | None:
        """Make `frame` the innermost: the open frame around it pauses (EMC) until _pop.
        Returns that paused frame, for _pop."""
        outer = None
        for f in reversed(self._frames):
            if f.opens:
                outer = f
                break
        if outer is not None:
            self._close(outer)
        self._frames.append(frame)
        self._open(frame)
        return outer

    def _push_naming(self, own: StructElem | None, named: StructElem, flowable: Any = None,
                     restore: Any = None) -> _Undo:
        """Push a frame whose own drawing is content of `own` (None: an artifact), and
        under it one that draws nothing but names `named` as the parent of nested
        elements."""
        outer = self._push(_Frame(own, flowable))
        self._frames.append(_Frame(named, flowable, opens=False))
        return _Undo(outer, named=True, restore=restore)

    def _pop(self, outer: _Frame | None) -> None:
        """End the innermost frame; `outer` (what _push returned) goes on."""
        self._close(self._frames[-1])
        self._frames.pop()
        if outer is not None:
            self._open(outer)

    def _new_elem(self, role: str, attrs: dict[str, Any]) -> StructElem:
        """A new element under the current one, with the attributes that are set."""
        return self._attach(StructElem(role, {k: v for k, v in attrs.items() if v is not None}))

    def begin_content(self, role: str, **attrs: Any) -> _Undo:
        """A new element under the current one; what is drawn until `end` is its content."""
        return _Undo(self._push(_Frame(self._new_elem(role, attrs))))

    def begin_group(self, role: str, **attrs: Any) -> _Undo:
        """A new element whose own drawing (until `end`) is decoration: only nested
        elements are content."""
        # Nested elements go under the element, the drawing of the frame itself is an artifact.
        return self._push_naming(None, self._new_elem(role, attrs))

    @contextlib.contextmanager
    def artifact(self) -> Iterator[None]:
        """Page furniture: footers, page numbers, rules, bands, marks."""
        self._furniture += 1
        outer = self._push(_Frame(None))
        try:
            yield
        finally:
            self._pop(outer)
            self._furniture -= 1

    def link(self, annotation_index: int) -> None:
        """A link annotation was added to the current page: a Link element holds it."""
        page = self._page
        self.links[(page, annotation_index)] = self.pending_link
        parent = self.parent()
        if parent.role == "Link":  # drawn by a Link's own text (a contents entry)
            parent.kids.append(("annot", page, annotation_index))
            return
        self._attach(StructElem("Link", kids=[("annot", page, annotation_index)]), parent)

    # -- flowables ----------------------------------------------------------
    def _in(self, flowable: Any) -> bool:
        return any(frame.flowable is flowable for frame in self._frames)

    # The hook around every flowable's drawOn runs thousands of times a build: begin and
    # end are plain calls, not context managers (which cost a generator each), and
    # `_Undo` says what end undoes.
    def begin(self, flowable: Any) -> _Undo | None:
        """Tag what `flowable` draws from now on, by its role (see the module's
        docstring); None if it is not tagged (furniture, a subclass calling its base)."""
        if self._furniture or self._in(flowable):
            return None
        if type(flowable) is _platypus().LIIndenter:
            # Not isinstance: an LIIndenter hands every attribute lookup to what it indents.
            return self._begin_list_item(flowable)
        first = getattr(flowable, "continues", None)
        if first is not None:
            earlier = self._drawn.get(first)
            if earlier is not None:
                return _Undo(self._push(_Frame(earlier, flowable)))
        parent = self.parent()
        role, attrs = role_of(flowable, parent.role)
        outline = getattr(flowable, "outline", None)
        if outline is not None:
            self.destinations[outline.key] = outline.title
            level = getattr(outline, "level", None)
            if level is not None and role.startswith("H"):
                self.section(level)
                parent = self.parent()
        if role in ("TH", "TD") and parent.role == role:
            # A cell's paragraph (HeaderCell, DataCell) is the cell the table hook opened.
            return _Undo(self._push(_Frame(parent, flowable)))
        if role == "":
            outer = self._push(_Frame(None, flowable))
            restore = self._hook_table(flowable, parent) if parent.role == "TOC" else None
            return _Undo(outer, restore=restore)
        if role == "Link" and parent.role == "TOCI":
            # A TOCI holds a Reference (ISO 32000-1, table 333); the entry's link is in it.
            parent = self._attach(StructElem("Reference"), parent)
        elem = self._attach(StructElem(role, attrs), parent)
        if hasattr(flowable, "continues"):
            self._drawn[flowable] = elem
        if role in _FRAME_ROLES or getattr(flowable, "own_drawing", "") == "artifact":
            return self._push_naming(None, elem, flowable, self._hook_table(flowable, elem))
        return _Undo(self._push(_Frame(elem, flowable)))

    def end(self, undo: _Undo | None) -> None:
        """The flowable `begin` answered `undo` for is drawn."""
        if undo is None:
            return
        if undo.named:
            self._frames.pop()
        if undo.restore is not None:
            undo.restore()
        self._pop(undo.outer)

    def _begin_list_item(self, indenter: Any) -> _Undo:
        """One flowable of a list item, as reportlab's ListFlowable draws it (LIIndenter).

        The first flowable of an item carries its bullet: a new LI with the bullet as Lbl
        and the flowable in LBody. Later flowables of the item (and the parts of one split
        over pages) carry none: they go into the LBody of the list's last LI.
        """
        parent = self.parent()
        if parent.role != "L":
            # A list split where it did not fit (at a page's foot) goes on as its items
            # alone (ListFlowable.split): they belong to the list drawn before them, or,
            # if none of it was, to a list of their own.
            last = parent.kids[-1] if parent.kids else None
            parent = (last if isinstance(last, StructElem) and last.role == "L"
                      else self._attach(StructElem("L"), parent))
        bullet = getattr(indenter._bullet, "value", None)
        last = parent.kids[-1] if parent.kids else None
        if bullet or not (isinstance(last, StructElem) and last.role == "LI"):
            label = StructElem("Lbl") if bullet else None
            body = StructElem("LBody")
            item = self._attach(StructElem("LI"), parent)
            for kid in (label, body):
                if kid is not None:
                    self._attach(kid, item)
        else:
            label, body = None, last.kids[-1]
        # The bullet is the label's content; the flowable it indents goes into LBody.
        return self._push_naming(label, body, indenter)

    def _hook_table(self, flowable: Any, elem: StructElem) -> Any:
        """Rows and cells of a reportlab Table (or of a TOC's table) as TR/TD or TOCI."""
        if not isinstance(flowable, _platypus().Table):
            return None
        if elem.role not in ("Table", "TOC"):
            return None
        original = getattr(flowable, "_renderCB", None)
        header_rows = int(getattr(flowable, "header_rows", 0) or getattr(flowable, "repeatRows",
                                                                          0) or 0)
        header_columns = int(getattr(flowable, "header_columns", 0) or 0)
        open_rows: list[_Undo] = []
        open_cells: list[_Undo] = []

        def callback(table: Any, event: str, *args: Any) -> None:
            if original:
                original(table, event, *args)
            if event == "startRow":
                # A row's own drawing (a spacer row draws nothing else) is no entry's text.
                open_rows.append(self.begin_group("TOCI", Lang=_row_language(table, args[0]))
                                 if elem.role == "TOC" else self.begin_group("TR"))
            elif event == "endRow" and open_rows:
                row = self.parent()
                if getattr(table, "right_to_left", False) and row.role == "TR":
                    row.kids.reverse()  # drawn from the left: read from the right
                self.end(open_rows.pop())
            elif event == "startCell" and elem.role == "Table":
                row_no, col_no = args[0], args[1]
                # A cell spanning columns says how many: every row then spans as many.
                span = (table._spanRanges or {}).get((col_no, row_no)) if table._spanCmds \
                    else None
                wide = {"ColSpan": span[2] - span[0] + 1} if span and span[2] > span[0] else {}
                if getattr(table, "right_to_left", False):  # its columns from the right
                    col_no = table._ncols - 1 - col_no
                if row_no < header_rows:
                    open_cells.append(self.begin_content("TH", Scope="Column", **wide))
                elif col_no < header_columns:
                    open_cells.append(self.begin_content("TH", Scope="Row", **wide))
                else:
                    open_cells.append(self.begin_content("TD", **wide))
            elif event == "endCell" and open_cells:
                self.end(open_cells.pop())

        flowable._renderCB = callback

        def restore() -> None:
            flowable._renderCB = original

        return restore


def _row_language(table: Any, row: int) -> str | None:
    """The language of a contents row: its entry's (sections.contents), if it has one."""
    cell = table._cellvalues[row][0]
    for entry in cell if isinstance(cell, list | tuple) else (cell,):
        lang = getattr(entry, "lang", None)
        if isinstance(lang, str) and lang:
            return lang
    return None


def role_of(flowable: Any, parent_role: str) -> tuple[str, dict[str, Any]]:
    """The structure role of a flowable and its attributes ("" for an artifact)."""
    Image, _, Paragraph, Table, TableOfContents = _platypus()
    attrs: dict[str, Any] = {}
    alt = getattr(flowable, "alt", None)
    lang = getattr(flowable, "lang", None)
    if isinstance(lang, str) and lang:
        attrs["Lang"] = lang
    role = getattr(flowable, "role", None)
    if role is None:
        outline = getattr(flowable, "outline", None)
        if isinstance(flowable, TableOfContents):
            role = "TOC"
        elif outline is not None and isinstance(flowable, Paragraph):
            role = f"H{min(outline.level + 1, 6)}"
        elif isinstance(flowable, Paragraph) and parent_role == "TOCI":
            # A contents entry is one link: its title, its page number, their annotations.
            role = "Link"
        elif isinstance(flowable, Paragraph):
            role = "P"
        elif isinstance(flowable, Table):
            # Inside a TOC the table is the TOC's own rows; elsewhere a table without a
            # role only places things side by side (a layout table): no Table element.
            role = ""
        elif isinstance(flowable, Image):
            role = "Figure"
        else:
            role = ""
    if role == "Artifact":
        role = ""
    if role == "Figure":
        attrs["Alt"] = alt or "Figure"
    elif alt:
        attrs["Alt"] = alt
    return role, attrs


def recorder(canvas: Any) -> TagRecorder | None:
    """The canvas's recorder, or None on a canvas that does not tag (someone else's)."""
    return getattr(canvas, "tags", None)


def language(canvas: Any) -> str | None:
    """The language a LanguageMark set for what is drawn now (a talk in another language),
    or None: the document's."""
    tags = recorder(canvas)
    return tags._languages[-1] if tags is not None and tags._languages else None


@contextlib.contextmanager
def artifact(canvas: Any) -> Iterator[None]:
    """Bracket page furniture drawn on `canvas` as an Artifact."""
    tags = recorder(canvas)
    if tags is None:
        yield
        return
    with tags.artifact():
        yield


@contextlib.contextmanager
def tagged(canvas: Any, role: str, **attrs: Any) -> Iterator[None]:
    """Bracket what is drawn inside as the content of a new `role` element."""
    tags = recorder(canvas)
    if tags is None:
        yield
        return
    furniture, tags._furniture = tags._furniture, 0  # real content amid furniture
    try:
        undo = tags.begin_content(role, **attrs)
        try:
            yield
        finally:
            tags.end(undo)
    finally:
        tags._furniture = furniture


@contextlib.contextmanager
def grouped(canvas: Any, role: str, **attrs: Any) -> Iterator[None]:
    """A new `role` element for the tagged elements drawn inside (its own drawing decorates)."""
    tags = recorder(canvas)
    if tags is None:
        yield
        return
    undo = tags.begin_group(role, **attrs)
    try:
        yield
    finally:
        tags.end(undo)


def _hooked(draw_on: Any) -> Any:
    def drawOn(self: Any, canvas: Any, *args: Any, **kwargs: Any) -> Any:
        tags = getattr(canvas, "tags", None)
        if tags is None:
            return draw_on(self, canvas, *args, **kwargs)
        undo = tags.begin(self)
        try:
            return draw_on(self, canvas, *args, **kwargs)
        finally:
            tags.end(undo)

    drawOn.__dokureport_tags__ = True  # type: ignore[attr-defined]
    return drawOn


def install() -> None:
    """Route every reportlab flowable's drawOn through its canvas's recorder (idempotent).

    Only canvases with a `tags` recorder (BrochureCanvas) are affected.
    """
    from reportlab.platypus import flowables, multicol, tableofcontents

    classes: list[type] = []
    for module in (flowables, multicol, tableofcontents):
        for value in vars(module).values():
            if isinstance(value, type) and "drawOn" in vars(value):
                classes.append(value)
    for cls in classes:
        current = vars(cls)["drawOn"]
        if not getattr(current, "__dokureport_tags__", False):
            cls.drawOn = _hooked(current)  # type: ignore[attr-defined]
