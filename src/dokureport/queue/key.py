"""Queue entry point: a job's key, the content hash of everything its build reads."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from dokureport.core.options import BuildOptions
from dokureport.core.version import __version__

# The options a job's build depends on; the rest (jobs, cache, progress) change how it
# runs, not what it writes.
JOB_OPTIONS = ("paper", "bleed_mm", "booklet", "strict", "allow_outside", "theme")


@dataclasses.dataclass(frozen=True)
class JobSpec:
    """One build on the queue: which event, where its outputs go, with which options.

    Paths are absolute: a worker on another machine sees the same shared folders.
    """

    source: str
    out_dir: str
    name: str  # the outputs are OUT_DIR/NAME.pdf and OUT_DIR/NAME.report.json
    options: dict[str, Any]
    targets: tuple[str, ...]

    @classmethod
    def of(cls, source: Path, out_dir: Path, name: str, options: BuildOptions,
           targets: list[str] | tuple[str, ...]) -> JobSpec:
        chosen = {k: getattr(options, k) for k in JOB_OPTIONS}
        if chosen["theme"] and Path(chosen["theme"]).is_file():
            # A theme file, not a bundled theme's name: the worker's folder is not ours.
            chosen["theme"] = os.path.abspath(chosen["theme"])
        return cls(os.path.abspath(source), os.path.abspath(out_dir), name, chosen,
                   tuple(targets))

    def as_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "targets": list(self.targets)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobSpec:
        return cls(data["source"], data["out_dir"], data["name"], dict(data["options"]),
                   tuple(data["targets"]))


def job_key(spec: JobSpec) -> str:
    """The SHA-256 of the job's inputs: every file of the event folder (names and bytes),
    a theme file given as an option, the options, where the outputs go and the version.

    An unchanged event gets the same key, and so is not built again; any changed byte,
    option or version gives a new one.
    """
    digest = hashlib.sha256()

    def part(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    part("version", __version__.encode())
    part("spec", json.dumps({**spec.as_json(), "source": None}, sort_keys=True).encode())
    source = Path(spec.source)
    folder = source.parent if source.is_file() else source
    part("source", os.fspath(source.relative_to(folder) if source != folder else ".").encode())
    for path in _files(folder):
        part("file:" + path.relative_to(folder).as_posix(), _read(path))
    theme = spec.options.get("theme")
    if theme and Path(theme).is_file():
        part("theme", Path(theme).read_bytes())
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    """Every regular file under `folder`, in a fixed order (symbolic links followed to
    files, not into folders: a link cannot make the walk endless)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        found += [Path(root) / name for name in sorted(files)]
    return [path for path in found if path.is_file()]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        # Unreadable now: the build will say so; the key only has to differ from a
        # readable file's.
        return f"unreadable: {exc.strerror}".encode()
