"""Reading records back: filtered lists and one record with what relates to it.

Lists are bundle rows (references shown as refs and codes) filtered in SQL; each
function returns plain dicts for the renderer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from . import audit, fields, locks, models
from . import recordtypes as rt
from .rows import find_row, require_notes_readable, rows_where
from .bundle.tables import TABLES
from .quality_summary import latest_levels
from .queries import highest_stages, programme_id
from .vocab import STAGE_RANK, STAGES, STATUSES

DATE_FIELD = {
    "person": "joined_on",
    "stage": "attained_on",
    "training": "trained_on",
    "supervision link": "started_on",
    "session": "held_on",
    "cpd": "date",
    "retreat": "start_on",
    "course": "start_on",
    "nomination": "nominated_on",
    "assessment": "on",
    "status change": "on",
}
PERSON_FIELDS = {
    "person": ["ref"],
    "stage": ["person"],
    "training": ["trainer", "trainee"],
    "supervision link": ["supervisor", "supervisee"],
    "session": ["supervisor", "supervisee"],
    "cpd": ["person"],
    "retreat": ["person"],
    "course": ["lead"],
    "nomination": ["person"],
    "status change": ["person"],
    "assessment": ["person"],
}
# Lists of events read best newest first.
NEWEST_FIRST = {
    "session", "cpd", "retreat", "course", "training", "supervision link", "stage", "assessment", "status change",
}


@dataclass
class Filters:
    person: str | None = None
    organisation: str | None = None
    region: str | None = None
    programme: str | None = None
    status: str | None = None
    stage: str | None = None
    date_from: Any = None
    date_to: Any = None
    current: bool = False
    kind: str | None = None
    category: str | None = None
    as_of: dt.date | None = None


def list_records(session: Session, record_type: rt.RecordType, filters: Filters) -> list[dict]:
    """The records of one type that meet the filters (events newest first)."""
    table = TABLES[record_type.name]
    person_columns = [table.c["id" if name == "ref" else f"{name}_id"] for name in PERSON_FIELDS[record_type.name]]
    conditions = _whose(record_type, table, person_columns, filters)
    subject = person_columns[-1]
    if filters.programme:
        programme = programme_id(filters.programme)
        if "programme_id" in table.c:
            conditions.append(table.c.programme_id == programme)
        else:
            stages = models.Stage.__table__
            conditions.append(subject.in_(select(stages.c.person_id).where(stages.c.programme_id == programme)))
    if filters.stage:
        stage = fields.choice("stage", filters.stage, STAGES)
        if "stage" in table.c:
            conditions.append(table.c.stage == stage)
        else:
            conditions.append(subject.in_(_people_at_stage(stage, filters.programme, filters.as_of or dt.date.today())))
    conditions += _what_and_when(record_type, table, filters)
    rows = list(rows_where(session, record_type, *conditions))
    if record_type.name in NEWEST_FIRST:
        rows.sort(key=lambda row: row[DATE_FIELD[record_type.name]], reverse=True)
    return rows


def _whose(record_type: rt.RecordType, table, person_columns: list, filters: Filters) -> list:
    """Conditions on the people a record is about: the person, their organisation, region
    and status. A nomination's region is the region of its post."""
    people = models.Person.__table__
    conditions = []
    if filters.person:
        person_id = select(people.c.id).where(people.c.ref == filters.person).scalar_subquery()
        person_match = [column == person_id for column in person_columns]
        if record_type is rt.COURSE:
            co = models.CourseCoTeacher.__table__
            person_match.append(exists().where(co.c.course_id == table.c.id, co.c.person_id == person_id))
        conditions.append(or_(*person_match))
    region = filters.region
    if region and "region" in table.c:
        conditions.append(table.c.region == region)
        region = None
    if filters.organisation or region or filters.status:
        chosen = select(people.c.id).join(models.Organisation.__table__)
        if filters.organisation:
            chosen = chosen.where(models.Organisation.code == filters.organisation)
        if region:
            chosen = chosen.where(models.Organisation.region == region)
        if filters.status:
            chosen = chosen.where(people.c.status == fields.choice("status", filters.status, STATUSES))
        conditions.append(person_columns[-1].in_(chosen))
    return conditions


def _what_and_when(record_type: rt.RecordType, table, filters: Filters) -> list:
    """Conditions on the record itself: its date, whether current, its kind and category."""
    conditions = []
    date_column = table.c[DATE_FIELD[record_type.name]]
    if filters.date_from is not None:
        conditions.append(date_column >= fields.required("from", fields.date("from", filters.date_from)))
    if filters.date_to is not None:
        conditions.append(date_column <= fields.required("to", fields.date("to", filters.date_to)))
    if filters.current and "ended_on" in table.c:
        as_of = filters.as_of or dt.date.today()
        conditions.append(and_(table.c.started_on <= as_of, or_(table.c.ended_on.is_(None), table.c.ended_on > as_of)))
    if filters.kind and "kind" in table.c:
        conditions.append(table.c.kind == filters.kind)
    if filters.category and "category" in table.c:
        conditions.append(table.c.category == filters.category)
    return conditions


def _people_at_stage(stage: str, programme: str | None, as_of: dt.date):
    """Ids of people whose highest stage in a programme (the one given, or any) on `as_of` is `stage`."""
    highest = highest_stages(as_of, programme=programme)
    return select(highest.c.person_id).where(highest.c.rank == STAGE_RANK[stage])


def people(session: Session, filters: Filters) -> list[dict]:
    """People with their organisation's region and their current stages."""
    rows = list_records(session, rt.PERSON, filters)
    regions = dict(session.execute(select(models.Organisation.code, models.Organisation.region)).all())
    stages = current_stages(session, [row["ref"] for row in rows], filters.as_of or dt.date.today())
    return [
        {
            "ref": row["ref"],
            "name": row["name"],
            "organisation": row["organisation"],
            "region": regions.get(row["organisation"]),
            "status": row["status"],
            "stages": stages.get(row["ref"], []),
            "planned_leaving_on": row["planned_leaving_on"],
        }
        for row in rows
    ]


def current_stages(session: Session, refs: list[str], as_of: dt.date) -> dict[str, list[str]]:
    """For each person, "PROGRAMME stage" of their highest stage in each programme on `as_of`."""
    highest = highest_stages(as_of)
    query = (
        select(models.Person.ref, models.Programme.code, highest.c.rank)
        .join(models.Person, models.Person.id == highest.c.person_id)
        .join(models.Programme, models.Programme.id == highest.c.programme_id)
        .order_by(models.Person.ref, models.Programme.code)
    )
    if len(refs) < 500:
        query = query.where(models.Person.ref.in_(refs))
    result: dict[str, list[str]] = {}
    for ref, programme, best in session.execute(query):
        result.setdefault(ref, []).append(f"{programme} {STAGES[best - 1]}")
    return result


def organisations(session: Session, region: str | None = None) -> list[dict]:
    """Organisations (of one region, if given) with their number of people and of active people."""
    org, person = models.Organisation, models.Person
    active = func.sum(case((person.status == "active", 1), else_=0))
    query = (
        select(org.code, org.name, org.region, func.count(person.id), active)
        .outerjoin(person, person.organisation_id == org.id)
        .group_by(org.code, org.name, org.region)
        .order_by(org.code)
    )
    if region:
        query = query.where(org.region == region)
    return [
        {"code": code, "name": name, "region": reg, "people": total, "active": int(active_count or 0)}
        for code, name, reg, total, active_count in session.execute(query)
    ]


def programmes(session: Session) -> list[dict]:
    """Programmes with the number of people holding a stage in each."""
    programme, stage = models.Programme, models.Stage
    query = (
        select(programme.code, programme.name, func.count(func.distinct(stage.person_id)))
        .outerjoin(stage, stage.programme_id == programme.id)
        .group_by(programme.code, programme.name)
        .order_by(programme.code)
    )
    return [{"code": code, "name": name, "people": count} for code, name, count in session.execute(query)]


def show_organisation(session: Session, code: str) -> dict:
    """An organisation and its people."""
    return {**find_row(session, rt.ORGANISATION, code), "people": people(session, Filters(organisation=code))}


def show_person(
    session: Session, ref: str, *, as_of: dt.date | None = None, recent: int = 10, policy=None
) -> dict:
    """A person with their stages, supervisors, supervisees, recent sessions, CPD, retreats,
    courses, assessments, changes of status, and their compliance with the records that
    leave the window next."""
    from .compliance import person_compliance
    from .policy import default_policy

    as_of = as_of or dt.date.today()
    person = find_row(session, rt.PERSON, ref)
    region = session.execute(
        select(models.Organisation.region).where(models.Organisation.code == person["organisation"])
    ).scalar()
    year_ago = as_of - dt.timedelta(days=365)

    def mine(record_type, **kwargs):
        return list_records(session, record_type, Filters(person=ref, as_of=as_of, **kwargs))

    links = mine(rt.SUPERVISION, current=True)
    received = [row for row in sessions(session, Filters(person=ref, as_of=as_of)) if row["supervisee"] == ref]
    return {
        **person,
        "region": region,
        "stages": mine(rt.STAGE),
        "current_stages": current_stages(session, [ref], as_of).get(ref, []),
        "supervisors": [row for row in links if row["supervisee"] == ref],
        "supervisees": [row for row in links if row["supervisor"] == ref],
        "recent_sessions": received[:recent],
        "cpd": mine(rt.CPD, date_from=year_ago + dt.timedelta(days=1)),
        "retreats": mine(rt.RETREAT, date_from=year_ago + dt.timedelta(days=1)),
        "courses": mine(rt.COURSE)[:recent],
        "trained_by": [row for row in mine(rt.TRAINING) if row["trainee"] == ref],
        "trained": [row for row in mine(rt.TRAINING) if row["trainer"] == ref],
        "teaching_assessed": latest_levels(session, ref, as_of=as_of),
        # With their ids, which `amend status_history ID` and `remove` take.
        "status_history": mine(rt.STATUS_CHANGE),
        "compliance": person_compliance(session, ref, as_of=as_of, policy=policy or default_policy()),
    }


def sessions(session: Session, filters: Filters, *, notes_read_by: str | None = None) -> list[dict]:
    """Sessions held that meet the filters, newest first. Their confidential notes are left
    out unless `notes_read_by` names who reads them; that reading is audited."""
    if notes_read_by is not None:
        require_notes_readable(
            session, "show-notes", "a supervisor reads their own sessions' notes in the my_session_notes view"
        )
    if notes_read_by is not None and filters.person:
        # The reading's audit entry names the person: not someone being erased meanwhile.
        locks.hold_refs(session, [("person", filters.person)], kept=True, strict=True)
    rows = list_records(session, rt.SESSION, filters)
    if notes_read_by is None:
        for row in rows:
            row.pop("notes", None)
        return rows
    shown = {name: value for name, value in vars(filters).items() if value not in (None, False)}
    audit.record(
        session,
        actor=notes_read_by,
        action="read_notes",
        record_type="sessions",
        record_key="; ".join(f"{k}={v}" for k, v in shown.items()) or "all",
        person_ref=filters.person,
        details=f'{{"sessions": {len(rows)}}}',
    )
    return rows


def nominations(session: Session, *, programme: str | None = None, region: str | None = None) -> list[dict]:
    """Successor nominations by post, for one programme or region if given."""
    return list_records(session, rt.NOMINATION, Filters(programme=programme, region=region))


def names(session: Session) -> dict[str, str]:
    """Everybody's name by ref."""
    return dict(session.execute(select(models.Person.ref, models.Person.name)).all())
