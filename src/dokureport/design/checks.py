"""A theme's checks: unknown keys and labels with suggestions, every problem at its line."""

from __future__ import annotations

import difflib
from dataclasses import fields
from typing import Any

from pydantic import BaseModel, ValidationError

from dokureport.core.errors import Problem, show
from dokureport.core.limits import MAX_LABEL
from dokureport.design.model import SECTION_NAMES
from dokureport.event.load import KeyPath, SourceMap, format_path


class Prefixed:
    """A source map seen from inside one key: an inline `theme:` in event.yaml."""

    def __init__(self, source: SourceMap, prefix: KeyPath) -> None:
        self._source, self._prefix = source, prefix
        n = len(prefix)
        self.file = source.file
        self.texts = {p[n:]: t for p, t in source.texts.items() if p[:n] == prefix}
        self.values = {p[n:]: v for p, v in source.values.items() if p[:n] == prefix}

    def problem(self, path: KeyPath, message: str, *, key: bool = False,
                code: str = "other") -> Problem:
        return self._source.problem((*self._prefix, *path), message, key=key, code=code)


class ThemeCheck:
    """Every problem of one theme at once, located in the file that says it."""

    def __init__(self, source: SourceMap | Prefixed) -> None:
        self.source = source
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, path: KeyPath, message: str, *, key: bool = False,
              code: str = "other") -> None:
        self.errors.append(self.source.problem(path, message, key=key, code=code))

    def warn(self, path: KeyPath, message: str) -> None:
        self.warnings.append(self.source.problem(path, message))

    def unknown_keys(self, data: Any, model: type[BaseModel], path: KeyPath) -> None:
        if not isinstance(data, dict):
            return
        known = [n for n in model.model_fields]
        for key, value in data.items():
            if key not in model.model_fields:
                close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
                hint = (f" (did you mean `{close[0]}`?)" if close
                        else f"; known keys here: {', '.join(known)}")
                self.error((*path, key), f"unknown key `{key}`{hint}", key=True)
                continue
            inner = _model_of(model.model_fields[key].annotation)
            if inner is not None and isinstance(value, list):  # fonts.fallback's entries
                for index, item in enumerate(value):
                    self.unknown_keys(item, inner, (*path, key, index))
            elif inner is not None:
                self.unknown_keys(value, inner, (*path, key))

    def section_names(self, data: dict[str, Any]) -> None:
        for key in ("sections", "new_page"):
            value = data.get(key)
            if not isinstance(value, list):
                continue
            for i, item in enumerate(value):
                if isinstance(item, str) and item not in SECTION_NAMES:
                    close = difflib.get_close_matches(item, SECTION_NAMES, n=1, cutoff=0.6)
                    hint = (f" (did you mean `{close[0]}`?)" if close
                            else f"; sections are {', '.join(SECTION_NAMES)}")
                    self.error((key, i), f"no section is called `{item}`{hint}")

    def translate(self, exc: ValidationError) -> None:
        reported = {p.key_path for p in self.errors}
        for err in exc.errors(include_url=False):
            path = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
            if format_path(path) in reported or any(
                    format_path(path).startswith(r + ".") or format_path(path).startswith(r + "[")
                    for r in reported):
                continue
            if err["type"] == "missing":
                self.error(path, "required")
            elif err["type"] == "literal_error":
                self.error(path, f"must be {err['ctx']['expected']}, not {show(err.get('input'))}")
            elif err["type"] == "value_error":
                self.error(path, str(err["ctx"]["error"]))
            else:
                self.error(path, err["msg"][0].lower() + err["msg"][1:]
                           + f" (got {show(err.get('input'))})")


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _label_names() -> list[str]:
    from dokureport.i18n.labels import Labels

    return [f.name for f in fields(Labels)]


def _template_problem(name: str, value: str) -> str | None:
    """What is wrong with the `{…}` fields of a template label (it fills in its own only)."""
    import string

    from dokureport.i18n.labels import TEMPLATE_FIELDS

    allowed = TEMPLATE_FIELDS.get(name)
    if allowed is None:
        return None  # printed as written, braces and all
    try:
        fine = all(f == allowed and not spec and not conversion
                   for _, f, spec, conversion in string.Formatter().parse(value)
                   if f is not None)
    except ValueError:
        fine = False
    if fine:
        return None
    return f"this label fills in only {{{allowed}}} (write {{{{ and }}}} for a brace)"


def check_labels(labels: Any, path: KeyPath, problem: Any) -> None:
    """Unknown label names and labels too long to set (`MAX_LABEL`), reported through
    `problem(path, message, key=…, code=…)`."""
    if not isinstance(labels, dict):
        return
    names = _label_names()
    for key, value in labels.items():
        if key not in names:
            close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            hint = f" (did you mean `{close[0]}`?)" if close else f"; labels are {', '.join(names)}"
            problem((*path, key), f"unknown label `{format_path((str(key),))}`{hint}", key=True)
        elif not isinstance(value, str):
            problem((*path, key), f"must be text, not {show(value)}")
        elif (wrong := _template_problem(str(key), value)) is not None:
            problem((*path, key), wrong)
        elif len(value) > MAX_LABEL:
            # A label is set as a heading or beside every entry: a long one is no label,
            # and the time to set it grows with the square of its length.
            problem((*path, key), f"too long: a label of {len(value):,} characters (at most "
                    f"{MAX_LABEL:,}: shorten it)", code="too-long")


def ordered(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (str(p.file), p.line or 0, p.column or 0, p.key_path))
