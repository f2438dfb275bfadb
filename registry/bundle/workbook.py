"""Exporting the registry as one Excel workbook, a sheet per record type."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from sqlalchemy.orm import Session

from .. import audit
from .. import recordtypes as rt
from ..files import write_private
from ..rows import bundle_rows, require_notes_readable
from .export import EXPORT_WHY, cell


def export_workbook(session: Session, path: str | Path, *, actor: str) -> dict[str, int]:
    """Write every record type as a sheet of `path` (created owner-only); returns rows per
    sheet. Audited: the workbook holds confidential notes."""
    from openpyxl import Workbook

    require_notes_readable(session, "xlsx", EXPORT_WHY)
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
    # Saved whole before the file is opened, so that a file that cannot be written
    # leaves no half-written workbook behind.
    content = io.BytesIO()
    workbook.save(content)
    written_to = write_private(path, content.getvalue(), what="xlsx")
    audit.record_export(
        session, actor=actor, what="workbook", path=str(written_to.resolve()), records=sum(written.values())
    )
    return written


def _value(value):
    """Numbers and dates stay typed for Excel; text that Excel would run as a formula does not."""
    if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        return value
    return cell(value)
