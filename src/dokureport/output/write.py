"""Write stage: put finished files in place atomically, never leaving a partial file.

Every file of one build (the PDFs, the booklet, the build report) is written to a
temporary file beside its place first; only when all are complete are they renamed
into place, together (`staged_outputs`). A build that fails at any point, the last
file included, leaves every existing file untouched: when a rename fails after others
succeeded, the files they replaced are put back (each was kept aside under a second
name, a hard link, until all were in place).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from dokureport.core import interrupts
from dokureport.core.errors import OutputError, SystemFailure


class Staged:
    """Files written beside their places, to be renamed into place together."""

    def __init__(self) -> None:
        self._pending: dict[Path, Path] = {}  # where it goes → the complete temporary file
        self._open: set[Path] = set()

    @contextlib.contextmanager
    def output(self, path: Path) -> Iterator[Path]:
        """Yield a temporary path beside `path`; once the block succeeds, it waits to be
        renamed into place with the others (`commit`)."""
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise OutputError(f"{path}: the folder {folder} does not exist")
        try:
            handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part",
                                                 dir=folder)
        except OSError as exc:
            # The folder is what cannot be written; our temporary name means nothing to a
            # user.
            raise SystemFailure.from_os_error(OSError(exc.errno, exc.strerror),
                                              folder) from None
        os.close(handle)
        temp = Path(temp_name)
        self._open.add(temp)
        try:
            yield temp
            os.chmod(temp, 0o644)
            earlier = self._pending.pop(path, None)
            if earlier is not None:
                earlier.unlink(missing_ok=True)
            self._pending[path] = temp
        except OSError as exc:
            raise _failure(exc, temp, path) from None
        finally:
            self._open.discard(temp)
            if self._pending.get(path) != temp:
                temp.unlink(missing_ok=True)

    def where(self, path: Path) -> Path:
        """Where the bytes of `path` are now: its temporary file until the commit."""
        return self._pending.get(path, path)

    def commit(self) -> None:
        """Rename every complete file into place; none if any place cannot take it."""
        interrupts.check()  # a signal whose exception was lost on the way: no new file
        for path in self._pending:
            # The one rename that fails where creating the temporary file did not.
            if path.is_dir() and not path.is_symlink():
                raise SystemFailure.from_os_error(
                    OSError(errno.EISDIR, os.strerror(errno.EISDIR)), path)
        with interrupts.held():
            replaced: list[tuple[Path, Path | None]] = []  # placed, and what it replaced
            try:
                while self._pending:
                    path, temp = next(iter(self._pending.items()))
                    kept = _keep_aside(path)
                    try:
                        os.replace(temp, path)
                    except OSError as exc:
                        if kept is not None:
                            with contextlib.suppress(OSError):
                                _put_back(kept, path)
                        raise _failure(exc, temp, path) from None
                    replaced.append((path, kept))
                    del self._pending[path]
            except BaseException:
                # A later file could not be placed: the ones placed already go back to
                # what they were (or away, if they are new), so none of this build's is.
                for path, kept in reversed(replaced):
                    with contextlib.suppress(OSError):
                        if kept is None:
                            path.unlink()
                        else:
                            os.replace(kept, path)
                raise
            for _, kept in replaced:
                if kept is not None:
                    kept.unlink(missing_ok=True)

    def discard(self) -> None:
        """Remove every temporary file not renamed into place."""
        for temp in [*self._pending.values(), *self._open]:
            temp.unlink(missing_ok=True)
        self._pending.clear()


def _keep_aside(path: Path) -> Path | None:
    """A second name beside `path` for the file there now (None if there is none), so a
    rename over it can be taken back: a hard link, which leaves `path` in place; where
    the file system has none, the file itself moves aside till its successor comes."""
    if not os.path.lexists(path):
        return None
    folder = path.parent if str(path.parent) else Path(".")
    for _ in range(100):
        aside = folder / f".{path.name}.{secrets.token_hex(4)}.old"
        if os.path.lexists(aside):
            continue
        try:
            os.link(path, aside, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError:
            try:
                os.replace(path, aside)
            except OSError as exc:
                raise _failure(exc, aside, path) from None
        return aside
    raise SystemFailure.from_os_error(OSError(errno.EEXIST, os.strerror(errno.EEXIST)), path)


def _put_back(aside: Path, path: Path) -> None:
    """After a failed rename onto `path`: what was there is there again."""
    if os.path.lexists(path):
        aside.unlink()  # a hard link: the file never left
    else:
        os.replace(aside, path)


def _failure(exc: OSError, temp: Path, path: Path) -> SystemFailure:
    # Writing the temporary file or renaming it failed: name the file the user asked
    # for, not our temporary one.
    failure = exc if exc.filename not in (str(temp), temp) else OSError(exc.errno,
                                                                        exc.strerror)
    return SystemFailure.from_os_error(failure, path)


@contextlib.contextmanager
def staged_outputs() -> Iterator[Staged]:
    """Files written in the block are renamed into place together when it succeeds; when
    it fails (or is interrupted), none is, and no temporary file is left."""
    staged = Staged()
    try:
        yield staged
        staged.commit()
    finally:
        staged.discard()


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it into place only if the block succeeds.

    A failed or interrupted build leaves an existing file at `path` untouched and no
    partial file behind.
    """
    with staged_outputs() as staged, staged.output(path) as temp:
        yield temp
