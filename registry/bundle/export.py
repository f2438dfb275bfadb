"""Exporting the registry as a bundle: every file, rows sorted by their key columns."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from .. import audit
from .. import recordtypes as rt
from ..errors import Invalid
from ..fields import neutralise_formula
from ..files import FOLDER_MODE, private_file, refused
from ..rows import bundle_rows, require_notes_readable


def cell(value: Any) -> str:
    """A value as the bundle writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return neutralise_formula(";".join(value))
    return neutralise_formula(str(value))


# In the folder being written until the export is complete: not a bundle file, so that an
# export stopped halfway (even killed) leaves a folder that import refuses.
UNFINISHED = "export-not-finished.csv"
# How many of a folder's other files an error names.
NAMED = 3
# Why a login that may not read notes (governance, a supervisor) cannot export.
EXPORT_WHY = "an export holds them: an administrator exports"


def export_bundle(session: Session, directory: str | Path, *, actor: str, force: bool = False) -> dict[str, int]:
    """Write every file of the bundle as the folder `directory` (owner-only); returns rows
    per file. Audited: the bundle holds confidential notes.

    The files are written into a new folder beside it, renamed to `directory` once every
    file is complete, so that a folder of that name is always a whole export. A folder
    already there is replaced when it holds an earlier export (bundle files only), or
    anything else with `force`; otherwise the export is refused."""
    require_notes_readable(session, "export", EXPORT_WHY)
    target = Path(os.path.abspath(directory))
    _refuse_other_files(target, force)
    work = _new_folder_beside(target)
    try:
        with private_file(work / UNFINISHED, what="directory") as handle:
            handle.write("This export did not finish: export again.\n")
        written = _write_files(session, work)
        (work / UNFINISHED).unlink()
        _put_in_place(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    audit.record_export(session, actor=actor, what="bundle", path=str(target.resolve()), records=sum(written.values()))
    return written


def _write_files(session: Session, folder: Path) -> dict[str, int]:
    written = {}
    for record_type in rt.ALL:
        count = 0
        with private_file(folder / record_type.file, what="directory") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(record_type.columns)
            for row in bundle_rows(session, record_type):
                writer.writerow([cell(row[name]) for name in record_type.columns])
                count += 1
        written[record_type.file] = count
    return written


def _refuse_other_files(target: Path, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise Invalid(f"directory: {str(target)!r} is not a folder")
    if force or not target.is_dir():
        return
    bundle_files = {record_type.file for record_type in rt.ALL}
    try:
        others = sorted(path.name for path in target.iterdir() if path.name not in bundle_files or not path.is_file())
    except OSError as exc:
        raise refused("directory", target, exc, "read") from None
    if others:
        named = ", ".join(others[:NAMED]) + (f" and {len(others) - NAMED} more" if len(others) > NAMED else "")
        raise Invalid(
            f"directory: {str(target)!r} holds files that are not an export ({named}): export into a new or "
            "empty folder, or give --force to replace the folder and everything in it"
        )


def _new_folder_beside(target: Path) -> Path:
    """A new, owner-only folder in the folder that will hold `target` (made if missing)."""
    try:
        target.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    except OSError as exc:
        raise refused("directory", target, exc) from None


def _put_in_place(work: Path, target: Path) -> None:
    """Rename the finished folder `work` to `target`; a folder there is set aside first
    and removed once the new one is in place (put back if the rename fails)."""
    aside = None
    try:
        if target.is_dir() and any(target.iterdir()):
            aside = work.with_suffix(".replaced")
            os.rename(target, aside)
        os.replace(work, target)
    except OSError as exc:
        if aside is not None and not target.exists():
            os.rename(aside, target)
        raise refused("directory", target, exc) from None
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
