"""Chapters: a known section to follow, and Markdown in `text` or in a readable `file`."""

from __future__ import annotations

import difflib
from dataclasses import replace
from typing import Any

from dokureport.core.errors import InputError, Problem
from dokureport.design.model import SECTION_NAMES
from dokureport.event.load import KeyPath, format_path, line_col, read_text
from dokureport.validate.state import BAD_CHAR, State, items, name


def check_chapters(state: State, data: dict[str, Any]) -> None:
    """Each chapter has its Markdown in `text` or in a `file` (read here), and a place."""
    for i, chapter in items(data.get("chapters")):
        at: KeyPath = ("chapters", i)
        after = chapter.get("after")
        if isinstance(after, str) and after not in SECTION_NAMES:
            close = difflib.get_close_matches(after, SECTION_NAMES, n=1, cutoff=0.6)
            hint = (f" (did you mean `{close[0]}`?)" if close
                    else f"; sections are {', '.join(SECTION_NAMES)}")
            state.error((*at, "after"), f"no section is called `{name(after)}`{hint}")
        has_file, has_text = "file" in chapter, "text" in chapter
        if has_file and has_text:
            state.error((*at, "text"), "give the chapter's Markdown either in `file` or in "
                        "`text`, not both", key=True)
            continue
        if not has_file and not has_text:
            state.error(at, "needs its Markdown: `file: name.md` (a file in the event "
                        "folder) or `text: |` with the Markdown itself")
            continue
        file = chapter.get("file")
        if not isinstance(file, str):
            continue
        problem, resolved = state.resolve(file, image=False)
        if problem or resolved is None:
            state.error((*at, "file"), problem or "not found")
            continue
        try:
            text = read_text(resolved)
        except InputError as exc:
            state.errors += [replace(p, key_path=format_path((*at, "file")))
                             for p in exc.problems]
            continue
        bad = BAD_CHAR.search(text)
        if bad:
            line, column = line_col(text, bad.start())
            state.errors.append(Problem(
                f"contains the invisible control character U+{ord(bad[0]):04X}",
                file=resolved, line=line, column=column,
                key_path=format_path((*at, "file"))))
            continue
        chapter["file"] = resolved
        chapter["text"] = text
        state.file_locations.setdefault(resolved, state.source.problem((*at, "file"),
                                                                       name(file)))
        state.markdown_files[(*at, "text")] = resolved
