"""The typed ORM model: one class per record type of the bundle, plus the audit log and
the operational tables, each mapping its table of tables.py (where the schema and its
constraints are written)."""

import datetime as dt

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from . import tables


class Base(DeclarativeBase):
    metadata = tables.metadata


class Organisation(Base):
    __table__ = tables.organisations

    id: Mapped[int]
    code: Mapped[str]
    name: Mapped[str]
    region: Mapped[str]


class Programme(Base):
    __table__ = tables.programmes

    id: Mapped[int]
    code: Mapped[str]
    name: Mapped[str]


class Person(Base):
    __table__ = tables.people

    id: Mapped[int]
    ref: Mapped[str]
    name: Mapped[str]
    email: Mapped[str | None]
    organisation_id: Mapped[int]
    status: Mapped[str]
    joined_on: Mapped[dt.date | None]
    left_on: Mapped[dt.date | None]
    planned_leaving_on: Mapped[dt.date | None]

    organisation: Mapped[Organisation] = relationship()


class Stage(Base):
    __table__ = tables.stages

    id: Mapped[int]
    person_id: Mapped[int]
    programme_id: Mapped[int]
    stage: Mapped[str]
    attained_on: Mapped[dt.date]
    assessed_by_id: Mapped[int | None]
    tac_level: Mapped[str | None]


class Training(Base):
    __table__ = tables.training

    id: Mapped[int]
    trainer_id: Mapped[int]
    trainee_id: Mapped[int]
    programme_id: Mapped[int]
    stage: Mapped[str]
    trained_on: Mapped[dt.date]


class SupervisionLink(Base):
    __table__ = tables.supervision_links

    id: Mapped[int]
    supervisor_id: Mapped[int]
    supervisee_id: Mapped[int]
    programme_id: Mapped[int]
    started_on: Mapped[dt.date]
    ended_on: Mapped[dt.date | None]


class SupervisionSession(Base):
    __table__ = tables.supervision_sessions

    id: Mapped[int]
    supervisor_id: Mapped[int]
    supervisee_id: Mapped[int]
    held_on: Mapped[dt.date]
    minutes: Mapped[int]
    kind: Mapped[str]
    mode: Mapped[str | None]
    programme_id: Mapped[int | None]
    notes: Mapped[str | None]


class CpdActivity(Base):
    __table__ = tables.cpd_activities

    id: Mapped[int]
    person_id: Mapped[int]
    date: Mapped[dt.date]
    hours: Mapped[float]
    category: Mapped[str]
    description: Mapped[str]


class Retreat(Base):
    __table__ = tables.retreats

    id: Mapped[int]
    person_id: Mapped[int]
    start_on: Mapped[dt.date]
    days: Mapped[float]
    led_by: Mapped[str | None]
    residential: Mapped[bool | None]
    online: Mapped[bool | None]


class Course(Base):
    __table__ = tables.courses

    id: Mapped[int]
    code: Mapped[str]
    programme_id: Mapped[int]
    start_on: Mapped[dt.date]
    lead_id: Mapped[int]
    participants: Mapped[int | None]
    completed: Mapped[int | None]
    supervised: Mapped[bool | None]
    setting: Mapped[str | None]


class CourseCoTeacher(Base):
    __table__ = tables.course_co_teachers

    course_id: Mapped[int]
    person_id: Mapped[int]


class Nomination(Base):
    __table__ = tables.nominations

    id: Mapped[int]
    person_id: Mapped[int]
    programme_id: Mapped[int]
    region: Mapped[str]
    role: Mapped[str]
    readiness: Mapped[str]
    emergency: Mapped[bool]
    nominated_on: Mapped[dt.date]


class StatusChange(Base):
    __table__ = tables.status_history

    id: Mapped[int]
    person_id: Mapped[int]
    on: Mapped[dt.date]
    status: Mapped[str]
    organisation_id: Mapped[int]


class Assessment(Base):
    __table__ = tables.assessments

    id: Mapped[int]
    person_id: Mapped[int]
    programme_id: Mapped[int]
    on: Mapped[dt.date]
    assessor_id: Mapped[int]
    course_id: Mapped[int | None]
    coverage: Mapped[str]
    relational: Mapped[str]
    embodiment: Mapped[str]
    guiding: Mapped[str]
    inquiry: Mapped[str]
    holding: Mapped[str]


class CourseOutcome(Base):
    __table__ = tables.course_outcomes

    id: Mapped[int]
    course_id: Mapped[int]
    measure: Mapped[str]
    before: Mapped[float]
    after: Mapped[float]
    measured: Mapped[int]


class AuditEntry(Base):
    __table__ = tables.audit_log

    id: Mapped[int]
    at: Mapped[dt.datetime]
    actor: Mapped[str]
    action: Mapped[str]
    record_type: Mapped[str]
    record_key: Mapped[str]
    person_ref: Mapped[str | None]
    details: Mapped[str | None]
    reason: Mapped[str | None]
    before: Mapped[dict | None]
    after: Mapped[dict | None]
    notes_before: Mapped[str | None]
    notes_after: Mapped[str | None]


class RetiredRow(Base):
    __table__ = tables.retired_rows

    id: Mapped[int]
    record_type: Mapped[str]
    fingerprint: Mapped[str]
    values: Mapped[dict]
    retired_at: Mapped[dt.datetime]


class Reminder(Base):
    __table__ = tables.reminders

    id: Mapped[int]
    person_id: Mapped[int]
    lapses_on: Mapped[dt.date | None]
    shortfalls: Mapped[str]
    sent_at: Mapped[dt.datetime]


class ReminderCopy(Base):
    __table__ = tables.reminder_copies

    reminder_id: Mapped[int]
    person_id: Mapped[int]
