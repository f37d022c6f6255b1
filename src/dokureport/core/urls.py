"""URL safety: which addresses the brochure turns into links."""

from __future__ import annotations

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
