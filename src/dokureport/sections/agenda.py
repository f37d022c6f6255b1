"""The agenda: one block per day, each item with time, title, place and people."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from dokureport.event.model import AgendaItem
from dokureport.i18n.dates import long_date, time_span
from dokureport.layout.context import LayoutContext
from dokureport.layout.flowables import Heading, OutlineEntry
from dokureport.layout.source import from_key
from dokureport.sections.common import section_heading


def _item(ctx: LayoutContext, item: AgendaItem) -> Paragraph:
    t = ctx.text
    title = f"<b>{t.plain(item.title)}</b>"
    key = ctx.talk_key(item.talk) if item.talk else None
    if key:
        title = f'<a href="#{key}" color="{ctx.colour("primary")}">{title}</a>'
    details = [t.plain(x) for x in ((item.place,) if item.place else ())]
    if item.people:
        details.append(t.plain(", ".join(item.people), hyphenate=False))
    lines = [title]
    if details:
        lines.append(f'<font color="{ctx.colour("muted")}">{" · ".join(details)}</font>')
    return Paragraph("<br/>".join(lines), ctx.styles.agenda_item)


def flowables(ctx: LayoutContext) -> list[Flowable]:
    event = ctx.event
    if not event.agenda:
        return []
    g, s = ctx.geometry, ctx.styles
    out = section_heading(ctx, ctx.labels.agenda, "agenda", section="agenda")
    time_width = g.body_size * 7
    for number, day in enumerate(event.agenda, start=1):
        title = long_date(day.date, event.lang)
        out.append(Heading(ctx.text.plain(title, hyphenate=False), s.h2,
                           OutlineEntry(title=title, key=f"agenda-{number}", level=1,
                                        in_toc=False)))
        rows = [[Paragraph(ctx.text.literal(time_span(i.time, i.end, event.lang)),
                           s.agenda_time), _item(ctx, i)] for i in day.items]
        if not rows:
            continue
        table = Table(rows, colWidths=(time_width, g.frame_width - time_width),
                      splitInRow=1, hAlign="LEFT")
        # A data table: each row's time is its header cell (TH, scope row).
        table.role, table.header_columns = "Table", 1
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), s.body.fontName),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), g.body_leading * 0.35),
            ("BOTTOMPADDING", (0, 0), (-1, -1), g.body_leading * 0.45),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, ctx.colour("rule")),
        ]))
        out.extend(from_key([table], ("agenda", number - 1, "items")))
    return out
