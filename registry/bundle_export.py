"""Exporting the registry as a bundle: every file, rows sorted by their key columns."""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models
from . import recordtypes as rt
from .bundle_tables import REFERENCED, TABLES, column_for, stored_fields
from .fields import neutralise_formula


def bundle_rows(session: Session, record_type: rt.RecordType) -> Iterator[dict[str, Any]]:
    """The records of one type as bundle rows (references as refs and codes), sorted by key."""
    return bundle_rows_where(session, record_type)


def bundle_rows_where(session: Session, record_type: rt.RecordType, *conditions) -> Iterator[dict[str, Any]]:
    """Like bundle_rows, for the records that meet `conditions` on the record's table."""
    table = TABLES[record_type.name]
    selected = []
    query_from = table
    for spec in stored_fields(record_type):
        if spec.refers_to:
            ref_table, key = REFERENCED[spec.refers_to]
            alias = ref_table.alias(f"ref_{spec.name}")
            query_from = query_from.outerjoin(alias, alias.c.id == table.c[column_for(spec)])
            selected.append(alias.c[key].label(spec.name))
        else:
            selected.append(table.c[spec.name].label(spec.name))
    by_name = {column.name: column for column in selected}
    order = [by_name[name] for name in record_type.key_columns]
    query = select(table.c.id, *selected).select_from(query_from).where(*conditions).order_by(*order)
    co_teachers = _co_teachers(session) if record_type is rt.COURSE else None
    for row in session.execute(query).mappings():
        values = {spec.name: row.get(spec.name) for spec in record_type.fields}
        if co_teachers is not None:
            values["co_teachers"] = co_teachers.get(row["id"], [])
        yield values


def _co_teachers(session: Session) -> dict[int, list[str]]:
    co = models.CourseCoTeacher
    result: dict[int, list[str]] = defaultdict(list)
    query = select(co.course_id, models.Person.ref).join(models.Person, models.Person.id == co.person_id)
    for course_id, ref in session.execute(query.order_by(co.course_id, models.Person.ref)):
        result[course_id].append(ref)
    return result


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



def export_bundle(session: Session, directory: str | Path) -> dict[str, int]:
    """Write every file of the bundle into `directory` (made owner-only); returns rows per file."""
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = {}
    for record_type in rt.ALL:
        path = directory / record_type.file
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        count = 0
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(record_type.columns)
            for row in bundle_rows(session, record_type):
                writer.writerow([cell(row[name]) for name in record_type.columns])
                count += 1
        written[record_type.file] = count
    return written
