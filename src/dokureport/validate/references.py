"""References across keys: talk ids unique and named, one cover photo, every photo described."""

from __future__ import annotations

import difflib
from typing import Any

from dokureport.core.errors import show
from dokureport.validate.state import State, filled, items, name


def check_references(state: State, data: dict[str, Any]) -> None:
    """Talk ids used once and named by agenda items and photos; the photos' cover and alt."""
    talks = items(data.get("talks"))
    ids: dict[str, int] = {}
    for i, talk in talks:
        talk_id = talk.get("id")
        if isinstance(talk_id, str):
            if talk_id in ids:
                state.error(("talks", i, "id"),
                            f"the id `{name(talk_id)}` is already used by talks[{ids[talk_id]}]",
                            code="duplicate-id")
            else:
                ids[talk_id] = i
    named: set[str] = set()
    for d, day in items(data.get("agenda")):
        for n, item in items(day.get("items")):
            ref = item.get("talk")
            if not isinstance(ref, str):
                continue
            named.add(ref)
            if ref not in ids:
                close = difflib.get_close_matches(ref, list(ids), n=1)
                hint = f" (did you mean `{close[0]}`?)" if close else (
                    "" if ids else " (no talk has an `id:`)")
                state.error(("agenda", d, "items", n, "talk"),
                            f"no talk has the id `{name(ref)}`{hint}", code="unknown-talk")
    for i, talk in talks:
        if not (isinstance(talk.get("id"), str) and talk["id"] in named):
            title = talk.get("title")
            label = f"“{title}”" if isinstance(title, str) else f"talks[{i}]"
            state.warn(("talks", i), f"the talk {label} is in no agenda item "
                       "(name its id in an item's `talk:`)", "talk-not-in-agenda")
    photos = data.get("photos")
    cover = None
    for i, photo in items(photos.get("items") if isinstance(photos, dict) else None):
        if photo.get("cover") is True:
            if cover is None:
                cover = i
            else:
                state.error(("photos", "items", i, "cover"),
                            f"a second cover photo (photos.items[{cover}] is one); "
                            "at most one photo can be the cover", code="second-cover")
        # A gallery photo without a caption is normal ("impressions"); one that nothing
        # describes, neither caption nor alt, is lost to a reader who cannot see it.
        if not (filled(photo.get("caption")) or filled(photo.get("alt"))):
            # As typed: the file check has made it an absolute path by now.
            file = state.source.texts.get(("photos", "items", i, "file"), photo.get("file"))
            label = show(file) if isinstance(file, str) else f"photos.items[{i}]"
            state.warn(("photos", "items", i), f"the photo {label} has neither a caption "
                       "nor an `alt` text: nothing describes it", "undescribed-photo")
        elif not filled(photo.get("alt")):
            # The tagged PDF needs a description: the caption stands in for it.
            state.warn(("photos", "items", i), "no `alt` text: screen readers get the "
                       "caption as the photo's description", "alt-from-caption")
        ref = photo.get("talk")
        if isinstance(ref, str) and ref not in ids:
            close = difflib.get_close_matches(ref, list(ids), n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else (
                "" if ids else " (no talk has an `id:`)")
            state.error(("photos", "items", i, "talk"),
                        f"no talk has the id `{name(ref)}`{hint}")
