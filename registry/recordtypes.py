"""The record types of the registry, field by field, as the bundle format defines them.

One definition serves the commands, the importer and the exporter: which fields a
record has, which are required, which make up its identity, and how each is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, Callable

from . import fields, vocab
from .errors import Invalid

Parser = Callable[[str, Any], Any]


@dataclass(frozen=True)
class Field:
    name: str
    parse: Parser
    required: bool = False
    key: bool = False
    # What a reference points at: "person", "organisation" or "programme".
    refers_to: str | None = None


@dataclass(frozen=True)
class RecordType:
    name: str  # the record type's name, e.g. "session"
    file: str  # its bundle file, e.g. "sessions.csv"
    fields: tuple[Field, ...]
    # Fields whose dates must not be in the future (logged events).
    past_only: tuple[str, ...] = ()
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    @property
    def type_name(self) -> str:
        """The name commands and the audit trail use: the bundle file's name without `.csv`."""
        return self.file.removesuffix(".csv")

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def key_columns(self) -> list[str]:
        return [f.name for f in self.fields if f.key]

    @property
    def required_columns(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


def _text(max_length: int = 200) -> Parser:
    return partial(fields.text, max_length=max_length)


def _name(max_length: int = 200) -> Parser:
    """Text that names someone or something (a person, a region, who led a retreat)."""
    return partial(fields.name, max_length=max_length)


def _choice(choices) -> Parser:
    return partial(fields.choice, choices=choices)


def _email(field_name: str, value):
    """Stored as given; unique ignoring case (validate.py and bundle/checks.py)."""
    email = fields.name(field_name, value, max_length=254)
    if email is not None and ("@" not in email or " " in email):
        raise Invalid(f"{field_name}: {email!r} is not an email address")
    return email


def _flag(field_name: str, value) -> bool:
    """A boolean that is false when left empty."""
    return bool(fields.boolean(field_name, value))


REF = fields.ref
DATE = fields.date
BOOL = fields.boolean

ORGANISATION = RecordType(
    "organisation",
    "organisations.csv",
    (
        Field("code", REF, required=True, key=True),
        Field("name", _name(), required=True),
        Field("region", _name(100), required=True),
    ),
)

PROGRAMME = RecordType(
    "programme",
    "programmes.csv",
    (
        Field("code", REF, required=True, key=True),
        Field("name", _name(), required=True),
    ),
)

PERSON = RecordType(
    "person",
    "people.csv",
    (
        Field("ref", REF, required=True, key=True),
        Field("name", _name(), required=True),
        Field("email", _email),
        Field("organisation", REF, required=True, refers_to="organisation"),
        Field("status", _choice(vocab.STATUSES), required=True),
        Field("joined_on", DATE),
        Field("left_on", DATE),
        Field("planned_leaving_on", DATE),
    ),
)

STAGE = RecordType(
    "stage",
    "stages.csv",
    (
        Field("person", REF, required=True, key=True, refers_to="person"),
        Field("programme", REF, required=True, key=True, refers_to="programme"),
        Field("stage", _choice(vocab.STAGES), required=True, key=True),
        Field("attained_on", DATE, required=True),
        Field("assessed_by", REF, refers_to="person"),
        Field("tac_level", _choice(vocab.TAC_LEVELS)),
    ),
    past_only=("attained_on",),
)

TRAINING = RecordType(
    "training",
    "training.csv",
    (
        Field("trainer", REF, required=True, key=True, refers_to="person"),
        Field("trainee", REF, required=True, key=True, refers_to="person"),
        Field("programme", REF, required=True, key=True, refers_to="programme"),
        Field("stage", _choice(vocab.STAGES), required=True, key=True),
        Field("trained_on", DATE, required=True),
    ),
    past_only=("trained_on",),
)

SUPERVISION = RecordType(
    "supervision link",
    "supervision.csv",
    (
        Field("supervisor", REF, required=True, key=True, refers_to="person"),
        Field("supervisee", REF, required=True, key=True, refers_to="person"),
        Field("programme", REF, required=True, key=True, refers_to="programme"),
        Field("started_on", DATE, required=True, key=True),
        Field("ended_on", DATE),
    ),
)

SESSION = RecordType(
    "session",
    "sessions.csv",
    (
        Field("supervisor", REF, required=True, key=True, refers_to="person"),
        Field("supervisee", REF, required=True, key=True, refers_to="person"),
        Field("held_on", DATE, required=True, key=True),
        Field("minutes", partial(fields.integer, low=1, high=600), required=True),
        Field("kind", _choice(vocab.SESSION_KINDS), required=True, key=True),
        Field("mode", _choice(vocab.SESSION_MODES)),
        Field("programme", REF, refers_to="programme"),
        Field("notes", _text(fields.MAX_TEXT["notes"])),
    ),
    past_only=("held_on",),
)

CPD = RecordType(
    "cpd",
    "cpd.csv",
    (
        Field("person", REF, required=True, key=True, refers_to="person"),
        Field("date", DATE, required=True, key=True),
        Field("hours", partial(fields.number, above=0, high=100), required=True),
        Field("category", _choice(vocab.CPD_CATEGORIES), required=True, key=True),
        Field("description", _text(fields.MAX_TEXT["description"]), key=True),
    ),
    past_only=("date",),
)

RETREAT = RecordType(
    "retreat",
    "retreats.csv",
    (
        Field("person", REF, required=True, key=True, refers_to="person"),
        Field("start_on", DATE, required=True, key=True),
        Field("days", partial(fields.number, above=0, high=60, step=Decimal("0.5")), required=True),
        Field("led_by", _name()),
        Field("residential", BOOL),
        Field("online", BOOL),
    ),
    past_only=("start_on",),
)

COURSE = RecordType(
    "course",
    "courses.csv",
    (
        Field("code", REF, required=True, key=True),
        Field("programme", REF, required=True, refers_to="programme"),
        Field("start_on", DATE, required=True),
        Field("lead", REF, required=True, refers_to="person"),
        Field("co_teachers", fields.ref_list, refers_to="person"),
        Field("participants", partial(fields.integer, low=0, high=10_000)),
        Field("supervised", BOOL),
        Field("setting", _name()),
        Field("completed", partial(fields.integer, low=0, high=10_000)),
    ),
)

COURSE_OUTCOME = RecordType(
    "course outcome",
    "course_outcomes.csv",
    (
        Field("course", REF, required=True, key=True, refers_to="course"),
        Field("measure", _name(32), required=True, key=True),
        Field("before", partial(fields.number, high=10_000), required=True),
        Field("after", partial(fields.number, high=10_000), required=True),
        Field("measured", partial(fields.integer, low=1, high=10_000), required=True),
    ),
)

NOMINATION = RecordType(
    "nomination",
    "nominations.csv",
    (
        Field("person", REF, required=True, key=True, refers_to="person"),
        Field("programme", REF, required=True, key=True, refers_to="programme"),
        Field("region", _name(100), required=True, key=True),
        Field("role", _choice(vocab.POST_ROLES), required=True, key=True),
        Field("readiness", _choice(vocab.READINESS), required=True),
        Field("emergency", _flag),
        Field("nominated_on", DATE, required=True),
    ),
)

STATUS_CHANGE = RecordType(
    "status change",
    "status_history.csv",
    (
        Field("person", REF, required=True, key=True, refers_to="person"),
        Field("on", DATE, required=True, key=True),
        Field("status", _choice(vocab.STATUSES), required=True),
        Field("organisation", REF, required=True, refers_to="organisation"),
    ),
    past_only=("on",),
)

ASSESSMENT = RecordType(
    "assessment",
    "assessments.csv",
    (
        Field("person", REF, required=True, key=True, refers_to="person"),
        Field("programme", REF, required=True, key=True, refers_to="programme"),
        Field("on", DATE, required=True, key=True),
        Field("assessor", REF, required=True, key=True, refers_to="person"),
        Field("course", REF, refers_to="course"),
        *(Field(domain, _choice(vocab.TAC_LEVELS), required=True) for domain in vocab.TAC_DOMAINS),
    ),
    past_only=("on",),
)

# In the order a bundle is read: every reference points at an earlier type.
ALL = (
    ORGANISATION,
    PROGRAMME,
    PERSON,
    STAGE,
    TRAINING,
    SUPERVISION,
    SESSION,
    CPD,
    RETREAT,
    COURSE,
    NOMINATION,
    STATUS_CHANGE,
    ASSESSMENT,
    COURSE_OUTCOME,
)
