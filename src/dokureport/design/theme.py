"""A theme loaded: bundled by name, a YAML file or event.yaml's mapping; extended, checked."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dokureport.core.errors import InputError, Problem, show
from dokureport.design.checks import Prefixed, ThemeCheck, check_labels, ordered
from dokureport.design.model import Theme, ThemeFile
from dokureport.design.tints import derived_colours
from dokureport.event.load import SourceMap, load_yaml

DEFAULT_THEME = "default"


def themes_dir() -> Path:
    """The folder of the bundled themes (YAML files, one per theme)."""
    return Path(__file__).resolve().parent / "themes"


def bundled_themes() -> list[str]:
    """The names of the bundled themes: what `theme:` and `--theme` accept as a name."""
    return sorted(p.stem for p in themes_dir().glob("*.yaml"))


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if key == "fonts" and isinstance(value, dict) and isinstance(out.get(key), dict):
            # One family: a new regular never keeps the old bold. The fallback chain alone
            # keeps the family it extends.
            family = {k: v for k, v in value.items() if k != "fallback"}
            kept = {k: v for k, v in out[key].items() if k == "fallback" or not family}
            out[key] = {**kept, **value}
        elif key == "fonts":
            out[key] = value
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


def load_theme(spec: str | dict[str, Any] | None, folder: Path,
               source: SourceMap | None = None) -> tuple[Theme, list[Problem]]:
    """The theme `spec` names: a bundled theme's name, a YAML file in folder, or a mapping.

    `source` locates an inline mapping (event.yaml's `theme:`). Raises InputError with
    every problem; returns the theme and its warnings.
    """
    spec = DEFAULT_THEME if spec is None else spec
    where: SourceMap | Prefixed
    if isinstance(spec, dict):
        data, base_dir = spec, folder
        where = Prefixed(source, ("theme",)) if source else SourceMap(folder / "event.yaml")
        origin: Path | None = where.file
    elif spec in bundled_themes():
        data, origin = _bundled_data(spec)
        return _finish(data, Prefixed(SourceMap(origin), ()), origin, spec, [], fonts_base=None)
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
    check = ThemeCheck(where)
    if not isinstance(parent, str) or parent not in bundled_themes():
        close = difflib.get_close_matches(str(parent), bundled_themes(), n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        check.error(("extends",), f"no bundled theme is called {show(parent)}{hint}; "
                    f"bundled: {', '.join(bundled_themes())}")
        parent = DEFAULT_THEME
    base, _ = _bundled_data(parent)
    merged = _merge(base, {k: v for k, v in data.items() if k != "extends"})
    if isinstance(merged.get("colours"), dict):  # left-out tints follow the primary
        merged["colours"] = {**merged["colours"],
                             **derived_colours(base.get("colours"), data.get("colours"))}
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


def _print_profile(model: ThemeFile, user: Any, base: Path | None, check: ThemeCheck
                   ) -> Path | None:
    """The theme's own print profile, beside the theme file and a CMYK output profile."""
    icc = model.print.icc if model.print else None
    if icc is None:
        return None
    named_here = isinstance(user, dict) and isinstance(user.get("print"), dict)
    if not named_here or base is None:
        return None  # a bundled theme names none
    from dokureport.assets.cmyk import NotAPrintProfile, check_profile, read_profile
    from dokureport.event.files import resolve_file

    problem, resolved = resolve_file(base, icc, image=False, allow_outside=False)
    if problem or resolved is None:
        check.error(("print", "icc"), problem or f"not found: {icc}")
        return None
    try:
        check_profile(read_profile(resolved))
    except (OSError, NotAPrintProfile) as exc:
        check.error(("print", "icc"), f"{icc} {exc}")
        return None
    return resolved


def _fallback_files(model: ThemeFile, user_fonts: Any, base: Path | None, check: ThemeCheck
                    ) -> tuple[dict[str, Path], ...]:
    """The files of fonts.fallback, each beside the theme file and a font reportlab can embed
    (checked as the family's); a bundled theme names none."""
    if not model.fonts.fallback:
        return ()
    if not (isinstance(user_fonts, dict) and "fallback" in user_fonts) or base is None:
        return ()
    from dokureport.event.files import resolve_file
    from dokureport.text.font_files import FontFileError, check_font_file

    written = user_fonts["fallback"]
    out: list[dict[str, Path]] = []
    for index, entry in enumerate(model.fonts.fallback):
        # A file name alone is reported at its list item, a style's file at its key.
        alone = isinstance(written, list) and isinstance(written[index], str)
        files: dict[str, Path] = {}
        for style in ("regular", "bold", "italic", "bold_italic"):
            value = getattr(entry, style)
            if value is None:
                continue
            key: tuple[str | int, ...] = ("fonts", "fallback", index) + (() if alone
                                                                          else (style,))
            problem, resolved = resolve_file(base, value, image=False, allow_outside=False)
            if problem or resolved is None:
                check.error(key, problem or f"not found: {value}")
                continue
            try:
                check_font_file(resolved)
            except FontFileError as exc:
                check.error(key, str(exc))
                continue
            files[style] = resolved
        if "regular" in files:
            out.append(files)
    return tuple(out)


def _finish(data: dict[str, Any], where: Any, origin: Path | None, name: str,
            warnings: list[Problem], *, fonts_base: Path | None, user: Any = None,
            check: ThemeCheck | None = None) -> tuple[Theme, list[Problem]]:
    from dokureport.core.resources import fonts_dir

    check = check or ThemeCheck(where)
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
        raise InputError(ordered(check.errors)) from None
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
    fallback_files = _fallback_files(model, user_fonts, fonts_base, check)
    print_icc = _print_profile(model, user, fonts_base, check)
    if check.errors:
        raise InputError(ordered(check.errors))
    theme = Theme(
        name=model.name or name, colours=model.colours, font_files=font_files,
        fallback_files=fallback_files,
        sections=model.sections, new_page=frozenset(model.new_page), type=model.type,
        margins=model.margins, cover=model.cover, gallery=model.gallery, footer=model.footer,
        index=model.index, talks=model.talks, pages=model.pages,
        agenda=model.agenda, labels=dict(model.labels), source=origin, contents=model.contents,
        print_colours={role: tuple(inks) for role, inks in model.print_colours.items()},
        print_icc=print_icc, print_condition=model.print.condition if model.print else None,
    )
    from dokureport.design.contrast import contrast_warnings

    for path, message in contrast_warnings(theme):
        check.warn(path, message)
    return theme, [*warnings, *check.warnings]


def default_theme() -> Theme:
    """The bundled default theme (what a brochure looks like unless told otherwise)."""
    return load_theme(DEFAULT_THEME, themes_dir())[0]
