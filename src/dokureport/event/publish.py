"""Privacy: what `publish: false` and the speakers' e-mail rule keep out of every output."""

from __future__ import annotations

from dataclasses import dataclass

from dokureport.event.load import KeyPath
from dokureport.event.model import Event


@dataclass(frozen=True)
class Withheld:
    """What the published event leaves out, by the key paths of the full event.

    Key paths, not names: the report that lists them may end up in a CI log, and the
    people behind them asked to be left out.
    """

    talks: tuple[str, ...] = ()
    photos: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    speaker_emails: int = 0  # addresses not printed (privacy.print_speaker_emails is off)
    # New index → index in the full event, per list: a problem found while laying out
    # the published event points at the key in event.yaml.
    index_maps: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def count(self) -> int:
        return len(self.talks) + len(self.photos) + len(self.contacts)

    def original_path(self, path: KeyPath) -> KeyPath:
        """A key path into the published event, as a key path into event.yaml."""
        maps = dict(self.index_maps)
        for prefix in (("photos", "items"), ("talks",), ("contacts",)):
            name = ".".join(prefix)
            n = len(prefix)
            if path[:n] == prefix and len(path) > n and isinstance(path[n], int):
                index = path[n]
                kept = maps.get(name, ())
                if index < len(kept):  # type: ignore[operator]
                    return (*prefix, kept[index], *path[n + 1:])  # type: ignore[index]
        return path


def published(event: Event) -> tuple[Event, Withheld]:
    """The event as it may be printed, and what was left out.

    Agenda items that name an unpublished talk stay (the programme happened), without
    their link: agenda links go only to talks that are printed.
    """
    talks = [(i, t) for i, t in enumerate(event.talks) if t.publish]
    photos = [(i, p) for i, p in enumerate(event.photos.items) if p.publish]
    contacts = [(i, c) for i, c in enumerate(event.contacts) if c.publish]
    emails = 0
    if not event.privacy.print_speaker_emails:
        cleaned = []
        for i, talk in talks:
            emails += sum(1 for s in talk.speakers if s.email)
            speakers = tuple(s.model_copy(update={"email": None}) for s in talk.speakers)
            cleaned.append((i, talk.model_copy(update={"speakers": speakers})))
        talks = cleaned
    withheld = Withheld(
        talks=tuple(f"talks[{i}]" for i, t in enumerate(event.talks) if not t.publish),
        # Named as event.yaml names them: a folder's photos are ordered after validation.
        photos=tuple(event.photos.sources_of(i).named for i, p in enumerate(event.photos.items)
                     if not p.publish),
        contacts=tuple(f"contacts[{i}]" for i, c in enumerate(event.contacts)
                       if not c.publish),
        speaker_emails=emails,
        index_maps=(("talks", tuple(i for i, _ in talks)),
                    ("photos.items", tuple(i for i, _ in photos)),
                    ("contacts", tuple(i for i, _ in contacts))),
    )
    filtered = event.model_copy(update={
        "talks": tuple(t for _, t in talks),
        "photos": event.photos.model_copy(update={
            "items": tuple(p for _, p in photos),
            "sources": tuple(event.photos.sources_of(i) for i, _ in photos)}),
        "contacts": tuple(c for _, c in contacts),
    })
    return filtered, withheld
