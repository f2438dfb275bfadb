"""Personal data under UK GDPR: a person's subject access export, and erasure.

Erasure removes what identifies the person (name, email, ref, planned leaving date,
the notes of their supervision) and keeps their records under an anonymous ref, so
that counts in reports (sessions held, courses taught, workforce by year) stay true.
It also ends their assessment: their status becomes `erased`, so that no report counts
or lists them as active or assessed from then on, and they leave on the day of erasure
unless they had left already (so the workforce of earlier dates still counts them).
"""

from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import Text, cast, or_, select, update
from sqlalchemy.orm import Session

from . import audit, models
from . import recordtypes as rt
from .rows import find_row, rows_where
from .bundle.tables import TABLES
from .views import PERSON_FIELDS
from .vocab import ERASED


def subject_access(session: Session, ref: str, *, actor: str) -> dict:
    """Everything held about one person, including the notes of their supervision."""
    person = find_row(session, rt.PERSON, ref)
    person_id = session.execute(select(models.Person.id).where(models.Person.ref == ref)).scalar_one()
    data: dict = {"exported_on": dt.date.today(), "person": person}
    for record_type in rt.ALL[3:]:
        if record_type.name not in PERSON_FIELDS:
            continue  # not about anyone (a course's outcome measures)
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
    audit.record(session, actor=actor, action="export", record_type="people", record_key=f"ref={ref}", person_ref=ref)
    return data


def erase(session: Session, ref: str, *, actor: str, today: dt.date | None = None) -> str:
    """Remove a person's identifying details and end their assessment; returns the
    anonymous ref they keep."""
    find_row(session, rt.PERSON, ref)
    person = session.scalars(select(models.Person).where(models.Person.ref == ref)).one()
    anonymous = f"ERASED-{person.id:06d}"
    person.ref = anonymous
    person.name = "(erased)"
    person.email = None
    person.planned_leaving_on = None
    person.status = ERASED
    person.left_on = person.left_on or max(today or dt.date.today(), person.joined_on or dt.date.min)
    sessions = models.SupervisionSession
    session.execute(update(sessions).where(sessions.supervisee_id == person.id).values(notes=None))
    _erase_from_audit_trail(session, ref, anonymous)
    audit.record(
        session,
        actor=actor,
        action="erase",
        record_type="people",
        record_key=f"ref={anonymous}",
        person_ref=anonymous,
        details=json.dumps({"erased": ["ref", "name", "email", "planned_leaving_on", "session notes"]}),
    )
    return anonymous


# What an audit entry about a person's own record keeps of them once they are erased.
ERASED_FIELDS = {"name": "(erased)", "email": None, "planned_leaving_on": None}


def _erase_from_audit_trail(session: Session, ref: str, anonymous: str) -> None:
    """The person's ref becomes the anonymous one in every entry (key and values), their
    name and email leave the entries of their own record, and the notes of their
    sessions leave the entries about them."""
    entries = models.AuditEntry
    session.execute(
        update(entries)
        .where(entries.person_ref == ref)
        .values(person_ref=anonymous, details=None, notes_before=None, notes_after=None)
    )
    exact = re.compile(rf"(?<==){re.escape(ref)}(?=;|$)")
    mentions = or_(
        entries.record_key.contains(ref),
        cast(entries.before, Text).contains(ref),
        cast(entries.after, Text).contains(ref),
    )
    for entry in session.scalars(select(entries).where(mentions)):
        entry.record_key = exact.sub(anonymous, entry.record_key)
        own = entry.record_type == "people" and entry.person_ref == anonymous
        entry.before = _without_person(entry.before, ref, anonymous, own)
        entry.after = _without_person(entry.after, ref, anonymous, own)


def _without_person(values: dict | None, ref: str, anonymous: str, own: bool) -> dict | None:
    if values is None:
        return None
    cleaned = {name: anonymous if value == ref else value for name, value in values.items()}
    if own:
        cleaned.update({name: value for name, value in ERASED_FIELDS.items() if name in cleaned})
    return cleaned
