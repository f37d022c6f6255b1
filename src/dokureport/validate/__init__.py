"""Check an event folder: its event.yaml against the model, across keys, and the files it names."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from dokureport.core.errors import InputError, Problem, show
from dokureport.core.urls import is_safe_url
from dokureport.design.theme import Theme, check_labels, load_theme
from dokureport.event.files import SCHEME, image_problem, leads_outside, resolve_file
from dokureport.event.load import (
    KeyPath,
    Loaded,
    SourceMap,
    format_path,
    line_col,
    load_yaml,
    parse_when,
    read_text,
)
from dokureport.event.markdown import is_local_image, references
from dokureport.event.model import QR_MAX_BYTES, Event, fits_qr_code, parse_time
from dokureport.i18n.labels import labels_for

EVENT_FILE = "event.yaml"

__all__ = ["EVENT_FILE", "ValidatedEvent", "format_path", "locate", "validate_data",
           "validate_event"]


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
    return _validated(load_yaml(source), source, folder, allow_outside, decode_images, theme)


def _validated(loaded: Loaded, source: Path, folder: Path, allow_outside: bool,
               decode_images: bool, theme: str | None) -> ValidatedEvent:
    """The checks every event gets, from a file or from Python data, its theme included."""
    checker = _Checker(loaded, folder, allow_outside, decode_images=decode_images)
    event = checker.run()
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
    if checker.errors or theme_errors or event is None:
        raise InputError(_sorted(checker.errors) + theme_errors)
    theme_warnings += _missing_labels(event, chosen, loaded.source)
    return ValidatedEvent(event, tuple(_sorted(checker.warnings)) + tuple(theme_warnings),
                          source, checker.file_locations, (),
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
    an event.yaml in `folder`: the same checks, with key paths but no line numbers."""
    folder = Path(os.path.abspath(folder))
    if not folder.is_dir():
        raise InputError([Problem(f"the event folder {folder} does not exist",
                                  code="event-not-found")])
    source = folder / EVENT_FILE  # where the data would live: files resolve against it
    return _validated(Loaded(data, SourceMap(source), []), source, folder.resolve(),
                      allow_outside, decode_images, theme)


def _filled(text: Any) -> bool:
    return isinstance(text, str) and bool(text.strip())


def _sorted(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))  # a value reached twice (aliases) is reported once
    return sorted(unique, key=lambda p: (p.line or 0, p.column or 0, p.key_path))


def name(text: str) -> str:
    """A key or id as typed (at most 40 characters), escaped if a terminal would act on it."""
    text = text if text.isprintable() else repr(text)[1:-1]
    return text if len(text) <= 40 else text[:39] + "…"


# --- shaping: raw YAML data → what the model reads ---------------------------------------

def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
        return typing.Union[tuple(args)]  # noqa: UP007 - rebuilding a runtime union
    return annotation


def _known_keys(model: type[BaseModel], parent: str, table: dict[str, set[str]]) -> None:
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        table.setdefault(name, set()).add(parent or "the top level")
        for inner in _inner_models(info.annotation):
            _known_keys(inner, f"{parent}.{name}" if parent else name, table)


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


class _Checker:
    """Collects every error and warning for one event file."""

    def __init__(self, loaded: Loaded, folder: Path, allow_outside: bool, *,
                 decode_images: bool = True) -> None:
        self.data = loaded.data
        self.source: SourceMap = loaded.source
        self.folder = folder
        self.allow_outside = allow_outside
        self.decode_images = decode_images
        self.file_locations: dict[Path, Problem] = {}
        self.errors: list[Problem] = list(loaded.problems)
        self.warnings: list[Problem] = []
        # Chapters whose Markdown came from a file: problems in it point into that file.
        self.markdown_files: dict[KeyPath, Path] = {}
        # Images whose pixels are still to be decoded, each with how to report a failure:
        # they are decoded together, on every core, once every other check has run.
        self.undecoded: list[tuple[Path, Callable[[str], None]]] = []

    def error(self, path: KeyPath, message: str, *, key: bool = False,
              code: str = "invalid-value") -> None:
        self.errors.append(self.source.problem(path, message, key=key, code=code))

    def warn(self, path: KeyPath, message: str, code: str) -> None:
        self.warnings.append(self.source.problem(path, message, code=code))

    def run(self) -> Event | None:
        if not isinstance(self.data, dict):
            # Name only what it is: a file that is no event may be anyone's (/etc/passwd).
            self.error((), "the file must be a mapping of keys (title:, event:, …), "
                       f"not {_kind(self.data)}", code="yaml-syntax")
            return None
        data = self.shape(self.data, Event, ())
        check_labels(data.get("labels"), ("labels",), self.error)
        self.check_text(data, ())
        self.check_references(data)
        self.check_dates(data)
        self.check_links(data)
        self.check_qr_codes(data)
        self.check_files(data)
        self.check_chapters(data)
        self.check_partners(data)
        self.check_images_in_text(data)
        self.decode_images_named()
        try:
            event = Event.model_validate(data)
        except ValidationError as exc:
            self.translate(exc)
            return None
        return event.model_copy(update={"folder": self.folder})

    def decode_later(self, image: Path, report: Callable[[str], None]) -> None:
        """Decode `image` with the others; `report(why)` says what is wrong if it fails."""
        if self.decode_images:
            self.undecoded.append((image, report))

    def decode_images_named(self) -> None:
        """Every named image decoded (in the photo workers when there are many)."""
        if not self.undecoded:
            return
        from dokureport.assets.verify import decode_problems

        paths = list(dict.fromkeys(path for path, _ in self.undecoded))
        problems = dict(zip(paths, decode_problems(paths), strict=True))
        for path, report in self.undecoded:
            why = problems[path]
            if why:
                report(why)

    # -- shape ---------------------------------------------------------------------------

    def shape(self, value: Any, annotation: Any, path: KeyPath) -> Any:
        """value made ready for the model at path: unknown keys reported and dropped,
        text fields given their source text (`phone: 0401234` is not the number 131740)."""
        annotation = _strip_optional(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if not isinstance(value, dict):
                return value
            fields = {n: f for n, f in annotation.model_fields.items() if not f.exclude}
            shaped = {}
            for key, item in value.items():
                if key in fields and item is None and fields[key].default is not None and (
                    not fields[key].is_required()
                ):
                    continue  # `agenda:` with nothing after it: no agenda, not an error
                if key in fields:
                    shaped[key] = self.shape(item, fields[key].annotation, (*path, key))
                else:
                    hint = _suggest(key, list(fields))
                    self.error((*path, key), f"unknown key `{name(key)}`{hint}", key=True,
                               code="unknown-key")
            return shaped
        origin = typing.get_origin(annotation)
        if origin is tuple and typing.get_args(annotation)[1:] == (Ellipsis,):
            inner = typing.get_args(annotation)[0]
            if isinstance(value, str) and inner is str:
                # A single name or a multi-line address is what people mean by a list here.
                return [line.strip() for line in value.splitlines() if line.strip()]
            if isinstance(value, list):
                return [self.shape(v, inner, (*path, i)) for i, v in enumerate(value)]
            return value
        kinds = (annotation, *typing.get_args(annotation))
        if annotation in (str, Path) or dt.date in kinds or dt.time in kinds:
            # YAML's guess (an int, a bool, a date) is not what a text field means, and a number
            # in a date or time field would be read as seconds since 1970 or since midnight.
            keep = dt.date if annotation not in (str, Path) else ()
            if isinstance(value, _TEXT_SCALARS) and not isinstance(value, keep) and (
                path in self.source.texts
            ):
                value = self.source.texts[path]
            if isinstance(value, str) and dt.date in kinds:
                return parse_when(value) or value  # "2019-10-29" in quotes is still a date
        return value

    # -- checks on the shaped data ---------------------------------------------------------

    def check_text(self, value: Any, path: KeyPath) -> None:
        """No control characters or lone surrogates: nothing a person typed, and they break PDFs."""
        if isinstance(value, dict):
            for key, item in value.items():
                self.check_text(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.check_text(item, (*path, i))
        elif isinstance(value, str):
            bad = _BAD_CHAR.search(value)
            if bad:
                self.error(path, f"contains the invisible control character U+{ord(bad[0]):04X}",
                           code="control-character")

    def check_references(self, data: dict[str, Any]) -> None:
        talks = _items(data.get("talks"))
        ids: dict[str, int] = {}
        for i, talk in talks:
            talk_id = talk.get("id")
            if isinstance(talk_id, str):
                if talk_id in ids:
                    self.error(("talks", i, "id"),
                               f"the id `{name(talk_id)}` is already used by talks[{ids[talk_id]}]",
                               code="duplicate-id")
                else:
                    ids[talk_id] = i
        named: set[str] = set()
        for d, day in _items(data.get("agenda")):
            for n, item in _items(day.get("items")):
                ref = item.get("talk")
                if not isinstance(ref, str):
                    continue
                named.add(ref)
                if ref not in ids:
                    close = difflib.get_close_matches(ref, list(ids), n=1)
                    hint = f" (did you mean `{close[0]}`?)" if close else (
                        "" if ids else " (no talk has an `id:`)")
                    self.error(("agenda", d, "items", n, "talk"),
                               f"no talk has the id `{name(ref)}`{hint}", code="unknown-talk")
        for i, talk in talks:
            if not (isinstance(talk.get("id"), str) and talk["id"] in named):
                title = talk.get("title")
                label = f"“{title}”" if isinstance(title, str) else f"talks[{i}]"
                self.warn(("talks", i), f"the talk {label} is in no agenda item "
                          "(name its id in an item's `talk:`)", "talk-not-in-agenda")
        photos = data.get("photos")
        cover = None
        for i, photo in _items(photos.get("items") if isinstance(photos, dict) else None):
            if photo.get("cover") is True:
                if cover is None:
                    cover = i
                else:
                    self.error(("photos", "items", i, "cover"),
                               f"a second cover photo (photos.items[{cover}] is one); "
                               "at most one photo can be the cover", code="second-cover")
            # A gallery photo without a caption is normal ("impressions"); one that nothing
            # describes, neither caption nor alt, is lost to a reader who cannot see it.
            if not (_filled(photo.get("caption")) or _filled(photo.get("alt"))):
                file = photo.get("file")
                label = show(file) if isinstance(file, str) else f"photos.items[{i}]"
                self.warn(("photos", "items", i), f"the photo {label} has neither a caption "
                          "nor an `alt` text: nothing describes it", "undescribed-photo")
            elif not _filled(photo.get("alt")):
                # The tagged PDF needs a description: the caption stands in for it.
                self.warn(("photos", "items", i), "no `alt` text: screen readers get the "
                          "caption as the photo's description", "alt-from-caption")
            ref = photo.get("talk")
            if isinstance(ref, str) and ref not in ids:
                close = difflib.get_close_matches(ref, list(ids), n=1)
                hint = f" (did you mean `{close[0]}`?)" if close else (
                    "" if ids else " (no talk has an `id:`)")
                self.error(("photos", "items", i, "talk"),
                           f"no talk has the id `{name(ref)}`{hint}")

    def check_dates(self, data: dict[str, Any]) -> None:
        info = data.get("event")
        info = info if isinstance(info, dict) else {}
        for d, day in _items(data.get("agenda")):
            for n, item in _items(day.get("items")):
                begin, finish = parse_time(item.get("time")), parse_time(item.get("end"))
                if isinstance(begin, dt.time) and isinstance(finish, dt.time) and finish < begin:
                    self.error(("agenda", d, "items", n, "end"),
                               f"ends before it starts ({begin:%H:%M})", code="end-before-start")
        start, end = info.get("start"), info.get("end")
        if not isinstance(start, dt.date):
            return
        if isinstance(end, dt.date) and _later(end) < _earlier(start):
            self.error(("event", "end"), f"ends before it starts ({_iso(start)})",
                       code="end-before-start")
        last = end if isinstance(end, dt.date) and _later(end) >= _earlier(start) else start
        first_day, last_day = _day(start), _day(last)
        for d, day in _items(data.get("agenda")):
            date = day.get("date")
            if isinstance(date, dt.date) and not first_day <= _day(date) <= last_day:
                span = _iso(first_day) + ("" if first_day == last_day else f" – {_iso(last_day)}")
                self.error(("agenda", d, "date"),
                           f"{_iso(_day(date))} is not a day of the event ({span})",
                           code="date-outside-event")

    def check_qr_codes(self, data: dict[str, Any]) -> None:
        """Web addresses printed with a QR code: one too long for any QR code is a warning."""
        talks = data.get("talks") if isinstance(data.get("talks"), list) else []
        videos = data.get("videos") if isinstance(data.get("videos"), list) else []
        places = [(("talks", i, "slides"), t.get("slides")) for i, t in enumerate(talks)
                  if isinstance(t, dict)]
        places += [(("videos", i, "url"), v.get("url")) for i, v in enumerate(videos)
                   if isinstance(v, dict)]
        for path, url in places:
            if isinstance(url, str) and SCHEME.match(url) and not fits_qr_code(url):
                self.warn(path, f"too long for a QR code ({len(url.encode('utf-8'))} bytes, "
                                f"at most {QR_MAX_BYTES}): printed as a link only", "qr-too-long")

    def check_links(self, data: dict[str, Any]) -> None:
        for i, video in _items(data.get("videos")):
            url = video.get("url")
            if isinstance(url, str):
                self.check_url(("videos", i, "url"), url)
        emails: list[tuple[KeyPath, Any]] = [
            (("contacts", i, "email"), contact.get("email"))
            for i, contact in _items(data.get("contacts"))]
        emails += [(("talks", i, "speakers", n, "email"), speaker.get("email"))
                   for i, talk in _items(data.get("talks"))
                   for n, speaker in _items(talk.get("speakers"))]
        for path, email in emails:
            if isinstance(email, str) and not _EMAIL.match(email):
                self.error(path, f"not an e-mail address: {show(email)}", code="invalid-email")
        for path in _rich_texts(data):
            text = _get(data, path)
            if not isinstance(text, str):
                continue
            for match in _MD_LINK.finditer(text):
                self.check_text_link(path, match)

    def check_text_link(self, path: KeyPath, match: re.Match[str]) -> None:
        """A `[text](target)` is linked if the target is a web or mail address, else printed."""
        # The rule the typesetter links by: what it links is never warned about, and
        # what it prints as typed always is.
        if is_safe_url(match[1].strip()):
            return
        # Text is never refused for what it says: the link is printed as typed instead.
        self.warn(path, f"the link {show(match[0], 60)} is printed as typed, not linked: "
                  "only http(s) and mailto: links are linked", "unlinked-link")

    def check_url(self, path: KeyPath, url: str, what: str = "") -> bool:
        parts = urlsplit(url) if not _SPACE.search(url) else None
        if parts and parts.scheme.lower() in ("http", "https") and parts.hostname:
            return True
        prefix = f"{what}: " if what else ""
        if parts is None and urlsplit(url).scheme.lower() in ("http", "https"):
            self.error(path, f"{prefix}{show(url)} contains a space, <, > or \"; "
                       "write them as %20, %3C, %3E, %22", code="invalid-url")
        else:
            self.error(path, f"{prefix}{show(url)} is not a web address: only http:// or "
                       "https:// links are allowed", code="invalid-url")
        return False

    def check_files(self, data: dict[str, Any]) -> None:
        organiser = data.get("organiser")
        if isinstance(organiser, dict):
            self.check_file(organiser, "logo", ("organiser",), image=True)
        photos = data.get("photos")
        for i, photo in _items(photos.get("items") if isinstance(photos, dict) else None):
            self.check_file(photo, "file", ("photos", "items", i), image=True)
        for i, contact in _items(data.get("contacts")):
            self.check_file(contact, "photo", ("contacts", i), image=True)
        for i, talk in _items(data.get("talks")):
            slides = talk.get("slides")
            if isinstance(slides, str) and SCHEME.match(slides):
                self.check_url(("talks", i, "slides"), slides)
            else:
                self.check_file(talk, "slides", ("talks", i), image=False, as_text=True)

    def check_chapters(self, data: dict[str, Any]) -> None:
        """Each chapter has its Markdown in `text` or in a `file` (read here), and a place."""
        from dokureport.design.theme import SECTION_NAMES

        for i, chapter in _items(data.get("chapters")):
            at: KeyPath = ("chapters", i)
            after = chapter.get("after")
            if isinstance(after, str) and after not in SECTION_NAMES:
                close = difflib.get_close_matches(after, SECTION_NAMES, n=1, cutoff=0.6)
                hint = (f" (did you mean `{close[0]}`?)" if close
                        else f"; sections are {', '.join(SECTION_NAMES)}")
                self.error((*at, "after"), f"no section is called `{name(after)}`{hint}")
            has_file, has_text = "file" in chapter, "text" in chapter
            if has_file and has_text:
                self.error((*at, "text"), "give the chapter's Markdown either in `file` or in "
                           "`text`, not both", key=True)
                continue
            if not has_file and not has_text:
                self.error(at, "needs its Markdown: `file: name.md` (a file in the event "
                           "folder) or `text: |` with the Markdown itself")
                continue
            file = chapter.get("file")
            if not isinstance(file, str):
                continue
            problem, resolved = resolve_file(self.folder, file, image=False,
                                             allow_outside=self.allow_outside)
            if problem or resolved is None:
                self.error((*at, "file"), problem or "not found")
                continue
            try:
                text = read_text(resolved)
            except InputError as exc:
                self.errors += [replace(p, key_path=format_path((*at, "file")))
                                for p in exc.problems]
                continue
            bad = _BAD_CHAR.search(text)
            if bad:
                line, column = line_col(text, bad.start())
                self.errors.append(Problem(
                    f"contains the invisible control character U+{ord(bad[0]):04X}",
                    file=resolved, line=line, column=column,
                    key_path=format_path((*at, "file"))))
                continue
            chapter["file"] = resolved
            chapter["text"] = text
            self.markdown_files[(*at, "text")] = resolved

    def check_images_in_text(self, data: dict[str, Any]) -> None:
        """Images in Markdown name files inside the event folder; other images are linked."""
        texts = _rich_texts(data) + [("chapters", i, "text")
                                     for i, _ in _items(data.get("chapters"))]
        for path in texts:
            text = _get(data, path)
            if not isinstance(text, str):
                continue
            for ref in references(text):
                if ref.kind == "link" and path[0] == "chapters":
                    if not is_safe_url(ref.target):
                        self.warnings.append(self.text_problem(
                            path, text, ref.line, f"the link {show(ref.target, 60)} is printed "
                            "as typed, not linked: only http(s) and mailto: links are linked"))
                    continue
                if ref.kind != "image":
                    continue
                if not is_local_image(ref.target):
                    self.warnings.append(self.text_problem(
                        path, text, ref.line, f"the image {show(ref.target, 60)} is not a file "
                        "in the event folder: it is printed as a link, not shown"))
                    continue
                problem, resolved = resolve_file(self.folder, ref.target, image=True,
                                                 allow_outside=self.allow_outside,
                                                 decode_images=False)
                if problem:
                    self.errors.append(self.text_problem(path, text, ref.line,
                                                         f"image {problem}"))
                elif resolved is not None:
                    where = self.text_problem(path, text, ref.line, show(ref.target, 200))
                    self.file_locations.setdefault(resolved, where)
                    self.decode_later(resolved, self.text_image_report(path, text, ref.line,
                                                                       ref.target))

    def text_image_report(self, path: KeyPath, text: str, line: int, target: str
                          ) -> Callable[[str], None]:
        def report(why: str) -> None:
            self.errors.append(self.text_problem(path, text, line,
                                                 f"image {show(target, 200)} {why}"))
        return report

    def text_problem(self, path: KeyPath, text: str, line: int, message: str) -> Problem:
        """A problem on the 0-based `line` of a Markdown text: in its file, or in event.yaml."""
        file = self.markdown_files.get(path)
        key = format_path((*path[:-1], "file")) if file else format_path(path)
        if file is not None:
            return Problem(message, file=file, line=line + 1, key_path=key)
        where = self.source.where(path)
        if where is None:
            return self.source.problem(path, message)
        # A block (`|`) starts on the line after its key; a one-line value on the key's line.
        first = where[0] + (1 if "\n" in text.strip() else 0)
        return Problem(message, file=self.source.file, line=first + line, key_path=key)

    def check_partners(self, data: dict[str, Any]) -> None:
        """Logos: files in the folder (SVG checked for hostile content), links http(s)."""
        from dokureport.assets.svg import is_svg, load_drawing, svg_problem

        for g, group in _items(data.get("partners")):
            for n, logo in _items(group.get("logos")):
                at: KeyPath = ("partners", g, "logos", n)
                url = logo.get("url")
                if isinstance(url, str):
                    self.check_url((*at, "url"), url)
                file = logo.get("file")
                if not isinstance(file, str):
                    continue
                problem, resolved = resolve_file(self.folder, file, image=False,
                                                 allow_outside=self.allow_outside)
                if problem is None and resolved is not None:
                    if is_svg(resolved):
                        problem = svg_problem(resolved)
                        if problem is None and load_drawing(resolved) is None:
                            problem = "is an SVG drawing that cannot be read"
                    else:
                        problem = image_problem(resolved, decode=False)
                        if problem is None:
                            self.decode_later(resolved, self.file_report((*at, "file"), file,
                                                                         coded=False))
                    problem = f"{show(file, 200)} {problem}" if problem else None
                if problem:
                    self.error((*at, "file"), problem)
                elif resolved is not None:
                    logo["file"] = resolved
                    self.file_locations.setdefault(
                        resolved, self.source.problem((*at, "file"), show(file, 200)))

    def check_file(self, owner: dict[str, Any], key: str, at: KeyPath, *, image: bool,
                   as_text: bool = False) -> None:
        """owner[key] names a file: it must exist inside the folder; stored back absolute."""
        name = owner.get(key)
        path = (*at, key)
        if not isinstance(name, str):
            return  # missing or wrong type: the model reports it
        problem, resolved = resolve_file(self.folder, name, image=image,
                                         allow_outside=self.allow_outside,
                                         decode_images=False)
        if problem:
            self.error(path, problem, code=_file_code(problem))
        elif resolved is not None:
            owner[key] = str(resolved) if as_text else resolved
            self.file_locations.setdefault(resolved, self.source.problem(path, show(name, 200)))
            if image:
                self.decode_later(resolved, self.file_report(path, name))

    def file_report(self, path: KeyPath, name: str, *, coded: bool = True
                    ) -> Callable[[str], None]:
        """How a file named at `path` is reported when its pixels cannot be decoded."""
        def report(why: str) -> None:
            message = f"{show(name, 200)} {why}"
            if coded:
                self.error(path, message, code=_file_code(message))
            else:
                self.error(path, message)
        return report

    # -- pydantic's errors, said plainly -----------------------------------------------------

    def translate(self, exc: ValidationError) -> None:
        reported = {p.key_path for p in self.errors}  # a bad tag, a bad file: already said
        for err in exc.errors(include_url=False):
            path = _data_path(self.source, err["loc"], missing=err["type"] == "missing")
            if format_path(path) in reported:
                continue
            if err["type"] == "missing":
                self.error(path, "required", code="required")
            else:
                self.error(path, _plain(err))


def _file_code(problem: str) -> str:
    """The code of a problem resolve_file found, from its wording (one place to keep in step)."""
    if problem.startswith("file not found"):
        return "file-not-found"
    if "only files inside it are used" in problem:
        return "file-outside"
    if any(word in problem for word in ("image", "SVG", "damaged", "decompression", "0 bytes")):
        return "bad-image"
    return "bad-file"


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
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"[\s<>\"]")
_NOT_IN_ADDRESS = r"\s<>()\[\],;:\""
_EMAIL = re.compile(
    rf"^(?:mailto:)?[^@{_NOT_IN_ADDRESS}]+@[^@{_NOT_IN_ADDRESS}]+\.[^@{_NOT_IN_ADDRESS}.]+$", re.I
)
# [text](target) as the contract's inline markup writes links.

def _rich_texts(data: dict[str, Any]) -> list[KeyPath]:
    """The key paths of the Markdown texts written in event.yaml itself (not chapters)."""
    texts: list[KeyPath] = [("intro",)]
    texts += [("talks", i, "abstract") for i, _ in _items(data.get("talks"))]
    texts += [("videos", i, "description") for i, _ in _items(data.get("videos"))]
    return texts


_MD_LINK = re.compile(r"\[[^\]\n]*\]\(\s*([^)\s]*)[^)]*\)")


def _kind(value: Any) -> str:
    """What a value is, without quoting it."""
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"one text of {len(value):,} characters"
    return f"a single {type(value).__name__} value"


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


def _get(data: Any, path: KeyPath) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


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
