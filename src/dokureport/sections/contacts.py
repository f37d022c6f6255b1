"""The contact persons, each with every detail the event gives."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from dokureport.layout.context import LayoutContext
from dokureport.layout.theme import TINT
from dokureport.model import Contact
from dokureport.sections.common import section_heading


def _card(ctx: LayoutContext, contact: Contact) -> Paragraph:
    t, labels = ctx.text, ctx.labels
    lines = [f"<b>{t.plain(contact.name, hyphenate=False)}</b>"]
    lines += [t.plain(x) for x in (contact.role, contact.city) if x]
    if contact.phone:
        lines.append(f"{labels.phone}: {t.literal(contact.phone)}")
    if contact.email:
        lines.append(f"{labels.email}: " + t.link(contact.email, f"mailto:{contact.email}"))
    return Paragraph("<br/>".join(lines), ctx.styles.agenda_item)


def flowables(ctx: LayoutContext) -> list[Flowable]:
    contacts = ctx.event.contacts
    if not contacts:
        return []
    g = ctx.geometry
    out = section_heading(ctx, ctx.labels.contacts, "contacts", new_page=False)
    cards = [_card(ctx, c) for c in contacts]
    gap = 6 * mm
    column = (g.frame_width - gap) / 2
    rows = [cards[i : i + 2] + [""] * (2 - len(cards[i : i + 2])) for i in range(0, len(cards), 2)]
    grid: list[list[object]] = []
    for row in rows:
        grid.append([row[0], "", row[1]])
    table = Table(grid, colWidths=(column, gap, column), hAlign="LEFT", splitInRow=1)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 4 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
    ]
    for r, row in enumerate(rows):
        for c, cell in ((0, row[0]), (2, row[1])):
            if cell != "":
                style.append(("BACKGROUND", (c, r), (c, r), TINT))
    table.setStyle(TableStyle([*style, ("LINEBELOW", (0, 0), (-1, -1), gap / 2, "white")]))
    out.append(table)
    return out
