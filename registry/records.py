"""Adding and changing records, one at a time, as the commands do.

Every write goes through the validation layer and leaves an audit entry. Functions
take a Session and never commit: the caller owns the transaction, so a refused
command writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Mapping

from sqlalchemy import and_, insert, select, update
from sqlalchemy.orm import Session

from . import audit, models
from . import recordtypes as rt
from .bundle.checks import email_held_by_another, lineage_cycles, region_unknown, registry_lineage, stage_book
from .bundle.tables import REFERENCED, TABLES, column_for, fill_stored_defaults, stored_fields
from .errors import Conflict, Invalid, NotFound
from .rows import find_row
from .validate import describe_key, email_taken, missing_reference, read_record, registry_errors, unknown_region

# Which field of each record type names the person the record is about, for the audit trail.
SUBJECT = {
    "person": "ref",
    "stage": "person",
    "training": "trainee",
    "supervision link": "supervisee",
    "session": "supervisee",
    "cpd": "person",
    "retreat": "person",
    "course": "lead",
    "nomination": "person",
}


def add_record(
    session: Session,
    record_type: rt.RecordType,
    raw: Mapping[str, Any],
    *,
    actor: str,
    today: dt.date | None = None,
) -> dict:
    """Check and add one record given as bundle-style values; returns its checked values."""
    values = read_record(record_type, raw, today or dt.date.today())
    row, co_teacher_ids = _resolve(session, record_type, values)
    _check_registry_rules(session, record_type, values)
    _refuse_duplicate(session, record_type, values, row)
    table = TABLES[record_type.name]
    record_id = session.execute(insert(table).values(row).returning(table.c.id)).scalar_one()
    if co_teacher_ids:
        session.execute(
            insert(models.CourseCoTeacher),
            [{"course_id": record_id, "person_id": person_id} for person_id in co_teacher_ids],
        )
    _audit(session, actor, "add", record_type, values)
    return values


def update_record(
    session: Session,
    record_type: rt.RecordType,
    key: str,
    changes: Mapping[str, Any],
    *,
    actor: str,
    action: str = "update",
    today: dt.date | None = None,
) -> dict:
    """Change fields of a record with a code or ref (organisation, programme, person, course)."""
    (key_name,) = record_type.key_columns
    current = find_row(session, record_type, key)
    changed = {name: value for name, value in changes.items() if value is not None}
    unknown = set(changed) - set(record_type.columns) - {key_name}
    if unknown:
        raise Invalid(f"{sorted(unknown)[0]}: not a field of a {record_type.name}")
    merged = {**current, **changed}
    values = read_record(record_type, merged, today or dt.date.today())
    row, co_teacher_ids = _resolve(session, record_type, values)
    table = TABLES[record_type.name]
    if record_type is rt.PERSON and values["email"]:
        _refuse_taken_email(session, values["email"], key)
    differences = {
        name: [_plain(current.get(name)), _plain(values.get(name))]
        for name in record_type.columns
        if _plain(current.get(name)) != _plain(values.get(name))
    }
    if not differences:
        return values
    stored = {column_for(spec): row[column_for(spec)] for spec in stored_fields(record_type)}
    session.execute(update(table).where(table.c[key_name] == key).values(stored))
    if record_type is rt.COURSE and "co_teachers" in differences:
        course_id = session.execute(select(table.c.id).where(table.c[key_name] == key)).scalar_one()
        co = models.CourseCoTeacher.__table__
        session.execute(co.delete().where(co.c.course_id == course_id))
        if co_teacher_ids:
            session.execute(insert(co), [{"course_id": course_id, "person_id": i} for i in co_teacher_ids])
    _audit(session, actor, action, record_type, values, details=differences)
    return values


def leave(session: Session, ref: str, *, on: Any, status: str, actor: str, today: dt.date | None = None) -> dict:
    """Record that a person has left or retired on a date."""
    if status not in ("left", "retired"):
        raise Invalid(f"status: {status!r} is not one of left, retired")
    return update_record(
        session, rt.PERSON, ref, {"status": status, "left_on": on}, actor=actor, action="leave", today=today
    )


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
    current = _find(session, link, references, link.ended_on.is_(None))
    if current is None:
        raise NotFound(f"supervisor: {supervisor!r} has no current {programme} supervision link with {supervisee!r}")
    if ended_on < current.started_on:
        raise Invalid(f"on: {ended_on.isoformat()} is before the link's start {current.started_on.isoformat()}")
    current.ended_on = ended_on
    values = {
        "supervisor": supervisor,
        "supervisee": supervisee,
        "programme": programme,
        "started_on": current.started_on,
        "ended_on": ended_on,
    }
    _audit(session, actor, "end", rt.SUPERVISION, values)
    return values


def _resolve(session: Session, record_type: rt.RecordType, values: Mapping[str, Any]) -> tuple[dict, list[int]]:
    """The table row for checked values, references turned into ids (or NotFound naming
    each missing one), and the ids of a course's co-teachers."""
    row: dict[str, Any] = {}
    co_teacher_ids: list[int] = []
    missing: list[str] = []
    for spec in record_type.fields:
        value = values.get(spec.name)
        if spec.name == "co_teachers":
            for ref in value or []:
                found = _lookup(session, "person", ref)
                if found is None:
                    missing.append(missing_reference("co_teachers", "person", ref))
                co_teacher_ids.append(found)
        elif spec.refers_to:
            found = None if value is None else _lookup(session, spec.refers_to, value)
            if value is not None and found is None:
                missing.append(missing_reference(spec.name, spec.refers_to, value))
            row[column_for(spec)] = found
        else:
            row[spec.name] = value
    fill_stored_defaults(record_type, row)
    if missing:
        raise NotFound("; ".join(missing))
    return row, co_teacher_ids


def _lookup(session: Session, kind: str, key: str) -> int | None:
    table, column = REFERENCED[kind]
    return session.execute(select(table.c.id).where(table.c[column] == key)).scalar()


def _id_of(session: Session, kind: str, field_name: str, key: str) -> int:
    found = _lookup(session, kind, key)
    if found is None:
        raise NotFound(missing_reference(field_name, kind, key))
    return found


def _find(session: Session, model, references: Mapping[str, tuple[str, str, str]], *conditions):
    """The first record of `model` whose reference columns hold the records named by
    `references` (column -> kind, field name, ref; NotFound for a missing one) and that
    meets `conditions`, or None."""
    matches = [getattr(model, column) == _id_of(session, *reference) for column, reference in references.items()]
    return session.scalars(select(model).where(*matches, *conditions)).first()


def _check_registry_rules(session: Session, record_type: rt.RecordType, values: Mapping[str, Any]) -> None:
    """The rules across records that one new record must keep (bundle.checks holds them)."""
    if record_type in (rt.TRAINING, rt.SUPERVISION):
        someone = values["trainer"] if record_type is rt.TRAINING else values["supervisor"]
        book = stage_book(session, people=[someone], programme=values["programme"])
        problems = list(registry_errors(record_type, values, book))
        if record_type is rt.TRAINING and not problems:
            edges = registry_lineage(session, values["programme"])
            edges[values["programme"]][(values["trainer"], values["trainee"])] = 1
            problems.extend(message for _, message in lineage_cycles(edges))
        if problems:
            raise Invalid("; ".join(problems))
    if record_type is rt.PERSON and values["email"]:
        _refuse_taken_email(session, values["email"], values["ref"])
    if record_type is rt.NOMINATION and session.execute(select(region_unknown(values["region"]))).scalar():
        raise NotFound(unknown_region(values["region"]))


def _refuse_taken_email(session: Session, email: str, ref: str) -> None:
    holder = session.execute(select(models.Person.ref).where(email_held_by_another(email, ref))).scalar()
    if holder:
        raise Conflict(email_taken(email, holder))


def _refuse_duplicate(session: Session, record_type: rt.RecordType, values: Mapping[str, Any], row: dict) -> None:
    table = TABLES[record_type.name]
    key_columns = [column_for(record_type.by_name[name]) for name in record_type.key_columns]
    found = session.execute(
        select(table.c.id).where(and_(*[table.c[column] == row[column] for column in key_columns]))
    ).scalar()
    if found is not None:
        raise Conflict(f"already recorded: the {describe_key(record_type, values)}")


def _audit(
    session: Session,
    actor: str,
    action: str,
    record_type: rt.RecordType,
    values: Mapping[str, Any],
    details: Any = None,
) -> None:
    subject = SUBJECT.get(record_type.name)
    key = "; ".join(f"{name}={_plain(values.get(name)) or ''}" for name in record_type.key_columns)
    audit.record(
        session,
        actor=actor,
        action=action,
        record_type=record_type.name,
        record_key=key,
        person_ref=values.get(subject) if subject else None,
        details=json.dumps(details) if details is not None else None,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def log_session(
    session: Session,
    *,
    supervisor: str,
    supervisees: list[str],
    held_on: Any,
    minutes: Any,
    kind: str,
    mode: str | None = None,
    programme: str | None = None,
    notes: str | None = None,
    actor: str,
    today: dt.date | None = None,
) -> list[dict]:
    """Record one supervision session: a row for each supervisee present."""
    if not supervisees:
        raise Invalid("supervisee: at least one is needed")
    repeated = sorted({ref for ref in supervisees if supervisees.count(ref) > 1})
    if repeated:
        raise Invalid(f"supervisee: {repeated[0]!r} is given twice")
    if kind == "individual" and len(supervisees) > 1:
        raise Invalid(f"kind: an individual session has one supervisee, not {len(supervisees)}; use group")
    return [
        add_record(
            session,
            rt.SESSION,
            {
                "supervisor": supervisor,
                "supervisee": supervisee,
                "held_on": held_on,
                "minutes": minutes,
                "kind": kind,
                "mode": mode,
                "programme": programme,
                "notes": notes,
            },
            actor=actor,
            today=today,
        )
        for supervisee in supervisees
    ]


def withdraw_nomination(
    session: Session, *, person: str, programme: str, region: str, role: str, actor: str
) -> None:
    """Remove a successor nomination (the audit trail keeps that it existed)."""
    nomination = models.Nomination
    references = {"person_id": ("person", "candidate", person), "programme_id": ("programme", "programme", programme)}
    found = _find(session, nomination, references, nomination.region == region, nomination.role == role)
    if found is None:
        raise NotFound(f"candidate: {person!r} is not nominated for {role}/{programme}/{region}")
    session.delete(found)
    values = {"person": person, "programme": programme, "region": region, "role": role}
    _audit(session, actor, "withdraw", rt.NOMINATION, values)
