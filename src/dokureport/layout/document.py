"""The page machinery: page size and boxes, page templates, running footer, outline and TOC."""

from __future__ import annotations

import dataclasses
import functools
import sys
from collections.abc import Callable
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError
from reportlab.platypus.flowables import NullDraw
from reportlab.platypus.tableofcontents import TableOfContents

from dokureport import engine
from dokureport.core.version import __version__
from dokureport.design.print_ink import print_ink
from dokureport.engine import linebreaks, reportlab_fixes, settled, splice, tags
from dokureport.engine.canvas import BrochureCanvas
from dokureport.engine.contents import kept_content, reserve_entries
from dokureport.engine.frames import DraftFrame
from dokureport.engine.keeping import KeepWithFirstLines
from dokureport.engine.starts import SectionStart, frame_used
from dokureport.i18n.language import pdf_language
from dokureport.layout import restart, source
from dokureport.layout.context import LayoutContext, SectionPages
from dokureport.layout.flowables import Heading, LanguageMark
from dokureport.layout.marks import MARKS_AREA, crop_mark_lines, draw_marks
from dokureport.layout.plan import Laid, SectionStartRecord
from dokureport.layout.running_heads import RunningHeads
from dokureport.layout.running_heads import draw as draw_running_head

COVER = "cover"
CONTENT = "content"
BLANK = "blank"  # a booklet's padding page: nothing on it, not even the page number
COLUMNS = "columns"  # a large programme's talks: two columns over the wide width

PageDrawer = Callable[[Canvas, BaseDocTemplate], None]

TOC_ENTRY_CHARACTERS = 200  # about three lines of a contents entry on A5
# A section that does not start a page starts one when less than this share is free.
MIN_FREE_TO_START = 0.4


def section_start(ctx: LayoutContext, key: str, new_page: bool) -> SectionStart:
    """Where the section `key` starts: on a new page if the theme says so (`new_page`),
    unless the page before is less full than the theme's `pages.run_on_below`, or the
    page planner decided otherwise; then it runs on after a line's space."""
    g = ctx.geometry
    return SectionStart(key, new_page=new_page, run_on_below=ctx.design.pages.run_on_below,
                        min_free=MIN_FREE_TO_START, frame_height=g.frame_height,
                        gap=g.body_leading, forced=ctx.plan.forced(key),
                        always_on=(COVER, BLANK, COLUMNS))


def shortened(text: str, limit: int) -> str:
    """text cut after its last whole word within limit characters, marked with " …"."""
    words = text.split()
    if len(" ".join(words)) <= limit:
        return " ".join(words)
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) > limit - 2:
            break
        kept.append(word)
    return " ".join(kept or [words[0][: limit - 2]]) + " …"


def _as_artifact(draw: PageDrawer) -> PageDrawer:
    """A page drawer whose drawing is page furniture (an Artifact) unless it tags it;
    it draws nothing in a draft pass."""

    def drawer(canvas: Canvas, doc: BaseDocTemplate) -> None:
        if getattr(doc, "drafting", False):
            return
        with tags.artifact(canvas):
            draw(canvas, doc)

    return drawer


class ContentTooLarge(Exception):
    """reportlab cannot place some content on any page (its LayoutError), and which."""

    def __init__(self, key: source.KeyPath, page: int, detail: str) -> None:
        super().__init__(f"{key}: {detail}")
        self.key = key
        self.page = page
        self.detail = detail


class EveryPhotoDrawn(Flowable):
    """Takes no room; keeps multiBuild going while a pass has left a photo out."""

    def __init__(self, images: Any) -> None:
        super().__init__()
        self.images = images
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass

    def isIndexing(self) -> int:
        return 1

    def isSatisfied(self) -> bool:
        return not self.images.skipped

    def beforeBuild(self) -> None:
        pass

    def afterBuild(self) -> None:
        pass

    def notify(self, kind: str, stuff: Any) -> None:
        pass


def cover_panel(ctx: LayoutContext) -> tuple[float, float] | None:
    """A typographic cover's colour panel (bottom and top, in the bleed box's coordinates),
    or None when the cover shows a photo.

    The panel takes the photo's place (the theme's photo_share of the page from the top,
    into the bleed) and never runs under a logo at the top: a logo's colours are unknown.
    It reaches further down when the cover's title block (`ctx.cover_text`, as the cover
    measured it) would not fit at full size.
    """
    g, bleed, cover = ctx.geometry, ctx.bleed, ctx.design.cover
    if cover.photo != "none" and ctx.event.photos.cover is not None:
        return None
    bottom = bleed + g.page_height * (1 - cover.photo_share)
    top = bleed + g.page_height + bleed
    if cover.logo.position.startswith("top") and ctx.event.organiser is not None \
            and ctx.event.organiser.logo is not None:
        top = bleed + g.page_height - g.margin_top - cover.logo.height * mm \
            - g.body_leading * 1.5
    if ctx.cover_text is not None:
        # Reaching down until the title block fits at full size, leaving the facts below
        # theirs: a long title takes more of the page, never smaller type.
        head, facts = ctx.cover_text
        padding = cover_panel_padding(ctx, (bottom, top))
        needed = top - padding - head - g.body_leading * 2
        lowest = cover_text_bottom(ctx) + facts + g.body_leading * 2
        bottom = max(min(bottom, needed), lowest)
    return bottom, top


def cover_text_bottom(ctx: LayoutContext) -> float:
    """Where the cover's text frame ends at the bottom: the page's bottom margin, and half
    a logo's height above it unless the text stands under a top photo with the logo up."""
    g, bleed, cover = ctx.geometry, ctx.bleed, ctx.design.cover
    logo = cover.logo.height * mm * 0.5
    at_foot = cover.logo.position.startswith("bottom") or cover.photo != "top"
    return bleed + g.margin_bottom + (logo if at_foot else 0)


def cover_panel_padding(ctx: LayoutContext, panel: tuple[float, float]) -> float:
    """The space between the panel's top and its text: the page margin at the page's top
    edge, two lines' worth under a logo."""
    g, bleed = ctx.geometry, ctx.bleed
    at_edge = panel[1] >= bleed + g.page_height
    return (g.margin_top if at_edge else 0) + g.body_leading * 2


class BrochureDocument(splice.Restartable, reportlab_fixes.WeakMultiBuildEdits,
                       BaseDocTemplate):
    """A4/A5/Letter pages, trimmed size plus bleed, with a cover and content template."""

    def __init__(self, filename: str, ctx: LayoutContext, draw_cover: PageDrawer | None) -> None:
        g, bleed = ctx.geometry, ctx.bleed
        event = ctx.event
        self.for_print = ctx.options.target == "print"
        # Print pages have room for crop marks beyond the bleed. Every page is drawn
        # translated by it (see handle_pageBegin), so layout code places things
        # relative to the bleed box's corner whether or not the marks are there.
        self.marks_area = MARKS_AREA if self.for_print else 0.0
        edge = bleed + self.marks_area
        media = (g.page_width + 2 * edge, g.page_height + 2 * edge)
        trim = (edge, edge, edge + g.page_width, edge + g.page_height)
        boxes: dict[str, Any] = {}
        if self.for_print:
            boxes = {"trimBox": trim,
                     "bleedBox": (self.marks_area, self.marks_area,
                                  media[0] - self.marks_area, media[1] - self.marks_area),
                     "cropBox": (0, 0, *media)}
        super().__init__(
            filename,
            pagesize=media,
            # In the translated coordinates; right and top take the marks area twice so
            # that the doc's width and height are still the frame's.
            leftMargin=bleed + g.margin_inner,
            rightMargin=bleed + g.margin_outer + 2 * self.marks_area,
            topMargin=bleed + g.margin_top + 2 * self.marks_area,
            bottomMargin=bleed + g.margin_bottom,
            title=event.title,
            author=event.organiser.name if event.organiser else "dokureport",
            subject=event.subtitle or event.event.kind or event.title,
            keywords=", ".join(k for k in (event.event.kind, event.organiser and
                                           event.organiser.name) if k),
            creator=f"dokureport {__version__}",
            producer=f"dokureport {__version__} (ReportLab)",
            lang=pdf_language(event.lang),
            invariant=1,
            displayDocTitle=1,
            # reportlab's own default would be Helvetica, unembedded: the theme's font.
            initialFontName=ctx.styles.body.fontName,
            # A heading keeps with its text's first lines, not with a whole long paragraph.
            keepTogetherClass=KeepWithFirstLines,
            **boxes,
        )
        self.ctx = ctx
        # The settled pass's save only marks the PDF done; `write` saves it (a layout the
        # page planner replaces is never formatted).
        self.deferred = False
        self._content_frame = content_frame = DraftFrame(
            self.leftMargin, self.bottomMargin, g.frame_width, g.frame_height,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body",
        )
        self._passes = 0
        self._digests: tuple[bytes | None, ...] | None = None
        self._ledger: restart.Recorder | None = None
        self.restart: restart.Comparison | None = None
        # A watch rebuild takes the last build's pages where its page breaks settle back
        # into them (layout.restart): that build, the pass that may, whether it did.
        self._kept: restart.Kept | None = None
        self._splice_from: restart.Kept | None = None
        self._spliced = False
        # The last pass's take-over: the page from which it took the kept layout's pages,
        # and that layout's ledger (the page planner reads it: pipeline).
        self.taken: tuple[int, restart.Ledger] | None = None
        # This layout's ledger, and which brochure it is but for the page plan (watch mode).
        self.ledger: restart.Ledger | None = None
        self.brochure: tuple[Any, ...] | None = None
        self._seeds = b""
        # This build's last layout, for the next pass (or the rest of this one) to take
        # pages from, and what each indexing flowable prints in this pass (watch mode).
        self._earlier: restart.Kept | None = None
        self._printed: list[Any] = []
        # Where this layout differs from `_splice_from`'s, by story position: each part
        # that changed, and where pages print nothing it changed (restart.changes,
        # `_printing_otherwise`).
        self._changes: list[tuple[int, int]] = []
        self._taken_at: int | None = None  # the story position pages were taken from
        self._notes: list[tuple[int, str, Any]] = []
        self._finished: splice.Finished | None = None
        self._restart_at: restart.PageStart | None = None
        # The footer's title, set once per document (a cache of the instance, not of the
        # method: functools.cache on a method kept every document of the process alive).
        self._footer_paragraphs: dict[tuple[str, float, Any], Paragraph] = {}
        self._warnings_start = 0
        self._settle_like: tuple[Any, ...] | None = None
        self._indexing: list[Any] = []
        self.running_heads = RunningHeads()
        self._draft_first = False  # the first pass is known not to be the last
        self.drafting = False  # this pass only places: it draws nothing
        self._progress: Any = None
        templates = [
            PageTemplate(CONTENT, [content_frame], onPage=_as_artifact(self._draw_footer),
                         onPageEnd=_as_artifact(self._draw_running_head)),
            PageTemplate(BLANK, [content_frame]),
        ]
        self._column_frames: list[DraftFrame] = []
        if ctx.columns is not None:
            column = ctx.columns.column
            self._column_frames = [
                DraftFrame(self.leftMargin, self.bottomMargin, column.frame_width,
                           g.frame_height, leftPadding=0, rightPadding=0, topPadding=0,
                           bottomPadding=0, id=f"column{n}") for n in (1, 2)]
            templates.append(PageTemplate(COLUMNS, self._column_frames,
                                          onPage=_as_artifact(self._draw_footer),
                                          onPageEnd=_as_artifact(self._draw_running_head)))
        if draw_cover is not None:  # the first template is the first page's
            # The cover's bands and rules are furniture; its drawer tags photo and logo.
            templates.insert(0, PageTemplate(COVER, [self._cover_frame()],
                                             onPage=_as_artifact(draw_cover),
                                             autoNextPageTemplate=CONTENT))
        self.addPageTemplates(templates)

    def _cover_frame(self) -> Frame:
        """Where the cover's text goes, by the theme's cover design."""
        g, bleed, cover = self.ctx.geometry, self.ctx.bleed, self.ctx.design.cover
        bottom = cover_text_bottom(self.ctx)
        panel = cover_panel(self.ctx)
        if cover.photo == "top":
            # Between the photo (with air below it) and the logo.
            top = bleed + g.page_height * (1 - cover.photo_share) - g.body_leading * 2
        else:
            # On the panel over the photo's lower part (see sections.cover).
            # The cover measured its text and raised the panel to hold it at full size.
            panel_top = self.ctx.cover_panel_top or bleed + g.page_height * 0.42
            top = panel_top - g.body_leading * 2
        if panel is not None:
            # A typographic cover: from the panel's inner top down (see sections.cover).
            top = panel[1] - cover_panel_padding(self.ctx, panel)
        # Its text at the inner margin's side, the outer margin's spare taken: the page's
        # right margin is the inner one when right to left.
        left = bleed + (g.cover_margin_outer if self.bound_at_right(1) else g.margin_inner)
        return DraftFrame(left, bottom, g.cover_width, top - bottom,
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                          id="cover")

    def build(self, flowables: list[Any], filename: Any = None, canvasmaker: Any = None
              ) -> None:
        # Images named by content (reproducible); no transparency and black ink only
        # for black on print pages.
        # With a print profile, every colour becomes the press's CMYK (PDF/X-4).
        profile = self.ctx.profile if self.for_print else None
        maker = canvasmaker or functools.partial(
            BrochureCanvas, flatten_alpha=self.for_print, k_black=self.for_print,
            tagged=self.ctx.options.tagged, deferred=self.deferred,
            ink=print_ink(self.ctx.design, profile) if profile is not None else None)
        self._passes += 1
        engine.install()
        # Only the first pass may leave out photos that are not prepared yet.
        self.ctx.images.wait = self._passes > 1
        self.drafting = self._passes == 1 and self._draft_first
        for template in self.pageTemplates:
            for frame in template.frames:
                if isinstance(frame, DraftFrame):
                    frame.drafting = self.drafting
        self._progress = None
        if self.ctx.options.progress:
            from tqdm import tqdm

            # multiBuild lays out the whole brochure until the TOC's page numbers settle.
            self._progress = tqdm(desc=f"Pages (pass {self._passes})", unit="page",
                                  file=sys.stderr, leave=False)
        if self._digests is not None:
            # The page numbers this pass prints (what the last pass's notifications said:
            # reportlab's beforeBuild has made them the flowables' to print).
            self._printed = settled.printed(self._indexing)
            self._seeds = restart.references(self._printed)
        kept, earlier, self._earlier = self._kept, self._earlier, None
        if self._passes > 1:
            self._kept = None  # only a first pass takes the last build's pages
        self._splice_from = kept if (
            kept is not None and self._passes == 1 and not self.drafting
            and kept.seeds == self._seeds) else None
        self._warnings_start = len(self.ctx.warnings)
        self._changes = []
        if self._splice_from is not None and self._digests is not None:
            # The last build's story, where it changed: each part laid out again.
            self._changes = restart.changes(self._splice_from.ledger.digests, self._digests)
        elif earlier is not None and self._digests is not None:
            self._changes = self._printing_otherwise(earlier, flowables)
            if self._changes:
                self._splice_from = earlier
        story = list(flowables) if self._changes else []
        try:
            while True:
                self._lay_out(flowables, filename, maker)
                pending = [change for change in self._changes
                           if self._taken_at is not None and change[0] >= self._taken_at]
                if not pending:
                    break
                # Pages taken over that this layout changes further on (a part of the
                # story edited, or page numbers printed otherwise): laid out again from
                # the first of them, the pages before it taken from the layout just made.
                self._changes = pending
                self._splice_from = self._earlier
                self.undo_pass_edits()
                settled.heard_nothing(self._indexing)
                flowables = list(story)
        finally:
            if self._progress is not None:
                self._progress.close()

    def _lay_out(self, flowables: list[Any], filename: Any, maker: Any) -> None:
        """One layout of the story, from the first page or from where `_splice_from`'s
        pages part from this one's (its first change, or the story's first digest that
        differs), taking its pages where they settle back into it."""
        self.ctx.images.skipped = False  # says whether *this* pass left a photo out
        if self.drafting:
            # A draft leaves out every photo: EveryPhotoDrawn then asks for another pass
            # even if the contents were satisfied, so a draft is never the output.
            self.ctx.images.skipped = True
        self.ctx.sections.clear()  # each pass records them afresh; the last one counts
        # And the photos it places: a later layout takes a page's photos with it where
        # the photos placed before the page are the same (`_page_started`).
        self.ctx.images.placed.clear()
        self.running_heads = RunningHeads()
        self.ctx.starts.clear()
        self.ctx.pages_used.clear()
        engine.brochure_direction(self.ctx.direction.right_to_left)
        self._ledger = (restart.Recorder.of(flowables, self._digests)
                        if self._digests is not None else None)
        self._notes, self._spliced, self._finished = [], False, None
        self.taken, self._taken_at, self._earlier = None, None, None
        # Where this layout may begin: the kept layout's pages before the first one whose
        # story (or printed page numbers) changed are its own (layout.restart).
        self._restart_at = None
        if self._splice_from is not None and self._ledger is not None:
            self._restart_at = restart.restart_point(
                self._splice_from, self._ledger,
                self._changes[0][0] if self._changes else None)
            if self._restart_at is not None:
                del flowables[:self._restart_at.position]
        try:
            super().build(flowables, filename, maker)
            restart.count_pages(self.page)
            self._earlier = self._this_pass()
        finally:
            engine.brochure_direction(False)
            recorder = tags.recorder(self.canv)
            if recorder is not None:
                recorder.laid_out()

    def _printing_otherwise(self, earlier: restart.Kept, flowables: list[Any]
                            ) -> list[tuple[int, int]]:
        """Where this pass (one after the first) prints other page numbers than `earlier`,
        the pass before: per indexing flowable whose numbers changed, its story position
        and the position from which the pages print none of them ([]: not known).

        The contents and the speaker index print their own numbers; the agenda's are
        printed by the items that follow it, to the story's end as far as this knows.
        Every other page is the last pass's where the page breaks are.
        """
        where = {id(f): at for at, f in enumerate(flowables)}
        changes = []
        for flowable, before, now in zip(self._indexing, earlier.printed, self._printed,
                                         strict=True):
            if before == now:
                continue
            at = where.get(id(flowable))
            if at is None:
                return []  # not in the story itself: no telling where it prints
            changes.append((at, at + 1 if settled.prints_itself(flowable) else len(flowables)))
        return sorted(changes)

    def _may_take(self, position: int) -> bool:
        """Whether the pages from one that begins with the story's flowable `position` on
        may be taken from `_splice_from`: past the first change this layout is to make
        (`_changes`), and past every page number printed before `position` otherwise.
        Later changes among them are laid out again (`build`)."""
        if not self._changes:
            return True
        return position >= self._changes[0][1] and all(
            past <= position for at, past in self._changes if at < position)

    def _this_pass(self) -> restart.Kept | None:
        """This pass's layout, for the next pass to take pages from (watch mode): none
        from a draft, or a pass that left a photo out."""
        if self._ledger is None or self.drafting or self.ctx.images.skipped:
            return None
        return self._layout(self._ledger.ledger(
            restart.references(settled.reported(self._indexing))))

    def write(self) -> None:
        """Save the PDF a deferred layout left unsaved (nothing when it was saved)."""
        write = getattr(self.canv, "write", None)
        if write is not None:
            write()

    def build_settled(self, story: list[Any], max_passes: int = 6) -> int:
        """Lay the story out until the table of contents settles; returns the passes.

        reportlab's multiBuild, plus photos. The first pass is never the last (the table
        of contents learns its entries there), so it leaves out photos not prepared yet
        and its text layout overlaps the photo work; later passes wait for them. Should
        a settled pass still have left one out, one more pass draws every photo.
        """
        self._passes = 0
        self._earlier = None
        self._indexing = settled.indexing(story)
        self._reserve_contents(story)
        linebreaks.budget(story)
        full = [EveryPhotoDrawn(self.ctx.images), *story]
        # Watch mode: each page's start, to compare with the last build's (layout.restart).
        self._digests = restart.digests(full) if restart.keeping() else None
        key = self._restart_key() if self._digests is not None else None
        self._kept = restart.take(key) if key is not None else None
        try:
            try:
                passes = self.multiBuild(full, maxPasses=max_passes)
            except splice.Unrestorable:
                self._kept = self._earlier = None  # lay out from the first page after all
                passes = self.multiBuild(full, maxPasses=max_passes)
        except IndexError:
            raise LayoutError("the table of contents did not settle in "
                              f"{max_passes + 1} passes") from None
        if restart.keeping():
            self.undo_last_edits()  # the next story may be handed these flowables
        settled.remember(self._settle_key, self._indexing, self.ctx.options.cache_dir,
                         like=self._settle_like)
        self._kept = self._splice_from = self._earlier = None
        if self._ledger is not None and key is not None:
            ledger = self._ledger.ledger(restart.references(settled.reported(self._indexing)))
            self.restart = restart.remember(key, ledger)
            self._keep(key, ledger)
            self.ledger, self.brochure = ledger, key[1:]
        return passes

    def _keep(self, key: tuple[Any, ...], ledger: restart.Ledger) -> None:
        """Keep this layout for the next of the same brochure to take pages from."""
        kept = self._layout(ledger)
        if kept is not None:
            restart.keep(key, kept)

    def _layout(self, ledger: restart.Ledger) -> restart.Kept | None:
        """The last pass's layout as a later one may take its pages (None: it may not)."""
        ctx, recorder = self.ctx, tags.recorder(self.canv)
        if self._finished is None or ctx.text.missing_glyphs:
            return None
        return restart.Kept(
            ledger=ledger, spines=self._ledger.spines if self._ledger else {},
            document=self._finished, recorder=recorder, notes=self._notes,
            starts=list(ctx.starts), pages_used=list(ctx.pages_used),
            sections=[dataclasses.replace(s) for s in ctx.sections],
            placed=list(ctx.images.placed.items()), warnings=len(ctx.warnings),
            seeds=self._seeds, warnings_start=self._warnings_start, printed=self._printed)

    def _restart_key(self) -> tuple[Any, ...]:
        """Which earlier layout this one's pages compare with: the same page plan, and
        the same brochure (`_brochure_key`)."""
        return (self.ctx.plan.key(), *self._brochure_key())

    def _brochure_key(self) -> tuple[Any, ...]:
        """The same paper, target, theme and footer."""
        return (tuple(self.pagesize), repr(self.ctx.options),
                restart.fingerprint(self.ctx.design),
                # Drawn by the page templates from the event, not the story: the footer
                # on every page, the cover's photo, logo and panel.
                self._footer_text(), self.ctx.event.lang, self._cover_inputs())

    def _cover_inputs(self) -> str:
        """What the cover's page drawer draws, its files as they are now."""
        event, ctx = self.ctx.event, self.ctx
        cover = event.photos.cover
        files = [restart.stamp(event.resolve(f)) for f in (
            cover.file if cover is not None else None,
            event.organiser.logo if event.organiser is not None else None) if f is not None]
        return repr((cover, event.organiser, event.title, event.subtitle, ctx.cover_text,
                     ctx.cover_panel_top, files))

    def _reserve_contents(self, story: list[Any]) -> None:
        """Give each table of contents its entries before the first pass, pages unknown.

        The entries are known before layout (the headings listed in the contents), and a
        contents row's height does not depend on its page number (drawn by a callback):
        so the first pass lays the contents out at its final size, the pages after it
        land where they will stay, and the second pass only fills in the numbers. Were
        the guess wrong, reportlab's usual settling takes one more pass, nothing worse.
        """
        expected = [(level, text, 0, key) for level, text, key in _contents_entries(story,
                                                                                   self.ctx)]
        # The same brochure built before (in this process, or with this cache folder): its
        # settled pages are the first pass's guess, which may well be right (and then the
        # last pass).
        # The page plan is part of it: a booklet's or a short page's plan lays the same
        # story out to other pages.
        self._settle_key = (tuple(self.pagesize), self.ctx.options.target, tuple(expected),
                            self.ctx.plan.key())
        # In watch mode, a guess from the last build with the same headings in the same
        # places will do when a title changed: the first pass prints the old title in the
        # contents, so a second one prints the new, but the first takes the last build's
        # pages (a draft, without a guess, takes none).
        self._settle_like = (tuple(self.pagesize), self.ctx.options.target,
                             tuple((level, key) for level, _, _, key in expected),
                             self.ctx.plan.key()) if restart.keeping() else None
        languages = _contents_languages(story)
        for flowable in story:
            if isinstance(flowable, TableOfContents):
                # A contents entry of a talk in another language is in that language too.
                flowable.languages = languages  # type: ignore[attr-defined]
        indexing = self._indexing
        if settled.seed(self._settle_key, indexing, self.ctx.options.cache_dir,
                        like=self._settle_like):
            return
        for flowable in indexing:
            if hasattr(flowable, "seed_pages"):
                # No guess: not even the pages a story before heard (layout.reuse).
                flowable.seed_pages({})
        for flowable in story:
            if isinstance(flowable, TableOfContents):
                # reportlab's beforeBuild makes these the entries the first pass draws.
                reserve_entries(flowable, expected)
                # Its entries have page 0, the pass reports real pages: the first pass
                # is never satisfied, so it need only place, not draw.
                self._draft_first = self._draft_first or bool(expected)

    def handle_flowable(self, flowables: list[Any]) -> None:
        # The content being placed when reportlab gives up: split pieces carry no mark,
        # so the last marked flowable is the one that is being laid out.
        key = source.key_of(flowables[0]) if flowables else None
        if self._ledger is not None and not self.pending(flowables) \
                and self._page_started(flowables):
            return
        if key is not None:
            self._current_source = key
        try:
            super().handle_flowable(flowables)
        except LayoutError as exc:
            raise ContentTooLarge(getattr(self, "_current_source", ()), self.page,
                                  str(exc).splitlines()[0]) from None

    def _page_started(self, flowables: list[Any]) -> bool:
        """Record where a page begins (layout.restart); True when from there on the page
        breaks are the last build's, whose pages this layout then takes."""
        ledger, recorder = self._ledger, tags.recorder(self.canv)
        assert ledger is not None
        if not ledger.page_open:
            ledger.flowable(flowables, self.page, self.canv, "")
            return False
        spine = tuple((elem, len(elem.kids)) for _, elem in recorder._sections) \
            if recorder is not None else ()
        ctx = self.ctx
        last = ctx.sections[-1] if ctx.sections else None
        template_state = self.template_state()
        state = (
            template_state, getattr(self.frame, "id", None),
            self.pending(), self.running_heads.current,
            None if recorder is None else (
                tuple(recorder._languages), len(recorder._frames), recorder._furniture,
                tuple((level, e.role, e.lang, sorted(e.attrs.items()),
                       _last_role(e)) for level, e in recorder._sections)),
            len(ctx.sections), last and (last.key, last.first))
        marks = (len(self._notes), len(ctx.starts), len(ctx.images.placed), len(ctx.warnings),
                 len(ctx.sections), splice.fonts_mapped(self.canv))
        raw = (template_state, self.running_heads.current,
               None if recorder is None else (list(recorder._languages),
                                              [level for level, _ in recorder._sections]),
               last and last.last) if not self.pending() and not (
                   recorder is not None and recorder._frames) else ()
        start = ledger.flowable(flowables, self.page, self.canv,
                                getattr(self.pageTemplate, "id", ""), state, marks, spine, raw)
        kept = self._splice_from
        if start is None or kept is None or not self._may_take(start.position or 0):
            return False
        old = restart.settles(kept, ledger, start, aligned=bool(self._changes))
        if old is None or not splice.same_objects(self.canv, kept.document, start.names):
            return False
        if kept.warnings != old.marks[3] or list(ctx.images.placed) != [
                request for request, _ in kept.placed[:old.marks[2]]]:
            return False
        self._take_pages(flowables, start, old, spine)
        return True

    def _take_pages(self, flowables: list[Any], start: restart.PageStart,
                    old: restart.PageStart, spine: tuple[tuple[Any, int], ...]) -> None:
        """Take the kept layout's pages from `start`'s on, and its records of them."""
        kept, ctx, page = self._splice_from, self.ctx, start.page
        assert kept is not None and self._ledger is not None
        splice.take_over(self.canv, kept.document, page, start.names)
        notes, starts, placed, _, sections, _ = old.marks
        recorder = tags.recorder(self.canv)
        if recorder is not None and kept.recorder is not None:
            for (elem, _), (theirs, count) in zip(spine, kept.spines[page], strict=True):
                elem.kids.extend(theirs.kids[count:])
            recorder.links.update({at: target for at, target in kept.recorder.links.items()
                                   if at[0] >= page})
            for name, title in kept.recorder.destinations.items():
                recorder.destinations.setdefault(name, title)
        for at, kind, stuff in kept.notes[notes:]:
            self._notes.append((at, kind, stuff))
            super().notify(kind, stuff)  # recorded with its own page above
        ctx.starts.extend(kept.starts[starts:])
        ctx.pages_used[:] = [*ctx.pages_used[:page - 1], *kept.pages_used[page - 1:]]
        for request, prepared in kept.placed[placed:]:
            ctx.images.placed.setdefault(request, prepared)
        if sections:
            ctx.sections[sections - 1].last = kept.sections[sections - 1].last
        ctx.sections.extend(dataclasses.replace(s) for s in kept.sections[sections:])
        self._ledger.take_rest(kept, start, old, spine)
        restart.count_pages(-(kept.document.pages - page + 1))
        self.page = kept.document.pages
        flowables.clear()
        self._spliced = True
        self.taken, self._taken_at = (page, kept.ledger), start.position

    def handle_documentBegin(self) -> None:
        super().handle_documentBegin()
        if self._restart_at is not None:
            self._restore(self._restart_at)

    def _restore(self, start: restart.PageStart) -> None:
        """Begin this pass where `start` (the kept layout's) began: its document, records
        and structure tree as they were then; the story from there on is what is left."""
        kept, ctx, page = self._splice_from, self.ctx, start.page
        assert kept is not None and self._ledger is not None
        notes, starts, placed, _, sections, fonts = start.marks
        splice.restore(self.canv, kept.document, page, start.names, fonts,
                       {name: count for name, count, _ in start.glyphs})
        template_state, head, tagging, section_last = start.raw
        self.page = page - 1
        self.pageTemplate = next(t for t in self.pageTemplates if t.id == start.template)
        self.set_template_state(template_state)
        self.running_heads.current = head
        copies: dict[int, Any] = {}
        recorder = tags.recorder(self.canv)
        if recorder is not None and kept.recorder is not None and tagging is not None:
            # The open sections anew (the kept ones go on holding the kept layout's pages
            # for a later page to take); everything closed before the page is shared.
            spine = kept.spines[page]
            made: list[tags.StructElem] = []
            for elem, count in spine:
                copy = tags.StructElem(elem.role, dict(elem.attrs), elem.kids[:count], elem.lang)
                if made:
                    parent = made[-1]
                    parent.kids[:] = [copy if kid is elem else kid for kid in parent.kids]
                made.append(copy)
                copies[id(elem)] = copy
            languages, levels = tagging
            recorder.root = made[0]
            recorder._sections = list(zip(levels, made, strict=True))
            recorder._languages = list(languages)
            recorder.links = {at: target for at, target in kept.recorder.links.items()
                              if at[0] < page}
            recorder.destinations = dict(kept.recorder.destinations)
        for at, kind, stuff in kept.notes[:notes]:
            self._notes.append((at, kind, stuff))
            super().notify(kind, stuff)
        ctx.starts[:] = kept.starts[:starts]
        ctx.pages_used[:] = kept.pages_used[:page - 1]
        ctx.images.placed.update(kept.placed[:placed])
        ctx.sections[:] = [dataclasses.replace(s) for s in kept.sections[:sections]]
        if ctx.sections:
            ctx.sections[-1].last = section_last
        self._ledger.take_start(kept, start, copies)
        restart.count_pages(-(page - 1))

    def notify(self, kind: str, stuff: Any) -> None:
        if self._ledger is not None:
            self._notes.append((self.page, kind, stuff))
        super().notify(kind, stuff)

    def before_save(self) -> None:
        if self._ledger is not None:
            self._finished = splice.finished(self.canv, splice.pages_shown(self.canv),
                                             getattr(self.canv, "outline_calls", []))

    def handle_pageEnd(self) -> None:
        # What the page planner reads: how much of the page's frame its content used.
        kind = getattr(self.pageTemplate, "id", None)
        self.ctx.pages_used.append(None if kind in (COVER, BLANK) else frame_used(self.frame))
        super().handle_pageEnd()

    def afterPage(self) -> None:
        if self._progress is not None:
            self._progress.update(1)

    def bound_at_right(self, page: int) -> bool:
        """Whether `page`'s inner margin is at its right: a booklet's left-hand pages,
        and every page of a right-to-left brochure but those (layout.direction)."""
        return self.ctx.direction.binding_at_right(page, booklet=self.ctx.options.booklet)

    def outer_at_start(self, page: int) -> bool:
        """Whether `page`'s folio and running head, at its outer edge, stand where its
        lines start (their alignment is logical: the engine mirrors it right to left)."""
        return self.ctx.direction.outer_at_start(page, booklet=self.ctx.options.booklet)

    def content_left(self, page: int) -> float:
        """x of the text column on `page`: pages bound at their right mirror it."""
        g, bleed = self.ctx.geometry, self.ctx.bleed
        if self.bound_at_right(page):
            return bleed + g.margin_outer
        return bleed + g.margin_inner

    def text_box(self, page: int) -> tuple[float, float]:
        """x and width of `page`'s text: the measure's column, or on a page of the talks'
        columns the wide width they take (footer and running head span it too)."""
        g = self.ctx.geometry
        x = self.content_left(page)
        if getattr(self.pageTemplate, "id", None) != COLUMNS:
            return x, g.frame_width
        return x - (g.spare_outer if self.bound_at_right(page) else g.spare_inner), g.wide_width

    def handle_pageBegin(self) -> None:
        # The frame is reset for the page about to begin: place it for that page's side,
        # and end it early where the page planner gives lines to the next page.
        frame, g = self._content_frame, self.ctx.geometry
        frame.x1 = self.content_left(self.page + 1)
        early = self.ctx.plan.shortened(self.page + 1)
        if frame.height != g.frame_height - early:
            frame.y1 = self.bottomMargin + early
            frame.height = g.frame_height - early
        if self._column_frames and self.ctx.columns is not None:
            # The columns span the wide width: the measure's spare on both sides is theirs.
            page = self.page + 1
            x = frame.x1 - (g.spare_outer if self.bound_at_right(page) else g.spare_inner)
            step = self.ctx.columns.column.frame_width + self.ctx.columns.gap
            # The first column is filled first: the right one in a right-to-left brochure.
            order = self.ctx.direction.in_order(range(len(self._column_frames)))
            for n, column in zip(order, self._column_frames, strict=True):
                column.x1 = x + n * step
                column.y1, column.height = frame.y1, frame.height
        if self._ledger is not None:
            self._ledger.begin_page()
        if self.marks_area and not self.drafting:
            g, bleed = self.ctx.geometry, self.ctx.bleed
            self.canv.translate(self.marks_area, self.marks_area)
            trim = (bleed, bleed, bleed + g.page_width, bleed + g.page_height)
            with tags.artifact(self.canv):
                draw_marks(self.canv, crop_mark_lines(trim, bleed))
        super().handle_pageBegin()

    def _record_section(self, flowable: Any) -> None:
        """Section page ranges for the build report: a top-level heading starts one."""
        sections = self.ctx.sections
        if isinstance(flowable, Heading) and flowable.outline and flowable.outline.level == 0:
            entry = flowable.outline
            sections.append(SectionPages(entry.key, entry.title, self.page, self.page))
        elif isinstance(flowable, ActionFlowable | NullDraw | Spacer):
            # Page breaks and spacers draw nothing: a break is handled on the page it
            # starts, which belongs to the next section; a booklet's blank pages hold
            # only a spacer and belong to no section.
            return
        elif not sections:
            sections.append(SectionPages(COVER, self.ctx.event.title, self.page, self.page))
        else:
            sections[-1].last = max(sections[-1].last, self.page)

    def beforeDocument(self) -> None:
        # The file opens with its bookmarks shown.
        self.canv.showOutline()

    def _draw_footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        g, s, bleed = self.ctx.geometry, self.ctx.styles, self.ctx.bleed
        footer = self.ctx.design.footer
        y = bleed + g.footer_offset
        if footer.rule:
            canvas.saveState()
            canvas.setStrokeColor(self.ctx.colour("rule"))
            canvas.setLineWidth(0.5)
            x0, wide = self.text_box(doc.page)
            top = y + s.footer.leading + 2.5 * mm
            canvas.line(x0, top, x0 + wide, top)
            canvas.restoreState()
        # The number goes to the page's outer edge, not into the fold: the start of the
        # line on a booklet's left-hand page (the right-hand one if right to left).
        mirrored = self.outer_at_start(doc.page)
        title_style, number_style = ((s.footer_right, s.footer) if mirrored
                                     else (s.footer, s.footer_right))
        x, width = self.text_box(doc.page)
        text = self._footer_text()
        if text:
            # The title's box is 0.8 of the width, at the side its lines are set to.
            at_right = mirrored != self.ctx.direction.right_to_left
            left = self._footer_paragraph(text, width, title_style)
            left.drawOn(canvas, x + (width * 0.2 if at_right else 0), y)
        if footer.page_number:
            number = Paragraph(str(doc.page), number_style)
            number.wrap(width, g.margin_bottom)
            number.drawOn(canvas, x, y)

    def _footer_text(self) -> str:
        event, chosen = self.ctx.event, self.ctx.design.footer.text
        if chosen == "organiser" and event.organiser:
            return event.organiser.name
        return event.title if chosen != "none" else ""

    def _footer_paragraph(self, text: str, width: float, style: Any) -> Paragraph:
        """The footer's title, set and wrapped once: the same on every page (each page's
        drawing of it is the same, and typesetting it per page cost 3-7 % of a build)."""
        key = (text, width, style)
        if (title := self._footer_paragraphs.get(key)) is None:
            title = Paragraph(self.ctx.text.plain(self._footer_title(
                text, width * 0.75, self.ctx.styles.footer), hyphenate=False), style)
            title.wrap(width * 0.8, self.ctx.geometry.margin_bottom)
            self._footer_paragraphs[key] = title
        return title

    @staticmethod
    def _footer_title(text: str, width: float, style: Any) -> str:
        """The footer's text (the title), shortened with "…" to one footer line."""
        words = text.split()
        title = " ".join(words)
        while len(words) > 1 and stringWidth(title, style.fontName, style.fontSize) > width:
            words.pop()
            title = " ".join(words) + " …"
        return title

    def _draw_running_head(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        # Drawn as the page ends: by then the page's content has said which head it shows.
        text = self.running_heads.on(doc.page)
        if not text:
            return
        g, bleed = self.ctx.geometry, self.ctx.bleed
        # As far from the top edge as the footer is from the bottom, and never nearer the
        # text than half the top margin.
        top = bleed + g.page_height - min(g.footer_offset, g.margin_top * 0.5)
        x, width = self.text_box(doc.page)
        draw_running_head(canvas, text, self.ctx.styles.footer, x, top, width,
                          mirrored=self.outer_at_start(doc.page))

    def afterFlowable(self, flowable: Any) -> None:
        self._record_section(flowable)
        self.running_heads.placed(flowable, self.page)
        if isinstance(flowable, Heading) and flowable.outline:
            # Every heading's page, listed in the contents or not (agenda page references).
            self.notify("HeadingPage", (flowable.outline.key, self.page))
        if isinstance(flowable, SectionStart):
            # What the page planner reads of this pass (a break moves the heading on).
            self.ctx.starts.append(SectionStartRecord(flowable.key, self.page + flowable.broke,
                                                      flowable.used, flowable.broke))
        if _listed(flowable):
            level, text, key = _contents_entry(flowable, self.ctx)
            self.notify("TOCEntry", (level, text, self.page, key))


def _last_role(elem: Any) -> str | None:
    last = elem.kids[-1] if elem.kids else None
    return getattr(last, "role", None)


def laid_out(ctx: LayoutContext, pages: int) -> Laid:
    """What the page planner reads of the layout `ctx` was last used for."""
    g = ctx.geometry
    return Laid(pages=pages, starts=tuple(ctx.starts), used=tuple(ctx.pages_used),
                line=g.body_leading, frame_height=g.frame_height)


def _listed(flowable: Any) -> bool:
    return isinstance(flowable, Heading) and bool(flowable.outline) and flowable.outline.in_toc


def _contents_entry(heading: Heading, ctx: LayoutContext) -> tuple[int, str, str]:
    """A listed heading's contents entry: level, text, link key."""
    # Kept on the heading for its typesetter's setting: a heading a watch rebuild is
    # handed over (layout.reuse) is listed as it was, and every layout asks twice.
    setting = ctx.text._setting()
    kept = heading.__dict__.get(_CONTENTS_ENTRY)
    if kept is not None and kept[0] == setting:
        return kept[1]  # type: ignore[no-any-return]
    entry = heading.outline
    glyphs = len(ctx.text.missing_glyphs)
    # A contents line is a pointer, not the heading: a title of many lines would not fit
    # a contents row (reportlab cannot split one), so it is shortened.
    text = ctx.text.plain(shortened(entry.title, TOC_ENTRY_CHARACTERS), hyphenate=False)
    out = (entry.level, text, entry.key)
    if len(ctx.text.missing_glyphs) == glyphs:  # else each layout reports them again
        heading.__dict__[_CONTENTS_ENTRY] = (setting, out)
    return out


_CONTENTS_ENTRY = "_dokureport_contents_entry"


def _contents_languages(story: list[Any]) -> dict[str, str]:
    """The PDF language of each listed heading set in another language, by its link key:
    what the LanguageMarks around it begin (see layout.flowables.in_language)."""
    out: dict[str, str] = {}
    languages: list[str] = []

    def walk(flowables: list[Any]) -> None:
        for flowable in flowables:
            if isinstance(flowable, LanguageMark):
                if flowable.begins:
                    languages.append(flowable.begins)
                elif languages:
                    languages.pop()
            elif _listed(flowable):
                if languages:
                    out[flowable.outline.key] = languages[-1]
            elif isinstance(flowable, KeepTogether):
                walk(kept_content(flowable))

    walk(story)
    return out


def _contents_entries(story: list[Any], ctx: LayoutContext) -> list[tuple[int, str, str]]:
    """The contents entries the story's headings will report, in story order."""
    out: list[tuple[int, str, str]] = []
    for flowable in story:
        if _listed(flowable):
            out.append(_contents_entry(flowable, ctx))
        elif isinstance(flowable, KeepTogether):
            # Always split into its content, which is then laid out (and reported) in turn.
            out += _contents_entries(kept_content(flowable), ctx)
    return out
