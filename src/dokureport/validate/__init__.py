"""Check an event folder: its event.yaml against the model, across keys, and the files it names."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dokureport.core.errors import InputError, Problem
from dokureport.design.checks import check_labels
from dokureport.design.model import Theme
from dokureport.design.theme import load_theme
from dokureport.event import reload
from dokureport.event.files import leads_outside
from dokureport.event.load import Loaded, SourceMap, format_path
from dokureport.event.model import Event
from dokureport.i18n.labels import labels_for
from dokureport.validate.chapters import check_chapters
from dokureport.validate.data import read_python
from dokureport.validate.dates import check_dates
from dokureport.validate.files import check_files, decode_named_images
from dokureport.validate.links import check_links, check_qr_codes
from dokureport.validate.partners import check_partners
from dokureport.validate.photo_texts import plan_photo_folder
from dokureport.validate.references import check_references
from dokureport.validate.shape import shape, translate
from dokureport.validate.sizes import check_sizes
from dokureport.validate.state import State
from dokureport.validate.text import check_images_in_text, check_tables, check_text

EVENT_FILE = "event.yaml"

__all__ = ["EVENT_FILE", "InvalidEvent", "ValidatedEvent", "format_path", "locate", "validate_data",
           "validate_event"]


class InvalidEvent(InputError):
    """An event that is not valid, and the files it named that were found (an output of
    the failed build, its report, must not overwrite them either) and not found."""

    def __init__(self, problems: list[Problem], files: dict[Path, Problem],
                 missing: frozenset[Path] = frozenset()) -> None:
        super().__init__(problems)
        self.files = files
        self.missing = missing  # files it named that are not there (yet)


@dataclass(frozen=True)
class ValidatedEvent:
    """A valid event: paths absolute inside its folder, plus what builds but looks wrong."""

    event: Event
    warnings: tuple[Problem, ...]
    source: Path
    # Where each file was named, so a problem found later (damaged pixels) points there.
    file_locations: dict[Path, Problem] = field(default_factory=dict, compare=False)
    # What is accepted but has no effect: `dokureport validate` says so, a build does not.
    notes: tuple[Problem, ...] = ()
    # Where each key sits, so a problem found while laying out points there.
    source_map: SourceMap | None = field(default=None, compare=False)
    # The design the event asks for (or --theme), checked; None only if built by hand.
    theme: Theme | None = field(default=None, compare=False)

    def locate_key(self, path: tuple[str | int, ...], message: str,
                   code: str = "other") -> Problem:
        """A problem found after validation, at the event.yaml key whose value caused it."""
        if self.source_map is None:
            return Problem(message, file=self.source, key_path=format_path(path), code=code)
        return self.source_map.problem(path, message, code=code)

    def keys_with(self, chars: set[str] | frozenset[str]) -> list[tuple[tuple[str | int, ...],
                                                                     str]]:
        """Each key path whose text holds some of `chars`, with those characters, in the
        event's order."""
        found: list[tuple[tuple[str | int, ...], str]] = []

        def walk(value: Any, path: tuple[str | int, ...]) -> None:
            if isinstance(value, dict):
                for key, item in value.items():
                    walk(item, (*path, key))
            elif isinstance(value, list | tuple):
                for i, item in enumerate(value):
                    walk(item, (*path, i))
            elif isinstance(value, str) and (here := chars.intersection(value)):
                found.append((path, "".join(sorted(here))))

        walk(self.event.model_dump(), ())
        return found

    def locate_file_problem(self, problem: Problem) -> Problem:
        """The problem at the event.yaml key that named its file, if one did."""
        named = self.file_locations.get(problem.file) if problem.file else None
        if named is None:
            return problem
        # `named` carries the file name as typed in its message.
        return replace(named, message=f"{named.message}: {problem.message}",
                       code=problem.code)


def locate(path: Path) -> Path:
    """The event.yaml that path (a folder or the file itself) names, as an absolute path."""
    path = Path(os.path.abspath(path))
    if path.is_dir():
        path = path / EVENT_FILE
        if not path.exists():
            raise InputError([Problem(f"no {EVENT_FILE} in the folder {path.parent}",
                                      code="event-not-found")])
    elif not path.exists():
        raise InputError([Problem(f"not found: {path}", code="event-not-found")])
    return path


def validate_event(path: Path, *, allow_outside: bool = False,
                   decode_images: bool = True, theme: str | None = None) -> ValidatedEvent:
    """Validate the event at path (folder or its event.yaml); InputError lists every problem.

    decode_images=False reads only each image's header (format, size, bomb limit): a
    build decodes every photo anyway, in parallel, and reports damaged ones itself. With
    it, the pixels are decoded once every other check has run (many images in the photo
    workers, on every core: `dokureport.assets.verify`).
    `theme` (--theme) replaces the event's `theme:`; the theme is checked with the event.
    """
    source = locate(path)
    if not allow_outside and leads_outside(source):
        raise InputError([Problem(
            "is a symbolic link that leads outside its folder; only files inside the event "
            "folder are read (--allow-outside lifts this)", file=source,
            code="file-outside")])
    folder = source.parent.resolve()
    return _validated(reload.load_yaml(source), source, folder, allow_outside, decode_images,
                      theme)


def _validated(loaded: Loaded, source: Path, folder: Path, allow_outside: bool,
               decode_images: bool, theme: str | None) -> ValidatedEvent:
    """The checks every event gets, from a file or from Python data, its theme included."""
    state = State.of(loaded, folder, allow_outside, decode_images=decode_images)
    event = _checked(state)
    chosen: Theme | None = None
    theme_warnings: list[Problem] = []
    theme_errors: list[Problem] = []
    spec = theme if theme is not None else (event.theme if event is not None else None)
    if event is not None or theme is not None:
        try:
            chosen, theme_warnings = load_theme(spec, folder,
                                                None if theme is not None else loaded.source)
        except InputError as exc:
            theme_errors = exc.problems
    if state.errors or theme_errors or event is None:
        raise InvalidEvent(_sorted(state.errors) + theme_errors, dict(state.file_locations),
                           frozenset(state.missing))
    theme_warnings += _missing_labels(event, chosen, loaded.source)
    return ValidatedEvent(event, tuple(_sorted(state.warnings)) + tuple(theme_warnings),
                          source, state.file_locations, (),
                          loaded.source, chosen)


def _missing_labels(event: Event, theme: Theme | None, source: SourceMap) -> list[Problem]:
    """A language without built-in labels: the labels nobody gave, in one warning."""
    _, missing = labels_for(event.lang, theme.labels if theme else {}, event.labels)
    if not missing:
        return []
    return [source.problem(("lang",), f"no built-in labels for `{event.lang}`: these print in "
                           f"English until `labels:` gives them: {', '.join(missing)}")]


def validate_data(data: Any, folder: Path, *, allow_outside: bool = False,
                  decode_images: bool = True, theme: str | None = None) -> ValidatedEvent:
    """Validate an event given as Python data (the API's mapping or model), as if it were
    an event.yaml in `folder`: the same checks, with key paths but no line numbers, and
    the same types (validate/data.py): what YAML cannot hold is an error at its key."""
    folder = Path(os.path.abspath(folder))
    if not folder.is_dir():
        raise InputError([Problem(f"the event folder {folder} does not exist",
                                  code="event-not-found")])
    source = folder / EVENT_FILE  # where the data would live: files resolve against it
    return _validated(read_python(data, SourceMap(source)), source, folder.resolve(),
                      allow_outside, decode_images, theme)


def _sorted(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))  # a value reached twice (aliases) is reported once
    return sorted(unique, key=lambda p: (p.line or 0, p.column or 0, p.key_path))


def _checked(state: State) -> Event | None:
    """The event's model, once every rule has run on its data; None if it has none.

    The order matters: chapters read their files before the images in them are checked,
    every image is named before all are decoded together, and the model comes last so
    that its errors skip the keys a rule has reported already.
    """
    if not isinstance(state.data, dict):
        # Name only what it is: a file that is no event may be anyone's (/etc/passwd).
        state.error((), "the file must be a mapping of keys (title:, event:, …), "
                    f"not {_kind(state.data)}", code="yaml-syntax")
        return None
    data = shape(state, state.data, Event, ())
    check_labels(data.get("labels"), ("labels",), state.error)
    check_text(state, data, ())
    check_files(state, data)
    # The folder's photos and the files' own texts, before the references warn of
    # photos without them.
    folder = plan_photo_folder(state, data)
    check_references(state, data)
    check_dates(state, data)
    check_links(state, data)
    check_qr_codes(state, data)
    check_chapters(state, data)
    check_sizes(state, data)
    check_partners(state, data)
    check_images_in_text(state, data)
    check_tables(state, data)
    decode_named_images(state)
    try:
        event = Event.model_validate(data)
    except ValidationError as exc:
        translate(state, exc)
        return None
    event = event.model_copy(update={"folder": state.folder})
    return folder.apply(event) if folder is not None else event


def _kind(value: Any) -> str:
    """What a value is, without quoting it."""
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"one text of {len(value):,} characters"
    return f"a single {type(value).__name__} value"
