"""SVG logos: hostile files refused before any SVG library reads them, the rest as drawings.

An SVG is XML that can declare entities (a "billion laughs"), fetch files and addresses
(`href`, CSS `url()`, `@import`, stylesheets), carry scripts, and be arbitrarily large.
We read it with lxml told to resolve nothing and fetch nothing, refuse each of these,
and only then hand the file to svglib, which turns it into reportlab vector paths.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

MAX_BYTES = 2 * 1024 * 1024  # a logo is a few kB; a map or a traced photo is no logo
MAX_ELEMENTS = 20_000
MAX_PATH_DATA = 1_000_000  # characters of path data (`d`, `points`) in all
_FORBIDDEN = {"script", "foreignObject", "iframe", "object", "embed", "handler", "listener"}
_HREF = re.compile(r"(?:^|})href$")
_SAFE_HREF = re.compile(r"^\s*(?:#|data:image/(?:png|jpeg|jpg|gif);)", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(?!['\"]?#)|@import", re.IGNORECASE)


def is_svg(path: Path) -> bool:
    """Whether a file is an SVG drawing (by name or by its first bytes)."""
    if path.suffix.lower() in (".svg", ".svgz"):
        return True
    try:
        with path.open("rb") as stream:
            head = stream.read(512).lstrip()
    except OSError:
        return False
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


def svg_problem(path: Path) -> str | None:
    """Why an SVG file is refused (None if it is a plain drawing)."""
    from lxml import etree

    try:
        raw = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if len(raw) > MAX_BYTES:
        return f"is larger than {MAX_BYTES // (1024 * 1024)} MB: not a logo"
    if raw[:2] == b"\x1f\x8b":
        return "is a compressed SVG (.svgz): save it as plain SVG"
    if b"<!ENTITY" in raw or b"<!entity" in raw:
        return "declares XML entities (refused: they can expand without limit)"
    # A DOCTYPE naming the SVG DTD is harmless (never loaded); an internal subset is not.
    if re.search(rb"<!DOCTYPE[^>]*\[", raw):
        return "has a document type with its own declarations (refused)"
    if re.search(rb"<\?xml-stylesheet", raw):
        return "names an outside stylesheet (refused)"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False, dtd_validation=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        return f"is not well-formed SVG ({str(exc).splitlines()[0][:80]})"
    if root is None or etree.QName(root).localname != "svg":
        return "is not an SVG drawing (no <svg> element)"
    count = 0
    path_data = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        count += 1
        if count > MAX_ELEMENTS:
            return f"has more than {MAX_ELEMENTS:,} elements: too complex for a logo"
        local = etree.QName(element).localname
        if local in _FORBIDDEN:
            return f"contains <{local}> (scripts and embedded documents are refused)"
        for name, value in element.attrib.items():
            attribute = etree.QName(name).localname if name.startswith("{") else name
            if attribute.lower().startswith("on"):
                return f"has an event handler `{attribute}` (scripts are refused)"
            if _HREF.search(name) and not _SAFE_HREF.match(value):
                return (f"refers to something outside it ({value[:60]!r}): only references "
                        "inside the file (#id) and embedded images are allowed")
            if attribute == "style" and _CSS_URL.search(value):
                return "loads something from outside in a style (url(), @import): refused"
            if attribute in ("d", "points"):
                path_data += len(value)
        if local == "style" and element.text and _CSS_URL.search(element.text):
            return "loads something from outside in its <style> (url(), @import): refused"
        if path_data > MAX_PATH_DATA:
            return f"has more than {MAX_PATH_DATA:,} characters of path data: too large for a logo"
    return None


def load_drawing(path: Path) -> Any:
    """The SVG as a reportlab Drawing (vector paths); call svg_problem first. None: unreadable."""
    from svglib.svglib import svg2rlg

    # svglib logs every attribute it does not support; the logo still draws.
    logging.getLogger("svglib").setLevel(logging.ERROR)
    try:
        drawing = svg2rlg(str(path))
    except Exception:  # svglib raises many kinds on odd files: the file is at fault
        return None
    if drawing is None or not drawing.width or not drawing.height:
        return None
    return drawing
