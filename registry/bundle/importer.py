"""Importing a bundle: every file read and checked, then written all or nothing.

Rows are read and checked one by one with the validation layer (reader), and kept in
temporary staging tables rather than in memory (staging). The rules that span records
are then checked against staging and the registry together (checks). Every problem is
found in this one pass, and they are kept in a temporary table once there are many.
Only when nothing is wrong are the staged rows merged into the registry (merge). The
caller owns the transaction: a failed import raises before anything is merged, and the
caller rolls back.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy.orm import Session

from .. import audit, history, retired
from ..errors import Invalid, RegistryError
from ..files import private_file
from ..locks import lock_everyone
from .agreement import bundle_warnings
from .checks import cross_record_errors
from .manifest import check_manifest
from .merge import Counts, ImportResult, merge
from .reader import Problems, read_bundle
from .staging import Progress, Staging

__all__ = ["Counts", "ImportFailed", "ImportResult", "import_bundle"]

# The errors an ImportFailed holds; the rest are counted (and all go to `errors_to`).
SHOWN = 100


class ImportFailed(RegistryError):
    """The bundle has errors; nothing was written. `errors` holds the first of them (at
    most SHOWN) as FILE:LINE: message in bundle order, `count` how many there are."""

    def __init__(self, errors: list[str], count: int):
        self.errors = errors
        self.count = count
        super().__init__(f"the bundle has {count} error(s); nothing was imported")


def import_bundle(
    session: Session,
    directory: str | Path,
    *,
    actor: str,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    restore: bool = False,
    errors_to: str | Path | None = None,
) -> ImportResult:
    """Read, check and (unless `dry_run`) write a bundle. Raises ImportFailed on any error.

    `errors_to` names a file that gets every error, one a line (none when there are none).
    A row equal to one that a correction replaced or removed is skipped (and counted in
    `result.retired`), unless `restore` brings it back."""
    directory = Path(directory)
    if not directory.is_dir():
        raise Invalid(f"bundle: {str(directory)!r} is not a folder")
    lock_everyone(session)  # not while someone is being erased
    copy_warnings = check_manifest(directory)
    # On failure the caller rolls back, which also removes the staging tables.
    staging = Staging(session.connection(), progress, restore=restore)
    _read_and_check(staging, directory, today or dt.date.today(), errors_to)
    warnings = copy_warnings + bundle_warnings(staging)
    result = merge(staging, dry_run)
    result.warnings = warnings
    staging.drop()
    if not dry_run:
        if restore:
            for staged in staging.files.values():
                retired.restore_retired(session, staged.record_type, staged.matched_retired)
        history.reconcile(session, today=today)
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


def _read_and_check(staging: Staging, directory: Path, today: dt.date, errors_to: str | Path | None) -> None:
    """Stage every file and check every rule, each row on every column, in one pass;
    raise ImportFailed if anything is wrong. The errors file is opened first, so that a
    path that cannot be written is refused before any work."""
    with ExitStack() as stack:
        errors_file = stack.enter_context(private_file(errors_to, what="errors")) if errors_to else None
        problems = Problems(staging.connection)
        for bundle_file in read_bundle(directory, today, problems):
            staging.stage(bundle_file)
        cross_record_errors(staging, problems)
        if errors_file is not None:
            errors_file.writelines(f"{message}\n" for message in problems.every())
    if problems.count:
        raise ImportFailed(problems.first(SHOWN), problems.count)


def _audit_changes(session: Session, result: ImportResult, actor: str) -> None:
    """One entry for each existing record the import changed, with its values before and
    after: one statement per record type."""
    by_type: dict = {}
    for change in result.changes:
        by_type.setdefault(change.record_type, []).append(change)
    for record_type, changes in by_type.items():
        audit.record_changes(
            session,
            actor=actor,
            action="import",
            record_type=record_type,
            changes=[
                (c.after, audit.snapshot(record_type, c.before), audit.snapshot(record_type, c.after)) for c in changes
            ],
        )
