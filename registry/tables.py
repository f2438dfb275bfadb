"""The database tables, in SQLAlchemy Core: one for each record type of the bundle, plus
the audit log and the operational tables.

Every rule that a database can hold lives in the database too: foreign keys, each
record's identity as a unique constraint, CHECKs for ranges and vocabularies.

The typed ORM classes of models.py map these tables. The commands that write one record
(`supervision log`, `cpd log`, ...) work on the tables alone, so that they need not load
the ORM.
"""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    JSON,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from . import vocab

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

REF = String(64)
CODE = String(64)
NAME = String(200)


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _id() -> Column:
    return Column("id", Integer, primary_key=True)


def _required(name: str, kind, *args, **kwargs) -> Column:
    return Column(name, kind, *args, nullable=False, **kwargs)


def _refers(name: str, table: str, *, required: bool = True, **kwargs) -> Column:
    """A column `<name>` holding the id of a row of `table`."""
    return Column(name, Integer, ForeignKey(f"{table}.id"), nullable=not required, **kwargs)


organisations = Table(
    "organisations",
    metadata,
    _id(),
    _required("code", CODE, unique=True),
    _required("name", NAME),
    _required("region", String(100), index=True),
)

programmes = Table(
    "programmes",
    metadata,
    _id(),
    _required("code", CODE, unique=True),
    _required("name", NAME),
)

people = Table(
    "people",
    metadata,
    _id(),
    _required("ref", REF, unique=True),
    _required("name", NAME),
    Column("email", String(254), unique=True),
    _refers("organisation_id", "organisations", index=True),
    _required("status", String(16), default="active"),
    Column("joined_on", Date),
    Column("left_on", Date),
    Column("planned_leaving_on", Date),
    CheckConstraint(one_of("status", vocab.STATUSES), name="status"),
    CheckConstraint("left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
)

# A training-pathway stage attained by a person in a programme.
stages = Table(
    "stages",
    metadata,
    _id(),
    _refers("person_id", "people"),
    _refers("programme_id", "programmes"),
    _required("stage", String(32)),
    _required("attained_on", Date),
    _refers("assessed_by_id", "people", required=False),
    Column("tac_level", String(32)),
    UniqueConstraint("person_id", "programme_id", "stage"),
    CheckConstraint(one_of("stage", vocab.STAGES), name="stage"),
    CheckConstraint(one_of("tac_level", vocab.TAC_LEVELS), name="tac_level"),
    Index("ix_stages_programme_stage", "programme_id", "stage"),
)

# One link of the lineage: a trainer trained a trainee towards a stage.
training = Table(
    "training",
    metadata,
    _id(),
    _refers("trainer_id", "people"),
    _refers("trainee_id", "people"),
    _refers("programme_id", "programmes"),
    _required("stage", String(32)),
    _required("trained_on", Date),
    UniqueConstraint("trainer_id", "trainee_id", "programme_id", "stage"),
    CheckConstraint("trainer_id <> trainee_id", name="not_self"),
    CheckConstraint(one_of("stage", vocab.STAGES), name="stage"),
    Index("ix_training_trainee_id", "trainee_id"),
    Index("ix_training_programme_stage", "programme_id", "stage"),
)

# A supervision relationship; ended links are kept as history.
supervision_links = Table(
    "supervision_links",
    metadata,
    _id(),
    _refers("supervisor_id", "people"),
    _refers("supervisee_id", "people"),
    _refers("programme_id", "programmes"),
    _required("started_on", Date),
    Column("ended_on", Date),
    UniqueConstraint("supervisor_id", "supervisee_id", "programme_id", "started_on"),
    CheckConstraint("supervisor_id <> supervisee_id", name="not_self"),
    CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="end_after_start"),
    Index("ix_supervision_links_supervisee_id", "supervisee_id"),
    Index("ix_supervision_links_programme_id", "programme_id"),
)

# One supervisee's attendance at a supervision session (a group session has one row each).
supervision_sessions = Table(
    "supervision_sessions",
    metadata,
    _id(),
    _refers("supervisor_id", "people"),
    _refers("supervisee_id", "people"),
    _required("held_on", Date),
    _required("minutes", Integer),
    _required("kind", String(16)),
    Column("mode", String(16)),
    _refers("programme_id", "programmes", required=False),
    Column("notes", Text),
    UniqueConstraint("supervisor_id", "supervisee_id", "held_on", "kind"),
    CheckConstraint("supervisor_id <> supervisee_id", name="not_self"),
    CheckConstraint("minutes BETWEEN 1 AND 600", name="minutes_range"),
    CheckConstraint(one_of("kind", vocab.SESSION_KINDS), name="kind"),
    CheckConstraint(one_of("mode", vocab.SESSION_MODES), name="mode"),
    # Covering the compliance queries: a supervisee's sessions by date, kind and length.
    Index("ix_supervision_sessions_supervisee_report", "supervisee_id", "held_on", "kind", "minutes"),
)

# Continuing professional development. An empty description is stored as '' so that it
# can take part in the record's identity.
cpd_activities = Table(
    "cpd_activities",
    metadata,
    _id(),
    _refers("person_id", "people"),
    _required("date", Date),
    _required("hours", Numeric(5, 2, asdecimal=False)),
    _required("category", String(32)),
    _required("description", String(500), default="", server_default=""),
    UniqueConstraint("person_id", "date", "category", "description"),
    CheckConstraint("hours > 0 AND hours <= 100", name="hours_range"),
    CheckConstraint(one_of("category", vocab.CPD_CATEGORIES), name="category"),
    Index("ix_cpd_activities_person_report", "person_id", "date", "hours"),
)

retreats = Table(
    "retreats",
    metadata,
    _id(),
    _refers("person_id", "people"),
    _required("start_on", Date),
    _required("days", Numeric(4, 1, asdecimal=False)),
    Column("led_by", NAME),
    Column("residential", Boolean),
    Column("online", Boolean),
    UniqueConstraint("person_id", "start_on"),
    CheckConstraint("days > 0 AND days <= 60", name="days_range"),
    Index("ix_retreats_person_report", "person_id", "start_on", "days"),
)

# A course taught: its lead teacher here, its co-teachers in course_co_teachers.
courses = Table(
    "courses",
    metadata,
    _id(),
    _required("code", CODE, unique=True),
    _refers("programme_id", "programmes"),
    _required("start_on", Date),
    _refers("lead_id", "people"),
    Column("participants", Integer),
    # Participants who completed the course (for MBCT: attended at least 4 of the 8 sessions).
    Column("completed", Integer),
    Column("supervised", Boolean),
    Column("setting", NAME),
    CheckConstraint("participants IS NULL OR participants >= 0", name="participants_range"),
    CheckConstraint(
        "completed IS NULL OR (completed >= 0 AND (participants IS NULL OR completed <= participants))",
        name="completed_range",
    ),
    Index("ix_courses_lead_start_on", "lead_id", "start_on"),
    Index("ix_courses_start_on", "start_on"),
)

course_co_teachers = Table(
    "course_co_teachers",
    metadata,
    Column("course_id", Integer, ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id"), primary_key=True, index=True),
)

# A successor nominated for a key post (a role in a programme and region).
nominations = Table(
    "nominations",
    metadata,
    _id(),
    _refers("person_id", "people"),
    _refers("programme_id", "programmes"),
    _required("region", String(100)),
    _required("role", String(32)),
    _required("readiness", String(16)),
    _required("emergency", Boolean, default=False, server_default=false()),
    _required("nominated_on", Date),
    UniqueConstraint("person_id", "programme_id", "region", "role"),
    CheckConstraint(one_of("role", vocab.POST_ROLES), name="role"),
    CheckConstraint(one_of("readiness", vocab.READINESS), name="readiness"),
    Index("ix_nominations_programme_region_role", "programme_id", "region", "role"),
)

# A person's status and organisation from a date: their history in the service, one row
# for each change (the first row is when they joined).
status_history = Table(
    "status_history",
    metadata,
    _id(),
    _refers("person_id", "people"),
    _required("on", Date),
    _required("status", String(16)),
    _refers("organisation_id", "organisations", index=True),
    UniqueConstraint("person_id", "on"),
    CheckConstraint(one_of("status", vocab.STATUSES), name="status"),
)

# An assessment of a teacher's teaching on the six MBI:TAC domains.
assessments = Table(
    "assessments",
    metadata,
    _id(),
    _refers("person_id", "people"),
    _refers("programme_id", "programmes"),
    _required("on", Date),
    _refers("assessor_id", "people", index=True),
    _refers("course_id", "courses", required=False, index=True),
    *(_required(domain, String(32)) for domain in vocab.TAC_DOMAINS),
    UniqueConstraint("person_id", "programme_id", "on", "assessor_id"),
    CheckConstraint("assessor_id <> person_id", name="not_self"),
    *(CheckConstraint(one_of(domain, vocab.TAC_LEVELS), name=domain) for domain in vocab.TAC_DOMAINS),
    Index("ix_assessments_programme_on", "programme_id", "on"),
)

# The mean score of an outcome measure before and after a course, over the participants
# measured both times.
course_outcomes = Table(
    "course_outcomes",
    metadata,
    _id(),
    _refers("course_id", "courses"),
    _required("measure", String(32)),
    _required("before", Numeric(7, 2, asdecimal=False)),
    _required("after", Numeric(7, 2, asdecimal=False)),
    _required("measured", Integer),
    UniqueConstraint("course_id", "measure"),
    CheckConstraint("measured >= 1", name="measured_range"),
)

# Who did what to which record, and when. Only ever appended to.
audit_log = Table(
    "audit_log",
    metadata,
    _id(),
    _required("at", DateTime, index=True),
    _required("actor", String(100)),
    _required("action", String(32)),
    _required("record_type", String(32), index=True),
    _required("record_key", String(300)),
    Column("person_ref", REF, index=True),
    Column("details", Text),
    Column("reason", Text),
    # The record's bundle fields and values before and after the change (None for a
    # record created, or removed); confidential notes only as "<changed>"/"<present>".
    Column("before", JSON(none_as_null=True)),
    Column("after", JSON(none_as_null=True)),
    # The confidential notes themselves, in columns of their own that only those who
    # may read notes are granted.
    Column("notes_before", Text),
    Column("notes_after", Text),
)

# A bundle row that a correction replaced or removed, by its fingerprint: a later import
# of the same row is skipped rather than bringing the old record back.
retired_rows = Table(
    "retired_rows",
    metadata,
    _id(),
    _required("record_type", String(32)),
    _required("fingerprint", String(64)),
    # The row's bundle values as the bundle writes them, compared with imported rows on
    # the columns their file has.
    _required("values", JSON),
    _required("retired_at", DateTime),
    UniqueConstraint("record_type", "fingerprint"),
)

# A reminder e-mailed to a person before their lapse date (`lapses_on`), or, when they
# were already short, about what they were short of (`lapses_on` null). Operational, not
# part of the bundle: who was written to is kept by reference (the person, and the
# supervisors copied in `reminder_copies`), so that erasing a person leaves no address of
# theirs behind.
reminders = Table(
    "reminders",
    metadata,
    _id(),
    _refers("person_id", "people"),
    Column("lapses_on", Date),
    # The requirements the reminder was about, space separated ("cpd supervision").
    _required("shortfalls", String(64)),
    _required("sent_at", DateTime, index=True),
    Index("ix_reminders_person_sent", "person_id", "sent_at"),
)

# A supervisor copied (Cc) on a reminder.
reminder_copies = Table(
    "reminder_copies",
    metadata,
    Column("reminder_id", Integer, ForeignKey("reminders.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id"), primary_key=True, index=True),
)
