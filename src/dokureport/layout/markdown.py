"""Markdown (CommonMark with tables) becomes the brochure's flowables: the one rich-text path.

Intro, abstracts, video descriptions and chapters all pass through here. markdown-it-py
parses (raw HTML off: it prints as typed); the inline markup is built by the Typesetter,
which escapes every character; only markup built there and here reaches reportlab.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer

from dokureport.assets import ImageRequest, oriented_size
from dokureport.event.markdown import MAX_TABLE_COLUMNS, is_local_image, parsed
from dokureport.layout import direction
from dokureport.layout.blocks import (
    BlockList,
    BlockListItem,
    DataCell,
    DataTable,
    Figure,
    HeaderCell,
    PullQuote,
    Rule,
    TableTooWide,
    TextParagraph,
)
from dokureport.layout.flowables import Heading, OutlineEntry, PhotoCell
from dokureport.text.typesetter import outline_text

if TYPE_CHECKING:
    from dokureport.layout.context import LayoutContext

# A line that names who said a quote: "— Anna Muster" (an en dash or "--" too).
_ATTRIBUTION = re.compile(r"^\s*(?:—|–|--)\s*")
# An image is at most this share of the frame's height: it leaves room for its caption.
FIGURE_MAX_HEIGHT = 0.55
# Tables (docs/contents.md): cells' padding left and right; the least text width of a
# column, in ems of its type; the smallest type a table is set in to fit its columns.
CELL_PADDING = 4.0
TABLE_MIN_TEXT_EM = 2.0
TABLE_MIN_SIZE = 7.0


@dataclass(frozen=True)
class Setting:
    """How one text is set: its paragraph style and its headings' place in the outline."""

    style: ParagraphStyle | None = None  # None: body text
    level: int = 1  # outline level of a `#` heading (one below what the text stands under)
    anchor: str = "text"  # unique prefix of the headings' link destinations
    in_toc: bool = False  # whether `#` headings are listed in the contents


def flowables(ctx: LayoutContext, text: str | None, setting: Setting | None = None
              ) -> list[Flowable]:
    """The flowables of a Markdown text."""
    if not text or not text.strip():
        return []
    # Parsed by validation already, or by the last build (a watch rebuild).
    tree = SyntaxTreeNode(parsed(text))
    return _Blocks(ctx, setting or Setting()).children(tree, depth=0)


class _Blocks:
    """Turns one parsed text into flowables."""

    def __init__(self, ctx: LayoutContext, setting: Setting) -> None:
        self.ctx = ctx
        self.setting = setting
        self.style = setting.style or ctx.styles.body
        self.last_level = setting.level - 1
        self.headings = 0
        body = ctx.styles.body
        g = ctx.geometry
        self.item_style = ParagraphStyle("list_item", parent=self.style, alignment=TA_LEFT,
                                         spaceAfter=g.body_leading * 0.15)
        self.quote_style = ParagraphStyle(
            "quote", parent=body, fontSize=g.size(1), leading=g.size(1) * 1.4,
            alignment=TA_LEFT, textColor=colors.HexColor(ctx.colour("primary")),
            spaceAfter=g.body_leading * 0.3)
        self.attribution_style = ParagraphStyle(
            "attribution", parent=ctx.styles.small, textColor=colors.HexColor(ctx.colour("muted")),
            spaceBefore=g.body_leading * 0.2, spaceAfter=0)
        self.cell_style = ParagraphStyle("cell", parent=ctx.styles.small, spaceAfter=0)

    # -- blocks ----------------------------------------------------------------------------
    def children(self, node: SyntaxTreeNode, depth: int, style: ParagraphStyle | None = None
                 ) -> list[Flowable]:
        out: list[Flowable] = []
        for child in node.children:
            out += self.block(child, depth, style or self.style)
        return out

    def block(self, node: SyntaxTreeNode, depth: int, style: ParagraphStyle) -> list[Flowable]:
        kind = node.type
        if kind == "paragraph":
            return self.paragraph(node, style)
        if kind == "heading":
            return [self.heading(node)]
        if kind in ("bullet_list", "ordered_list"):
            return [self.listing(node, depth)]
        if kind == "blockquote":
            return [self.quote(node)]
        if kind == "table":
            return [self.table(node)]
        if kind == "hr":
            return [Rule(colors.HexColor(self.ctx.colour("rule")),
                         self.ctx.geometry.body_leading * 0.6)]
        # Code blocks and anything else: printed as typed, line by line.
        lines = node.content.rstrip("\n").split("\n")
        if kind == "fence":
            lines = [node.markup + node.info, *lines, node.markup]
        t = self.ctx.text
        return [TextParagraph("<br/>".join(t.literal(x) for x in lines), style)]

    def _inline(self, node: SyntaxTreeNode) -> list[Token]:
        inline = node.children[0] if node.children else None
        return list(inline.token.children or []) if inline and inline.token else []

    def paragraph(self, node: SyntaxTreeNode, style: ParagraphStyle) -> list[Flowable]:
        tokens = self._inline(node)
        images = [t for t in tokens if t.type == "image"]
        if len(images) == 1 and all(t.type == "image" or (t.type == "text" and not
                                                          t.content.strip()) for t in tokens):
            figure = self.figure(images[0])
            if figure is not None:
                return [figure]
        return [TextParagraph(self.ctx.text.inline(tokens), style)]

    def heading(self, node: SyntaxTreeNode) -> Heading:
        steps = int(node.tag[1:])
        # No level is skipped in the outline (a reader cannot show a gap): `###` under
        # the text's title counts as the next level down.
        level = min(self.setting.level + steps - 1, self.last_level + 1)
        self.last_level = level
        self.headings += 1
        s = self.ctx.styles
        style = s.h2 if level <= self.setting.level else s.h3
        markup = self.ctx.text.inline(self._inline(node), hyphenate=False)
        entry = OutlineEntry(title=outline_text(markup),
                             key=f"{self.setting.anchor}-h{self.headings}", level=level,
                             in_toc=self.setting.in_toc and level <= 1)
        return Heading(markup, style, entry)

    def listing(self, node: SyntaxTreeNode, depth: int) -> BlockList:
        numbered = node.type == "ordered_list"
        g, fonts = self.ctx.geometry, self.ctx.fonts
        assert fonts is not None
        items = []
        for item in node.children:
            content = self.children(item, depth + 1, self.item_style)
            items.append(BlockListItem(content or [Spacer(0, 0)]))
        options: dict[str, object] = {
            "bulletFontName": fonts.regular, "bulletFontSize": self.item_style.fontSize,
            "bulletColor": colors.HexColor(self.ctx.colour("primary")),
            # Bullets and indent at the line's start: at the right when right to left.
            **self.ctx.direction.bullets(g.body_size * 1.6, g.body_size * 1.2),
            "spaceAfter": g.body_leading * (0.35 if depth == 0 else 0),
        }
        if numbered:
            start = node.attrs.get("start", 1)
            options |= {"bulletType": "1", "start": int(start) if str(start).isdigit() else 1,
                        # As a right-to-left line shows "1." : its full stop at the left.
                        "bulletFormat": ".%s" if self.ctx.direction.right_to_left else "%s."}
        else:
            options |= {"bulletType": "bullet", "start": "•" if depth == 0 else "–"}
        return BlockList(items, numbered=numbered, **options)

    def quote(self, node: SyntaxTreeNode) -> PullQuote:
        content: list[Flowable] = []
        attribution_text: str | None = None
        blocks = list(node.children)
        for i, child in enumerate(blocks):
            if child.type != "paragraph":
                content += self.block(child, 1, self.quote_style)
                continue
            tokens = self._inline(child)
            said, by = _split_attribution(tokens) if i == len(blocks) - 1 else (tokens, [])
            if said:
                content.append(TextParagraph(f"<i>{self.ctx.text.inline(said)}</i>",
                                             self.quote_style))
            if by:
                markup = self.ctx.text.inline(by)
                attribution_text = outline_text(markup)
                content.append(TextParagraph(markup, self.attribution_style))
        g = self.ctx.geometry
        # Its rule at the line's start: at the right when right to left.
        quote = direction.table(self.ctx.direction, [[content]], [g.frame_width * 0.85], [
            ("LINEBEFORE", (0, 0), (0, -1), 2.5, colors.HexColor(self.ctx.colour("accent"))),
            ("LEFTPADDING", (0, 0), (-1, -1), g.body_size * 1.2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("FONTNAME", (0, 0), (-1, -1), self.style.fontName),
        ], cls=PullQuote, splitInRow=1, hAlign="LEFT", attribution=attribution_text)
        quote.spaceBefore = g.body_leading * 0.6
        quote.spaceAfter = g.body_leading * 0.9
        return quote

    def table(self, node: SyntaxTreeNode) -> DataTable | TableTooWide:
        t, g = self.ctx.text, self.ctx.geometry
        cells: list[list[tuple[SyntaxTreeNode, str]]] = []
        plain: list[list[str]] = []
        for section in node.children:  # thead, tbody
            for tr in section.children:
                markups = [(cell, t.inline(self._inline(cell))) for cell in tr.children]
                cells.append(markups)
                plain.append([outline_text(markup) for _, markup in markups])
        columns = max(len(r) for r in cells)
        if columns > MAX_TABLE_COLUMNS:
            return TableTooWide(columns, MAX_TABLE_COLUMNS)
        # A table's type is the small size, never below TABLE_MIN_SIZE (a theme's scale may
        # make the small size smaller on A5).
        usual = self.cell_style.fontSize
        fit = _fit_columns(plain, columns, g.frame_width, max(usual, TABLE_MIN_SIZE))
        cell_style = self.cell_style
        if fit.size != usual:
            cell_style = ParagraphStyle("cell_small", parent=self.cell_style, fontSize=fit.size,
                                        leading=self.cell_style.leading * fit.size / usual)
        rows: list[list[Flowable]] = []
        for row_cells in cells:
            row: list[Flowable] = []
            for column, (cell, markup) in enumerate(row_cells):
                align = str(cell.attrs.get("style", ""))
                # Markdown's alignments are the page's sides, as in HTML; the style's
                # alignment is logical (mirrored as drawn in a right-to-left brochure).
                to_end = "left" in align if self.ctx.direction.right_to_left else "right" in align
                style = ParagraphStyle(f"cell{column}", parent=cell_style,
                                       alignment=TA_RIGHT if to_end else TA_LEFT)
                if cell.type == "th":
                    row.append(HeaderCell(f"<b>{markup}</b>", style))
                else:
                    row.append(DataCell(markup, style))
            rows.append(row)
        pad = fit.padding
        rule, primary = colors.HexColor(self.ctx.colour("rule")), self.ctx.colour("primary")
        # The first column at the line's start: at the right when right to left.
        table = direction.table(self.ctx.direction, rows, fit.widths, [
            ("FONTNAME", (0, 0), (-1, -1), self.style.fontName),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(self.ctx.colour("tint"))),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(primary)),
            ("LINEBELOW", (0, 1), (-1, -1), 0.3, rule),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ], cls=DataTable, repeatRows=1, splitInRow=1, hAlign="LEFT")
        table.spaceBefore = g.body_leading * 0.3
        table.spaceAfter = g.body_leading
        return table

    def figure(self, image: Token) -> Figure | None:
        """A stand-alone image from the event folder, its title as caption; None: not one."""
        src = str(image.attrs.get("src", ""))
        if not is_local_image(src):
            return None
        folder = self.ctx.event.folder.resolve()
        path = (folder / src).resolve()
        if not self.ctx.options.allow_outside and not path.is_relative_to(folder):
            return None  # validation refused it; a hand-built event prints it as typed
        if not path.is_file():
            return None
        g, s, t = self.ctx.geometry, self.ctx.styles, self.ctx.text
        width_px, height_px = oriented_size(path)
        width = g.frame_width
        height = width * height_px / width_px
        if height > g.frame_height * FIGURE_MAX_HEIGHT:
            height = g.frame_height * FIGURE_MAX_HEIGHT
            width = height * width_px / height_px
        request = ImageRequest(source=path, width_pt=width, height_pt=height)
        self.ctx.images.submit(request)
        title = image.attrs.get("title")
        caption = TextParagraph(t.plain(str(title)), s.caption) if title else None
        figure = Figure(PhotoCell(request, width, height, caption, None), alt=image.content,
                        gutter=0, images=self.ctx.images, caption_gap=g.body_size * 0.4,
                        max_height=g.frame_height)
        figure.spaceBefore = g.body_leading * 0.3
        figure.spaceAfter = g.body_leading
        return figure


def _split_attribution(tokens: list[Token]) -> tuple[list[Token], list[Token]]:
    """A quote's last paragraph as (what was said, who said it: the line starting with —)."""
    for i in range(len(tokens) - 1, -1, -1):
        starts_line = i == 0 or tokens[i - 1].type in ("softbreak", "hardbreak")
        token = tokens[i]
        if starts_line and token.type == "text" and _ATTRIBUTION.match(token.content):
            by = [_without_dash(token), *tokens[i + 1:]]
            said = tokens[: max(i - 1, 0)]
            return said, by
    return tokens, []


def _without_dash(token: Token) -> Token:
    copy = token.copy()
    copy.content = "— " + _ATTRIBUTION.sub("", token.content)
    return copy


@dataclass(frozen=True)
class TableFit:
    """How a table's columns share the frame: their widths, the cells' padding and type."""

    widths: list[float]
    padding: float
    size: float


def _fit_columns(rows: list[list[str]], columns: int, total: float, size: float) -> TableFit:
    """Widths after the text each column holds; narrow columns get smaller type.

    The rule (docs/contents.md): every column holds at least TABLE_MIN_TEXT_EM of its type
    besides its padding. When the usual widths leave a column narrower, the columns get
    that much each and share the rest after what they hold, set in type just small enough
    for it, never below TABLE_MIN_SIZE (padding shrinks with the type). At 7 pt and
    MAX_TABLE_COLUMNS on A5 they share the frame equally.
    """
    widths = _column_widths(rows, columns, total)
    if min(widths) - 2 * CELL_PADDING >= TABLE_MIN_TEXT_EM * size:
        return TableFit(widths, CELL_PADDING, size)
    # The size at which `columns` equal columns hold TABLE_MIN_TEXT_EM of text each.
    fits = total / columns / (TABLE_MIN_TEXT_EM + 2 * CELL_PADDING / size)
    small = max(TABLE_MIN_SIZE, min(size, math.floor(fits * 10) / 10))
    # Text keeps half a column at the least, whatever the margins leave.
    padding = min(CELL_PADDING * small / size, total / columns / 4)
    floor = min(TABLE_MIN_TEXT_EM * small + 2 * padding, total / columns)
    longest = [max((len(r[c]) if c < len(r) else 0) for r in rows) or 1
               for c in range(columns)]
    wants = [min(n, 40) + 4 for n in longest]
    rest = total - floor * columns
    return TableFit([floor + rest * w / sum(wants) for w in wants], padding, small)


def _column_widths(rows: list[list[str]], columns: int, total: float) -> list[float]:
    """Widths after the text each column holds: no column narrower than half its share."""
    longest = [max((len(r[c]) if c < len(r) else 0) for r in rows) or 1
               for c in range(columns)]
    # Long texts wrap anyway: beyond 40 characters a column asks for no more.
    wants = [min(n, 40) + 4 for n in longest]
    floor = total / columns / 2
    widths = [max(floor, total * w / sum(wants)) for w in wants]
    scale = total / sum(widths)
    return [w * scale for w in widths]
