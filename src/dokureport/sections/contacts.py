"""The contact persons: cards with a portrait, when given, and every detail the event gives."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus import Flowable, Paragraph

from dokureport.assets import ImageRequest
from dokureport.event.model import Contact
from dokureport.i18n.labels import with_colon
from dokureport.layout import direction
from dokureport.layout.context import LayoutContext, PassImages
from dokureport.layout.flowables import draw_image
from dokureport.sections.common import section_heading

# Every portrait gets the same 4:5 shape, cropped around the centre: a row of faces in
# one size reads as a set, whatever shape each original has.
PORTRAIT_WIDTH = 20 * mm
PORTRAIT_HEIGHT = 25 * mm
PORTRAIT_GAP = 4 * mm  # between portrait and text
CARD_PADDING = 4 * mm
COLUMN_GAP = 6 * mm
# Beside the portrait the text needs room for a role of a few words a line; on narrower
# cards (A5) the portrait goes above the text instead.
MIN_TEXT_BESIDE = 40 * mm


class Portrait(Flowable):
    """A contact's photo, drawn through the shared image pipeline at its placed size."""

    role = "Figure"

    def __init__(self, request: ImageRequest, images: PassImages, alt: str = "") -> None:
        super().__init__()
        self.alt = alt
        self.request = request
        self.images = images
        self.width, self.height = request.width_pt, request.height_pt

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        draw_image(self.canv, self.images, self.request, 0, 0, self.width, self.height)


def _details(ctx: LayoutContext, contact: Contact) -> Paragraph:
    t, labels, lang = ctx.text, ctx.labels, ctx.event.lang
    lines = [f"<b>{t.plain(contact.name, hyphenate=False)}</b>"]
    lines += [t.plain(x) for x in (contact.role, contact.city) if x]
    if contact.phone:
        lines.append(f"{t.plain(with_colon(labels.phone, lang), hyphenate=False)} "
                     f"{t.literal(contact.phone)}")
    if contact.email:
        lines.append(f"{t.plain(with_colon(labels.email, lang), hyphenate=False)} "
                     + t.link(contact.email, f"mailto:{contact.email}"))
    return Paragraph("<br/>".join(lines), ctx.styles.agenda_item)


def _portrait(ctx: LayoutContext, contact: Contact) -> Portrait | None:
    if contact.photo is None:
        return None
    request = ImageRequest(source=ctx.event.resolve(contact.photo), width_pt=PORTRAIT_WIDTH,
                           height_pt=PORTRAIT_HEIGHT, crop=True)
    ctx.images.submit(request)
    return Portrait(request, ctx.images, alt=contact.name)


def _cap_offset(ctx: LayoutContext) -> float:
    """How far below a paragraph's top its first line's capitals begin."""
    style = ctx.styles.agenda_item
    face = getFont(style.fontName).face
    return style.fontSize * (1 - face.capHeight / 1000)


def _card(ctx: LayoutContext, contact: Contact, inner_width: float) -> Flowable:
    details = _details(ctx, contact)
    portrait = _portrait(ctx, contact)
    if portrait is None:
        return details
    beside = inner_width - PORTRAIT_WIDTH - PORTRAIT_GAP >= MIN_TEXT_BESIDE
    if beside:
        cells = [[portrait, details]]
        widths: tuple[float, ...] = (PORTRAIT_WIDTH + PORTRAIT_GAP,
                                     inner_width - PORTRAIT_WIDTH - PORTRAIT_GAP)
    else:
        cells = [[portrait], [details]]
        widths = (inner_width,)
    # The portrait at the line's start: at the right when right to left.
    card = direction.table(ctx.direction, cells, widths, [
        # reportlab selects each cell's font even for flowables: never its default Helvetica.
        ("FONTNAME", (0, 0), (-1, -1), ctx.styles.agenda_item.fontName),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        # Beside the text, the portrait's top lines up with the name's capitals; above the
        # text, it keeps its distance from the name below it.
        *([("TOPPADDING", (0, 0), (0, 0), _cap_offset(ctx))] if beside
          else [("BOTTOMPADDING", (0, 0), (-1, 0), PORTRAIT_GAP)]),
    ], hAlign="LEFT")
    return card


def flowables(ctx: LayoutContext) -> list[Flowable]:
    contacts = ctx.event.contacts
    if not contacts:
        return []
    g = ctx.geometry
    out = section_heading(ctx, ctx.labels.contacts, "contacts", section="contacts")
    column = (g.frame_width - COLUMN_GAP) / 2
    if column - 2 * CARD_PADDING - PORTRAIT_WIDTH - PORTRAIT_GAP < MIN_TEXT_BESIDE:
        # A narrow measure: one card a row, its portrait beside the text, not above it.
        column = g.frame_width
    per_row = 1 if column == g.frame_width else 2
    cards = [_card(ctx, c, column - 2 * CARD_PADDING) for c in contacts]
    rows = [cards[i : i + per_row] + [""] * (2 - len(cards[i : i + per_row]))
            for i in range(0, len(cards), per_row)]
    grid: list[list[object]] = []
    for row in rows:
        grid.append([row[0], "", row[1]] if per_row == 2 else [row[0]])
    widths = (column, COLUMN_GAP, column) if per_row == 2 else (column,)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), ctx.styles.agenda_item.fontName),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CARD_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CARD_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), CARD_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CARD_PADDING),
    ]
    for r, row in enumerate(rows):
        for c, cell in ((0, row[0]), (2, row[1]))[:per_row]:
            if cell != "":
                style.append(("BACKGROUND", (c, r), (c, r), ctx.colour("tint")))
    # The first card at the line's start: at the right when right to left.
    table = direction.table(ctx.direction, grid, widths,
                            [*style, ("LINEBELOW", (0, 0), (-1, -1), COLUMN_GAP / 2,
                                      ctx.colour("background"))], hAlign="LEFT", splitInRow=1)
    out.append(table)
    return out
