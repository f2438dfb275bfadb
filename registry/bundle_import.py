"""Importing a bundle: every file read and checked, then written all or nothing.

Rows are read and checked one by one with the validation layer, and kept in
temporary staging tables rather than in memory. The rules that span records
(references, duplicates, unique emails, stages, the lineage) are then checked
against staging and the registry together, mostly as SQL. Only when nothing is
wrong are the staged rows merged into the registry, one record type at a time,
each by a few set-based statements. The caller owns the transaction: a failed
import raises before anything is merged, and the caller rolls back.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    exists,
    func,
    Index,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from . import audit, models
from . import recordtypes as rt
from .bundle_tables import REFERENCED, TABLES, column_for, stored_fields
from .errors import Invalid, RegistryError
from .validate import RECORD_RULES, StageBook, cycle_message, lineage_cycle, record_errors, registry_errors, unknown_region

BATCH = 5_000
# The record types that others refer to, and the name their references use.
REFERRED_TO = {rt.PERSON.name: "person", rt.ORGANISATION.name: "organisation", rt.PROGRAMME.name: "programme"}
Progress = Callable[[str, int], None]


class ImportFailed(RegistryError):
    """The bundle has errors; nothing was written. `errors` lists them as FILE:LINE: message."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"the bundle has {len(errors)} error(s); nothing was imported")


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    dry_run: bool
    counts: dict[str, Counts] = field(default_factory=dict)

    def as_rows(self) -> list[dict]:
        return [
            {"file": name, "added": c.added, "updated": c.updated, "unchanged": c.unchanged}
            for name, c in self.counts.items()
        ]


@dataclass
class _Staged:
    record_type: rt.RecordType
    table: Table
    rows: int = 0
    # The file's columns: an optional column left out leaves stored values alone.
    present: frozenset[str] = frozenset()


def import_bundle(
    session: Session,
    directory: str | Path,
    *,
    actor: str,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Read, check and (unless `dry_run`) write a bundle. Raises ImportFailed on any error."""
    directory = Path(directory)
    if not directory.is_dir():
        raise Invalid(f"bundle: {str(directory)!r} is not a folder")
    today = today or dt.date.today()
    importer = _Importer(session, today, progress)
    # On failure the caller rolls back, which also removes the staging tables.
    importer.stage_files(directory)
    importer.check_across_records()
    if importer.errors:
        raise ImportFailed(importer.sorted_errors())
    result = importer.merge(dry_run)
    importer.drop_staging()
    if not dry_run:
        audit.record(
            session,
            actor=actor,
            action="import",
            record_type="bundle",
            record_key=str(directory.resolve()),
            details=json.dumps({name: vars(c) for name, c in result.counts.items()}),
        )
    return result


class _Importer:
    def __init__(self, session: Session, today: dt.date, progress: Progress | None):
        self.session = session
        self.connection = session.connection()
        self.today = today
        self.progress = progress
        self.errors: list[str] = []
        self.staged: dict[str, _Staged] = {}
        self.metadata = MetaData()
        self.co_teachers: Table | None = None
        # Records that others refer to, whose rows (or whole file) could not be read:
        # references to them are not reported again as dangling.
        self.unreadable: dict[str, set[str]] = defaultdict(set)
        self.unreadable_files: set[str] = set()

    def sorted_errors(self) -> list[str]:
        """Errors in bundle order: by file as read, then by line."""
        order = {record_type.file: index for index, record_type in enumerate(rt.ALL)}

        def position(message: str):
            file, _, rest = message.partition(":")
            line = rest.split(":", 1)[0]
            return (order.get(file, -1), int(line) if line.isdigit() else 0)

        return sorted(self.errors, key=position)

    # reading ------------------------------------------------------------

    def stage_files(self, directory: Path) -> None:
        known = {record_type.file for record_type in rt.ALL}
        for path in sorted(directory.iterdir()):
            if path.suffix.lower() == ".csv" and path.name not in known:
                self.errors.append(
                    f"{path.name}:1: not a bundle file (expected one of: {', '.join(sorted(known))})"
                )
        for record_type in rt.ALL:
            path = directory / record_type.file
            if path.is_file():
                self._stage_file(record_type, path)

    def _stage_file(self, record_type: rt.RecordType, path: Path) -> None:
        errors_before = len(self.errors)
        self._read_file(record_type, path)
        if len(self.errors) > errors_before and record_type.name in REFERRED_TO and record_type.name not in self.staged:
            self.unreadable_files.add(REFERRED_TO[record_type.name])

    def _read_file(self, record_type: rt.RecordType, path: Path) -> None:
        text = _read_text(path, self.errors)
        if text is None:
            return
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            self.errors.append(f"{record_type.file}:1: {_csv_problem(exc)}")
            return
        if header is None:
            return
        columns = self._check_header(record_type, [cell.strip() for cell in header])
        if columns is None:
            return
        staged = self._staging_table(record_type)
        staged.present = frozenset(columns)
        position = {name: index for index, name in enumerate(columns)}
        plan = [(spec.name, spec.parse, spec.required, position.get(spec.name)) for spec in record_type.fields]
        width = len(columns)
        file = record_type.file
        is_cpd, is_course = record_type is rt.CPD, record_type is rt.COURSE
        checks_records = bool(record_type.past_only) or record_type.name in RECORD_RULES
        batch: list[dict] = []
        co_batch: list[dict] = []
        start = reader.line_num + 1
        for cells in _rows(reader, record_type.file, self.errors):
            line, start = start, reader.line_num + 1
            if len(cells) > width:
                self.errors.append(f"{file}:{line}: {len(cells)} cells, but the header has {width}")
                continue
            if not any(cells) or not "".join(cells).strip():
                continue
            values: dict = {}
            problems: list[str] = []
            for name, parse, required, index in plan:
                raw = cells[index] if index is not None and index < len(cells) else None
                try:
                    value = parse(name, raw)
                except Invalid as exc:
                    problems.append(str(exc))
                    value = None
                else:
                    if value is None and required:
                        problems.append(f"{name}: a value is required")
                values[name] = value
            if not problems and checks_records:
                problems = list(record_errors(record_type, values, self.today))
            if problems:
                self.errors.extend(f"{file}:{line}: {problem}" for problem in problems)
                if record_type.name in REFERRED_TO:
                    key = cells[plan[0][3]].strip() if plan[0][3] is not None and plan[0][3] < len(cells) else ""
                    self.unreadable[REFERRED_TO[record_type.name]].add(key)
                continue
            if is_cpd and values["description"] is None:
                values["description"] = ""
            if is_course:
                for ref in values.pop("co_teachers") or []:
                    co_batch.append({"line": line, "code": values["code"], "person": ref})
            values["line"] = line
            batch.append(values)
            if len(batch) >= BATCH:
                self._flush(staged, batch, co_batch)
        self._flush(staged, batch, co_batch)
        Index(f"ix_{staged.table.name}_key", *[staged.table.c[k] for k in record_type.key_columns]).create(
            self.connection
        )

    def _check_header(self, record_type: rt.RecordType, header: list[str]) -> list[str] | None:
        problems = []
        expected = record_type.columns
        for name in header:
            if name not in expected:
                problems.append(f"unknown column {name!r} (expected: {', '.join(expected)})")
        for name in {n for n in header if header.count(n) > 1}:
            problems.append(f"column {name!r} appears twice")
        for name in record_type.required_columns:
            if name not in header:
                problems.append(f"missing required column {name!r}")
        self.errors.extend(f"{record_type.file}:1: {problem}" for problem in problems)
        return None if problems else header

    def _staging_table(self, record_type: rt.RecordType) -> _Staged:
        target = TABLES[record_type.name]
        columns = [Column("line", Integer, nullable=False)]
        for spec in stored_fields(record_type):
            if spec.refers_to:
                columns.append(Column(spec.name, String(64)))
            else:
                columns.append(Column(spec.name, target.c[spec.name].type))
        table = Table(f"stage_{target.name}", self.metadata, *columns, prefixes=["TEMPORARY"])
        table.create(self.connection)
        staged = self.staged[record_type.name] = _Staged(record_type, table)
        if record_type is rt.COURSE:
            self.co_teachers = Table(
                "stage_co_teachers",
                self.metadata,
                Column("line", Integer, nullable=False),
                Column("code", String(64)),
                Column("person", String(64)),
                prefixes=["TEMPORARY"],
            )
            self.co_teachers.create(self.connection)
        return staged

    def _flush(self, staged: _Staged, batch: list[dict], co_batch: list[dict]) -> None:
        if batch:
            _insert_many(self.connection, staged.table, batch)
            staged.rows += len(batch)
            if self.progress:
                self.progress(staged.record_type.file, len(batch))
            batch.clear()
        if co_batch:
            _insert_many(self.connection, self.co_teachers, co_batch)
            co_batch.clear()

    def drop_staging(self) -> None:
        for table in reversed(self.metadata.sorted_tables):
            table.drop(self.connection, checkfirst=False)

    # checks across records ----------------------------------------------

    def check_across_records(self) -> None:
        found: list[tuple[int, int, str]] = []
        order = {record_type.name: index for index, record_type in enumerate(rt.ALL)}
        for name, staged in self.staged.items():
            for line, message in self._duplicates(staged):
                found.append((order[name], line, f"{staged.record_type.file}:{line}: {message}"))
            for line, message in self._dangling_references(staged):
                found.append((order[name], line, f"{staged.record_type.file}:{line}: {message}"))
        for line, message in self._unknown_regions():
            found.append((order["nomination"], line, f"nominations.csv:{line}: {message}"))
        for line, message in self._duplicate_emails():
            found.append((order["person"], line, f"people.csv:{line}: {message}"))
        for name, line, message in self._stage_rules():
            found.append((order[name], line, message))
        found.sort()
        self.errors.extend(message for _, _, message in found)

    def _duplicates(self, staged: _Staged) -> Iterator[tuple[int, str]]:
        table = staged.table
        first = table.alias("first")
        keys = staged.record_type.key_columns
        same_key = and_(*[first.c[k] == table.c[k] for k in keys])
        query = (
            select(table.c.line, func.min(first.c.line))
            .join(first, and_(same_key, first.c.line < table.c.line))
            .group_by(table.c.line)
            .order_by(table.c.line)
        )
        shown = ", ".join(keys)
        for line, first_line in self.connection.execute(query):
            yield line, f"duplicate of line {first_line} (same {shown})"

    def _dangling_references(self, staged: _Staged) -> Iterator[tuple[int, str]]:
        references = [(spec.name, spec.refers_to) for spec in stored_fields(staged.record_type) if spec.refers_to]
        if staged.record_type is rt.COURSE and self.co_teachers is not None:
            yield from self._dangling(self.co_teachers, "person", "co_teachers", "person")
        for field_name, kind in references:
            yield from self._dangling(staged.table, field_name, field_name, kind)

    def _dangling(self, table: Table, column: str, field_name: str, kind: str) -> Iterator[tuple[int, str]]:
        if kind in self.unreadable_files:
            return
        target, key = REFERENCED[kind]
        ref = table.c[column]
        conditions = [ref.is_not(None), ~exists().where(target.c[key] == ref)]
        if self.unreadable[kind]:
            conditions.append(ref.not_in(sorted(self.unreadable[kind])))
        kind_record = {"person": rt.PERSON, "organisation": rt.ORGANISATION, "programme": rt.PROGRAMME}[kind]
        if kind_record.name in self.staged:
            bundle_table = self.staged[kind_record.name].table
            conditions.append(~exists().where(bundle_table.c[key] == ref))
        query = select(table.c.line, ref).where(*conditions).order_by(table.c.line)
        for line, value in self.connection.execute(query):
            yield line, f"{field_name}: no {kind} {value!r} in the bundle or the registry"

    def _unknown_regions(self) -> Iterator[tuple[int, str]]:
        staged = self.staged.get(rt.NOMINATION.name)
        if staged is None:
            return
        table, organisations = staged.table, models.Organisation.__table__
        conditions = [~exists().where(organisations.c.region == table.c.region)]
        if rt.ORGANISATION.name in self.staged:
            bundle = self.staged[rt.ORGANISATION.name].table
            conditions.append(~exists().where(bundle.c.region == table.c.region))
        for line, region in self.connection.execute(select(table.c.line, table.c.region).where(*conditions).order_by(table.c.line)):
            yield line, unknown_region(region)

    def _duplicate_emails(self) -> Iterator[tuple[int, str]]:
        staged = self.staged.get(rt.PERSON.name)
        if staged is None:
            return
        table = staged.table
        other = table.alias("other")
        people = models.Person.__table__
        within = (
            select(table.c.line, table.c.email, func.min(other.c.line))
            .join(other, and_(other.c.email == table.c.email, other.c.line < table.c.line))
            .group_by(table.c.line, table.c.email)
        )
        for line, email, first_line in self.connection.execute(within):
            yield line, f"email: {email!r} is also on line {first_line}"
        in_registry = (
            select(table.c.line, table.c.email, people.c.ref)
            .join(people, and_(people.c.email == table.c.email, people.c.ref != table.c.ref))
            .where(~exists().where(and_(other.c.ref == people.c.ref, other.c.email.is_distinct_from(people.c.email))))
        )
        for line, email, ref in self.connection.execute(in_registry):
            yield line, f"email: {email!r} belongs to person {ref!r} in the registry"

    def _stage_rules(self) -> Iterator[tuple[str, int, str]]:
        needs_book = rt.TRAINING.name in self.staged or rt.SUPERVISION.name in self.staged
        if needs_book:
            book = self._stage_book()
            for record_type in (rt.TRAINING, rt.SUPERVISION):
                staged = self.staged.get(record_type.name)
                if staged is None:
                    continue
                for row in self.connection.execute(select(staged.table)).mappings():
                    for message in registry_errors(record_type, row, book):
                        yield record_type.name, row["line"], f"{record_type.file}:{row['line']}: {message}"
        if rt.TRAINING.name in self.staged:
            yield from self._lineage_cycles()

    def _stage_book(self) -> StageBook:
        book = StageBook()
        person, programme, stages = (
            models.Person.__table__,
            models.Programme.__table__,
            models.Stage.__table__,
        )
        staged = self.staged.get(rt.STAGE.name)
        registry_rows = (
            select(person.c.ref, programme.c.code, stages.c.stage, stages.c.attained_on)
            .join(person, person.c.id == stages.c.person_id)
            .join(programme, programme.c.id == stages.c.programme_id)
        )
        if staged is not None:
            s = staged.table
            # A staged attainment replaces the registry's record of the same stage.
            registry_rows = registry_rows.where(
                ~exists().where(
                    and_(s.c.person == person.c.ref, s.c.programme == programme.c.code, s.c.stage == stages.c.stage)
                )
            )
            for row in self.connection.execute(select(s.c.person, s.c.programme, s.c.stage, s.c.attained_on)):
                book.add(*row)
        for row in self.connection.execute(registry_rows):
            book.add(*row)
        return book

    def _lineage_cycles(self) -> Iterator[tuple[str, int, str]]:
        staged = self.staged[rt.TRAINING.name].table
        person, programme, training = (
            models.Person.__table__,
            models.Programme.__table__,
            models.Training.__table__,
        )
        trainer, trainee = person.alias("trainer"), person.alias("trainee")
        edges: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
        registry_edges = (
            select(programme.c.code, trainer.c.ref, trainee.c.ref)
            .select_from(training)
            .join(programme, programme.c.id == training.c.programme_id)
            .join(trainer, trainer.c.id == training.c.trainer_id)
            .join(trainee, trainee.c.id == training.c.trainee_id)
        )
        for code, a, b in self.connection.execute(registry_edges):
            edges[code][(a, b)] = 0
        for line, code, a, b in self.connection.execute(
            select(staged.c.line, staged.c.programme, staged.c.trainer, staged.c.trainee)
        ):
            edges[code][(a, b)] = max(line, edges[code].get((a, b), 0))
        for code in sorted(edges):
            cycle = lineage_cycle(edges[code])
            if cycle:
                lines = [edges[code][pair] for pair in zip(cycle, cycle[1:]) if edges[code].get(pair)]
                line = max(lines) if lines else 1
                yield rt.TRAINING.name, line, f"{rt.TRAINING.file}:{line}: {cycle_message(code, cycle)}"

    # merging ------------------------------------------------------------

    def merge(self, dry_run: bool) -> ImportResult:
        result = ImportResult(dry_run=dry_run)
        for record_type in rt.ALL:
            staged = self.staged.get(record_type.name)
            if staged is None:
                continue
            result.counts[record_type.file] = self._merge_one(staged, dry_run)
        return result

    def _merge_one(self, staged: _Staged, dry_run: bool) -> Counts:
        record_type = staged.record_type
        target = TABLES[record_type.name]
        if self.connection.execute(select(target.c.id).limit(1)).first() is None:
            return self._insert_into_empty(staged, target, dry_run)
        resolved = self._resolve(staged, target)
        value_columns = [
            column_for(spec) for spec in stored_fields(record_type) if spec.name in staged.present
        ]
        differs = or_(*[target.c[c].is_distinct_from(resolved.c[c]) for c in value_columns])
        matched = resolved.c.match_id.is_not(None)
        added = self.connection.execute(
            select(func.count()).select_from(resolved).where(resolved.c.match_id.is_(None))
        ).scalar_one()
        changed_ids = {
            row[0]
            for row in self.connection.execute(
                select(target.c.id).join(resolved, target.c.id == resolved.c.match_id).where(matched, differs)
            )
        }
        if record_type is rt.COURSE and "co_teachers" in staged.present:
            changed_ids |= self._courses_with_other_co_teachers()
        counts = Counts(added=added, updated=len(changed_ids), unchanged=staged.rows - added - len(changed_ids))
        if dry_run:
            return counts
        if changed_ids and record_type is rt.PERSON and "email" in staged.present:
            # Two people may swap emails: clear the changing ones first, or the
            # unique constraint would see a duplicate halfway through.
            moving = select(resolved.c.match_id).join(target, target.c.id == resolved.c.match_id).where(
                target.c.email.is_distinct_from(resolved.c.email)
            )
            self.connection.execute(update(target).where(target.c.id.in_(moving)).values(email=None))
        if changed_ids:
            self.connection.execute(
                update(target)
                .where(target.c.id == resolved.c.match_id, differs)
                .values({c: resolved.c[c] for c in value_columns})
            )
        if added:
            every = [column_for(spec) for spec in stored_fields(record_type)]
            self.connection.execute(
                insert(target).from_select(
                    every, select(*[resolved.c[c] for c in every]).where(resolved.c.match_id.is_(None))
                )
            )
        if record_type is rt.COURSE and "co_teachers" in staged.present:
            self._replace_co_teachers()
        return counts

    def _insert_into_empty(self, staged: _Staged, target: Table, dry_run: bool) -> Counts:
        """The common first import: every row is new, so no matching is needed."""
        if not dry_run:
            rows = self._resolved_rows(staged)
            names = [c.name for c in rows.selected_columns if c.name != "line"]
            self.connection.execute(insert(target).from_select(names, rows.with_only_columns(*[rows.selected_columns[n] for n in names])))
            if staged.record_type is rt.COURSE:
                self._replace_co_teachers()
        return Counts(added=staged.rows)

    def _resolved_rows(self, staged: _Staged):
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

    def _resolve(self, staged: _Staged, target: Table) -> Table:
        """Stage rows with references turned into ids and the id of the record they match."""
        inner = self._resolved_rows(staged).subquery("resolved_rows")
        key_columns = [column_for(staged.record_type.by_name[k]) for k in staged.record_type.key_columns]
        match = (
            select(target.c.id)
            .where(*[target.c[k] == inner.c[k] for k in key_columns])
            .scalar_subquery()
            .label("match_id")
        )
        resolved = Table(
            f"resolved_{target.name}",
            self.metadata,
            Column("line", Integer),
            *[Column(c.name, target.c[c.name].type) for c in inner.c if c.name != "line"],
            Column("match_id", Integer),
            prefixes=["TEMPORARY"],
        )
        resolved.create(self.connection)
        self.connection.execute(
            insert(resolved).from_select([c.name for c in resolved.c], select(*inner.c, match))
        )
        return resolved

    def _courses_with_other_co_teachers(self) -> set[int]:
        course, co, people = models.Course.__table__, models.CourseCoTeacher.__table__, models.Person.__table__
        resolved = self.metadata.tables["resolved_courses"]
        registry_sets: dict[int, set[str]] = defaultdict(set)
        for course_id, ref in self.connection.execute(
            select(co.c.course_id, people.c.ref)
            .join(people, people.c.id == co.c.person_id)
            .join(resolved, resolved.c.match_id == co.c.course_id)
        ):
            registry_sets[course_id].add(ref)
        bundle_sets: dict[int, set[str]] = defaultdict(set)
        staged = self.co_teachers
        for course_id, ref in self.connection.execute(
            select(course.c.id, staged.c.person).join(course, course.c.code == staged.c.code)
        ):
            bundle_sets[course_id].add(ref)
        matched = {row[0] for row in self.connection.execute(select(resolved.c.match_id).where(resolved.c.match_id.is_not(None)))}
        return {course_id for course_id in matched if registry_sets[course_id] != bundle_sets[course_id]}

    def _replace_co_teachers(self) -> None:
        course, co, people = models.Course.__table__, models.CourseCoTeacher.__table__, models.Person.__table__
        staged = self.staged[rt.COURSE.name].table
        in_bundle = select(course.c.id).join(staged, staged.c.code == course.c.code)
        self.connection.execute(co.delete().where(co.c.course_id.in_(in_bundle)))
        pairs = (
            select(course.c.id, people.c.id)
            .select_from(self.co_teachers)
            .join(course, course.c.code == self.co_teachers.c.code)
            .join(people, people.c.ref == self.co_teachers.c.person)
        )
        self.connection.execute(insert(co).from_select(["course_id", "person_id"], pairs))


csv.field_size_limit(1_000_000)


def _rows(reader, file: str, errors: list[str]):
    """The reader's rows; a malformed row (an unclosed quote, say) ends the file with an error."""
    while True:
        start = reader.line_num + 1
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(f"{file}:{start}: {_csv_problem(exc)}")
            return


def _csv_problem(exc: csv.Error) -> str:
    message = str(exc)
    if "field larger than field limit" in message:
        return "a cell is longer than 1,000,000 characters"
    if "unexpected end of data" in message or "EOF" in message:
        return "a quoted cell is never closed (a missing \")"
    return f"not readable as CSV: {message}"


def _insert_many(connection, table: Table, rows: list[dict]) -> None:
    """Insert plain rows through the driver's executemany: the staging tables' values are
    already checked and typed, so SQLAlchemy's per-row processing is skipped."""
    names = [column.name for column in table.columns]
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join([marker] * len(names))})"
    connection.exec_driver_sql(statement, [tuple(map(row.get, names)) for row in rows])


# Dates go to SQLite as the ISO text SQLAlchemy stores (Python 3.12 drops the default adapter).
sqlite3.register_adapter(dt.date, dt.date.isoformat)


def _read_text(path: Path, errors: list[str]) -> str | None:
    data = path.read_bytes()
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + len(data) - len(body)
        errors.append(f"{path.name}: not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset})")
        return None
