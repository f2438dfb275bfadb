"""Reading rows of any record type, as the bundle writes them: references shown as
refs and codes, a course with its co-teachers. Every list, export and lookup reads here."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, Iterator

from sqlalchemy import FromClause, Table, func, select

from . import recordtypes as rt
from .bundle.tables import REFERENCED, SEPARATE, TABLES, column_for, stored_fields
from .errors import Invalid, NotFound
from .session import dialect_name, transaction_cache
from .tables import course_co_teachers, people

if TYPE_CHECKING:
    from .session import Database


def bundle_rows(session: Database, record_type: rt.RecordType) -> Iterator[dict[str, Any]]:
    """The records of one type as bundle rows (references as refs and codes), sorted by key."""
    return rows_where(session, record_type)


def rows_where(session: Database, record_type: rt.RecordType, *conditions) -> Iterator[dict[str, Any]]:
    """Like bundle_rows, for the records that meet `conditions` on the record's table."""
    table = TABLES[record_type.name]
    hidden = {"notes"} if record_type is rt.SESSION and not notes_readable(session) else set()
    query_from, selected = with_refs(table, [spec for spec in stored_fields(record_type) if spec.name not in hidden])
    by_name = {column.name: column for column in selected}
    order = [by_name[name] for name in record_type.key_columns]
    query = select(table.c.id, *selected).select_from(query_from).where(*conditions).order_by(*order)
    co_teachers = _co_teachers(session) if record_type is rt.COURSE else None
    for row in session.execute(query).mappings():
        values = {"id": row["id"], **{spec.name: row.get(spec.name) for spec in record_type.fields if spec.name in row or spec.name in SEPARATE}}
        if co_teachers is not None:
            values["co_teachers"] = co_teachers.get(row["id"], [])
        yield values


def with_refs(table: Table, fields: list[rt.Field], prefix: str = "ref") -> tuple[FromClause, list]:
    """`table` joined to the records its references point at, and a column for each of
    `fields`, named as the field: references as refs and codes, other values as stored."""
    query_from: FromClause = table
    selected = []
    for spec in fields:
        if spec.refers_to:
            ref_table, key = REFERENCED[spec.refers_to]
            alias = ref_table.alias(f"{prefix}_{spec.name}")
            query_from = query_from.outerjoin(alias, alias.c.id == table.c[column_for(spec)])
            selected.append(alias.c[key].label(spec.name))
        else:
            selected.append(table.c[spec.name].label(spec.name))
    return query_from, selected


def notes_readable(session: Database) -> bool:
    """Whether this connection may read the sessions' confidential notes (on PostgreSQL a
    supervisor's role may not: rows are then read without them)."""
    rights = transaction_cache(session, "login_rights")
    if "notes_readable" not in rights:
        readable = dialect_name(session) != "postgresql" or session.execute(
            select(func.has_column_privilege("supervision_sessions", "notes", "SELECT"))
        ).scalar()
        rights["notes_readable"] = bool(readable)
    return rights["notes_readable"]


def require_notes_readable(session: Database, what: str, why: str) -> None:
    """Refuse `what`, before anything is read or written, when this connection may not
    read the sessions' confidential notes (governance and supervisors on PostgreSQL)."""
    if not notes_readable(session):
        raise Invalid(f"{what}: this database login may not read session notes ({why})")


def _co_teachers(session: Database) -> dict[int, list[str]]:
    co = course_co_teachers.c
    result: dict[int, list[str]] = defaultdict(list)
    query = select(co.course_id, people.c.ref).join(people, people.c.id == co.person_id)
    for course_id, ref in session.execute(query.order_by(co.course_id, people.c.ref)):
        result[course_id].append(ref)
    return result


def find_row(session: Database, record_type: rt.RecordType, key: str, *, with_id: bool = False) -> dict:
    """One keyed record (a person, organisation, programme or course: named by its ref or
    code, its integer id kept inside unless `with_id`) as bundle values, or NotFound."""
    (key_name,) = record_type.key_columns
    table = TABLES[record_type.name]
    rows = list(rows_where(session, record_type, table.c[key_name] == key))
    if not rows:
        raise NotFound(f"{key_name}: no {record_type.name} {key!r} in the registry")
    if not with_id:
        del rows[0]["id"]
    return rows[0]
