"""The one owner-only file writer.

Every file the registry writes names people (exports, reports, lineage drawings,
subject access, backups, the database itself), so each is created 0600 and each folder
it creates 0700, also when the file was there before with other permissions. An
operating-system error becomes one `Invalid` line naming the path, never a traceback.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .errors import Invalid

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def refused(what: str, path: Path, exc: OSError, action: str = "write") -> Invalid:
    """The one-line error of an operating-system error on `path`."""
    reason = exc.strerror or str(exc)
    return Invalid(f"{what}: cannot {action} {str(path)!r}: {reason}")


def private_folder(path: str | Path, *, what: str = "out") -> Path:
    """Create `path` (and missing parents) owner-only, or find it there."""
    path = Path(path)
    try:
        path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise refused(what, path, exc) from None
    if not path.is_dir():
        raise Invalid(f"{what}: {str(path)!r} is not a folder")
    return path


@contextmanager
def private_file(
    path: str | Path, *, binary: bool = False, exclusive: bool = False, what: str = "out"
) -> Iterator[IO]:
    """Open `path` for writing, owner-only. `exclusive` creates a new file, refusing one
    already there."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    try:
        fd = os.open(path, flags, FILE_MODE)
        os.fchmod(fd, FILE_MODE)
        handle = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise refused(what, path, exc, "create" if exclusive else "write") from None
    try:
        with handle:
            yield handle
    except OSError as exc:
        raise refused(what, path, exc) from None


def write_private(path: str | Path, content: str | bytes, *, what: str = "out") -> Path:
    """Write `content` to `path`, owner-only, replacing what was there."""
    path = Path(path)
    with private_file(path, binary=isinstance(content, bytes), what=what) as handle:
        handle.write(content)
    return path


def touch_private(path: str | Path, *, what: str = "out") -> Path:
    """Create an empty owner-only file (and its folder) if there is none yet; a file
    already there, or made meanwhile by another process, is left as it is."""
    path = Path(path)
    if not path.exists():
        private_folder(path.parent, what=what)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        except FileExistsError:
            pass
        except OSError as exc:
            raise refused(what, path, exc, "create") from None
    return path
