"""Exporting the registry as a bundle: every file, rows sorted by their key columns."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from .. import audit
from .. import recordtypes as rt
from ..fields import neutralise_formula
from ..files import private_file, private_folder
from ..rows import bundle_rows


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


def export_bundle(session: Session, directory: str | Path, *, actor: str) -> dict[str, int]:
    """Write every file of the bundle into `directory` (made owner-only); returns rows per
    file. Audited: the bundle holds confidential notes."""
    directory = private_folder(directory, what="directory")
    written = {}
    for record_type in rt.ALL:
        count = 0
        with private_file(directory / record_type.file, what="directory") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(record_type.columns)
            for row in bundle_rows(session, record_type):
                writer.writerow([cell(row[name]) for name in record_type.columns])
                count += 1
        written[record_type.file] = count
    audit.record_export(
        session, actor=actor, what="bundle", path=str(directory.resolve()), records=sum(written.values())
    )
    return written
