"""Dates and times: nothing ends before it starts, every agenda day is a day of the event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dokureport.event.model import parse_time
from dokureport.validate.state import State, items


def check_dates(state: State, data: dict[str, Any]) -> None:
    """Agenda items and the event end after they start; agenda days fall within the event."""
    info = data.get("event")
    info = info if isinstance(info, dict) else {}
    for d, day in items(data.get("agenda")):
        for n, item in items(day.get("items")):
            begin, finish = parse_time(item.get("time")), parse_time(item.get("end"))
            if isinstance(begin, dt.time) and isinstance(finish, dt.time) and finish < begin:
                state.error(("agenda", d, "items", n, "end"),
                            f"ends before it starts ({begin:%H:%M})", code="end-before-start")
    start, end = info.get("start"), info.get("end")
    if not isinstance(start, dt.date):
        return
    if isinstance(end, dt.date) and _later(end) < _earlier(start):
        state.error(("event", "end"), f"ends before it starts ({_iso(start)})",
                    code="end-before-start")
    last = end if isinstance(end, dt.date) and _later(end) >= _earlier(start) else start
    first_day, last_day = _day(start), _day(last)
    for d, day in items(data.get("agenda")):
        date = day.get("date")
        if isinstance(date, dt.date) and not first_day <= _day(date) <= last_day:
            span = _iso(first_day) + ("" if first_day == last_day else f" – {_iso(last_day)}")
            state.error(("agenda", d, "date"),
                        f"{_iso(_day(date))} is not a day of the event ({span})",
                        code="date-outside-event")


def _naive(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=None) if value.tzinfo is None else (
        value.astimezone(dt.UTC).replace(tzinfo=None))


def _earlier(value: dt.date) -> dt.datetime:
    """A date or datetime as the first moment it can mean."""
    if isinstance(value, dt.datetime):
        return _naive(value)
    return dt.datetime.combine(value, dt.time.min)


def _later(value: dt.date) -> dt.datetime:
    """A date or datetime as the last moment it can mean (an end date covers its whole day)."""
    if isinstance(value, dt.datetime):
        return _naive(value)
    return dt.datetime.combine(value, dt.time.max)


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _iso(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()
