"""Merging a checked, staged bundle into the registry, one record type at a time, each
by a few set-based statements: a staged row that matches a record by its key updates it
when a value differs, any other is added."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Column, Integer, Select, Table, func, insert, or_, select, update

from .. import models
from .. import recordtypes as rt
from ..rows import rows_where
from .staging import Staged, Staging
from .tables import REFERENCED, TABLES, column_for, stored_fields


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Change:
    """An existing record that the import changed: its bundle values before and after."""

    record_type: rt.RecordType
    before: dict
    after: dict


@dataclass
class ImportResult:
    dry_run: bool
    counts: dict[str, Counts] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    # Rows equal to rows that corrections retired, by file: skipped, or restored.
    retired: dict[str, int] = field(default_factory=dict)
    # What the bundle's records do not say by themselves (sessions that do not count, ...).
    warnings: list[str] = field(default_factory=list)

    def as_rows(self) -> list[dict]:
        return [
            {"file": name, "added": c.added, "updated": c.updated, "unchanged": c.unchanged}
            for name, c in self.counts.items()
        ]


def merge(staging: Staging, dry_run: bool) -> ImportResult:
    """Merge every staged file in bundle order (or, in a dry run, only count what would change)."""
    result = ImportResult(dry_run=dry_run)
    for record_type in rt.ALL:
        staged = staging.files.get(record_type.name)
        if staged is not None:
            result.counts[record_type.file] = merge_staged(staging, staged, dry_run, result.changes)
            if staged.matched_retired:
                result.retired[record_type.file] = len(staged.matched_retired)
    return result


def merge_staged(staging: Staging, staged: Staged, dry_run: bool, changes: list[Change] | None = None) -> Counts:
    """Merge one staged file into its table; each existing record changed is added to `changes`."""
    record_type, connection = staged.record_type, staging.connection
    target = TABLES[record_type.name]
    if connection.execute(select(target.c.id).limit(1)).first() is None:
        return _insert_into_empty(staging, staged, target, dry_run)
    resolved = _resolve(staging, staged, target)
    value_columns = [column_for(spec) for spec in stored_fields(record_type) if spec.name in staged.present]
    differs = or_(*[target.c[c].is_distinct_from(resolved.c[c]) for c in value_columns])
    new = resolved.c.match_id.is_(None)
    added = connection.execute(select(func.count()).select_from(resolved).where(new)).scalar_one()
    changed = select(target.c.id).join(resolved, target.c.id == resolved.c.match_id).where(~new, differs)
    changed_ids = set(connection.scalars(changed))
    co_teachers_given = record_type is rt.COURSE and "co_teachers" in staged.present
    if co_teachers_given:
        changed_ids |= _courses_with_other_co_teachers(staging, resolved)
    counts = Counts(added=added, updated=len(changed_ids), unchanged=staged.rows - added - len(changed_ids))
    if dry_run:
        return counts
    before = _rows_by_id(connection, record_type, changed_ids)
    if changed_ids:
        if record_type is rt.PERSON and "email" in staged.present:
            _clear_moving_emails(staging, resolved, target)
        values = {c: resolved.c[c] for c in value_columns}
        connection.execute(update(target).where(target.c.id == resolved.c.match_id, differs).values(values))
    if added:
        every = [column_for(spec) for spec in stored_fields(record_type)]
        connection.execute(insert(target).from_select(every, select(*[resolved.c[c] for c in every]).where(new)))
    if co_teachers_given:
        _replace_co_teachers(staging)
    if changes is not None and before:
        after = _rows_by_id(connection, record_type, changed_ids)
        changes.extend(Change(record_type, before[i], after[i]) for i in sorted(before))
    return counts


def _rows_by_id(connection, record_type: rt.RecordType, ids: set[int]) -> dict[int, dict]:
    """Bundle rows of the records with `ids`, by id."""
    table, ordered, found = TABLES[record_type.name], sorted(ids), {}
    for start in range(0, len(ordered), 10_000):
        chunk = ordered[start : start + 10_000]
        found.update((row["id"], row) for row in rows_where(connection, record_type, table.c.id.in_(chunk)))
    return found


def _clear_moving_emails(staging: Staging, resolved: Table, target: Table) -> None:
    """Two people may swap emails: clear the changing ones first, or the unique
    constraint would see a duplicate halfway through."""
    moving = (
        select(resolved.c.match_id)
        .join(target, target.c.id == resolved.c.match_id)
        .where(target.c.email.is_distinct_from(resolved.c.email))
    )
    staging.connection.execute(update(target).where(target.c.id.in_(moving)).values(email=None))


def _insert_into_empty(staging: Staging, staged: Staged, target: Table, dry_run: bool) -> Counts:
    """The common first import: every row is new, so no matching is needed."""
    if not dry_run:
        rows = _resolved_rows(staged)
        names = [c.name for c in rows.selected_columns if c.name != "line"]
        chosen = rows.with_only_columns(*[rows.selected_columns[n] for n in names])
        staging.connection.execute(insert(target).from_select(names, chosen))
        if staged.record_type is rt.COURSE:
            _replace_co_teachers(staging)
    return Counts(added=staged.rows)


def _resolved_rows(staged: Staged) -> Select:
    """Staged rows with their references turned into ids."""
    source = staged.table
    selected = [source.c.line]
    for spec in stored_fields(staged.record_type):
        if spec.refers_to:
            ref_table, key = REFERENCED[spec.refers_to]
            expression = select(ref_table.c.id).where(ref_table.c[key] == source.c[spec.name]).scalar_subquery()
        else:
            expression = source.c[spec.name]
        selected.append(expression.label(column_for(spec)))
    return select(*selected)


def _resolve(staging: Staging, staged: Staged, target: Table) -> Table:
    """A temporary table of the staged rows, references turned into ids, each with the id
    of the record it matches (match_id, None for a new one)."""
    inner = _resolved_rows(staged).subquery("resolved_rows")
    key_columns = [column_for(staged.record_type.by_name[k]) for k in staged.record_type.key_columns]
    match = (
        select(target.c.id)
        .where(*[target.c[k] == inner.c[k] for k in key_columns])
        .scalar_subquery()
        .label("match_id")
    )
    resolved = staging.temporary_table(
        f"resolved_{target.name}",
        Column("line", Integer),
        *[Column(c.name, target.c[c.name].type) for c in inner.c if c.name != "line"],
        Column("match_id", Integer),
    )
    staging.connection.execute(insert(resolved).from_select([c.name for c in resolved.c], select(*inner.c, match)))
    return resolved


def _courses_with_other_co_teachers(staging: Staging, resolved: Table) -> set[int]:
    """The matched courses whose co-teachers in the bundle differ from the registry's."""
    course, co, people = models.Course.__table__, models.CourseCoTeacher.__table__, models.Person.__table__
    registry_sets: dict[int, set[str]] = defaultdict(set)
    in_registry = (
        select(co.c.course_id, people.c.ref)
        .join(people, people.c.id == co.c.person_id)
        .join(resolved, resolved.c.match_id == co.c.course_id)
    )
    for course_id, ref in staging.connection.execute(in_registry):
        registry_sets[course_id].add(ref)
    bundle_sets: dict[int, set[str]] = defaultdict(set)
    staged = staging.co_teachers
    in_bundle = select(course.c.id, staged.c.person).join(course, course.c.code == staged.c.code)
    for course_id, ref in staging.connection.execute(in_bundle):
        bundle_sets[course_id].add(ref)
    matched = set(staging.connection.scalars(select(resolved.c.match_id).where(resolved.c.match_id.is_not(None))))
    return {course_id for course_id in matched if registry_sets[course_id] != bundle_sets[course_id]}


def _replace_co_teachers(staging: Staging) -> None:
    course, co, people = models.Course.__table__, models.CourseCoTeacher.__table__, models.Person.__table__
    courses, staged = staging.table(rt.COURSE), staging.co_teachers
    in_bundle = select(course.c.id).join(courses, courses.c.code == course.c.code)
    staging.connection.execute(co.delete().where(co.c.course_id.in_(in_bundle)))
    pairs = (
        select(course.c.id, people.c.id)
        .select_from(staged)
        .join(course, course.c.code == staged.c.code)
        .join(people, people.c.ref == staged.c.person)
    )
    staging.connection.execute(insert(co).from_select(["course_id", "person_id"], pairs))
