"""Writing and reading the audit trail. Entries are only ever added."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .models import AuditEntry


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    record_type: str,
    record_key: str,
    person_ref: str | None = None,
    details: str | None = None,
) -> None:
    # inline(): no RETURNING id, which would need the right to read the audit log
    # (the supervisor role may only append to it).
    session.execute(
        insert(AuditEntry).inline().values(
            at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0),
            actor=actor,
            action=action,
            record_type=record_type,
            record_key=record_key,
            person_ref=person_ref,
            details=details,
        )
    )


def entries(
    session: Session,
    *,
    person: str | None = None,
    record_type: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[dict]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if person:
        query = query.where(AuditEntry.person_ref == person)
    if record_type:
        query = query.where(AuditEntry.record_type == record_type)
    if since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(since, dt.time()))
    if until:
        query = query.where(AuditEntry.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    return [
        {
            "at": entry.at,
            "actor": entry.actor,
            "action": entry.action,
            "record_type": entry.record_type,
            "record": entry.record_key,
            "person": entry.person_ref,
            "details": entry.details,
        }
        for entry in session.scalars(query)
    ]
