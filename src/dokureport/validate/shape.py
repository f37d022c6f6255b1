"""Unknown keys (with suggestions), the data shaped for the model, its errors said plainly."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from dokureport.core.errors import show
from dokureport.event.load import KeyPath, SourceMap, format_path, parse_when
from dokureport.event.model import Event
from dokureport.validate.state import State, name

# --- shaping: raw YAML data → what the model reads ---------------------------------------

def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
        return typing.Union[tuple(args)]  # noqa: UP007 - rebuilding a runtime union
    return annotation


def _known_keys(model: type[BaseModel], parent: str, table: dict[str, set[str]]) -> None:
    for key, info in model.model_fields.items():
        if info.exclude:
            continue
        table.setdefault(key, set()).add(parent or "the top level")
        for inner in _inner_models(info.annotation):
            _known_keys(inner, f"{parent}.{key}" if parent else key, table)


def _inner_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _inner_models(arg)]


_HOME: dict[str, set[str]] = {}
_known_keys(Event, "", _HOME)

_TEXT_SCALARS = (bool, int, float, dt.date)  # what a text field may receive from plain YAML


def _suggest(key: str, fields: list[str]) -> str:
    lowered = {f.lower(): f for f in fields}
    if key.lower() in lowered:
        return f" (did you mean `{lowered[key.lower()]}`?)"
    close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
    if close:
        return f" (did you mean `{close[0]}`?)"
    homes = _HOME.get(key)
    if homes:
        return f" (`{key}` belongs under {' or '.join(sorted(f'`{h}`' for h in homes))})"
    return f"; known keys here: {', '.join(fields)}"


_Plan = tuple[Any, dict[str, Any] | None, Any, tuple[Any, ...]]
_PLANS: dict[Any, _Plan] = {}


def _plan(annotation: Any) -> _Plan:
    """An annotation without its Optional, its model's fields (if a model), its origin
    and arguments: worked out once per annotation, not once per value."""
    try:
        return _PLANS[annotation]
    except (KeyError, TypeError):
        pass
    stripped = _strip_optional(annotation)
    fields = None
    if isinstance(stripped, type) and issubclass(stripped, BaseModel):
        fields = {n: f for n, f in stripped.model_fields.items() if not f.exclude}
    plan = (stripped, fields, typing.get_origin(stripped), typing.get_args(stripped))
    with contextlib.suppress(TypeError):  # an unhashable annotation: worked out each time
        _PLANS[annotation] = plan
    return plan


def shape(state: State, value: Any, annotation: Any, path: KeyPath) -> Any:
    """value made ready for the model at path: unknown keys reported and dropped,
    text fields given their source text (`phone: 0401234` is not the number 131740)."""
    annotation, fields, origin, args = _plan(annotation)
    if fields is not None:
        if not isinstance(value, dict):
            return value
        shaped = {}
        for key, item in value.items():
            if key in fields and item is None and fields[key].default is not None and (
                not fields[key].is_required()
            ):
                continue  # `agenda:` with nothing after it: no agenda, not an error
            if key in fields:
                shaped[key] = shape(state, item, fields[key].annotation, (*path, key))
            else:
                hint = _suggest(key, list(fields))
                state.error((*path, key), f"unknown key `{name(key)}`{hint}", key=True,
                            code="unknown-key")
        return shaped
    if origin is tuple and args[1:] == (Ellipsis,):
        inner = args[0]
        if isinstance(value, str) and inner is str:
            # A single name or a multi-line address is what people mean by a list here.
            return [line.strip() for line in value.splitlines() if line.strip()]
        if isinstance(value, list):
            return [shape(state, v, inner, (*path, i)) for i, v in enumerate(value)]
        return value
    kinds = (annotation, *args)
    if annotation in (str, Path) or dt.date in kinds or dt.time in kinds:
        # YAML's guess (an int, a bool, a date) is not what a text field means, and a number
        # in a date or time field would be read as seconds since 1970 or since midnight.
        keep = dt.date if annotation not in (str, Path) else ()
        if isinstance(value, _TEXT_SCALARS) and not isinstance(value, keep) and (
            path in state.source.texts
        ):
            value = state.source.texts[path]
        if dt.date in kinds and value is not None and not isinstance(value, dt.date | dict | list):
            # "2019-10-29" in quotes is still a date; other text or a number is not one,
            # whatever pydantic would make of it (20240305 seconds after 1970).
            when = parse_when(value) if isinstance(value, str) else None
            if when is None:
                state.error(path, f"not a date: {show(value)} (write 2019-10-29 or "
                            "2019-10-29 12:00)")
            return when or value
    return value


# --- pydantic's errors, said plainly -------------------------------------------------------

def translate(state: State, exc: ValidationError) -> None:
    """Each of the model's errors at its key, unless a check has reported that key already."""
    reported = {p.key_path for p in state.errors}  # a bad tag, a bad file: already said
    for err in exc.errors(include_url=False):
        path = _data_path(state.source, err["loc"], missing=err["type"] == "missing")
        if format_path(path) in reported:
            continue
        if err["type"] == "missing":
            state.error(path, "required", code="required")
        else:
            state.error(path, _plain(err))


def _plain(err: Any) -> str:
    kind, value = err["type"], err.get("input")
    got = show(value)
    if value is None:
        return "is empty"
    if kind.startswith(("date_", "datetime_")):
        return f"not a date: {got} (write 2019-10-29 or 2019-10-29 12:00)"
    if kind in ("time_parsing", "time_type"):
        return f"not a time: {got} (write 9:00 or 13:30)"
    if kind == "string_type":
        return f"must be text, not {got}"
    if kind in ("tuple_type", "list_type"):
        return f"must be a list (lines starting with `- `), not {got}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping (indented `key: value` lines), not {got}"
    if kind == "literal_error":
        return f"must be {err['ctx']['expected']}, not {got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false, not {got}"
    if kind.startswith(("float_", "int_")):
        return f"must be a number, not {got}"
    if kind in ("too_short", "too_long"):
        return f"has the wrong number of entries: {err['msg'].lower()}"
    if kind == "value_error":
        return str(err["ctx"]["error"])
    if kind == "path_type":
        return f"must be a file name, not {got}"
    return err["msg"][0].lower() + err["msg"][1:]


def _data_path(source: SourceMap, loc: tuple[Any, ...], *, missing: bool) -> KeyPath:
    """pydantic's loc without its union-member labels ("datetime", "function-after[…]")."""
    path: list[str | int] = []
    body, last = (loc[:-1], loc[-1:]) if missing else (loc, ())
    for part in body:
        if (*path, part) in source.values:
            path.append(part)
        elif isinstance(part, int) or (
            not any(c in str(part) for c in "[]-") and part not in _UNION_LABELS
        ):
            path.append(part)  # shaped data (a string split into lines) has no source position
    return (*path, *last)


_UNION_LABELS = {"date", "datetime", "str", "int", "float", "bool", "time"}
