"""Links: video URLs, e-mail addresses, `[text](target)` in texts, and QR-code lengths."""

from __future__ import annotations

import re
from typing import Any

from dokureport.core.errors import show
from dokureport.core.urls import is_safe_url
from dokureport.event.files import SCHEME
from dokureport.event.load import KeyPath
from dokureport.event.markdown import typed_links
from dokureport.event.model import QR_MAX_BYTES, fits_qr_code
from dokureport.event.sizes import rich_texts
from dokureport.validate.state import State, get, items

_NOT_IN_ADDRESS = r"\s<>()\[\],;:\""
_EMAIL = re.compile(
    rf"^(?:mailto:)?[^@{_NOT_IN_ADDRESS}]+@[^@{_NOT_IN_ADDRESS}]+\.[^@{_NOT_IN_ADDRESS}.]+$", re.I
)


def check_links(state: State, data: dict[str, Any]) -> None:
    """Video URLs are web addresses, e-mail addresses look like one, text links are linkable."""
    for i, video in items(data.get("videos")):
        url = video.get("url")
        if isinstance(url, str):
            state.check_url(("videos", i, "url"), url)
    emails: list[tuple[KeyPath, Any]] = [
        (("contacts", i, "email"), contact.get("email"))
        for i, contact in items(data.get("contacts"))]
    emails += [(("talks", i, "speakers", n, "email"), speaker.get("email"))
               for i, talk in items(data.get("talks"))
               for n, speaker in items(talk.get("speakers"))]
    for path, email in emails:
        if isinstance(email, str) and not _EMAIL.match(email):
            state.error(path, f"not an e-mail address: {show(email)}", code="invalid-email")
    for path in rich_texts(data):
        text = get(data, path)
        if not isinstance(text, str):
            continue
        for link in typed_links(text):
            _check_text_link(state, path, text[link.start : link.end], link.target)


def _check_text_link(state: State, path: KeyPath, typed: str, target: str) -> None:
    """A `[text](target)` is linked if the target is a web or mail address, else printed."""
    # The rule the typesetter links by: what it links is never warned about, and
    # what it prints as typed always is.
    if is_safe_url(target.strip()):
        return
    # Text is never refused for what it says: the link is printed as typed instead.
    state.warn(path, f"the link {show(typed, 60)} is printed as typed, not linked: "
               "only http(s) and mailto: links are linked", "unlinked-link")


def check_qr_codes(state: State, data: dict[str, Any]) -> None:
    """Web addresses printed with a QR code: one too long for any QR code is a warning."""
    talks = data.get("talks") if isinstance(data.get("talks"), list) else []
    videos = data.get("videos") if isinstance(data.get("videos"), list) else []
    places = [(("talks", i, "slides"), t.get("slides")) for i, t in enumerate(talks)
              if isinstance(t, dict)]
    places += [(("videos", i, "url"), v.get("url")) for i, v in enumerate(videos)
               if isinstance(v, dict)]
    for path, url in places:
        if isinstance(url, str) and SCHEME.match(url) and not fits_qr_code(url):
            state.warn(path, f"too long for a QR code ({len(url.encode('utf-8'))} bytes, "
                             f"at most {QR_MAX_BYTES}): printed as a link only", "qr-too-long")
