"""Personal data under UK GDPR: a person's subject access export, and erasure.

Erasure removes what identifies the person (name, email, ref, planned leaving date,
the notes of their supervision) and keeps their records under an anonymous ref, so
that counts in reports (sessions held, courses taught, workforce by year) stay true.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from . import audit, models
from . import recordtypes as rt
from .rows import find_row, rows_where
from .bundle.tables import TABLES
from .views import PERSON_FIELDS


def subject_access(session: Session, ref: str, *, actor: str) -> dict:
    """Everything held about one person, including the notes of their supervision."""
    person = find_row(session, rt.PERSON, ref)
    person_id = session.execute(select(models.Person.id).where(models.Person.ref == ref)).scalar_one()
    data: dict = {"exported_on": dt.date.today(), "person": person}
    for record_type in rt.ALL[3:]:
        table = TABLES[record_type.name]
        columns = [table.c[f"{name}_id"] for name in PERSON_FIELDS[record_type.name]]
        if record_type is rt.STAGE:
            columns.append(table.c.assessed_by_id)
        conditions = [column == person_id for column in columns]
        if record_type is rt.COURSE:
            co = models.CourseCoTeacher
            conditions.append(table.c.id.in_(select(co.course_id).where(co.person_id == person_id)))
        data[record_type.file.removesuffix(".csv")] = list(rows_where(session, record_type, or_(*conditions)))
    data["audit"] = audit.entries(session, person=ref)
    audit.record(session, actor=actor, action="export_data", record_type="person", record_key=f"ref={ref}", person_ref=ref)
    return data


def erase(session: Session, ref: str, *, actor: str) -> str:
    """Remove a person's identifying details; returns the anonymous ref they keep."""
    find_row(session, rt.PERSON, ref)
    person = session.scalars(select(models.Person).where(models.Person.ref == ref)).one()
    anonymous = f"ERASED-{person.id:06d}"
    person.ref = anonymous
    person.name = "(erased)"
    person.email = None
    person.planned_leaving_on = None
    sessions = models.SupervisionSession
    session.execute(update(sessions).where(sessions.supervisee_id == person.id).values(notes=None))
    entries = models.AuditEntry
    session.execute(update(entries).where(entries.person_ref == ref).values(person_ref=anonymous, details=None))
    exact = re.compile(rf"(?<==){re.escape(ref)}(?=;|$)")
    for entry in session.scalars(select(entries).where(entries.record_key.contains(ref))):
        entry.record_key = exact.sub(anonymous, entry.record_key)
    audit.record(
        session,
        actor=actor,
        action="erase",
        record_type="person",
        record_key=f"ref={anonymous}",
        person_ref=anonymous,
        details=json.dumps({"erased": ["ref", "name", "email", "planned_leaving_on", "session notes"]}),
    )
    return anonymous
