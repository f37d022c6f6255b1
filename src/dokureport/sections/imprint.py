"""The imprint: publisher, event, photo credits by gallery number, and the build date."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from dokureport.core.version import __version__
from dokureport.i18n.dates import date_range, long_date
from dokureport.i18n.labels import Labels, with_colon
from dokureport.layout.context import LayoutContext
from dokureport.sections.common import section_heading


def _numbers(numbers: list[int]) -> str:
    """1, 2, 3, 5 → "1–3, 5"."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][-1] + 1:
            spans[-1].append(n)
        else:
            spans.append([n])
    return ", ".join(f"{s[0]}–{s[-1]}" if len(s) > 2 else ", ".join(map(str, s)) for s in spans)


def photo_credits(ctx: LayoutContext) -> list[tuple[str, list[int], bool]]:
    """Each distinct credit, the gallery numbers of the photos it covers, and whether the
    cover photo is one of them."""
    credits: dict[str, tuple[list[int], list[bool]]] = {}
    for number, photo in enumerate(ctx.event.photos.items, start=1):
        credit = ctx.event.photos.credit_of(photo)
        if credit:
            numbers, cover = credits.setdefault(credit, ([], []))
            numbers.append(number)
            cover.append(photo.cover)
    return [(credit, numbers, any(cover)) for credit, (numbers, cover) in credits.items()]


def credited_photos(labels: Labels, numbers: list[int], cover: bool) -> str:
    """ "Fotos 1–9", "Foto 3", "Titelbild und Fotos 1–9": singular or plural as counted."""
    one = len(numbers) == 1
    if cover:
        template = labels.cover_and_photo if one else labels.cover_and_photos
    else:
        template = labels.photo_numbered if one else labels.photos_numbered
    return template.format(numbers=_numbers(numbers))


def flowables(ctx: LayoutContext) -> list[Flowable]:
    event, s, t, labels = ctx.event, ctx.styles, ctx.text, ctx.labels
    out = section_heading(ctx, labels.imprint, "imprint", section="imprint")

    # One paragraph per fact, not lines joined by breaks: each is a fact of its own (a
    # date, a venue), not running text, for a screen reader as for the layout check's
    # measure. Only the last one keeps the style's space after it.
    tight = ParagraphStyle("imprint_fact", parent=s.small, spaceBefore=0, spaceAfter=0)

    def block(label: str, lines: list[str]) -> None:
        out.append(Paragraph(f"<b>{t.plain(label, hyphenate=False)}</b>", s.meta))
        out.extend(Paragraph(line, tight) for line in lines[:-1])
        out.append(Paragraph(lines[-1], s.small))

    if event.organiser:
        block(labels.publisher, [t.plain(event.organiser.name, hyphenate=False)])
    what = [t.plain(event.title)]
    if event.event.kind:
        what.append(f"{t.plain(with_colon(labels.event_kind, event.lang), hyphenate=False)} "
                    f"{t.plain(event.event.kind)}")
    what.append(t.plain(date_range(event.event.start, event.event.end, event.lang),
                        hyphenate=False))
    if event.event.venue:
        venue = event.event.venue
        what.append(t.plain(", ".join(x for x in (venue.name, *venue.address) if x)))
    block(labels.event, what)
    credits = photo_credits(ctx)
    if credits:
        lines = [
            t.plain(f"{with_colon(credited_photos(labels, numbers, cover), event.lang)} "
                    f"{credit}", hyphenate=False)
            for credit, numbers, cover in credits
        ]
        block(labels.photo_credits, lines)
    built = labels.built_on.format(date=long_date(ctx.build_date, event.lang))
    out.append(Paragraph(t.plain(f"{built} · dokureport {__version__}", hyphenate=False),
                         s.small))
    return out
