"""The one owner-only file writer.

Every file the registry writes names people (exports, reports, lineage drawings,
subject access, backups, the database itself), so each is created 0600 and each folder
it creates 0700 (the parents it makes on the way too), also when the file was there
before with other permissions. A finished output is written under a temporary name in
its own folder and renamed when complete (`in_place_when_done`), so that a file or
folder under the name asked for is always whole. An operating-system error becomes one
`Invalid` line naming the path, never a traceback.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .errors import Invalid

FILE_MODE = 0o600
FOLDER_MODE = 0o700
# The end of the temporary name of an output being written, beside where it will be.
PARTIAL = ".partial"


def refused(what: str, path: Path, exc: OSError, action: str = "write") -> Invalid:
    """The one-line error of an operating-system error on `path`."""
    reason = exc.strerror or str(exc)
    return Invalid(f"{what}: cannot {action} {str(path)!r}: {reason}")


def _make_folders(path: Path) -> None:
    """Create `path` and each missing parent, every one of them 0700; raises OSError."""
    missing = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:  # made meanwhile by another process
            continue
        os.chmod(folder, FOLDER_MODE)  # whatever the umask


def private_folder(path: str | Path, *, what: str = "out") -> Path:
    """Create `path` (and missing parents) owner-only, or find it there."""
    path = Path(path)
    try:
        _make_folders(path)
    except OSError as exc:
        raise refused(what, path, exc) from None
    if not path.is_dir():
        raise _not_a_folder(what, path)
    return path


def _not_a_folder(what: str, path: Path) -> Invalid:
    return Invalid(f"{what}: {str(path)!r} is not a folder")


def folder_to_write(path: str | Path, *, what: str = "out") -> Path:
    """`path` checked, before any work, as a folder that `private_folder` can find or make:
    neither a file nor under one. Nothing is created; whether it can be written is known
    only on writing (the operating system's answer, one `Invalid` line)."""
    path = Path(path)
    found = path
    while not (found.exists() or found.is_symlink()) and found != found.parent:
        found = found.parent
    if found == path and not found.is_dir():
        raise _not_a_folder(what, path)
    if not found.is_dir():  # a file on the way
        raise refused(what, path, NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)))
    return path


@contextmanager
def in_place_when_done(
    path: str | Path, *, folder: bool = False, exclusive: bool = False, parents: bool = True, what: str = "out"
) -> Iterator[Path]:
    """A new owner-only file (or `folder`) beside `path`, under a temporary name, for the
    block to write; renamed to `path` when the block ends, removed if it fails. A folder
    already at `path` is replaced as a whole; with `exclusive`, anything at `path` is
    refused instead. `parents` creates the missing folders on the way (0700)."""
    path = Path(os.path.abspath(path))
    try:
        if parents:
            _make_folders(path.parent)
        options = dict(prefix=f".{path.name}.", suffix=PARTIAL, dir=path.parent)
        if folder:
            temporary = Path(tempfile.mkdtemp(**options))
        else:
            handle, name = tempfile.mkstemp(**options)
            os.close(handle)
            temporary = Path(name)
    except OSError as exc:
        raise refused(what, path, exc) from None
    try:
        yield temporary
        _put_in_place(temporary, path, exclusive=exclusive, what=what)
    except OSError as exc:
        _remove(temporary)
        raise refused(what, path, exc) from None
    except BaseException:
        _remove(temporary)
        raise


def _put_in_place(temporary: Path, path: Path, *, exclusive: bool, what: str) -> None:
    """Rename `temporary` to `path`. A folder there is set aside first and removed once
    the new one is in place (put back if the rename fails)."""
    if exclusive and (path.exists() or path.is_symlink()):
        raise Invalid(f"{what}: {str(path)!r} already exists; choose a new file")
    aside = None
    try:
        if exclusive:
            os.link(temporary, path)  # fails if something appeared at `path` meanwhile
            os.unlink(temporary)
            return
        if temporary.is_dir() and path.is_dir() and not path.is_symlink():
            aside = temporary.with_name(temporary.name.removesuffix(PARTIAL) + ".replaced")
            os.rename(path, aside)
        os.replace(temporary, path)
    except FileExistsError:
        raise Invalid(f"{what}: {str(path)!r} already exists; choose a new file") from None
    except OSError as exc:
        if aside is not None and not path.exists():
            os.rename(aside, path)
        raise refused(what, path, exc) from None
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


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


def write_private(path: str | Path, content: str | bytes, *, what: str = "out", parents: bool = False) -> Path:
    """Write `content` to `path`, owner-only, replacing what was there only once it is
    complete (a temporary file beside it, renamed). `parents` creates missing folders."""
    path = Path(path)
    with in_place_when_done(path, parents=parents, what=what) as temporary:
        try:  # the temporary file is new and owner-only
            if isinstance(content, bytes):
                temporary.write_bytes(content)
            else:
                temporary.write_text(content, encoding="utf-8", newline="")
        except OSError as exc:
            raise refused(what, path, exc) from None
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
