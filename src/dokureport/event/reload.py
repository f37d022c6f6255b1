"""Watch mode's reading of event.yaml: after an edit, only the parts whose text changed are
parsed again, and the result is the one a full parse gives.

A session that asks for it (`keep_between_builds`: watch mode) keeps, per event file, its
last text, what it read, and where each of its parts lies: the top-level keys' blocks and
the items of their lists (`talks:`, `agenda:`, …), each at its indentation. The next read
compares the texts, parses only the changed parts, each on its own at its own line
(libyaml, the hardened loader's composer, resolvers and builder), and takes the rest over.

Whenever a split is not provably the full parse's, it parses the whole file
(`load.load_yaml`, whose errors and limits are the contract): a changed number of parts,
anchors or aliases, tabs, other line breaks than LF, document markers or directives, a
problem in a part, a key added or dropped inside a part, a part that does not read as the
one key or the one item it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from dokureport.core.errors import InputError
from dokureport.event import load, textmemo
from dokureport.event.load import KeyPath, Loaded, SourceMap

# What the split cannot see through: tabs (PyYAML's parser reads those files), line breaks
# other than LF (the lines would be counted otherwise), document markers and directives.
_UNSAFE_CHARS = ("\t", "\r", "\x85", "\u2028", "\u2029")
_MARKERS = ("---", "...", "%")
# A top-level key's first line; anything else at column 0 but a comment or a list's dash
# (a `? complex key`, a flow collection, an alias) is read whole.
_TOP = re.compile(r"^[^ #\n-]", re.M)
_KEY_START = re.compile(r"[A-Za-z0-9_\"']")
_BLANK_OR_COMMENT = re.compile(r"[ ]*(?:#[^\n]*)?\n?")

_keeping = False
_kept: dict[Path, _Kept] = {}
# How many parts the last reads parsed (tests: an edit of one talk parses one part).
parsed_parts = 0


def keep_between_builds(keep: bool = True) -> None:
    """Whether reads keep what they read for the next read of the same file (watch mode);
    a one-shot build keeps nothing."""
    global _keeping
    _keeping = keep
    textmemo.activate(keep)
    if not keep:
        _kept.clear()


def keeping() -> bool:
    return _keeping


def load_yaml(path: Path) -> Loaded:
    """`load.load_yaml(path)`, taking over from the last read what the edit left alone."""
    if not _keeping:
        return load.load_yaml(path)
    text = load.read_text(path)
    textmemo.next_read()
    kept = _kept.pop(path, None)
    if kept is not None:
        loaded = kept.reread(text)
        if loaded is not None:
            _kept[path] = kept
            return loaded
    return _full(path, text)


@dataclass
class _Part:
    """A top-level key's block (`key`), a list's head (`key:` up to its first item), or
    one item of that list (`index`); start is its offset in the text."""

    start: int
    key: str
    index: int | None = None
    head: bool = False
    indent: int = 0  # an item's dash column
    values: list[KeyPath] | None = None  # the paths it holds in SourceMap.values, in order
    keys: list[KeyPath] | None = None
    texts: list[KeyPath] | None = None


class _Kept:
    """One file's last read: its text, its data and positions, and its parts."""

    def __init__(self, path: Path, text: str, loaded: Loaded, parts: list[_Part]) -> None:
        self.path, self.text, self.loaded, self.parts = path, text, loaded, parts

    def reread(self, text: str) -> Loaded | None:
        """The read of `text`, or None where only a full parse can say."""
        old = self.text
        if text == old:
            return self.loaded
        first, last = _changed(self.parts, old, text)
        if first is None:
            return None
        parts = self.parts
        ends = [p.start for p in parts[1:]] + [len(old)]
        delta = len(text) - len(old)
        begin, end = parts[first].start, ends[last] + delta
        if end < begin or (end < len(text) and text[end - 1] != "\n"):
            return None
        changed = parts[first:last + 1]
        region = text[begin:end]
        if _unsafe(region):
            return None
        if any(p.head for p in changed):
            return None  # the text before the first key, or a list's `key:` line
        starts = _starts(region, changed[0])
        if starts is None or len(starts) != len(changed) or (starts and starts[0] != 0):
            return None
        line = text.count("\n", 0, begin)
        data = dict(self.loaded.data)
        source = SourceMap(self.path, dict(self.loaded.source.values),
                           dict(self.loaded.source.keys), dict(self.loaded.source.texts))
        lists: dict[str, list[Any]] = {}
        global parsed_parts
        for n, part in enumerate(changed):
            stop = starts[n + 1] if n + 1 < len(starts) else len(region)
            piece = region[starts[n]:stop]
            read = _read_part(self.path, piece, line, part)
            if read is None:
                return None
            parsed_parts += 1
            value, found = read
            if (list(found.values) != part.values or list(found.keys) != part.keys
                    or list(found.texts) != part.texts):
                return None  # a key or an item added or dropped: the order would differ
            source.values.update(found.values)
            source.keys.update(found.keys)
            source.texts.update(found.texts)
            if part.index is None:
                data[part.key] = value
            else:
                items = lists.get(part.key)
                if items is None:
                    items = lists[part.key] = list(data[part.key])
                    data[part.key] = items
                items[part.index] = value
            line += piece.count("\n")
        shift = line - old.count("\n", 0, ends[last])
        if shift:
            for part in parts[last + 1:]:
                for where in (source.values, source.keys):
                    for key_path in (part.values if where is source.values else part.keys):
                        row, column = where[key_path]
                        where[key_path] = (row + shift, column)
        for part in parts[last + 1:]:
            part.start += delta
        self.text = text
        # Shared with the last read, never changed: validation shapes new dicts from it.
        self.loaded = Loaded(data, source, [])
        return self.loaded


def _changed(parts: list[_Part], old: str, new: str) -> tuple[int | None, int]:
    """The first and last part whose text differs (by the common start and end)."""
    same_start = _common_prefix(old, new)
    same_end = _common_suffix(old, new, min(len(old), len(new)) - same_start)
    first = last = None
    for i, part in enumerate(parts):
        end = parts[i + 1].start if i + 1 < len(parts) else len(old)
        if first is None and end > same_start:
            first = i
        if part.start < len(old) - same_end:
            last = i
    if first is None:
        first = len(parts) - 1
    if last is None or last < first:
        last = first
    return first, last


def _common_prefix(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:  # a[:low] == b[:low]; slices compare in C
        mid = (low + high + 1) // 2
        if a[low:mid] == b[low:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_suffix(a: str, b: str, most: int) -> int:
    low, high = 0, max(most, 0)
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid:len(a) - low] == b[len(b) - mid:len(b) - low]:
            low = mid
        else:
            high = mid - 1
    return low


def _unsafe(text: str) -> bool:
    """Whether text holds what the split cannot see through (str methods: C speed)."""
    return any(c in text for c in _UNSAFE_CHARS) or text.startswith(_MARKERS) or any(
        "\n" + marker in text for marker in _MARKERS)


def _starts(region: str, part: _Part) -> list[int] | None:
    """Where parts of part's kind start in region (top-level blocks, or items of one list
    at part's indentation); None if region holds anything else that starts a part."""
    tops = [m.start() for m in _TOP.finditer(region)]
    if part.index is None:
        if any(not _KEY_START.match(region, at) for at in tops):
            return None
        return tops
    if tops:
        return None  # a new top-level key inside a list
    if part.indent:
        shallow = re.compile(rf"^ {{0,{part.indent - 1}}}[^ \n#]", re.M)
        if shallow.search(region):
            return None
    dash = re.compile(rf"^ {{{part.indent}}}-(?=[ \n])", re.M)
    return [m.start() for m in dash.finditer(region)]


class _NotingLoader(load._FastLoader):  # type: ignore[misc,name-defined]
    """The fast loader, noting whether the document had anchors (and so aliases)."""

    anchored = False

    def compose_document(self) -> Any:
        self.get_event()
        node = self.compose_node(None, None)
        self.get_event()
        self.anchored = bool(self.anchors)
        self.anchors = {}
        return node


def _read_part(path: Path, piece: str, line: int, part: _Part
               ) -> tuple[Any, SourceMap] | None:
    """A part parsed on its own at its line: its value and positions, or None if it does
    not read, cleanly, as the one key or item it was."""
    found = SourceMap(path)
    loader = _NotingLoader("\n" * line + piece)  # at its line: the marks are the file's
    if part.index is not None:
        loader._depth = 1  # an item nests one level deeper in the file than on its own
    try:
        node = loader.get_single_node()
        if node is None or loader.anchored:
            return None
        builder = load._Builder(loader, found)
        if part.index is None:
            if not isinstance(node, MappingNode) or len(node.value) != 1:
                return None
            key, value_node = node.value[0]
            if (not isinstance(key, ScalarNode) or key.tag not in load._ALLOWED_TAGS
                    or key.value != part.key):
                return None
            found.keys[(part.key,)] = (key.start_mark.line + 1, key.start_mark.column + 1)
            value = builder.build(value_node, (part.key,))
        else:
            if (not isinstance(node, SequenceNode) or len(node.value) != 1
                    or node.start_mark.column != part.indent):
                return None
            value = builder.build(node.value[0], (part.key, part.index))
        if builder.problems:
            return None
    except (yaml.YAMLError, load._TooMany, load._TooDeep, RecursionError, ValueError):
        return None
    finally:
        loader.dispose()
    return value, found


def _full(path: Path, text: str) -> Loaded:
    """The full parse (load.load_yaml's), kept with its parts when they can be told."""
    if load.CParser is None or "\t" in text:
        return load.load_yaml(path)
    noting = type("_NotingLoader", (_NotingLoader,), {})  # its own `anchored`
    try:
        loaded = load._parse(path, text, noting)
    except InputError:
        return load.load_yaml(path)  # worded by PyYAML's own parser, as load_yaml does
    if not loaded.problems and not noting.anchored and isinstance(loaded.data, dict):
        parts = _split(text, loaded)
        if parts is not None:
            _kept[path] = _Kept(path, text, loaded, parts)
    return loaded


def _split(text: str, loaded: Loaded) -> list[_Part] | None:
    """The parts of text, checked against its full parse: every top-level key starts a
    block at column 0 on its own line, and every item of a list that is split starts a
    part with its dash; None where they cannot be told from the text alone."""
    data, source = loaded.data, loaded.source
    if not data or _unsafe(text):
        return None
    tops = [m.start() for m in _TOP.finditer(text)]
    names = list(data)
    if len(tops) != len(names) or any(not _KEY_START.match(text, at) for at in tops):
        return None
    parts: list[_Part] = [_Part(0, "", head=True)] if tops[0] else []
    ends = [*tops[1:], len(text)]
    line = 0
    previous = 0
    lists: dict[str, tuple[_Part, list[_Part]]] = {}
    blocks: dict[str, _Part] = {}
    for name, start, end in zip(names, tops, ends, strict=True):
        line += text.count("\n", previous, start)
        previous = start
        if source.keys.get((name,)) != (line + 1, 1):
            return None
        items = _items(text, start, end, line, name, data[name], source)
        if items is None:
            blocks[name] = _Part(start, name)
            parts.append(blocks[name])
        else:
            head = _Part(start, name, head=True)
            lists[name] = (head, items)
            parts += [head, *items]
    for part in parts:
        part.values, part.keys, part.texts = [], [], []
    for where, field in ((source.values, "values"), (source.keys, "keys"),
                         (source.texts, "texts")):
        for key_path in where:
            if not key_path:
                continue  # the top-level mapping: before every part, it never moves
            block = blocks.get(key_path[0])  # type: ignore[arg-type]
            if block is None:
                head, items = lists[key_path[0]]  # type: ignore[index]
                block = items[key_path[1]] if len(key_path) > 1 else head  # type: ignore[index]
            getattr(block, field).append(key_path)
    return parts


def _items(text: str, start: int, end: int, line: int, name: str, value: Any,
           source: SourceMap) -> list[_Part] | None:
    """The parts of a top-level list, one per item, if its text splits so."""
    if not isinstance(value, list) or not value:
        return None
    where = source.values.get((name,))
    body = text.find("\n", start, end) + 1
    if where is None or body == 0 or where[0] <= line + 1:
        return None  # `key: [a, b]`: on the key's line
    indent = where[1] - 1
    dash = re.compile(rf"^ {{{indent}}}-(?=[ \n])", re.M)
    starts = [m.start() for m in dash.finditer(text, body, end)]
    if len(starts) != len(value) or not re.fullmatch(r"(?:[ ]*(?:#[^\n]*)?\n)*",
                                                     text[body:starts[0]]):
        return None
    if indent and re.compile(rf"^ {{0,{indent - 1}}}[^ \n#]", re.M).search(
            text, starts[0], end):
        return None
    row = line + text.count("\n", start, starts[0])
    previous = starts[0]
    for index, at in enumerate(starts):
        row += text.count("\n", previous, at)
        previous = at
        item = source.values.get((name, index))
        if item is None or item[0] != row + 1:
            return None  # an item whose value starts on a later line than its dash
    return [_Part(at, name, index, indent=indent) for index, at in enumerate(starts)]
