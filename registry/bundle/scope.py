"""What a rule across records judges, and what it judges it against.

Every rule of bundle/agreement.py is a query over a `Scope`:

- `given(T)`: the records of type T the rule judges, in bundle terms (refs and codes),
  each with its `line`;
- `others(T)`: every record of type T they are judged against: the registry's (with
  `line` NULL), less those the given records replace (same key), and the given records
  themselves;
- `registry_only(T)`: the registry's part of `others(T)` alone.

Three scopes, so that one rule serves the command line, corrections, import and
`db check` alike:

- `for_record`: the one record of a command or a correction (line 0), against the
  registry less the record it replaces;
- `for_bundle`: the staged rows of an import (their lines), against the registry and the
  bundle together (rows of the bundle that could be read only in part stand for their
  record too, with what could be read, so that they hide the registry's);
- `for_registry`: every record of the registry (line: its id), against the registry.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Callable, Mapping

from sqlalchemy import Column, Date, cast, FromClause, Index, Integer, String, Table, exists, literal, null, select, union_all

from .. import recordtypes as rt
from .. import tables
from ..rows import with_refs
from .tables import TABLES, fill_stored_defaults, stored_fields

if TYPE_CHECKING:
    from ..session import Database
# The line of a record of the registry, which has none (typed, for PostgreSQL's UNIONs).
_NO_LINE = cast(null(), Integer)
# The columns looked up in each kind of record the rules judge against.
LOOKED_UP = {
    rt.PERSON.name: ("ref",),
    rt.ORGANISATION.name: ("code",),
    rt.STAGE.name: ("person", "programme"),
    rt.SUPERVISION.name: ("supervisor", "supervisee"),
}


# The counts the rules read: an outcome measured on no more participants than completed.
RULE_COUNTS = {"participants", "completed", "measured"}


def rule_fields(record_type: rt.RecordType) -> list[rt.Field]:
    """The fields the rules read: references, dates, short texts (never the notes) and
    the counts of RULE_COUNTS."""
    table = TABLES[record_type.name]
    return [
        spec
        for spec in stored_fields(record_type)
        if spec.refers_to
        or spec.name in RULE_COUNTS
        or (isinstance(table.c[spec.name].type, (String, Date)) and spec.name != "notes")
    ]


def _kind(record_type: rt.RecordType, spec: rt.Field):
    return String(64) if spec.refers_to else TABLES[record_type.name].c[spec.name].type


def registry_rows(record_type: rt.RecordType, *, line_is_id: bool = False):
    """The registry's records of a type, as the rules read them: references as refs and
    codes; `line` is NULL, or the record's id."""
    table = TABLES[record_type.name]
    source, selected = with_refs(table, rule_fields(record_type), prefix=table.name)
    line = (table.c.id if line_is_id else _NO_LINE).label("line")
    return select(line, table.c.id.label("id"), *selected).select_from(source)


def registry_co_teachers(*, line_is_id: bool = False):
    """The co-teachers of the registry's courses: line (NULL, or the course's id), code,
    person and the course's start_on."""
    course, co, people = tables.courses, tables.course_co_teachers, tables.people
    return (
        select(
            (course.c.id if line_is_id else _NO_LINE).label("line"),
            course.c.code,
            people.c.ref.label("person"),
            course.c.start_on,
        )
        .select_from(co)
        .join(course, course.c.id == co.c.course_id)
        .join(people, people.c.id == co.c.person_id)
    )


class Scope:
    """The records a rule judges (`given`) and those it judges them against (`others`)."""

    def __init__(
        self,
        db: Database,
        given: Mapping[str, FromClause],
        *,
        standing_in: Mapping[str, FromClause] | None = None,
        co_teachers: FromClause | None = None,
        replacing: tuple[str, int] | None = None,
        whole_registry: bool = False,
        materialise: Callable[..., Table] | None = None,
    ):
        self.db = db
        self._given = dict(given)
        # The rows that stand for their record against the registry's (the given ones by default).
        self._standing_in = dict(standing_in or given)
        self._co_teachers = co_teachers
        self._replacing = replacing
        self._whole_registry = whole_registry
        self._materialise = materialise
        self._others: dict[str, FromClause] = {}

    # --- the three scopes

    @classmethod
    def for_record(
        cls, db: Database, record_type: rt.RecordType, values: Mapping[str, Any], *, replacing_id: int | None = None
    ) -> "Scope":
        """One record of a command (or a correction replacing the record `replacing_id`)."""
        row = fill_stored_defaults(record_type, dict(values))
        columns = [literal(0, Integer).label("line")]
        columns += [literal(row.get(spec.name), _kind(record_type, spec)).label(spec.name) for spec in rule_fields(record_type)]
        given = {record_type.name: select(*columns).subquery(f"given_{TABLES[record_type.name].name}")}
        co_teachers = None
        if record_type is rt.COURSE and values.get("co_teachers"):
            rows = [
                select(
                    literal(0, Integer).label("line"),
                    literal(values["code"], String(64)).label("code"),
                    literal(ref, String(64)).label("person"),
                    literal(values["start_on"], Date).label("start_on"),
                )
                for ref in values["co_teachers"]
            ]
            co_teachers = union_all(*rows).subquery("given_co_teachers")
        replacing = (record_type.name, replacing_id) if replacing_id is not None else None
        return cls(db, given, co_teachers=co_teachers, replacing=replacing)

    @classmethod
    def for_bundle(cls, staging) -> "Scope":
        """The rows of a staged bundle that were read without a problem (one scope for
        each staging, whose temporary tables hold what it reads)."""
        if staging not in _BUNDLE_SCOPES:
            _BUNDLE_SCOPES[staging] = cls._of_bundle(staging)
        return _BUNDLE_SCOPES[staging]

    @classmethod
    def _of_bundle(cls, staging) -> "Scope":
        given = {name: staged.table for name, staged in staging.files.items()}
        standing_in = {staged.record_type.name: staging.readable(staged.record_type) for staged in staging.files.values()}
        co_teachers = None
        if staging.co_teachers is not None:
            co, courses = staging.co_teachers, staging.table(rt.COURSE)
            co_teachers = (
                select(co.c.line, co.c.code, co.c.person, courses.c.start_on)
                .join(courses, courses.c.line == co.c.line)
                .subquery("given_co_teachers")
            )
        return cls(staging.connection, given, standing_in=standing_in, co_teachers=co_teachers, materialise=staging.temporary_table)

    @classmethod
    def for_registry(cls, db: Database) -> "Scope":
        """Every record of the registry, each judged against the others."""
        given = {record_type.name: registry_rows(record_type, line_is_id=True).subquery(f"given_{TABLES[record_type.name].name}") for record_type in rt.ALL}
        co_teachers = registry_co_teachers(line_is_id=True).subquery("given_co_teachers")
        return cls(db, given, co_teachers=co_teachers, whole_registry=True)

    # --- what the rules read

    def given(self, record_type: rt.RecordType) -> FromClause | None:
        return self._given.get(record_type.name)

    def given_co_teachers(self) -> FromClause | None:
        """The co-teachers of the given courses: line, code, person, start_on."""
        return self._co_teachers

    def registry_only(self, record_type: rt.RecordType):
        """The registry's records of a type that no given record replaces (None when the
        given records are the registry's own)."""
        if self._whole_registry:
            return None
        rows = registry_rows(record_type).subquery()
        query = select(*[rows.c[name] for name in rows.c.keys() if name != "id"])
        standing_in = self._standing_in.get(record_type.name)
        if standing_in is not None:
            same_key = [standing_in.c[name] == rows.c[name] for name in record_type.key_columns]
            query = query.where(~exists().where(*same_key))
        if self._replacing and self._replacing[0] == record_type.name:
            query = query.where(rows.c.id != self._replacing[1])
        return query

    def registry_co_teachers_only(self):
        """The co-teachers of the registry's courses that no given course replaces."""
        rows = registry_co_teachers().subquery()
        query = select(rows)
        standing_in = self._standing_in.get(rt.COURSE.name)
        if standing_in is not None:
            query = query.where(~exists().where(standing_in.c.code == rows.c.code))
        return query

    def others(self, record_type: rt.RecordType) -> FromClause:
        """Every record of a type the given ones are judged against."""
        name = record_type.name
        if name not in self._others:
            self._others[name] = self._build_others(record_type)
        return self._others[name]

    def _build_others(self, record_type: rt.RecordType) -> FromClause:
        if self._whole_registry:
            return registry_rows(record_type, line_is_id=True).subquery(f"rules_{TABLES[record_type.name].name}")
        names = ["line"] + [spec.name for spec in rule_fields(record_type)]
        parts = [self.registry_only(record_type)]
        standing_in = self._standing_in.get(record_type.name)
        if standing_in is not None:
            parts.append(select(*[standing_in.c[name] for name in names]))
        rows = union_all(*parts) if len(parts) > 1 else parts[0]
        table_name = f"rules_{TABLES[record_type.name].name}"
        if self._materialise is None:
            return rows.subquery(table_name)
        columns = [Column("line", Integer)] + [Column(spec.name, _kind(record_type, spec)) for spec in rule_fields(record_type)]
        table = self._materialise(table_name, *columns)
        self.db.execute(table.insert().from_select(names, rows))
        looked_up = LOOKED_UP.get(record_type.name)
        if looked_up:
            Index(f"ix_{table_name}", *[table.c[name] for name in looked_up]).create(self.db)
        return table


_BUNDLE_SCOPES: "weakref.WeakKeyDictionary[Any, Scope]" = weakref.WeakKeyDictionary()
