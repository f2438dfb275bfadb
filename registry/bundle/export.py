"""Exporting the registry as a bundle: every file, rows sorted by their key columns."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path
from typing import Any, Callable

from sqlalchemy.orm import Session

from .. import audit
from .. import recordtypes as rt
from ..errors import Invalid
from ..fields import neutralise_formula
from ..files import in_place_when_done, private_file, refused, write_private
from ..rows import bundle_rows, require_notes_readable
from .manifest import MANIFEST, manifest_text


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


def export_bundle(
    session: Session,
    directory: str | Path,
    *,
    actor: str,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write every file of the bundle as the folder `directory` (owner-only), ending with
    its manifest; returns rows per file; `progress` is told each file as it is written.
    Audited: the bundle holds confidential notes.

    The files are written into a new folder beside it, renamed to `directory` once every
    file is complete and the audit entry is written, so that a folder of that name is
    always a whole export and a refused export leaves nothing. A folder already there is
    replaced when it holds an earlier export (bundle files only), or anything else with
    `force`; otherwise the export is refused."""
    require_notes_readable(session, "export", EXPORT_WHY)
    target = Path(os.path.abspath(directory))
    _refuse_other_files(target, force)
    with in_place_when_done(target, folder=True, what="directory") as work:
        with private_file(work / UNFINISHED, what="directory") as handle:
            handle.write("This export did not finish: export again.\n")
        written = _write_files(session, work, progress)
        write_private(work / MANIFEST, manifest_text(work, written), what="directory")
        (work / UNFINISHED).unlink()
        audit.record_export(session, actor=actor, what="bundle", path=str(target.resolve()), records=sum(written.values()))
        session.flush()  # an audit trail that cannot be written refuses the export here
    return written


def _write_files(session: Session, folder: Path, progress: Callable[[str], None] | None) -> dict[str, int]:
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
        if progress:
            progress(record_type.file)
    return written


def _refuse_other_files(target: Path, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise Invalid(f"directory: {str(target)!r} is not a folder")
    if force or not target.is_dir():
        return
    bundle_files = {record_type.file for record_type in rt.ALL} | {MANIFEST}
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
