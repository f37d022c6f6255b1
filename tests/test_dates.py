"""Dates as the event's language writes them."""

from __future__ import annotations

import datetime as dt

from dokureport.i18n.dates import date_range, time_span


def test_german_range_over_days() -> None:
    assert date_range(dt.datetime(2019, 10, 29, 12), dt.datetime(2019, 10, 31, 12, 45), "de") == (
        "Dienstag, 29. Oktober 2019, 12:00 Uhr – Donnerstag, 31. Oktober 2019, 12:45 Uhr"
    )


def test_english_range_over_days() -> None:
    assert date_range(dt.datetime(2019, 10, 29, 12), dt.datetime(2019, 10, 31, 12, 45), "en") == (
        "Tuesday, 29 October 2019, 12:00 – Thursday, 31 October 2019, 12:45"
    )


def test_same_day_gives_a_time_span() -> None:
    assert date_range(dt.datetime(2024, 3, 5, 9), dt.datetime(2024, 3, 5, 16, 30), "de") == (
        "Dienstag, 5. März 2024, 9:00–16:30 Uhr"
    )


def test_date_only() -> None:
    assert date_range(dt.date(2024, 3, 5), None, "de") == "Dienstag, 5. März 2024"


def test_agenda_slot() -> None:
    assert time_span(dt.time(9, 30), dt.time(10, 15), "de") == "9:30–10:15"
