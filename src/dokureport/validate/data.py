"""Python data (the API's mapping or model) as the plain data an event.yaml would give.

The same type rules as the YAML loader (event/load.py): text, numbers, true/false, dates,
lists and mappings with text keys, and nothing else; no value that contains itself; no
deeper nesting, no more values and no longer texts than a file may have. Each scalar's
YAML spelling goes into the source map, as the loader records each scalar's source
text, so that `shape` reads `phone: 401234` as the text "401234" from either entrance.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping
from typing import Any

from dokureport.core.errors import InputError, Problem
from dokureport.event.load import MAX_BYTES, MAX_DEPTH, MAX_VALUES, KeyPath, Loaded, SourceMap


class _TooMany(Exception):
    """More values than an event.yaml may expand to."""


def yaml_spelling(value: bool | int | float | dt.date) -> str:
    """How an event.yaml would write this scalar: the text a text field then reads."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)  # an int; ValueError beyond Python's limit of digits


class _Reader:
    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()  # the containers on the current path: a cycle's test

    def error(self, path: KeyPath, message: str) -> None:
        self.problems.append(self.source.problem(path, message, code="invalid-value"))

    def read(self, value: Any, path: KeyPath) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooMany
        if value is None:
            return None
        if isinstance(value, str):
            if len(value) > MAX_BYTES:
                self.error(path, f"is a text of {len(value):,} characters: more than an "
                           f"event.yaml may hold ({MAX_BYTES // (1024 * 1024)} MB)")
                return None
            return str.__str__(value)  # a plain str, as YAML gives (not a subclass)
        if isinstance(value, bool | int | float | dt.date):
            try:
                self.source.texts[path] = yaml_spelling(value)
            except ValueError:
                self.error(path, "is a number with thousands of digits")
                return None
            return value
        if isinstance(value, dt.time):
            return value.isoformat()  # as a file writes a time of day: text (9:00)
        if isinstance(value, os.PathLike):
            return self.read(os.fspath(value), path)
        if not isinstance(value, Mapping | list | tuple):
            self.error(path, "must be text, a number, true/false, a date, a list or a "
                       f"mapping, not a Python {type(value).__name__}")
            return None
        if id(value) in self.active:
            self.error(path, "contains itself")
            return None
        if len(path) >= MAX_DEPTH:
            self.error(path, "nested too deeply")
            return None
        self.active.add(id(value))
        try:
            if isinstance(value, Mapping):
                return self._mapping(value, path)
            return [self.read(item, (*path, i)) for i, item in enumerate(value)]
        finally:
            self.active.discard(id(value))

    def _mapping(self, value: Mapping[Any, Any], path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and len(key) <= MAX_BYTES:
                name = str.__str__(key)
            elif isinstance(key, bool | int | float | dt.date) and not isinstance(key, str):
                try:
                    name = yaml_spelling(key)  # `5: x` in a file is the key "5"
                except ValueError:
                    name = None
            else:
                name = None
            if name is None:
                self.error(path, "a key must be plain text")
                continue
            result[name] = self.read(item, (*path, name))
        return result


def read_python(data: Any, source: SourceMap) -> Loaded:
    """`data` as a Loaded event, its problems listed; InputError if there is too much."""
    reader = _Reader(source)
    try:
        plain = reader.read(data, ())
    except _TooMany:
        raise InputError([Problem(f"has more than {MAX_VALUES:,} values (a list or mapping "
                                  "that appears n times counts n times): not an event",
                                  file=source.file, code="yaml-unsafe")]) from None
    return Loaded(plain, source, reader.problems)
