"""Sizes: no word, paragraph, title or label longer than a brochure can set.

The limits (`dokureport.core.limits`, documented in docs/validation.md) keep the time a
build takes about proportional to the size of its texts: page layout breaks a paragraph
again on every page it continues on and a word wider than a line letter by letter. The
rule itself is `dokureport.event.sizes`, which `import` applies too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dokureport.event.sizes import CODE, longest_word, oversizes
from dokureport.validate.state import State, get
from dokureport.validate.text import text_problem

__all__ = ["check_sizes", "longest_word"]


def check_sizes(state: State, data: dict[str, Any]) -> None:
    """Every text within the limits: Markdown texts paragraph by paragraph, others whole."""
    for found in oversizes(data):
        if found.line is None:
            state.error(found.path, found.message, code=CODE)
            continue
        problem = text_problem(state, found.path, get(data, found.path), found.line,
                               found.message)
        state.errors.append(replace(problem, code=CODE))
        if found.unparsed:
            state.oversized.add(found.path)
