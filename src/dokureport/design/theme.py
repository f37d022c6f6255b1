"""The organiser's design as data: the Theme model, its loader, and its checks."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import fields
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dokureport.core.errors import InputError, Problem, show
from dokureport.event.load import KeyPath, SourceMap, format_path, load_yaml

SectionName = Literal["cover", "contents", "intro", "agenda", "talks", "chapters", "gallery",
                      "videos", "contacts", "speakers", "imprint", "partners"]
SECTION_NAMES: tuple[str, ...] = SectionName.__args__  # type: ignore[attr-defined]
DEFAULT_THEME = "default"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_SHORT_HEX = re.compile(r"^#[0-9a-fA-F]{3}$")


def themes_dir() -> Path:
    """The folder of the bundled themes (YAML files, one per theme)."""
    return Path(__file__).resolve().parent / "themes"


def bundled_themes() -> list[str]:
    """The names of the bundled themes: what `theme:` and `--theme` accept as a name."""
    return sorted(p.stem for p in themes_dir().glob("*.yaml"))


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _colour(value: Any) -> Any:
    if isinstance(value, str) and _SHORT_HEX.match(value):
        value = "#" + "".join(c * 2 for c in value[1:])
    if isinstance(value, str) and not _HEX.match(value):
        raise ValueError(f"not a colour: {show(value)} (write it as #RRGGBB, e.g. \"#7A1F5C\")")
    return value.lower() if isinstance(value, str) else value


class Colours(_Part):
    """Colour roles, as #RRGGBB (quote them in YAML: # starts a comment)."""

    primary: str = Field(description="Headings, links, agenda times, the cover title")
    accent: str = Field(description="Small highlights: overlines, the cover's kind of event")
    text: str = Field(description="Body text")
    muted: str = Field(description="Secondary text: speakers, places, credits, the footer")
    rule: str = Field(description="Hairlines between agenda items")
    tint: str = Field(description="Background of contact cards")
    background: str = Field(description="The paper; contrast is checked against it")
    cover_text: str = Field(description="Text on the cover's panel (a full-bleed cover photo)")
    cover_panel: str = Field(description="The panel behind the cover text on a full-bleed photo")

    _check = field_validator("*", mode="before")(_colour)


class Fonts(_Part):
    """Font files (.ttf or .otf), relative to the theme file (bundled: the fonts folder)."""

    regular: str
    bold: str | None = None
    italic: str | None = None
    bold_italic: str | None = None


class TypeScale(_Part):
    base_size: float | None = Field(default=None, ge=6, le=16,
                                    description="Body text size in pt (A4/Letter); A5 scales it")
    leading: float | None = Field(default=None, ge=1.0, le=2.5,
                                  description="Line height as a multiple of base_size")
    scale: float = Field(ge=1.05, le=1.6, description="Each heading step multiplies by this")
    headings: Literal["normal", "uppercase"] = "normal"


class Margins(_Part):
    """Page margins in mm on A4/Letter (A5 scales them); unset: the paper's defaults."""

    inner: float | None = Field(default=None, ge=5, le=60)
    outer: float | None = Field(default=None, ge=5, le=60)
    top: float | None = Field(default=None, ge=5, le=60)
    bottom: float | None = Field(default=None, ge=10, le=60)


class Logo(_Part):
    position: Literal["bottom-right", "bottom-left", "top-right", "top-left"]
    height: float = Field(ge=5, le=60, description="In mm")


class Cover(_Part):
    photo: Literal["top", "full", "none"] = Field(
        description="top: across the top edge; full: the whole page; none: no photo")
    photo_share: float = Field(ge=0.2, le=0.8, description="Page height the top photo takes")
    band: bool = Field(description="A band in the primary colour under the photo")
    logo: Logo


class Gallery(_Part):
    columns: int | None = Field(default=None, ge=1, le=6,
                                description="Photos per row at most; unset: 3 (A5: 2)")


class Footer(_Part):
    text: Literal["title", "organiser", "none"]
    page_number: bool
    rule: bool = Field(description="A hairline above the footer")


class ThemeFile(_Part):
    """A dokureport theme: what a theme file (or `theme:` in event.yaml) may say."""

    name: str | None = None
    extends: str | None = Field(default=None, description="A bundled theme this one changes")
    colours: Colours
    fonts: Fonts
    sections: tuple[SectionName, ...] = Field(description="Order; leaving one out drops it")
    new_page: tuple[SectionName, ...] = Field(
        description="Sections that start on a new page; the others follow on the same page "
                    "when enough of it is free")
    type: TypeScale
    margins: Margins = Margins()
    cover: Cover
    gallery: Gallery = Gallery()
    footer: Footer
    labels: dict[str, str] = Field(default_factory=dict,
                                   description="Printed labels to replace, e.g. agenda: Ablauf")

    @field_validator("sections")
    @classmethod
    def _unique_sections(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        twice = sorted({s for s in value if value.count(s) > 1})
        if twice:
            raise ValueError(f"lists {', '.join(twice)} more than once")
        if "cover" in value and value[0] != "cover":
            raise ValueError("the cover can only come first")
        return value


class Theme(BaseModel):
    """The design one build uses: the checked theme with its font files resolved."""

    model_config = ConfigDict(frozen=True)

    name: str
    colours: Colours
    font_files: dict[str, Path]  # style → file, styles not given are absent
    sections: tuple[str, ...]
    new_page: frozenset[str]
    type: TypeScale
    margins: Margins
    cover: Cover
    gallery: Gallery
    footer: Footer
    labels: dict[str, str]
    source: Path | None = None  # the file it came from (messages)

    def starts_page(self, section: str) -> bool:
        return section in self.new_page


# --- loading ----------------------------------------------------------------------------

class _Prefixed:
    """A source map seen from inside one key: an inline `theme:` in event.yaml."""

    def __init__(self, source: SourceMap, prefix: KeyPath) -> None:
        self._source, self._prefix = source, prefix
        n = len(prefix)
        self.file = source.file
        self.texts = {p[n:]: t for p, t in source.texts.items() if p[:n] == prefix}
        self.values = {p[n:]: v for p, v in source.values.items() if p[:n] == prefix}

    def problem(self, path: KeyPath, message: str, *, key: bool = False) -> Problem:
        return self._source.problem((*self._prefix, *path), message, key=key)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if key == "fonts":
            out[key] = value  # one family: a new regular never keeps the old bold
        elif isinstance(value, dict) and isinstance(out.get(key), dict) and key != "labels":
            out[key] = _merge(out[key], value)
        elif key == "labels" and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def _bundled_data(name: str) -> tuple[dict[str, Any], Path]:
    path = themes_dir() / f"{name}.yaml"
    loaded = load_yaml(path)
    if loaded.problems or not isinstance(loaded.data, dict):
        raise RuntimeError(f"the bundled theme {name} is broken: {loaded.problems}")
    data = dict(loaded.data)
    parent = data.pop("extends", None if name == DEFAULT_THEME else DEFAULT_THEME)
    if parent:
        base, _ = _bundled_data(parent)
        data = _merge(base, data)
    return data, path


class _ThemeCheck:
    """Every problem of one theme at once, located in the file that says it."""

    def __init__(self, source: SourceMap | _Prefixed) -> None:
        self.source = source
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, path: KeyPath, message: str, *, key: bool = False) -> None:
        self.errors.append(self.source.problem(path, message, key=key))

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
            if inner is not None:
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


def check_labels(labels: Any, path: KeyPath, problem: Any) -> None:
    """Unknown label names, reported through `problem(path, message, key=True)`."""
    if not isinstance(labels, dict):
        return
    names = _label_names()
    for key, value in labels.items():
        if key not in names:
            close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            hint = f" (did you mean `{close[0]}`?)" if close else f"; labels are {', '.join(names)}"
            problem((*path, key), f"unknown label `{key}`{hint}", key=True)
        elif not isinstance(value, str):
            problem((*path, key), f"must be text, not {show(value)}")


def load_theme(spec: str | dict[str, Any] | None, folder: Path,
               source: SourceMap | None = None) -> tuple[Theme, list[Problem]]:
    """The theme `spec` names: a bundled theme's name, a YAML file in folder, or a mapping.

    `source` locates an inline mapping (event.yaml's `theme:`). Raises InputError with
    every problem; returns the theme and its warnings.
    """
    spec = DEFAULT_THEME if spec is None else spec
    where: SourceMap | _Prefixed
    if isinstance(spec, dict):
        data, base_dir = spec, folder
        where = _Prefixed(source, ("theme",)) if source else SourceMap(folder / "event.yaml")
        origin: Path | None = where.file
    elif spec in bundled_themes():
        data, origin = _bundled_data(spec)
        return _finish(data, _Prefixed(SourceMap(origin), ()), origin, spec, [], fonts_base=None)
    else:
        path = _theme_path(spec, folder, source)
        loaded = load_yaml(path)
        if not isinstance(loaded.data, dict):
            raise InputError([Problem("a theme file must be a mapping of keys (colours:, "
                                      "fonts:, sections:, …)", file=path)])
        data, where, origin, base_dir = loaded.data, loaded.source, path, path.parent
        if loaded.problems:
            raise InputError(loaded.problems)
    parent = data.get("extends", DEFAULT_THEME)
    check = _ThemeCheck(where)
    if not isinstance(parent, str) or parent not in bundled_themes():
        close = difflib.get_close_matches(str(parent), bundled_themes(), n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        check.error(("extends",), f"no bundled theme is called {show(parent)}{hint}; "
                    f"bundled: {', '.join(bundled_themes())}")
        parent = DEFAULT_THEME
    base, _ = _bundled_data(parent)
    merged = _merge(base, {k: v for k, v in data.items() if k != "extends"})
    name = str(data.get("name") or (origin.stem if origin and origin.suffix == ".yaml"
                                    and origin.name != "event.yaml" else "custom"))
    return _finish(merged, where, origin, name, [], fonts_base=base_dir, user=data, check=check)


def _theme_path(spec: str, folder: Path, source: SourceMap | None) -> Path:
    from dokureport.event.files import resolve_file

    candidate = spec if spec.endswith((".yaml", ".yml")) else None
    if candidate is None and "/" not in spec:
        close = difflib.get_close_matches(spec, bundled_themes(), n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        message = (f"no bundled theme is called {show(spec)}{hint}; bundled: "
                   f"{', '.join(bundled_themes())}, or name a .yaml file")
        raise InputError([source.problem(("theme",), message) if source else Problem(
            f"--theme: {message}")])
    if source is None:  # --theme PATH: a path as the shell gives it
        folder = Path.cwd()
    problem, resolved = resolve_file(folder.resolve(), spec, image=False,
                                     allow_outside=source is None)
    if problem or resolved is None:
        message = problem or f"not found: {spec}"
        raise InputError([source.problem(("theme",), message) if source else Problem(
            f"--theme: {message}")])
    return resolved


def _finish(data: dict[str, Any], where: Any, origin: Path | None, name: str,
            warnings: list[Problem], *, fonts_base: Path | None, user: Any = None,
            check: _ThemeCheck | None = None) -> tuple[Theme, list[Problem]]:
    from dokureport.core.resources import fonts_dir

    check = check or _ThemeCheck(where)
    if user is not None:
        check.unknown_keys({k: v for k, v in user.items() if k != "extends"}, ThemeFile, ())
        if isinstance(user, dict):
            check.section_names(user)
            check_labels(user.get("labels"), ("labels",), check.error)
    try:
        model = ThemeFile.model_validate(
            {k: v for k, v in data.items() if k != "extends"}
            | {"labels": {k: v for k, v in (data.get("labels") or {}).items()
                          if isinstance(v, str)} if isinstance(data.get("labels"), dict)
               else data.get("labels", {})})
    except ValidationError as exc:
        check.translate(exc)
        raise InputError(_ordered(check.errors)) from None
    font_files: dict[str, Path] = {}
    user_fonts = user.get("fonts") if isinstance(user, dict) else None
    for style in ("regular", "bold", "italic", "bold_italic"):
        value = getattr(model.fonts, style)
        if value is None:
            continue
        named_here = isinstance(user_fonts, dict) and style in user_fonts
        if named_here and fonts_base is not None:
            from dokureport.event.files import resolve_file

            problem, resolved = resolve_file(fonts_base, value, image=False,
                                             allow_outside=False)
            if problem or resolved is None:
                check.error(("fonts", style), problem or f"not found: {value}")
                continue
            from dokureport.text.font_files import FontFileError, check_font_file

            try:
                check_font_file(resolved)
            except FontFileError as exc:
                check.error(("fonts", style), str(exc))
                continue
            font_files[style] = resolved
        else:
            font_files[style] = fonts_dir() / value
    if check.errors:
        raise InputError(_ordered(check.errors))
    theme = Theme(
        name=model.name or name, colours=model.colours, font_files=font_files,
        sections=model.sections, new_page=frozenset(model.new_page), type=model.type,
        margins=model.margins, cover=model.cover, gallery=model.gallery, footer=model.footer,
        labels=dict(model.labels), source=origin,
    )
    from dokureport.design.contrast import contrast_warnings

    for path, message in contrast_warnings(theme):
        check.warn(path, message)
    return theme, [*warnings, *check.warnings]


def _ordered(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (str(p.file), p.line or 0, p.column or 0, p.key_path))


def default_theme() -> Theme:
    """The bundled default theme (what a brochure looks like unless told otherwise)."""
    return load_theme(DEFAULT_THEME, themes_dir())[0]


def theme_schema() -> dict[str, Any]:
    """The JSON Schema of a theme file (JSON Schema 2020-12)."""
    schema = ThemeFile.model_json_schema(mode="validation")
    # Every key may be left out: it then keeps the value of the theme it extends.
    def loosen(node: Any) -> None:
        if isinstance(node, dict):
            node.pop("required", None)
            for value in node.values():
                loosen(value)
        elif isinstance(node, list):
            for value in node:
                loosen(value)
    loosen(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://dokureport.invalid/theme.schema.json",
        "title": "dokureport theme",
        "description": "Colours, fonts, section order and page design of a dokureport brochure; "
                       "every key may be left out and keeps the value of `extends` "
                       f"(bundled: {', '.join(bundled_themes())}).",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def theme_schema_json() -> str:
    """The JSON Schema of a theme file as indented JSON text."""
    return json.dumps(theme_schema(), indent=2, ensure_ascii=False) + "\n"
