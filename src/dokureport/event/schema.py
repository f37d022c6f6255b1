"""The JSON Schema of event.yaml, generated from the model, for editors to complete and check."""

from __future__ import annotations

import json
from typing import Any

from dokureport.event.model import Event

SCHEMA_ID = "https://dokureport.invalid/event.schema.json"

# Editors read unquoted YAML dates and times as strings (YAML 1.2); the loader accepts more
# than JSON Schema's strict "date-time" (a space, no seconds), so describe what it accepts.
_DATE = r"\d{4}-\d{1,2}-\d{1,2}"
_TIME = r"([01]?\d|2[0-3])[:.][0-5]\d(:[0-5]\d)?"
_CLOCK = r"([Tt]|[ \t]+)\d{1,2}:\d{2}(:\d{2}(\.\d*)?)?([ \t]*(Z|[-+]\d{1,2}(:?\d{2})?))?"
_PATTERNS = {
    "date": f"^{_DATE}$",
    "time": f"^{_TIME}$",
    "date-time": f"^{_DATE}{_CLOCK}$",
}
_DATE_OR_DATETIME = f"^{_DATE}({_CLOCK})?$"
_EXAMPLES = {"date": "2019-10-29", "time": "9:00", "date-time": "2019-10-29 12:00"}


def _rewrite(node: Any) -> Any:
    if isinstance(node, list):
        return [_rewrite(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _rewrite(v) for k, v in node.items()}
    fmt = node.get("format")
    fmt = fmt if isinstance(fmt, str) else None  # a property may be called "format"
    if fmt in _PATTERNS:
        del node["format"]
        node["pattern"] = _PATTERNS[fmt]
        node.setdefault("examples", [_EXAMPLES[fmt]])
    elif fmt == "path":  # pydantic's own word, not a JSON Schema format
        del node["format"]
    options = node.get("anyOf")
    if isinstance(options, list):
        # "date or date + time" as one pattern reads better in an editor's hover than two.
        patterns = {o.get("pattern") for o in options}
        if {_PATTERNS["date"], _PATTERNS["date-time"]} <= patterns:
            rest = [o for o in options if "pattern" not in o]
            merged = {"type": "string", "pattern": _DATE_OR_DATETIME,
                      "examples": ["2019-10-29", "2019-10-29 12:00"]}
            if rest:
                node["anyOf"] = [merged, *rest]
            else:
                del node["anyOf"]
                node.update(merged)
    return node


def event_schema() -> dict[str, Any]:
    """The schema as a dict (JSON Schema 2020-12)."""
    schema = Event.model_json_schema(mode="validation")
    schema["properties"].pop("folder", None)  # set by the loader, never written in the file
    schema = _rewrite(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "dokureport event.yaml",
        "description": "One event for a dokureport brochure: data, agenda, talks, photos.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def schema_json() -> str:
    """The schema as indented JSON text."""
    return json.dumps(event_schema(), indent=2, ensure_ascii=False) + "\n"

