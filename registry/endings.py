"""Ending what runs on: a supervision link ended on a date, a successor nomination
withdrawn. Each is audited with what the record was; the caller owns the transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, locks, models
from . import recordtypes as rt
from .bundle.tables import TABLES
from .errors import Invalid, NotFound
from .records import reference_id
from .rows import rows_where
from .validate import missing_reference


def end_supervision(
    session: Session,
    *,
    supervisor: str,
    supervisee: str,
    programme: str,
    on: Any,
    actor: str,
    today: dt.date | None = None,
) -> dict:
    """End the current supervision link between two people in a programme."""
    from . import fields

    ended_on = fields.required("on", fields.date("on", on))
    link = models.SupervisionLink
    references = {
        "supervisor_id": ("person", "supervisor", supervisor),
        "supervisee_id": ("person", "supervisee", supervisee),
        "programme_id": ("programme", "programme", programme),
    }
    locks.hold_refs(session, [("supervisor", supervisor), ("supervisee", supervisee)], kept=True)
    current = _find(session, link, references, link.ended_on.is_(None))
    if current is None:
        raise NotFound(f"supervisor: {supervisor!r} has no current {programme} supervision link with {supervisee!r}")
    if ended_on < current.started_on:
        raise Invalid(f"on: {ended_on.isoformat()} is before the link's start {current.started_on.isoformat()}")
    before = {
        "supervisor": supervisor,
        "supervisee": supervisee,
        "programme": programme,
        "started_on": current.started_on,
        "ended_on": None,
    }
    current.ended_on = ended_on
    values = {
        "supervisor": supervisor,
        "supervisee": supervisee,
        "programme": programme,
        "started_on": current.started_on,
        "ended_on": ended_on,
    }
    audit.record_change(
        session, actor=actor, action="end", record_type=rt.SUPERVISION, values=values,
        before=audit.snapshot(rt.SUPERVISION, before), after=audit.snapshot(rt.SUPERVISION, values),
    )
    return values


def withdraw_nomination(
    session: Session, *, person: str, programme: str, region: str, role: str, actor: str
) -> None:
    """Remove a successor nomination (the audit trail keeps that it existed)."""
    nomination = models.Nomination
    references = {"person_id": ("person", "candidate", person), "programme_id": ("programme", "programme", programme)}
    locks.hold_refs(session, [("candidate", person)], kept=True)
    found = _find(session, nomination, references, nomination.region == region, nomination.role == role)
    if found is None:
        raise NotFound(f"candidate: {person!r} is not nominated for {role}/{programme}/{region}")
    table = TABLES[rt.NOMINATION.name]
    (removed,) = rows_where(session, rt.NOMINATION, table.c.id == found.id)
    session.delete(found)
    audit.record_change(
        session, actor=actor, action="withdraw", record_type=rt.NOMINATION, values=removed,
        before=audit.snapshot(rt.NOMINATION, removed),
    )


def _id_of(session: Session, kind: str, field_name: str, key: str) -> int:
    found = reference_id(session, kind, key)
    if found is None:
        raise NotFound(missing_reference(field_name, kind, key))
    return found


def _find(session: Session, model, references: Mapping[str, tuple[str, str, str]], *conditions):
    """The first record of `model` whose reference columns hold the records named by
    `references` (column -> kind, field name, ref; NotFound for a missing one) and that
    meets `conditions`, or None."""
    matches = [getattr(model, column) == _id_of(session, *reference) for column, reference in references.items()]
    return session.scalars(select(model).where(*matches, *conditions)).first()
