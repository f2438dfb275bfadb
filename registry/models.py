"""The typed ORM model: one class per record type of the bundle, plus the audit log.

Every rule that a database can hold lives in the database too: foreign keys, each
record's identity as a unique constraint, CHECKs for ranges and vocabularies.
"""

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    JSON,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from . import vocab

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

REF = String(64)
CODE = String(64)
NAME = String(200)


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(CODE, unique=True)
    name: Mapped[str] = mapped_column(NAME)
    region: Mapped[str] = mapped_column(String(100), index=True)


class Programme(Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(CODE, unique=True)
    name: Mapped[str] = mapped_column(NAME)


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(one_of("status", vocab.STATUSES), name="status"),
        CheckConstraint("left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(REF, unique=True)
    name: Mapped[str] = mapped_column(NAME)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    planned_leaving_on: Mapped[dt.date | None] = mapped_column(Date)

    organisation: Mapped[Organisation] = relationship()


class Stage(Base):
    """A training-pathway stage attained by a person in a programme."""

    __tablename__ = "stages"
    __table_args__ = (
        UniqueConstraint("person_id", "programme_id", "stage"),
        CheckConstraint(one_of("stage", vocab.STAGES), name="stage"),
        CheckConstraint(one_of("tac_level", vocab.TAC_LEVELS), name="tac_level"),
        Index("ix_stages_programme_stage", "programme_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    stage: Mapped[str] = mapped_column(String(32))
    attained_on: Mapped[dt.date] = mapped_column(Date)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    tac_level: Mapped[str | None] = mapped_column(String(32))


class Training(Base):
    """One link of the lineage: a trainer trained a trainee towards a stage."""

    __tablename__ = "training"
    __table_args__ = (
        UniqueConstraint("trainer_id", "trainee_id", "programme_id", "stage"),
        CheckConstraint("trainer_id <> trainee_id", name="not_self"),
        CheckConstraint(one_of("stage", vocab.STAGES), name="stage"),
        Index("ix_training_trainee_id", "trainee_id"),
        Index("ix_training_programme_stage", "programme_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    stage: Mapped[str] = mapped_column(String(32))
    trained_on: Mapped[dt.date] = mapped_column(Date)


class SupervisionLink(Base):
    """A supervision relationship; ended links are kept as history."""

    __tablename__ = "supervision_links"
    __table_args__ = (
        UniqueConstraint("supervisor_id", "supervisee_id", "programme_id", "started_on"),
        CheckConstraint("supervisor_id <> supervisee_id", name="not_self"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="end_after_start"),
        Index("ix_supervision_links_supervisee_id", "supervisee_id"),
        Index("ix_supervision_links_programme_id", "programme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    supervisee_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)


class SupervisionSession(Base):
    """One supervisee's attendance at a supervision session (a group session has one row each)."""

    __tablename__ = "supervision_sessions"
    __table_args__ = (
        UniqueConstraint("supervisor_id", "supervisee_id", "held_on", "kind"),
        CheckConstraint("supervisor_id <> supervisee_id", name="not_self"),
        CheckConstraint("minutes BETWEEN 1 AND 600", name="minutes_range"),
        CheckConstraint(one_of("kind", vocab.SESSION_KINDS), name="kind"),
        CheckConstraint(one_of("mode", vocab.SESSION_MODES), name="mode"),
        # Covering the compliance queries: a supervisee's sessions by date, kind and length.
        Index("ix_supervision_sessions_supervisee_report", "supervisee_id", "held_on", "kind", "minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    supervisee_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str | None] = mapped_column(String(16))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"))
    notes: Mapped[str | None] = mapped_column(Text)


class CpdActivity(Base):
    """Continuing professional development. An empty description is stored as ''
    so that it can take part in the record's identity."""

    __tablename__ = "cpd_activities"
    __table_args__ = (
        UniqueConstraint("person_id", "date", "category", "description"),
        CheckConstraint("hours > 0 AND hours <= 100", name="hours_range"),
        CheckConstraint(one_of("category", vocab.CPD_CATEGORIES), name="category"),
        Index("ix_cpd_activities_person_report", "person_id", "date", "hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Numeric(5, 2, asdecimal=False))
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(500), default="", server_default="")


class Retreat(Base):
    __tablename__ = "retreats"
    __table_args__ = (
        UniqueConstraint("person_id", "start_on"),
        CheckConstraint("days > 0 AND days <= 60", name="days_range"),
        Index("ix_retreats_person_report", "person_id", "start_on", "days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    start_on: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[float] = mapped_column(Numeric(4, 1, asdecimal=False))
    led_by: Mapped[str | None] = mapped_column(NAME)
    residential: Mapped[bool | None] = mapped_column(Boolean)
    online: Mapped[bool | None] = mapped_column(Boolean)


class Course(Base):
    """A course taught: its lead teacher here, its co-teachers in course_co_teachers."""

    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("participants IS NULL OR participants >= 0", name="participants_range"),
        CheckConstraint(
            "completed IS NULL OR (completed >= 0 AND (participants IS NULL OR completed <= participants))",
            name="completed_range",
        ),
        Index("ix_courses_lead_start_on", "lead_id", "start_on"),
        Index("ix_courses_start_on", "start_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(CODE, unique=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    start_on: Mapped[dt.date] = mapped_column(Date)
    lead_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    participants: Mapped[int | None] = mapped_column(Integer)
    # Participants who completed the course (for MBCT: attended at least 4 of the 8 sessions).
    completed: Mapped[int | None] = mapped_column(Integer)
    supervised: Mapped[bool | None] = mapped_column(Boolean)
    setting: Mapped[str | None] = mapped_column(NAME)


class CourseCoTeacher(Base):
    __tablename__ = "course_co_teachers"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True, index=True)


class Nomination(Base):
    """A successor nominated for a key post (a role in a programme and region)."""

    __tablename__ = "nominations"
    __table_args__ = (
        UniqueConstraint("person_id", "programme_id", "region", "role"),
        CheckConstraint(one_of("role", vocab.POST_ROLES), name="role"),
        CheckConstraint(one_of("readiness", vocab.READINESS), name="readiness"),
        Index("ix_nominations_programme_region_role", "programme_id", "region", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    region: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    readiness: Mapped[str] = mapped_column(String(16))
    emergency: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    nominated_on: Mapped[dt.date] = mapped_column(Date)


class StatusChange(Base):
    """A person's status and organisation from a date: their history in the service, one
    row for each change (the first row is when they joined)."""

    __tablename__ = "status_history"
    __table_args__ = (
        UniqueConstraint("person_id", "on"),
        CheckConstraint(one_of("status", vocab.STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)


class Assessment(Base):
    """An assessment of a teacher's teaching on the six MBI:TAC domains."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("person_id", "programme_id", "on", "assessor_id"),
        CheckConstraint("assessor_id <> person_id", name="not_self"),
        *(CheckConstraint(one_of(domain, vocab.TAC_LEVELS), name=domain) for domain in vocab.TAC_DOMAINS),
        Index("ix_assessments_programme_on", "programme_id", "on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    on: Mapped[dt.date] = mapped_column(Date)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    coverage: Mapped[str] = mapped_column(String(32))
    relational: Mapped[str] = mapped_column(String(32))
    embodiment: Mapped[str] = mapped_column(String(32))
    guiding: Mapped[str] = mapped_column(String(32))
    inquiry: Mapped[str] = mapped_column(String(32))
    holding: Mapped[str] = mapped_column(String(32))


class CourseOutcome(Base):
    """The mean score of an outcome measure before and after a course, over the
    participants measured both times."""

    __tablename__ = "course_outcomes"
    __table_args__ = (
        UniqueConstraint("course_id", "measure"),
        CheckConstraint("measured >= 1", name="measured_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    measure: Mapped[str] = mapped_column(String(32))
    before: Mapped[float] = mapped_column(Numeric(7, 2, asdecimal=False))
    after: Mapped[float] = mapped_column(Numeric(7, 2, asdecimal=False))
    measured: Mapped[int] = mapped_column(Integer)


class AuditEntry(Base):
    """Who did what to which record, and when. Only ever appended to."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str] = mapped_column(String(32), index=True)
    record_key: Mapped[str] = mapped_column(String(300))
    person_ref: Mapped[str | None] = mapped_column(REF, index=True)
    details: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    # The record's bundle fields and values before and after the change (None for a
    # record created, or removed); confidential notes only as "<changed>"/"<present>".
    before: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # The confidential notes themselves, in columns of their own that only those who
    # may read notes are granted.
    notes_before: Mapped[str | None] = mapped_column(Text)
    notes_after: Mapped[str | None] = mapped_column(Text)


class RetiredRow(Base):
    """A bundle row that a correction replaced or removed, by its fingerprint: a later
    import of the same row is skipped rather than bringing the old record back."""

    __tablename__ = "retired_rows"
    __table_args__ = (UniqueConstraint("record_type", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(32))
    fingerprint: Mapped[str] = mapped_column(String(64))
    # The row's bundle values as the bundle writes them, compared with imported rows on
    # the columns their file has.
    values: Mapped[dict] = mapped_column(JSON)
    retired_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Reminder(Base):
    """A reminder e-mailed to a person before their lapse date (`lapses_on`), or, when they
    were already short, about what they were short of (`lapses_on` null). Operational,
    not part of the bundle: who was written to is kept by reference (the person, and
    the supervisors copied in `reminder_copies`), so that erasing a person leaves no
    address of theirs behind."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_person_sent", "person_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    lapses_on: Mapped[dt.date | None] = mapped_column(Date)
    # The requirements the reminder was about, space separated ("cpd supervision").
    shortfalls: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class ReminderCopy(Base):
    """A supervisor copied (Cc) on a reminder."""

    __tablename__ = "reminder_copies"

    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True, index=True)
