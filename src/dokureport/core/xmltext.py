"""XML escaping as xml.sax.saxutils does it, without importing urllib.request and ssl with it."""

from __future__ import annotations

import html

_ATTRIBUTE_WHITESPACE = str.maketrans({"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def escape(data: str) -> str:
    """&, < and > as entities (saxutils.escape without extra entities)."""
    return html.escape(data, quote=False)


def unescape(data: str) -> str:
    """&lt;, &gt; and &amp; back to characters (saxutils.unescape), nothing else."""
    return data.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def quoteattr(data: str) -> str:
    """An attribute value with its quotes, as saxutils.quoteattr writes it."""
    data = escape(data).translate(_ATTRIBUTE_WHITESPACE)
    if '"' in data:
        if "'" in data:
            return '"{}"'.format(data.replace('"', "&quot;"))
        return f"'{data}'"
    return f'"{data}"'
