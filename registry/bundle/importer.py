"""Importing a bundle: every file read and checked, then written all or nothing.

Rows are read and checked one by one with the validation layer (reader), and kept in
temporary staging tables rather than in memory (staging). The rules that span records
are then checked against staging and the registry together (checks). Only when nothing
is wrong are the staged rows merged into the registry (merge). The caller owns the
transaction: a failed import raises before anything is merged, and the caller rolls back.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy.orm import Session

from .. import audit, retired
from ..errors import Invalid, RegistryError
from .checks import cross_record_errors
from .merge import Counts, ImportResult, merge
from .reader import Problems, read_bundle
from .staging import Progress, Staging

__all__ = ["Counts", "ImportFailed", "ImportResult", "import_bundle"]


class ImportFailed(RegistryError):
    """The bundle has errors; nothing was written. `errors` lists them as FILE:LINE: message."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"the bundle has {len(errors)} error(s); nothing was imported")


def import_bundle(
    session: Session,
    directory: str | Path,
    *,
    actor: str,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    restore: bool = False,
) -> ImportResult:
    """Read, check and (unless `dry_run`) write a bundle. Raises ImportFailed on any error.

    A row equal to one that a correction replaced or removed is skipped (and counted in
    `result.retired`), unless `restore` brings it back."""
    directory = Path(directory)
    if not directory.is_dir():
        raise Invalid(f"bundle: {str(directory)!r} is not a folder")
    problems = Problems()
    # On failure the caller rolls back, which also removes the staging tables.
    staging = Staging(session.connection(), progress, restore=restore)
    for bundle_file in read_bundle(directory, today or dt.date.today(), problems):
        staging.stage(bundle_file)
    problems.errors.extend(cross_record_errors(staging, problems))
    if problems.errors:
        raise ImportFailed(problems.in_bundle_order())
    result = merge(staging, dry_run)
    staging.drop()
    if not dry_run:
        if restore:
            for staged in staging.files.values():
                retired.restore_retired(session, staged.record_type, staged.matched_retired)
        _audit_changes(session, result, actor)
        audit.record(
            session,
            actor=actor,
            action="import",
            record_type="bundle",
            record_key=str(directory.resolve()),
            details=json.dumps({name: vars(c) for name, c in result.counts.items()}),
        )
    return result


def _audit_changes(session: Session, result: ImportResult, actor: str) -> None:
    """One entry for each existing record the import changed, with its values before and after."""
    for change in result.changes:
        record_type = change.record_type
        audit.record_change(
            session,
            actor=actor,
            action="import",
            record_type=record_type,
            values=change.after,
            before=audit.snapshot(record_type, change.before),
            after=audit.snapshot(record_type, change.after),
        )
