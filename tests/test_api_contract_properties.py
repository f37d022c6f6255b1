"""Property-based: whatever Python data the API is given, validation answers with a valid
event or an InputError of short messages, never another exception (issue 24)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dokureport.core.errors import InputError
from dokureport.core.options import OPTION_RULES, option_problems
from dokureport.event.model import Event
from dokureport.validate import ValidatedEvent, validate_data
from dokureport.validate.shape import _HOME

FOLDER = Path(tempfile.mkdtemp(prefix="dokureport-properties-"))
HUGE = "x" * 6_000_000  # more than an event.yaml may hold
BIG = "y" * 100_000

KEYS = [*sorted(_HOME), "de", "en", "agenda", "extends", "colours"]


class _Odd:
    def __repr__(self) -> str:
        return HUGE


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10 ** 4400),
    st.floats(), st.text(max_size=30), st.sampled_from(["2024-03-05", "9:00", "de", "en",
                                                        "https://example.org", "a@b.de"]),
    st.dates(), st.datetimes(), st.times(), st.binary(max_size=5),
    st.sets(st.integers(), max_size=2), st.just(_Odd()), st.just(HUGE), st.just(BIG),
    st.complex_numbers(max_magnitude=10),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=10), st.integers(), st.just(HUGE),
                 st.tuples(st.integers()))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(keys, inner, max_size=4),
                            st.tuples(inner, inner)),
    max_leaves=12,
)


@st.composite
def events(draw: st.DrawFn) -> Any:
    """Event-shaped mappings: the real top-level keys, random values; sometimes a cycle."""
    data: dict[Any, Any] = {"title": draw(st.one_of(st.text(max_size=20), values)),
                            "event": draw(st.one_of(
                                st.fixed_dictionaries({"start": values},
                                                      optional={"end": values,
                                                                "venue": values}),
                                values))}
    for key in draw(st.lists(st.sampled_from(list(Event.model_fields)), max_size=5)):
        data[key] = draw(values)
    if draw(st.booleans()):
        containers = _containers(data)
        target = draw(st.sampled_from(containers))
        if isinstance(target, dict):
            target[draw(keys)] = data if draw(st.booleans()) else target
        else:
            target.append(data if draw(st.booleans()) else target)
    return data


def _containers(value: Any, found: list[Any] | None = None) -> list[Any]:
    found = [] if found is None else found
    if isinstance(value, dict | list) and not any(value is f for f in found):
        found.append(value)
        for item in value.values() if isinstance(value, dict) else value:
            _containers(item, found)
    return found


def _answers(data: Any) -> None:
    try:
        result = validate_data(data, FOLDER, decode_images=False)
    except InputError as error:
        assert error.problems
        for problem in error.problems:
            assert len(str(problem)) < 1000, str(problem)[:2000]
    else:
        assert isinstance(result, ValidatedEvent)
        assert isinstance(result.event.event.start, dt.date)
        assert all(len(str(w)) < 1000 for w in result.warnings)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events())
def test_any_event_shaped_data_is_an_event_or_an_input_error(data: Any) -> None:
    _answers(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values)
def test_any_data_at_all_is_an_event_or_an_input_error(data: Any) -> None:
    _answers(data)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(OPTION_RULES)), st.one_of(scalars, values))
def test_any_option_value_is_good_or_named_briefly(name: str, value: Any) -> None:
    for problem in option_problems(**{name: value}):
        assert problem.code == "invalid-option" and f"the option {name}" in problem.message
        assert len(str(problem)) < 1000
