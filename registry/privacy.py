"""Personal data under UK GDPR: a person's subject access export, and erasure.

Erasure removes what identifies the person (name, email, ref, planned leaving date,
the notes of their supervision) and keeps their records under an anonymous ref, so
that counts in reports (sessions held, courses taught, workforce by year) stay true.
Their name, email and ref also leave every text that held them (erasure_text): they
become the anonymous ref. The notes of sessions they led are about the people they
supervised: those stay, in those people's records (with any mention of the erased
person replaced in the same way), and a subject access export counts them without
showing them.
It also ends their assessment: their status becomes `erased`, so that no report counts
or lists them as active or assessed from then on, and they leave on the day of erasure
unless they had left already (so the workforce of earlier dates still counts them).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from . import audit, history, locks, models, retired
from . import recordtypes as rt
from .erasure_text import Identity, scrub
from .rows import find_row, require_notes_readable, rows_where
from .bundle.tables import TABLES
from .views import PERSON_FIELDS
from .corrections import TYPES
from .errors import Invalid
from .vocab import ERASED


def subject_access(session: Session, ref: str, *, actor: str) -> dict:
    """Everything held about one person: their records, the notes of the sessions they
    attended as supervisee, and how many sessions they led, whose notes are about other
    people and are not included."""
    require_notes_readable(session, "export-data", "a subject access export holds them: an administrator exports")
    locks.hold_refs(session, [("ref", ref)], kept=True, strict=True)
    person = find_row(session, rt.PERSON, ref, with_id=True)
    person_id = person.pop("id")
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
    led = [row for row in data["sessions"] if row["supervisee"] != ref]
    data["not_included"] = [led_sessions_not_included(len(led), sum(1 for row in led if row["notes"] is not None))]
    for row in led:
        del row["notes"]
    data["audit"] = audit.entries(session, person=ref)
    audit.record(session, actor=actor, action="export", record_type="people", record_key=f"ref={ref}", person_ref=ref)
    return data


def led_sessions_not_included(sessions: int, with_notes: int) -> str:
    return (
        f"sessions you led as supervisor: {sessions}, {with_notes} of them with notes; "
        "their notes are about the people you supervised and are not included"
    )


@dataclass
class Erased:
    """An erasure done: the anonymous ref the person's records keep and, on SQLite,
    whether the write-ahead log was emptied after the commit (None before it)."""

    anonymous: str
    log_emptied: bool | None = None


def erase(session: Session, ref: str, *, actor: str, today: dt.date | None = None) -> Erased:
    """Remove a person's identifying details wherever they are held and end their
    assessment; their records stay under an anonymous ref."""
    person_id = session.execute(select(models.Person.id).where(models.Person.ref == ref)).scalar()
    if person_id is None:
        find_row(session, rt.PERSON, ref)  # NotFound, in the words every lookup uses
    erased = Erased(f"ERASED-{person_id:06d}")
    _leave_nothing_on_disk(session, erased)
    # Alone: no write about them (nor import) is under way, and none starts until this ends.
    locks.lock_everyone(session, alone=True)
    locks.hold_people(session, [("ref", ref, person_id)], alone=True, kept=[person_id])
    person = session.get(models.Person, person_id, populate_existing=True)
    if person.status == ERASED:
        raise Invalid(f"ref: {ref!r} is erased already")
    identity = _identity(session, person)
    person.ref = erased.anonymous
    person.name = ERASED_FIELDS["name"]
    person.email = None
    person.planned_leaving_on = None
    person.status = ERASED
    person.left_on = person.left_on or max(today or dt.date.today(), person.joined_on or dt.date.min)
    session.flush()
    history.reconcile(session, today=today, person_ids=[person.id])
    sessions = models.SupervisionSession
    session.execute(update(sessions).where(sessions.supervisee_id == person.id).values(notes=None))
    entries = models.AuditEntry
    session.execute(
        update(entries)
        .where(entries.person_ref == ref)
        .values(person_ref=erased.anonymous, details=None, notes_before=None, notes_after=None)
    )
    changed = scrub(session, identity, erased.anonymous)
    _own_records(session, erased.anonymous, changed)
    audit.record(
        session,
        actor=identity.pattern().sub(erased.anonymous, actor),
        action="erase",
        record_type="people",
        record_key=f"ref={erased.anonymous}",
        person_ref=erased.anonymous,
        details=json.dumps({"erased": ["ref", "name", "email", "planned_leaving_on", "session notes"]}),
    )
    return erased


# What a record of the person themselves keeps of them once they are erased.
ERASED_FIELDS = {"name": "(erased)", "email": None, "planned_leaving_on": None}


def _identity(session: Session, person: models.Person) -> Identity:
    """The person's ref, and every name and email they were recorded with (their own
    record's audit entries and retired rows keep the earlier ones)."""
    identity = Identity(person.ref, {person.name}, {person.email} if person.email else set())
    entries = models.AuditEntry
    own = select(entries.before, entries.after).where(entries.record_type == "people", entries.person_ref == person.ref)
    values = [side for row in session.execute(own) for side in row if side]
    values += [row for row in retired.retired_rows(session, rt.PERSON) if row.get("ref") == person.ref]
    identity.names |= {v["name"] for v in values if v.get("name")}
    identity.emails |= {v["email"] for v in values if v.get("email")}
    return identity


def _own_records(session: Session, anonymous: str, changed: dict[str, set[int]]) -> None:
    """The person's own record, in their audit entries and retired rows, keeps nothing
    of them (ERASED_FIELDS), and a retired session of theirs no notes; retired rows that
    changed take their new fingerprints."""
    entries = models.AuditEntry
    own = select(entries).where(entries.record_type == "people", entries.person_ref == anonymous)
    for entry in session.scalars(own):
        entry.before, entry.after = (_without_person(side) for side in (entry.before, entry.after))
    rows = models.RetiredRow
    for row in session.scalars(select(rows).where(rows.id.in_(changed.get(rows.__table__.name, set())))):
        record_type = TYPES[row.record_type]
        values = dict(row.values)
        if record_type is rt.PERSON and values.get("ref") == anonymous:
            values = _without_person(values)
        if record_type is rt.SESSION and values.get("supervisee") == anonymous:
            values["notes"] = None
        retired.rewrite(session, row.id, record_type, values)


def _without_person(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {**values, **{name: value for name, value in ERASED_FIELDS.items() if name in values}}


def _leave_nothing_on_disk(session: Session, erased: Erased) -> None:
    """SQLite: what the erasure overwrites is zeroed, not left in free pages (every
    connection runs with secure_delete: db.py), and once it is committed the write-ahead
    log, which still holds the pages as they were, is written into the database and emptied."""
    if session.connection().dialect.name == "sqlite":
        _empty_the_log_after_commit(session, erased)


def _empty_the_log_after_commit(session: Session, erased: Erased) -> None:
    engine = session.connection().engine

    @event.listens_for(session, "after_commit", once=True)
    def _checkpoint(_session: Session) -> None:
        raw = engine.raw_connection()
        try:
            busy, _, _ = raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            raw.close()
        erased.log_emptied = busy == 0
