"""Read an event.yaml safely into plain data plus the source position of every key and value."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from dokureport.core.errors import InputError, Problem

# A hand-written event file is a few kB; 5 MB is far beyond any real one and keeps parsing quick.
MAX_BYTES = 5 * 1024 * 1024
# Values after expanding aliases: a 400-item agenda is ~5,000; a "billion laughs" file is 10⁹.
MAX_VALUES = 100_000
# Real event files nest 5 levels deep; the pure-Python composer recurses per level.
MAX_DEPTH = 40

KeyPath = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_TIMESTAMP = _TAG + "timestamp"
# Only plain data: no Python objects, no !!binary/!!set, no application tags.
_ALLOWED_TAGS = {
    _TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}


def format_path(path: Iterable[str | int]) -> str:
    """("talks", 2, "speakers", 0, "name") → "talks[2].speakers[0].name"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            part = part if part.isprintable() else repr(part)[1:-1]  # no raw control characters
            part = part if len(part) <= 40 else part[:39] + "…"  # an excerpt of a key, no more
            out += f".{part}" if out else part
    return out


# What people type, and what YAML 1.1 would otherwise do to it:
# 12:00 → 720 (base 60), 2019-10-29 12:00 → a string (seconds missing).
_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_WHEN = re.compile(
    r"""^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})
    (?:(?:[Tt]|[ \t]+)(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.(?P<f>[0-9]*))?)?
       (?:[ \t]*(?P<tz>Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?)?$""",
    re.X,
)


def parse_when(text: str) -> dt.date | dt.datetime | None:
    """A date or date + time as people type it (space or T, seconds optional); None if not one."""
    match = _WHEN.match(text.strip())
    if not match:
        return None
    g = match.groupdict()
    try:
        if g["H"] is None:
            return dt.date(int(g["y"]), int(g["m"]), int(g["d"]))
        micro = int((g["f"] or "0")[:6].ljust(6, "0"))
        tzinfo = None
        if g["tz"]:
            tzinfo = dt.UTC
            if g["tz"] != "Z":
                sign = -1 if g["tz"][0] == "-" else 1
                digits = g["tz"][1:].replace(":", "")
                hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
                offset = dt.timedelta(hours=int(hours), minutes=int(minutes))
                tzinfo = dt.timezone(sign * offset)
        return dt.datetime(int(g["y"]), int(g["m"]), int(g["d"]), int(g["H"]), int(g["M"]),
                           int(g["S"] or 0), micro, tzinfo=tzinfo)
    except ValueError:  # 2019-02-30, 25:00: not a date; the caller keeps the text
        return None


def _resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    dropped = {_TAG + t for t in ("int", "float", "timestamp", "value", "yaml")}
    table = {
        first: [(tag, rx) for tag, rx in entries if tag not in dropped]
        for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    for tag, rx, firsts in (
        (_TAG + "int", _INT, "-+0123456789"),
        (_TAG + "float", _FLOAT, "-+0123456789."),
        (_TIMESTAMP, _WHEN, "0123456789"),
    ):
        for first in firsts:
            table.setdefault(first, []).append((tag, rx))
    return table


class _TooDeep(Exception):
    """The document nests deeper than MAX_DEPTH."""


class _DepthLimited:
    """Composes nodes in Python, refusing nesting beyond MAX_DEPTH early and cheaply."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        # Stop early and cheaply rather than letting recursion hit Python's limit.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)  # type: ignore[attr-defined]
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1


class _Loader(_DepthLimited, yaml.SafeLoader):
    """SafeLoader (pure Python: a C composer could overflow the C stack on deep nesting)."""

    yaml_implicit_resolvers = _resolvers()


def _construct_when(loader: yaml.SafeLoader, node: ScalarNode) -> Any:
    text = loader.construct_scalar(node)
    return parse_when(text) or text  # an impossible date stays text; validation names it


_Loader.add_constructor(_TIMESTAMP, _construct_when)

try:  # libyaml, which PyYAML's wheels bring: it scans and parses ~8x faster than Python
    from yaml.cyaml import CParser
except ImportError:  # a PyYAML built without it
    CParser = None

if CParser is not None:
    class _FastLoader(_DepthLimited, Composer, CParser, SafeConstructor,  # type: ignore[misc]
                      Resolver):
        """libyaml's scanner and parser under the same Python composer, resolvers and
        constructors as _Loader: the same nodes with the same marks, no C recursion."""

        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
        yaml_constructors = _Loader.yaml_constructors

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)


@dataclass
class SourceMap:
    """Where each key path sits in the file (1-based line and column) and its source text."""

    file: Path
    values: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    texts: dict[KeyPath, str] = field(default_factory=dict)

    def where(self, path: KeyPath, *, key: bool = False) -> tuple[int, int] | None:
        """The position of path (its key if asked and known), else of the nearest ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return None

    def problem(self, path: KeyPath, message: str, *, key: bool = False,
                code: str = "other") -> Problem:
        """A Problem located at path (see where)."""
        line, column = self.where(path, key=key) or (None, None)
        return Problem(message, file=self.file, line=line, column=column,
                       key_path=format_path(path), code=code)


@dataclass
class Loaded:
    """The file's data (plain dicts, lists, scalars), where it came from, and what was wrong."""

    data: Any
    source: SourceMap
    problems: list[Problem]


def _fatal(
    file: Path, message: str, line: int | None = None, column: int | None = None
) -> InputError:
    return InputError([Problem(message, file=file, line=line, column=column,
                               code="yaml-syntax")])


def line_col(text: str | bytes, index: int) -> tuple[int, int]:
    """The 1-based line and column of `index` in text (str, or bytes before decoding)."""
    newline = "\n" if isinstance(text, str) else b"\n"
    line = text.count(newline, 0, index) + 1  # type: ignore[arg-type]
    start = text.rfind(newline, 0, index) + 1  # type: ignore[arg-type]
    return line, index - start + 1


def read_text(path: Path) -> str:
    """The file as text; refuses what is too big, binary or not UTF-8, naming the problem."""
    try:
        if not path.is_file():
            raise _fatal(path, "is not a regular file")
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _fatal(path, f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise _fatal(path, f"is larger than {MAX_BYTES // (1024 * 1024)} MB: not an event file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) and not raw.startswith(b"\xff\xfe\x00\x00"):
        encoding = "utf-16"  # an editor's "Unicode" choice; YAML allows it
    else:
        encoding = "utf-8-sig"
        if b"\x00" in raw:
            raise _fatal(path, "is a binary file, not YAML text")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = line_col(raw, exc.start) if encoding == "utf-8-sig" else (None, None)
        byte = raw[exc.start]
        raise _fatal(
            path,
            f"is not UTF-8 text (byte 0x{byte:02x} here; saved as Latin-1/Windows-1252?): "
            "save it as UTF-8",
            line, column,
        ) from None


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "not valid YAML"
    if "'\\t'" in problem:
        return "YAML syntax: a tab character; indent with spaces"
    if "expected a single document" in (exc.context or "") + problem:
        return "YAML syntax: a second document (`---`); put everything in one"
    if "expected <block end>" in problem:
        return "YAML syntax: this line is indented differently from the lines above it"
    message = f"YAML syntax: {problem}"
    if exc.context:
        message += f" ({exc.context})"
    if "mapping values are not allowed" in problem:
        message += "; a value with `: ` in it needs quotes"
    return message


class _TooMany(Exception):
    """The document expands beyond MAX_VALUES."""


class _Builder:
    """Turns composed nodes into plain data, recording positions, duplicate keys and bad tags."""

    def __init__(self, loader: Any, source: SourceMap) -> None:
        self.loader = loader
        self.source = source
        self.problems: list[Problem] = []
        self.count = 0
        self.distinct: set[int] = set()
        self.active: set[int] = set()  # collection nodes on the current path (recursive aliases)

    def build(self, node: Node, path: KeyPath) -> Any:
        self.count += 1
        self.distinct.add(id(node))
        if self.count > MAX_VALUES:
            raise _TooMany
        mark = node.start_mark
        self.source.values[path] = (mark.line + 1, mark.column + 1)  # a merge's own key wins
        if node.tag not in _ALLOWED_TAGS:
            self.problems.append(self.source.problem(
                path, f"YAML tag `{node.tag.replace(_TAG, '!!')}` is not allowed; "
                "only plain text, numbers, dates, lists and mappings", code="yaml-unsafe"))
            return None
        if isinstance(node, ScalarNode):
            self.source.texts[path] = node.value
            try:
                return self.loader.construct_object(node)
            except (yaml.YAMLError, ValueError, OverflowError):
                return node.value
        if id(node) in self.active:
            self.problems.append(self.source.problem(path, "refers to itself (recursive alias)",
                                                      code="yaml-unsafe"))
            return None
        if len(path) >= MAX_DEPTH:
            self.problems.append(self.source.problem(path, "nested too deeply", code="yaml-unsafe"))
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self._mapping(node, path)  # type: ignore[arg-type]
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        seen: dict[str, tuple[int, int]] = {}
        for key_node, _ in node.value:
            if key_node.tag == _TAG + "merge":
                continue
            name = key_node.value if isinstance(key_node, ScalarNode) else None
            where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if name is not None and name in seen:
                line = seen[name][0]
                self.problems.append(Problem(
                    f"duplicate key `{name}` (first at line {line}): only one is allowed",
                    file=self.source.file, line=where[0], column=where[1],
                    key_path=format_path((*path, name)), code="duplicate-key"))
            elif name is not None:
                seen[name] = where
        try:
            self.loader.flatten_mapping(node)  # resolves `<<: *anchor` merges
        except yaml.MarkedYAMLError as exc:
            self.problems.append(self.source.problem(path, _syntax_message(exc),
                                                      code="yaml-syntax"))
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _ALLOWED_TAGS:
                mark = key_node.start_mark
                self.problems.append(Problem(
                    "a key must be plain text", file=self.source.file,
                    line=mark.line + 1, column=mark.column + 1, key_path=format_path(path),
                    code="yaml-syntax"))
                continue
            name = key_node.value
            mark = key_node.start_mark
            self.source.keys[(*path, name)] = (mark.line + 1, mark.column + 1)
            result[name] = self.build(value_node, (*path, name))
        return result


def load_yaml(path: Path) -> Loaded:
    """Parse path safely; raises InputError when it cannot be read as YAML at all."""
    text = read_text(path)
    # libyaml accepts a tab between words or after `key:`, which PyYAML's parser refuses;
    # such files take the Python path, so both parsers give one answer for every file.
    if CParser is not None and "\t" not in text:
        try:
            return _parse(path, text, _FastLoader)
        except InputError:
            pass  # worded as PyYAML's own parser words it (the messages users know): below
    return _parse(path, text, _Loader)


def _parse(path: Path, text: str, loader_class: type) -> Loaded:
    source = SourceMap(path)
    loader: Any = None
    try:
        loader = loader_class(text)
        node = loader.get_single_node()
        if node is None:
            raise _fatal(path, "is empty: it needs at least `title:` and `event:`")
        builder = _Builder(loader, source)
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise _fatal(path, _syntax_message(exc), line, column) from None
    except yaml.reader.ReaderError as exc:
        line, column = line_col(text, exc.position)
        raise _fatal(path, f"contains the control character U+{exc.character:04X}, "
                     "which YAML does not allow", line, column) from None
    except _TooMany:
        raise _fatal(path, f"expands to more than {MAX_VALUES:,} values through `*` aliases: "
                     "refused (a \"billion laughs\" file?)" if len(builder.distinct) < builder.count
                     else f"has more than {MAX_VALUES:,} values: not an event file") from None
    except _TooDeep as exc:
        mark = exc.args[0]
        raise _fatal(path, f"is nested more than {MAX_DEPTH} levels deep: not an event file",
                     mark.line + 1, mark.column + 1) from None
    except RecursionError:
        raise _fatal(path, "is nested too deeply to be an event file") from None
    finally:
        if loader is not None:
            loader.dispose()
    return Loaded(data, source, builder.problems)
