"""Exporting the registry as one Excel workbook, a sheet per record type."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy.orm import Session

from . import recordtypes as rt
from .bundle_export import cell
from .rows import bundle_rows


def export_workbook(session: Session, path: str | Path) -> dict[str, int]:
    """Write every record type as a sheet of `path` (created owner-only); returns rows per sheet."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    written = {}
    for record_type in rt.ALL:
        sheet = workbook.create_sheet(record_type.file.removesuffix(".csv"))
        sheet.append(record_type.columns)
        count = 0
        for row in bundle_rows(session, record_type):
            sheet.append([_value(row[name]) for name in record_type.columns])
            count += 1
        written[sheet.title] = count
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with open(fd, "wb") as handle:
        workbook.save(handle)
    return written


def _value(value):
    """Numbers and dates stay typed for Excel; text that Excel would run as a formula does not."""
    if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        return value
    text = cell(value)
    return text
