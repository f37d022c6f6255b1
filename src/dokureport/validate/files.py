"""Files named: each inside the event folder and readable, every named image decoded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dokureport.core.errors import show
from dokureport.event.files import SCHEME
from dokureport.event.load import KeyPath
from dokureport.validate.state import State, items


def check_files(state: State, data: dict[str, Any]) -> None:
    """The organiser's logo, photos, contacts' photos and slides (a file or a web address)."""
    organiser = data.get("organiser")
    if isinstance(organiser, dict):
        _check_file(state, organiser, "logo", ("organiser",), image=True)
    photos = data.get("photos")
    for i, photo in items(photos.get("items") if isinstance(photos, dict) else None):
        _check_file(state, photo, "file", ("photos", "items", i), image=True)
    for i, contact in items(data.get("contacts")):
        _check_file(state, contact, "photo", ("contacts", i), image=True)
    printing = data.get("print")
    if isinstance(printing, dict):
        _check_file(state, printing, "icc", ("print",), image=False)
        _check_print_profile(state, printing)
    for i, talk in items(data.get("talks")):
        slides = talk.get("slides")
        if isinstance(slides, str) and SCHEME.match(slides):
            state.check_url(("talks", i, "slides"), slides)
        else:
            _check_file(state, talk, "slides", ("talks", i), image=False, as_text=True)


def _check_print_profile(state: State, printing: dict[str, Any]) -> None:
    """print.icc, once found, must be a CMYK output profile: the press's inks."""
    from pathlib import Path

    from dokureport.assets.cmyk import NotAPrintProfile, check_profile, read_profile

    icc = printing.get("icc")
    if not isinstance(icc, Path):
        return  # not found, or not a string: reported already
    try:
        check_profile(read_profile(icc))
    except OSError as exc:
        state.error(("print", "icc"), f"cannot read it: {exc.strerror or exc}",
                    code="bad-file")
    except NotAPrintProfile as exc:
        state.error(("print", "icc"), f"{show(icc.name, 200)} {exc}", code="bad-file")


def _check_file(state: State, owner: dict[str, Any], key: str, at: KeyPath, *, image: bool,
                as_text: bool = False) -> None:
    """owner[key] names a file: it must exist inside the folder; stored back absolute."""
    name = owner.get(key)
    path = (*at, key)
    if not isinstance(name, str):
        return  # missing or wrong type: the model reports it
    problem, resolved = state.resolve(name, image=image, decode_images=False)
    if problem:
        state.error(path, problem, code=_file_code(problem))
    elif resolved is not None:
        owner[key] = str(resolved) if as_text else resolved
        state.file_locations.setdefault(resolved, state.source.problem(path, show(name, 200)))
        if image:
            state.decode_later(resolved, file_report(state, path, name))


def file_report(state: State, path: KeyPath, name: str, *, coded: bool = True
                ) -> Callable[[str], None]:
    """How a file named at `path` is reported when its pixels cannot be decoded."""
    def report(why: str) -> None:
        message = f"{show(name, 200)} {why}"
        if coded:
            state.error(path, message, code=_file_code(message))
        else:
            state.error(path, message)
    return report


def _file_code(problem: str) -> str:
    """The code of a problem resolve_file found, from its wording (one place to keep in step)."""
    if problem.startswith("file not found"):
        return "file-not-found"
    if "only files inside it are used" in problem:
        return "file-outside"
    if any(word in problem for word in ("image", "SVG", "damaged", "decompression", "0 bytes")):
        return "bad-image"
    return "bad-file"


def decode_named_images(state: State) -> None:
    """Every named image decoded (in the photo workers when there are many)."""
    if not state.undecoded:
        return
    from dokureport.assets.verify import decode_problems

    paths = list(dict.fromkeys(path for path, _ in state.undecoded))
    problems = dict(zip(paths, decode_problems(paths), strict=True))
    for path, report in state.undecoded:
        why = problems[path]
        if why:
            report(why)
