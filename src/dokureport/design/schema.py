"""The JSON Schema of a theme file, for editors to complete and check."""

from __future__ import annotations

import json
from typing import Any

from dokureport.design.model import ThemeFile
from dokureport.design.theme import bundled_themes


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
