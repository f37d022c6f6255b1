"""Photos from `photos.folder`, and captions, credits and alt texts from the photos' metadata."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dokureport.core.errors import show
from dokureport.event.files import resolve_file
from dokureport.event.model import Event, Photo, Photos, TextSources
from dokureport.event.photo_folder import MAX_FILES, in_order, listed_photos, resolve_folder
from dokureport.event.photo_metadata import PhotoMetadata, read_metadata
from dokureport.validate.files import _file_code, file_report
from dokureport.validate.state import State, filled, items

TYPED = "event.yaml"
DEFAULT_CREDIT = "photos.credit"
_FOLDER_KEY = ("photos", "folder")
_TEXTS = ("caption", "credit", "alt")


@dataclass
class FolderPlan:
    """What the folder adds to the typed photos, merged into the model once it is valid."""

    listed: list[tuple[str, Path]] = field(default_factory=list)  # in the folder's order
    metadata: dict[Path, PhotoMetadata] = field(default_factory=dict)
    # Per typed item: where its texts came from (typed, or filled in from its file).
    typed_sources: dict[int, TextSources] = field(default_factory=dict)
    others: int = 0  # entries of the folder that are no photos

    def apply(self, event: Event) -> Event:
        """The event with the folder's photos in place (typed entries override their file,
        the others come first) and every photo's text sources."""
        photos = event.photos
        typed = list(photos.items)
        by_file = {}
        for i, photo in enumerate(typed):
            by_file.setdefault(Path(photo.file), i)
        in_folder = {path for _, path in self.listed}
        placed: list[tuple[Photo, TextSources]] = [
            (photo, self._typed(photos, i, photo)) for i, photo in enumerate(typed)
            if not (Path(photo.file) in in_folder and by_file[Path(photo.file)] == i)]
        for _, path in self.listed:
            if path in by_file:
                i = by_file[path]
                placed.append((typed[i], self._typed(photos, i, typed[i])))
            else:
                placed.append(self._from_file(photos, path))
        new = photos.model_copy(update={"items": tuple(p for p, _ in placed),
                                        "sources": tuple(s for _, s in placed)})
        return event.model_copy(update={"photos": new})

    def _typed(self, photos: Photos, i: int, photo: Photo) -> TextSources:
        known = self.typed_sources.get(i) or TextSources(named=f"photos.items[{i}]")
        if known.credit is None and photos.credit:
            known = known.model_copy(update={"credit": DEFAULT_CREDIT})
        return known

    def _from_file(self, photos: Photos, path: Path) -> tuple[Photo, TextSources]:
        texts, sources = _filled({}, self.metadata.get(path))
        photo = Photo(file=path, **texts)
        if sources.credit is None and photos.credit:
            sources = sources.model_copy(update={"credit": DEFAULT_CREDIT})
        return photo, sources.model_copy(update={"named": "photos.folder"})


def plan_photo_folder(state: State, data: dict[str, Any]) -> FolderPlan | None:
    """List `photos.folder` (each photo checked as a named file is), read the metadata of
    every photo where the event asks for it, and fill the typed items' missing texts from
    it in place; None when the event has neither a folder nor metadata to read.

    Runs after the file checks (typed items' files are absolute paths by then) and before
    the references, whose alt-text warnings then see what the files gave.
    """
    photos = data.get("photos")
    if not isinstance(photos, dict):
        return None
    name = photos.get("folder")
    reads = photos.get("metadata")
    reads = reads if isinstance(reads, bool) else isinstance(name, str)
    if not isinstance(name, str) and not reads:
        return None
    plan = FolderPlan()
    lang = data.get("lang") if isinstance(data.get("lang"), str) else "de"
    if isinstance(name, str):
        _list(state, name, "name" if photos.get("order") == "name" else "taken", lang, plan)
    typed = items(photos.get("items"))
    if reads:
        wanted = [*(p for _, p in plan.listed),
                  *(item["file"] for _, item in typed if isinstance(item.get("file"), Path))]
        for path in dict.fromkeys(wanted):
            found = read_metadata(path, lang)
            plan.metadata[path] = found
            for warning in found.warnings:
                state.warn(_FOLDER_KEY if isinstance(name, str) else ("photos",),
                           f"{show(_shown(state, path), 200)}: {warning}", "photo-metadata")
    for i, item in typed:
        file = item.get("file")
        found = plan.metadata.get(file) if isinstance(file, Path) else None
        texts, sources = _filled(item, found)
        item.update(texts)
        plan.typed_sources[i] = sources.model_copy(update={"named": f"photos.items[{i}]"})
    _count_missing_alt(state, plan, typed)
    return plan


def _list(state: State, name: str, order: str, lang: str, plan: FolderPlan) -> None:
    problem, folder = resolve_folder(state.folder, name, allow_outside=state.allow_outside)
    if problem or folder is None:
        state.error(_FOLDER_KEY, problem or "not a folder", code="file-not-found"
                    if problem and "not found" in problem else "bad-file")
        return
    try:
        names, plan.others = listed_photos(folder)
    except OSError as exc:
        state.error(_FOLDER_KEY, f"{show(name, 200)} cannot be read: {exc.strerror or exc}",
                    code="bad-file")
        return
    if len(names) > MAX_FILES:
        state.error(_FOLDER_KEY, f"{show(name, 200)} holds {len(names):,} photos, more than "
                    f"{MAX_FILES:,}: choose the ones for the brochure", code="bad-file")
        return
    prefix = name.rstrip("/")
    found: list[tuple[str, Path]] = []
    for entry in names:
        shown = f"{prefix}/{entry}"
        problem, resolved = resolve_file(state.folder, shown, image=True,
                                         allow_outside=state.allow_outside,
                                         decode_images=False, folders=state.resolved_folders)
        if problem or resolved is None:
            state.error(_FOLDER_KEY, problem or "unusable", code=_file_code(problem or ""))
            continue
        state.file_locations.setdefault(resolved,
                                        state.source.problem(_FOLDER_KEY, show(shown, 200)))
        state.decode_later(resolved, file_report(state, _FOLDER_KEY, shown))
        found.append((shown, resolved))
    # Read in the event's language: the texts are wanted next, from what is kept.
    taken = [read_metadata(path, lang).taken for _, path in found]
    plan.listed = [found[i] for i in in_order([n for n, _ in found], taken, order)]


def _filled(item: dict[str, Any], found: PhotoMetadata | None
            ) -> tuple[dict[str, str], TextSources]:
    """The texts an item lacks, from its file's metadata, and where each of its texts
    comes from. A headline stands in for a missing caption."""
    texts: dict[str, str] = {}
    sources: dict[str, str | None] = {}
    for name in _TEXTS:
        if filled(item.get(name)):
            sources[name] = TYPED
            continue
        meta = getattr(found, name, None) if found is not None else None
        if meta is None and name == "caption" and found is not None:
            meta = found.title
        if meta is not None:
            texts[name] = meta.text
        sources[name] = meta.source if meta is not None else None
    title = found.title if found is not None else None
    return texts, TextSources(**sources, title=title.source if title else None)


def _count_missing_alt(state: State, plan: FolderPlan, typed: list[tuple[int, dict[str, Any]]]
                       ) -> None:
    """One warning for the folder's photos without alt text, not one each: their files
    are named in no key to put a warning at."""
    typed_files = {item.get("file") for _, item in typed}
    missing = []
    for shown, path in plan.listed:
        if path in typed_files:
            continue  # a typed item: the reference rule warns at its key
        found = plan.metadata.get(path)
        if found is None or found.alt is None:
            missing.append((shown, found is not None and (found.caption or found.title)))
    if not missing:
        return
    bare = sum(1 for _, described in missing if not described)
    names = ", ".join(show(n, 80) for n, _ in missing[:3]) + (", …" if len(missing) > 3 else "")
    n = len(missing)
    instead = "their caption" if not bare else (
        f"their caption, or only their number ({bare} of them "
        f"{'has' if bare == 1 else 'have'} no caption either)")
    state.warn(_FOLDER_KEY, f"{n} photo{'s' * (n != 1)} without alt text ({names}): "
               f"screen readers get {instead}; give `alt` in photos.items, or "
               "Iptc4xmpCore:AltTextAccessibility in the files", "photos-without-alt")


def _shown(state: State, path: Path) -> str:
    try:
        return str(path.relative_to(state.folder))
    except ValueError:
        return str(path)


def source_counts(photos: Photos) -> dict[str, Counter[str]]:
    """For each text, how many photos got it from each source ("none": no text)."""
    counts: dict[str, Counter[str]] = {n: Counter() for n in _TEXTS}
    for i in range(len(photos.items)):
        sources = photos.sources_of(i)
        for name in _TEXTS:
            counts[name][getattr(sources, name) or "none"] += 1
    return counts


def source_summary(photos: Photos) -> str:
    """One line: where the photos' captions, credits and alt texts came from."""
    order = (TYPED, "xmp", "iptc", "exif", DEFAULT_CREDIT, "none")
    parts = []
    for name, counter in source_counts(photos).items():
        parts.append(f"{name} " + ", ".join(f"{counter[s]} {s}" for s in order if counter[s]))
    n = len(photos.items)
    return f"{n} photo{'s' * (n != 1)}: " + "; ".join(parts)
