"""The talks: format and topic, title, speakers, abstract, and slides with a QR code."""

from __future__ import annotations

import datetime as dt

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer
from reportlab.platypus.doctemplate import NextPageTemplate

from dokureport.design.geometry import QR_SIZE_MM
from dokureport.engine.keeping import keep_with_last_lines
from dokureport.event.model import AgendaItem, Speaker, Talk, fits_qr_code
from dokureport.i18n.dates import long_date, time_span
from dokureport.i18n.labels import with_colon
from dokureport.i18n.language import pdf_language
from dokureport.layout import direction, reuse
from dokureport.layout.context import LayoutContext
from dokureport.layout.document import COLUMNS, section_start
from dokureport.layout.flowables import Heading, OutlineEntry, QrCode, in_language
from dokureport.layout.photos import photo_rows
from dokureport.layout.source import KeyPath, from_key
from dokureport.sections.common import paragraphs, section_heading


def _speaker(ctx: LayoutContext, speaker: Speaker) -> str:
    t = ctx.text
    details = [x for x in (speaker.role, speaker.organisation) if x]
    line = f"<b>{t.plain(speaker.name, hyphenate=False)}</b>"
    line += "".join(f", {t.plain(x)}" for x in details)
    # Present only when the event allows it (privacy.print_speaker_emails; see publish.py).
    if speaker.email:
        line += ", " + t.link(speaker.email, f"mailto:{speaker.email.removeprefix('mailto:')}")
    return line


def _when_where(ctx: LayoutContext, slot: tuple[dt.date, AgendaItem] | None) -> list[Flowable]:
    """Day, time and room of a talk, from the agenda item that names it."""
    if slot is None:
        return []
    day, item = slot
    lang = ctx.event.lang
    parts = [long_date(day, lang), time_span(item.time, item.end, lang), item.place]
    text = " · ".join(ctx.text.plain(x, hyphenate=False) for x in parts if x)
    return [Paragraph(text, ctx.styles.meta)]


def _slides(ctx: LayoutContext, talk: Talk) -> list[Flowable]:
    if not talk.slides:
        return []
    t, s = ctx.text, ctx.styles
    label = f"<b>{t.plain(with_colon(ctx.labels.slides, ctx.event.lang), hyphenate=False)}</b> "
    url = talk.slides_url
    if url is None:
        # A file in the event folder: named, since a brochure cannot carry it.
        name = talk.slides.rsplit("/", 1)[-1]
        return [Paragraph(label + t.literal(name), s.small)]
    size = QR_SIZE_MM * mm
    width = ctx.geometry.frame_width - size - 4 * mm
    style = s.small
    if stringWidth(url, style.fontName, style.fontSize) > 2 * width:
        # reportlab splits an address once, at a slash (uriWasteReduce), and lets the rest
        # run out of its column: an address longer than two lines breaks where each line
        # ends instead, and stays within it.
        style = ParagraphStyle(f"{style.name}_address", parent=style, uriWasteReduce=0)
    link = Paragraph(label + t.link(url, url), style)
    if not fits_qr_code(url):  # validation warned: the link alone
        return [link]
    # The code at the line's end: at the left when right to left.
    table = direction.table(ctx.direction, [[link, QrCode(url, size)]],
                            (width, size + 4 * mm), [
        ("FONTNAME", (0, 0), (-1, -1), s.body.fontName),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ], splitInRow=1)
    return [table]


def _photos(ctx: LayoutContext, talk: Talk) -> list[Flowable]:
    """The photos that say `talk:` this talk's id: a row under the abstract."""
    numbered = ctx.event.photos.of_talk(talk.id)
    if not numbered:
        return []
    g = ctx.geometry
    rows = photo_rows(ctx, numbered, g.frame_width, max(3, g.gallery_columns),
                      g.frame_height * 0.3)
    return [Spacer(0, g.body_leading * 0.5), *rows]


def _start(ctx: LayoutContext) -> list[Flowable]:
    """The section's start and heading; a large programme's talks (`ctx` in columns) start
    a page of the columns template, whatever the page planner would prefer."""
    if ctx.columns is None or ctx.geometry is not ctx.columns.column:
        return section_heading(ctx, ctx.labels.talks, "talks", section="talks")
    *_, heading = section_heading(ctx, ctx.labels.talks, "talks", section="talks")
    start = section_start(ctx, "talks", True)
    start.forced = True
    return [NextPageTemplate(COLUMNS), start, heading]


def flowables(ctx: LayoutContext) -> list[Flowable]:
    event = ctx.event
    if not event.talks:
        return []
    # A large programme on a wide page: two columns, a step smaller (ctx.columns).
    ctx = ctx.in_columns()
    s = ctx.styles
    out = _start(ctx)
    # A column's talk title is one heading level smaller: it stays a few words a line.
    dense = ctx.columns is not None and ctx.geometry is ctx.columns.column
    title = s.h3 if dense else s.h2
    slots = event.talk_slots()
    shown = {p.talk for p in event.photos.items if p.talk is not None}
    for number, talk in enumerate(event.talks, start=1):
        slot = slots.get(talk.id) if talk.id else None
        if talk.id in shown or "![" in (talk.abstract or ""):
            # Its photos are this build's to prepare (and an image's file may come since).
            out += _talk(ctx, number, talk, slot, title, dense)
            continue
        # A watch rebuild hands over the flowables of each talk that is as it was.
        out += reuse.made(ctx, ("talk", number, talk, slot, title.name, dense),
                          lambda number=number, talk=talk, slot=slot: _talk(
                              ctx, number, talk, slot, title, dense))
    return out

def _talk(ctx: LayoutContext, number: int, talk: Talk,
          slot: tuple[dt.date, AgendaItem] | None, title: ParagraphStyle, dense: bool
          ) -> list[Flowable]:
    """One talk's flowables: format and topic, title, when and where, speakers, abstract,
    slides and photos."""
    s, t = ctx.styles, ctx.text
    out: list[Flowable] = []
    at: KeyPath = ("talks", number - 1)
    # A talk held in another language: its title and abstract are set (hyphenation,
    # quotation marks) and tagged in it; format, speakers and labels stay the event's.
    own = ctx.in_language(talk.lang)
    lang = pdf_language(talk.lang) if own is not ctx and talk.lang else None
    kind = " · ".join(x for x in (talk.format, talk.topic) if x)
    if kind:
        out.append(Paragraph(t.plain(kind, hyphenate=False), s.overline))
    out.extend(in_language(from_key([Heading(
        own.text.heading(talk.title, title, ctx.geometry.frame_width), title,
        OutlineEntry(title=talk.title, key=ctx.talk_anchor(number), level=1))],
        (*at, "title")), lang))
    out.extend(_when_where(ctx, slot))
    # In columns the speakers share a paragraph: a line each would be half empty.
    names = [_speaker(ctx, sp) for sp in talk.speakers]
    lines = [" · ".join(names)] if dense and names else names
    out.extend(from_key([Paragraph(line, s.meta) for line in lines], (*at, "speakers")))
    abstract = in_language(from_key(paragraphs(own, talk.abstract, level=2,
                                               anchor=f"talk-{number}"),
                                    (*at, "abstract")), lang)
    # The slides' link and QR code, and the talk's photos, stay with its last lines.
    out.extend(keep_with_last_lines(abstract, [*from_key(_slides(ctx, talk),
                                                         (*at, "slides")),
                                               *_photos(ctx, talk)]))
    return out
