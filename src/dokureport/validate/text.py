"""Text: no control characters; Markdown images name files in the folder, links are linkable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dokureport.core.errors import Problem, show
from dokureport.core.urls import is_safe_url
from dokureport.event.load import KeyPath, format_path
from dokureport.event.markdown import MAX_TABLE_COLUMNS, is_local_image, references, tables
from dokureport.event.sizes import rich_texts
from dokureport.validate.state import BAD_CHAR, State, get, items


def check_text(state: State, value: Any, path: KeyPath) -> None:
    """No control characters or lone surrogates: nothing a person typed, and they break PDFs."""
    if isinstance(value, dict):
        for key, item in value.items():
            check_text(state, item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_text(state, item, (*path, i))
    elif isinstance(value, str):
        bad = BAD_CHAR.search(value)
        if bad:
            state.error(path, f"contains the invisible control character U+{ord(bad[0]):04X}",
                        code="control-character")


def check_images_in_text(state: State, data: dict[str, Any]) -> None:
    """Images in Markdown name files inside the event folder; other images are linked."""
    texts = rich_texts(data) + [("chapters", i, "text") for i, _ in items(data.get("chapters"))]
    for path in texts:
        text = get(data, path)
        if not isinstance(text, str) or path in state.oversized:
            continue
        for ref in references(text):
            if ref.kind == "link" and path[0] == "chapters":
                if not is_safe_url(ref.target):
                    state.warnings.append(text_problem(
                        state, path, text, ref.line, f"the link {show(ref.target, 60)} is "
                        "printed as typed, not linked: only http(s) and mailto: links are linked"))
                continue
            if ref.kind != "image":
                continue
            if not is_local_image(ref.target):
                state.warnings.append(text_problem(
                    state, path, text, ref.line, f"the image {show(ref.target, 60)} is not a "
                    "file in the event folder: it is printed as a link, not shown"))
                continue
            problem, resolved = state.resolve(ref.target, image=True, decode_images=False)
            if problem:
                state.errors.append(text_problem(state, path, text, ref.line,
                                                 f"image {problem}"))
            elif resolved is not None:
                where = text_problem(state, path, text, ref.line, show(ref.target, 200))
                state.file_locations.setdefault(resolved, where)
                state.decode_later(resolved, _image_report(state, path, text, ref.line,
                                                           ref.target))


def check_tables(state: State, data: dict[str, Any]) -> None:
    """No Markdown table has more columns than a page can hold (MAX_TABLE_COLUMNS)."""
    texts = rich_texts(data) + [("chapters", i, "text") for i, _ in items(data.get("chapters"))]
    for path in texts:
        text = get(data, path)
        if not isinstance(text, str) or "|" not in text:
            continue
        for table in tables(text):
            if table.columns > MAX_TABLE_COLUMNS:
                state.errors.append(text_problem(
                    state, path, text, table.line,
                    f"a table of {table.columns} columns: at most {MAX_TABLE_COLUMNS} fit a "
                    "page; split it into narrower tables, or turn it (a row per column)",
                    code="layout-too-large"))


def _image_report(state: State, path: KeyPath, text: str, line: int, target: str
                  ) -> Callable[[str], None]:
    def report(why: str) -> None:
        state.errors.append(text_problem(state, path, text, line,
                                         f"image {show(target, 200)} {why}"))
    return report


def text_problem(state: State, path: KeyPath, text: str, line: int, message: str,
                 code: str = "other") -> Problem:
    """A problem on the 0-based `line` of a Markdown text: in its file, or in event.yaml."""
    file = state.markdown_files.get(path)
    key = format_path((*path[:-1], "file")) if file else format_path(path)
    if file is not None:
        return Problem(message, file=file, line=line + 1, key_path=key, code=code)
    where = state.source.where(path)
    if where is None:
        return state.source.problem(path, message, code=code)
    # A block (`|`) starts on the line after its key; a one-line value on the key's line.
    first = where[0] + (1 if "\n" in text.strip() else 0)
    return Problem(message, file=state.source.file, line=first + line, key_path=key, code=code)
