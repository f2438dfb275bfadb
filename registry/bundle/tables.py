"""How each record type of the bundle maps onto the database tables.

Bundle files name people, organisations and programmes by their ref or code; the
tables hold ids. Each field that refers to another record is stored in the column
`<field>_id`; everything else keeps its name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table

from .. import models
from .. import recordtypes as rt

TABLES: dict[str, Table] = {
    rt.ORGANISATION.name: models.Organisation.__table__,
    rt.PROGRAMME.name: models.Programme.__table__,
    rt.PERSON.name: models.Person.__table__,
    rt.STAGE.name: models.Stage.__table__,
    rt.TRAINING.name: models.Training.__table__,
    rt.SUPERVISION.name: models.SupervisionLink.__table__,
    rt.SESSION.name: models.SupervisionSession.__table__,
    rt.CPD.name: models.CpdActivity.__table__,
    rt.RETREAT.name: models.Retreat.__table__,
    rt.COURSE.name: models.Course.__table__,
    rt.NOMINATION.name: models.Nomination.__table__,
    rt.STATUS_CHANGE.name: models.StatusChange.__table__,
    rt.ASSESSMENT.name: models.Assessment.__table__,
    rt.COURSE_OUTCOME.name: models.CourseOutcome.__table__,
}

# Where a reference is looked up: table and its identifying column.
REFERENCED = {
    "person": (models.Person.__table__, "ref"),
    "organisation": (models.Organisation.__table__, "code"),
    "programme": (models.Programme.__table__, "code"),
    "course": (models.Course.__table__, "code"),
}

# The record types that others refer to, by the name their references use.
REFERRED_TYPES = {
    "person": rt.PERSON, "organisation": rt.ORGANISATION, "programme": rt.PROGRAMME, "course": rt.COURSE,
}

# Fields kept outside the record's own table.
SEPARATE = {"co_teachers"}


def column_for(field: rt.Field) -> str:
    return f"{field.name}_id" if field.refers_to else field.name


def stored_fields(record_type: rt.RecordType) -> list[rt.Field]:
    return [f for f in record_type.fields if f.name not in SEPARATE]


def fill_stored_defaults(record_type: rt.RecordType, values: dict[str, Any]) -> dict[str, Any]:
    """`values` as the table keeps them: a CPD activity without a description has empty
    text, since the description is part of its key (and NULL never equals NULL)."""
    if record_type is rt.CPD and values.get("description") is None:
        values["description"] = ""
    return values
