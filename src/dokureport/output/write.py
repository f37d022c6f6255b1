"""Write stage: put the finished PDF in place atomically, never leaving a partial file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from dokureport.core import interrupts
from dokureport.core.errors import OutputError, SystemFailure


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it into place only if the block succeeds.

    A failed or interrupted build leaves an existing file at `path` untouched and no
    partial file behind.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: the folder {folder} does not exist")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        # The folder is what cannot be written; our temporary name means nothing to a user.
        raise SystemFailure.from_os_error(OSError(exc.errno, exc.strerror), folder) from None
    os.close(handle)
    temp = Path(temp_name)
    try:
        yield temp
        interrupts.check()  # a signal whose exception was lost on the way: no new file
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        # Writing the temporary file or renaming it failed: name the file the user asked
        # for, not our temporary one.
        failure = exc if exc.filename not in (str(temp), temp) else OSError(exc.errno,
                                                                            exc.strerror)
        raise SystemFailure.from_os_error(failure, path) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
