"""How each record type of the bundle maps onto the database tables.

Bundle files name people, organisations and programmes by their ref or code; the
tables hold ids. Each field that refers to another record is stored in the column
`<field>_id`; everything else keeps its name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table

from .. import recordtypes as rt
from .. import tables

TABLES: dict[str, Table] = {
    rt.ORGANISATION.name: tables.organisations,
    rt.PROGRAMME.name: tables.programmes,
    rt.PERSON.name: tables.people,
    rt.STAGE.name: tables.stages,
    rt.TRAINING.name: tables.training,
    rt.SUPERVISION.name: tables.supervision_links,
    rt.SESSION.name: tables.supervision_sessions,
    rt.CPD.name: tables.cpd_activities,
    rt.RETREAT.name: tables.retreats,
    rt.COURSE.name: tables.courses,
    rt.NOMINATION.name: tables.nominations,
    rt.STATUS_CHANGE.name: tables.status_history,
    rt.ASSESSMENT.name: tables.assessments,
    rt.COURSE_OUTCOME.name: tables.course_outcomes,
}

# Where a reference is looked up: table and its identifying column.
REFERENCED = {
    "person": (tables.people, "ref"),
    "organisation": (tables.organisations, "code"),
    "programme": (tables.programmes, "code"),
    "course": (tables.courses, "code"),
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
