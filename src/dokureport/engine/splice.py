"""Layout (engine): a reportlab document's state at a page start, and the pages of an earlier
document of the same brochure taken over from there on (layout.restart decides when).

A reportlab document grows only at its end while it is laid out: objects are named and
numbered in order of first use (pages, annotations, images), and each TrueType subset
numbers its glyphs in order of first use. Where a layout reaches a page start in the same
state as an earlier layout reached that page (the same objects named so far, the same
glyphs numbered, the same fonts mapped), the earlier layout's objects from there on are
the ones this layout would make: they are taken over, numbered in the same order, and the
earlier document's fonts (their complete numbering) with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import Destination, LinkAnnotation
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.doctemplate import PageBegin

from dokureport.engine.streams import give_stream, redirect


class Unrestorable(Exception):
    """The earlier document cannot be set back to a page's start (a layout from the
    first page is the way)."""


@dataclass
class Finished:
    """What a layout's document held when its last page was done, before saving (which
    adds the fonts, catalog and outline): for a later layout to take pages from."""

    canvas: Any
    names: list[str]  # every object's name, in the order named
    font_mapping: dict[str, str]
    delayed_fonts: list[Any]
    pages: int
    outline: list[tuple[int, tuple[Any, ...]]]  # (page, addOutlineEntry's arguments)
    fonts: dict[str, Any]  # each TrueType font's numbering (reportlab's state), by name


def names(canvas: Any) -> int:
    """How many objects `canvas`'s document has named so far."""
    return len(canvas._doc.idToObject)


def font_state(canvas: Any) -> tuple[Any, ...]:
    """The fonts mapped so far, in order (what a page's font names depend on)."""
    doc = canvas._doc
    return (tuple(doc.fontMapping.items()), tuple(id(f) for f in doc.delayedFonts))


def finished(canvas: Any, pages: int, outline: list[tuple[int, tuple[Any, ...]]]) -> Finished:
    doc = canvas._doc
    fonts = {name: font.state[doc] for name, font in pdfmetrics._fonts.items()
             if isinstance(font, TTFont) and doc in font.state}
    return Finished(canvas=canvas, names=list(doc.idToObject), font_mapping=dict(doc.fontMapping),
                    delayed_fonts=list(doc.delayedFonts), pages=pages, outline=list(outline),
                    fonts=fonts)


def same_objects(canvas: Any, earlier: Finished, count: int) -> bool:
    """Whether `canvas`'s document named the same `count` objects, in the same order, as
    the earlier document had named by then, and mapped its fonts alike."""
    doc = canvas._doc
    if len(doc.idToObject) != count or doc.objectcounter != count:
        return False
    if list(doc.idToObject) != earlier.names[:count]:
        return False
    mapped = list(doc.fontMapping.items())
    return mapped == list(earlier.font_mapping.items())[:len(mapped)] and [
        f.fontName for f in doc.delayedFonts] == [
        f.fontName for f in earlier.delayed_fonts[:len(doc.delayedFonts)]]


def take_over(canvas: Any, earlier: Finished, page: int, count: int) -> None:
    """Give `canvas`'s document the earlier document's pages from `page` on and every
    object named from `count` on, in the same order; its fonts' numbering; its outline
    entries from `page` on and the destinations they and its links name.

    The canvas must have shown every page before `page` and drawn nothing since."""
    doc, old = canvas._doc, earlier.canvas._doc
    for name in earlier.names[count:]:
        _adopt(doc, old, name)
    doc.Pages.pages[page - 1:] = old.Pages.pages[page - 1:earlier.pages]
    doc.pageCounter = earlier.pages + 1
    doc.fontMapping = dict(earlier.font_mapping)
    # A build registers its fonts anew: the same font, by name, in another object.
    doc.delayedFonts = [pdfmetrics.getFont(font.fontName) for font in earlier.delayed_fonts]
    for name, state in earlier.fonts.items():
        font = pdfmetrics.getFont(name)
        if isinstance(font, TTFont):
            font.state[doc] = state
    _destinations(canvas, earlier.canvas, page)
    _relink(doc, canvas._destinations, earlier.names[count:])
    calls = getattr(canvas, "outline_calls", None)
    for at, args in earlier.outline:
        if at >= page:
            # reportlab's own, recorded here with the page the entry was made on.
            Canvas.addOutlineEntry(canvas, *args)
            if calls is not None:
                calls.append((at, args))
    canvas._annotationCount = earlier.canvas._annotationCount
    canvas._code = []


def _destinations(canvas: Any, earlier: Any, page: int) -> None:
    """Each destination as this layout bound it (before `page`) or the earlier one did
    (from `page` on), in this layout's object (`_relink` makes the pages taken name it)."""
    ours, theirs = canvas._destinations, earlier._destinations
    for name in set(ours) | set(theirs):
        mine, old = ours.get(name), theirs.get(name)
        if old is not None and (mine is None or mine.fmt is None) and old.fmt is not None \
                and _page_of(old) >= page:
            state = dict(vars(old))
        elif mine is not None:
            state = dict(vars(mine))
        else:
            continue
        for dest in (mine, old):
            if dest is not None:
                dest.__dict__.update(state)
        if mine is None:
            ours[name] = old


def _page_of(destination: Any) -> int:
    name = getattr(destination.page, "name", "")
    return int(name[4:]) if name.startswith("Page") and name[4:].isdigit() else 0


def restore(canvas: Any, earlier: Finished, page: int, count: int, fonts: int,
            glyphs: dict[str, int]) -> None:
    """Give `canvas`'s new document the earlier document as it was when `page` began: its
    first `count` objects (its pages before `page` among them), its first `fonts` fonts
    mapped, each TrueType font's first `glyphs[name]` glyphs numbered, its destinations
    bound before `page` and its outline entries made before it.

    The earlier document is taken apart: it is no longer the earlier layout's."""
    doc, old = canvas._doc, earlier.canvas._doc
    for name in earlier.names[:count]:
        if name in doc.idToObject:
            continue  # made by every new document (the fonts' dictionary)
        _adopt(doc, old, name)
    doc.Pages.pages[:] = old.Pages.pages[:page - 1]
    doc.pageCounter = page
    canvas._pageNumber = page
    annotations = [int(n[len("Annot.NUMBER"):]) for n in earlier.names[:count]
                   if n.startswith("Annot.NUMBER") and n[len("Annot.NUMBER"):].isdigit()]
    canvas._annotationCount = max(annotations, default=0)
    for name in list(earlier.font_mapping)[:fonts]:
        font = pdfmetrics.getFont(name)
        if isinstance(font, TTFont):
            _number(font, doc, earlier.fonts.get(name), glyphs.get(name, 0))
            font.getSubsetInternalName(0, doc)
        else:
            doc.getInternalFontName(name)
    for name, state in earlier.fonts.items():
        font = pdfmetrics.getFont(name)
        if isinstance(font, TTFont) and doc not in font.state:
            _number(font, doc, state, glyphs.get(name, 0))
    if list(doc.fontMapping.items()) != list(earlier.font_mapping.items())[:fonts]:
        raise Unrestorable("fonts mapped otherwise than the earlier document's")
    ours = canvas._destinations
    for name, dest in earlier.canvas._destinations.items():
        # Bound before the page: the earlier one. Others are bound anew as their pages
        # are laid out, or taken with their pages (`take_over`); the earlier objects
        # hold their binding meanwhile for a later page to take.
        bound = dest.fmt is not None and 0 < _page_of(dest) < page
        ours[name] = dest if bound else Destination(name)
    _relink(doc, ours, earlier.names[:count])
    calls = getattr(canvas, "outline_calls", None)
    for at, args in earlier.outline:
        if at < page:
            Canvas.addOutlineEntry(canvas, *args)
            if calls is not None:
                calls.append((at, args))


def _number(font: Any, doc: Any, state: Any, count: int) -> None:
    """Number `font`'s glyphs in `doc` as `state` (the earlier document's, complete)
    numbered its first `count`: the same characters, in the same order."""
    if state is None or count == 0:
        return
    fresh = font.state[doc] = TTFont.State(font._asciiReadable, font)
    chars = [c for c in list(state.assignments)[:count] if c not in fresh.assignments]
    if chars:
        font.splitString("".join(map(chr, chars)), doc)
    if list(fresh.assignments.items()) != list(state.assignments.items())[:count]:
        raise Unrestorable(f"{font.fontName}: glyphs numbered otherwise")


def _relink(doc: Any, destinations: dict[str, Any], names: list[str]) -> None:
    """The links among the objects `names` (taken from an earlier document) name this
    layout's destinations: a link names the object of the layout that drew it, and a
    page taken over again and again would name an object some generations back, bound
    no longer as this layout binds its name."""
    for name in names:
        link = doc.idToObject[name]
        if isinstance(link, LinkAnnotation):
            dest = getattr(link, "Destination", None)
            mine = destinations.get(getattr(dest, "name", None))
            if isinstance(dest, Destination) and mine is not None and mine is not dest:
                redirect(link, mine)


class Restartable:
    """The doc template's part (mixed in before reportlab's BaseDocTemplate): the state of
    its page templates a page begins in, set again where a layout restarts; a build that
    ends without its last page once it took an earlier layout's pages (`_spliced`)."""

    def template_state(self) -> tuple[Any, ...]:
        """What the next page templates and frames are, and what frames carry over."""
        return (getattr(self, "_nextPageTemplateIndex", None),
                getattr(self, "_nextPageTemplateCycle", None),
                getattr(self, "_nextFrameIndex", None),
                getattr(self, "_leftExtraIndent", 0), getattr(self, "_rightExtraIndent", 0),
                list(getattr(self, "_frameBGs", [])))

    def set_template_state(self, state: tuple[Any, ...]) -> None:
        next_index, next_cycle, next_frame, left, right, backgrounds = state
        for name, value in (("_nextPageTemplateIndex", next_index),
                            ("_nextPageTemplateCycle", next_cycle),
                            ("_nextFrameIndex", next_frame)):
            if value is not None:
                setattr(self, name, value)
            elif hasattr(self, name):
                delattr(self, name)
        self._leftExtraIndent, self._rightExtraIndent = left, right
        self._frameBGs = list(backgrounds)

    def pending(self, flowables: list[Any] | None = None) -> int | bool:
        """How many actions hang (a page to begin); with `flowables`: whether they are
        those actions, not the story."""
        hanging = self._hanging  # type: ignore[attr-defined]
        return flowables is hanging if flowables is not None else len(hanging)

    def before_save(self) -> None:
        """The last page is done: the document holds what its layout made."""

    def _endBuild(self) -> None:
        # reportlab's, with `before_save`; after taking pages the page begun is dropped.
        doc: Any = self
        doc._removeVars(("build", "page", "frame"))
        if getattr(doc, "_spliced", False):
            doc._hanging = []
        elif doc._hanging != [] and doc._hanging[-1] is PageBegin:
            del doc._hanging[-1]
            doc.clean_hanging()
        else:
            doc.clean_hanging()
            doc.handle_pageBreak()
        self.before_save()
        if getattr(doc, "_doSave", 1):
            doc.canv.save()
        if doc._onPage:
            doc.canv.setPageCallBack(None)


def pages_shown(canvas: Any) -> int:
    return len(canvas._doc.Pages.pages)


def fonts_mapped(canvas: Any) -> int:
    return len(canvas._doc.fontMapping)


def objects(canvas: Any) -> tuple[int, int]:
    """The objects numbered and named so far."""
    doc = canvas._doc
    return doc.objectcounter, len(doc.idToObject)


def glyph_numbering(canvas: Any) -> list[tuple[str, dict[int, int]]]:
    """Each TrueType font's glyph numbering in `canvas`'s document (character → code,
    in the order the codes were given), by font name."""
    doc = canvas._doc
    out = []
    for name, font in pdfmetrics._fonts.items():
        if isinstance(font, TTFont):
            state = font.state.get(doc)
            if state is not None:
                out.append((name, state.assignments))
    return sorted(out, key=lambda item: item[0])


def _adopt(doc: Any, old: Any, name: str) -> None:
    """The earlier document's object `name`, numbered next in `doc`."""
    obj = old.idToObject[name]
    if type(obj).__name__ == "PDFPage":
        # Made anew when saved: the content stream and the parent are objects the
        # earlier save numbered, and the resources name the fonts' dictionary. The
        # stream's formatted bytes are the page's (engine.streams): not compressed again.
        obj.Parent = obj.Resources = None
        obj.Contents = None
        give_stream(obj)
    doc.objectcounter += 1
    doc.idToObjectNumberAndVersion[name] = (doc.objectcounter, 0)
    doc.numberToId[doc.objectcounter] = name
    doc.idToObject[name] = obj
