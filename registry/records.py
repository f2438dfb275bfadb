"""Adding and changing records, one at a time, as the commands do.

Every write goes through the validation layer and leaves an audit entry. Functions
take a Session or a Core Connection and never commit: the caller owns the transaction,
so a refused command writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, Mapping

from sqlalchemy import and_, func, insert, select, update

from . import audit, fields, history, locks, tables
from . import recordtypes as rt
from .bundle import agreement
from .bundle.checks import email_held_by_another, lineage_cycles, region_unknown, stage_book
from .bundle.scope import Scope
from .bundle.tables import REFERENCED, TABLES, column_for, fill_stored_defaults, stored_fields
from .errors import Conflict, Invalid, NotFound
from .lineage_guard import hold_lineages, refuse_stored_loop, registry_lineage
from .rows import find_row
from .validate import (
    IN_SERVICE_STATUSES,
    STAGE_NEEDED,
    describe_key,
    email_taken,
    missing_reference,
    read_record,
    registry_errors,
    unknown_region,
)

if TYPE_CHECKING:
    from .session import Database


def add_record(
    session: Database,
    record_type: rt.RecordType,
    raw: Mapping[str, Any],
    *,
    actor: str,
    today: dt.date | None = None,
    reason: str | None = None,
) -> dict:
    """Check and add one record given as bundle-style values; returns its checked values."""
    values = read_record(record_type, raw, today or dt.date.today())
    row, co_teacher_ids = _resolve(session, record_type, values)
    _hold(session, record_type, values, row, co_teacher_ids)
    _check_registry_rules(session, record_type, values)
    _refuse_duplicate(session, record_type, values, row)
    table = TABLES[record_type.name]
    record_id = session.execute(insert(table).values(row).returning(table.c.id)).scalar_one()
    if co_teacher_ids:
        session.execute(
            insert(tables.course_co_teachers),
            [{"course_id": record_id, "person_id": person_id} for person_id in co_teacher_ids],
        )
    if record_type is rt.PERSON:
        history.reconcile(session, today=today, person_ids=[record_id])
    audit.record_change(
        session, actor=actor, action="add", record_type=record_type, values=values,
        after=audit.snapshot(record_type, values), reason=reason,
    )
    return values


def replace_record(
    session: Database,
    record_type: rt.RecordType,
    current: Mapping[str, Any],
    changes: Mapping[str, Any],
    *,
    today: dt.date | None = None,
) -> dict:
    """Check the record `current` (a row with its id) with `changes` applied as a new
    record is checked, and store it in place; returns the checked values. Not audited:
    the caller records the correction."""
    values = read_record(record_type, {**current, **_returning(record_type, changes)}, today or dt.date.today())
    row, co_teacher_ids = _resolve(session, record_type, values)
    _hold(session, record_type, values, row, co_teacher_ids, replacing=current)
    _check_registry_rules(session, record_type, values, replacing=current)
    _refuse_duplicate(session, record_type, values, row, except_id=current["id"])
    table = TABLES[record_type.name]
    # A field this login could not read (a supervisor's notes) keeps its stored value.
    known = [spec for spec in stored_fields(record_type) if spec.name in current or spec.name in changes]
    stored = {column_for(spec): row[column_for(spec)] for spec in known}
    changed = session.execute(update(table).where(table.c.id == current["id"]).values(stored))
    if changed.rowcount != 1:
        raise Conflict(_not_yours(record_type, current["id"]))
    if record_type is rt.COURSE:
        _replace_co_teachers(session, current["id"], co_teacher_ids)
    return values


def delete_record(session: Database, record_type: rt.RecordType, record_id: int) -> None:
    """Delete one record, or Conflict naming the records that depend on it."""
    table = TABLES[record_type.name]
    dependants = []
    for other in tables.metadata.sorted_tables:
        if other is tables.course_co_teachers:
            continue
        for key in other.foreign_keys:
            if key.column is table.c.id:
                count = session.execute(select(func.count()).where(key.parent == record_id)).scalar_one()
                if count:
                    dependants.append(f"{count} in {other.name}")
    if dependants:
        raise Conflict(f"id: {record_id} is referred to by records ({', '.join(dependants)}); remove those first")
    if record_type is rt.COURSE:
        _replace_co_teachers(session, record_id, [])
    if session.execute(table.delete().where(table.c.id == record_id)).rowcount != 1:
        raise Conflict(_not_yours(record_type, record_id))


def _hold(
    session: Database,
    record_type: rt.RecordType,
    values: Mapping[str, Any],
    row: Mapping[str, Any],
    co_teacher_ids: list[int],
    replacing: Mapping[str, Any] | None = None,
) -> None:
    """Lock the people a record names until the transaction ends, and refuse it when one
    of them is erased (see locks); a record `replacing` another may keep naming the
    erased people it named, but an erased supervisee's session keeps no notes."""
    if record_type is rt.PERSON:
        if replacing is not None:
            locks.hold_people(session, [("ref", replacing["ref"], replacing["id"])], alone=True)
        return
    ids = {spec.name: co_teacher_ids if spec.name == "co_teachers" else row[column_for(spec)]
           for spec in record_type.fields if spec.refers_to == "person"}
    named = locks.people_named(record_type, values, ids)
    before = {name: value if isinstance(value, (list, tuple)) else [value] for name, value in (replacing or {}).items()}
    kept = [person_id for name, ref, person_id in named if ref in before.get(name, [])]
    erased = locks.hold_people(session, named, kept=kept)
    if record_type is rt.SESSION and values.get("notes") and row["supervisee_id"] in erased:
        raise Conflict(f"notes: {values['supervisee']!r} has been erased; their sessions keep no notes")


def hold_people_of(session: Database, record_type: rt.RecordType, values: Mapping[str, Any]) -> None:
    """Lock the people an existing record names (to remove or end it); refused when one
    of them was erased since the record was read."""
    row, co_teacher_ids = _resolve(session, record_type, values)
    _hold(session, record_type, values, row, co_teacher_ids, replacing=values)


def _not_yours(record_type: rt.RecordType, record_id: int) -> str:
    """Row-level security hid the record from this change: a supervisor corrects only their own sessions."""
    return (
        f"id: {record_type.type_name} record {record_id} cannot be changed by this database login "
        "(a supervisor may correct only the sessions they held)"
    )


def _replace_co_teachers(session: Database, course_id: int, person_ids: list[int]) -> None:
    co = tables.course_co_teachers
    session.execute(co.delete().where(co.c.course_id == course_id))
    if person_ids:
        session.execute(insert(co), [{"course_id": course_id, "person_id": i} for i in person_ids])


def update_record(
    session: Database,
    record_type: rt.RecordType,
    key: str,
    changes: Mapping[str, Any],
    *,
    actor: str,
    action: str = "update",
    today: dt.date | None = None,
    on: Any = None,
) -> dict | None:
    """Change fields of a record with a code or ref (organisation, programme, person, course);
    returns its values, or None when they were already as asked (nothing is written). A
    change of a person's status or organisation is added to their history on `on` (their
    left_on when they leave; default today)."""
    (key_name,) = record_type.key_columns
    current = find_row(session, record_type, key, with_id=True)
    changed = {name: value for name, value in changes.items() if value is not None}
    unknown = set(changed) - set(record_type.columns) - {key_name}
    if unknown:
        raise Invalid(f"{sorted(unknown)[0]}: not a field of a {record_type.name}")
    merged = {**current, **_returning(record_type, changed)}
    values = read_record(record_type, merged, today or dt.date.today())
    row, co_teacher_ids = _resolve(session, record_type, values)
    table = TABLES[record_type.name]
    _hold(session, record_type, values, row, co_teacher_ids, replacing=current)
    _check_registry_rules(session, record_type, values, replacing=current)
    differences = {
        name: [audit.plain(current.get(name)), audit.plain(values.get(name))]
        for name in record_type.columns
        if audit.plain(current.get(name)) != audit.plain(values.get(name))
    }
    if not differences:
        return None
    stored = {column_for(spec): row[column_for(spec)] for spec in stored_fields(record_type)}
    session.execute(update(table).where(table.c[key_name] == key).values(stored))
    if record_type is rt.COURSE and "co_teachers" in differences:
        _replace_co_teachers(session, current["id"], co_teacher_ids)
    if record_type is rt.PERSON:
        _add_history(session, key, current["id"], values, row, differences, on, today or dt.date.today())
    audit.record_change(
        session, actor=actor, action=action, record_type=record_type, values=values, details=json.dumps(differences),
        before=audit.snapshot(record_type, current), after=audit.snapshot(record_type, values),
    )
    return values


def _add_history(session: Database, ref: str, person_id: int, values, row, differences, on, today: dt.date) -> None:
    """A change of status or organisation, added to the person's history on its day."""
    day = fields.date("on", on)
    if "status" not in differences and "organisation" not in differences:
        if day is not None:
            raise Invalid(f"on: {day.isoformat()} dates a change of status or organisation, and neither changes")
        return
    if "status" in differences and values["status"] in history.GONE:
        day = values["left_on"]
    history.record_change(
        session, person_id, day or today, values["status"], row["organisation_id"], ref=ref, today=today
    )


def leave(session: Database, ref: str, *, on: Any, status: str, actor: str, today: dt.date | None = None) -> dict:
    """Record that a person has left or retired on a date."""
    if status not in ("left", "retired"):
        raise Invalid(f"status: {status!r} is not one of left, retired")
    return update_record(
        session, rt.PERSON, ref, {"status": status, "left_on": on}, actor=actor, action="leave", today=today
    )


def _resolve(session: Database, record_type: rt.RecordType, values: Mapping[str, Any]) -> tuple[dict, list[int]]:
    """The table row for checked values, references turned into ids (or NotFound naming
    each missing one), and the ids of a course's co-teachers."""
    row: dict[str, Any] = {}
    co_teacher_ids: list[int] = []
    missing: list[str] = []
    for spec in record_type.fields:
        value = values.get(spec.name)
        if spec.name == "co_teachers":
            for ref in value or []:
                found = reference_id(session, "person", ref)
                if found is None:
                    missing.append(missing_reference("co_teachers", "person", ref))
                co_teacher_ids.append(found)
        elif spec.refers_to:
            found = None if value is None else reference_id(session, spec.refers_to, value)
            if value is not None and found is None:
                missing.append(missing_reference(spec.name, spec.refers_to, value))
            row[column_for(spec)] = found
        else:
            row[spec.name] = value
    fill_stored_defaults(record_type, row)
    if missing:
        raise NotFound("; ".join(missing))
    return row, co_teacher_ids


def reference_id(session: Database, kind: str, key: str) -> int | None:
    table, column = REFERENCED[kind]
    return session.execute(select(table.c.id).where(table.c[column] == key)).scalar()


def _returning(record_type: rt.RecordType, changes: Mapping[str, Any]) -> Mapping[str, Any]:
    """`changes`, with left_on cleared when they return a person to the service (a
    status of someone still in it) without saying when they left."""
    status = str(changes.get("status") or "").strip().lower()
    if record_type is rt.PERSON and status in IN_SERVICE_STATUSES and "left_on" not in changes:
        return {**changes, "left_on": None}
    return changes


def _check_registry_rules(
    session: Database, record_type: rt.RecordType, values: Mapping[str, Any], replacing: Mapping[str, Any] | None = None
) -> None:
    """The rules across records that one new record (or one `replacing` another) must
    keep (bundle.checks and bundle.agreement hold them)."""
    if record_type is rt.PERSON and values["email"]:
        _refuse_taken_email(session, values["email"], values["ref"])
    if record_type is rt.NOMINATION and session.execute(select(region_unknown(values["region"]))).scalar():
        raise NotFound(unknown_region(values["region"]))
    problems = []
    if record_type in STAGE_NEEDED:
        someone = values[STAGE_NEEDED[record_type][0]]
        book = stage_book(session, people=[someone], programme=values["programme"])
        problems = list(registry_errors(record_type, values, book))
        if record_type is rt.TRAINING and not problems:
            hold_lineages(session, [values["programme"]])  # until the command ends: see lineage_guard
            edges = registry_lineage(session, values["programme"])
            if replacing is not None:
                _drop_replaced_edge(session, edges, replacing)
            refuse_stored_loop(session, edges)
            edges[values["programme"]][(values["trainer"], values["trainee"])] = 1
            problems.extend(message for _, message in lineage_cycles(edges))
    scope = Scope.for_record(session, record_type, values, replacing_id=replacing["id"] if replacing else None)
    problems.extend(message for _, _, message in agreement.errors(scope))
    if problems:
        raise Invalid("; ".join(problems))


def _drop_replaced_edge(session: Database, edges: dict, replaced: Mapping[str, Any]) -> None:
    """Leave out of `edges` the trainer -> trainee edge of a training record being
    replaced, unless another training record holds the same edge."""
    training = TABLES[rt.TRAINING.name]
    same_pair = [
        training.c.trainer_id == reference_id(session, "person", replaced["trainer"]),
        training.c.trainee_id == reference_id(session, "person", replaced["trainee"]),
        training.c.programme_id == reference_id(session, "programme", replaced["programme"]),
        training.c.id != replaced["id"],
    ]
    if session.execute(select(func.count()).where(*same_pair)).scalar_one() == 0:
        edges.get(replaced["programme"], {}).pop((replaced["trainer"], replaced["trainee"]), None)


def _refuse_taken_email(session: Database, email: str, ref: str) -> None:
    holder = session.execute(select(tables.people.c.ref).where(email_held_by_another(email, ref))).scalar()
    if holder:
        raise Conflict(email_taken(email, holder))


def _refuse_duplicate(
    session: Database, record_type: rt.RecordType, values: Mapping[str, Any], row: dict, except_id: int | None = None
) -> None:
    table = TABLES[record_type.name]
    key_columns = [column_for(record_type.by_name[name]) for name in record_type.key_columns]
    same = [table.c[column] == row[column] for column in key_columns]
    if except_id is not None:
        same.append(table.c.id != except_id)
    found = session.execute(select(table.c.id).where(and_(*same))).scalar()
    if found is not None:
        raise Conflict(f"already recorded: the {describe_key(record_type, values)}")
