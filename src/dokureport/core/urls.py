"""URL safety: which addresses the brochure turns into links; their short printed form."""

from __future__ import annotations

import re
from urllib.parse import urlsplit


def is_safe_url(url: str) -> bool:
    """A web address with a host, or a mailto: address: the only links the brochure makes."""
    if url.lower().startswith("mailto:"):
        return True
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def short_address(url: str) -> str:
    """An address as a reader types it from paper: without scheme, "www." and a closing
    slash ("https://www.lvr.de/" → "lvr.de"); a mailto: address is its e-mail address."""
    if url.lower().startswith("mailto:"):
        return url[len("mailto:"):]
    short = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.IGNORECASE)
    short = re.sub(r"^www\.", "", short, flags=re.IGNORECASE)
    return short[:-1] if short.endswith("/") and short.count("/") == 1 else short


def names_its_address(label: str, url: str) -> bool:
    """The link's text already is its address (in full or short): printing it again
    would say it twice."""
    text = label.strip().lower()
    return text in (url.lower(), short_address(url).lower()) or \
        short_address(text).lower() == short_address(url).lower()
