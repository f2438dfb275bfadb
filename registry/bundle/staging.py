"""Staging: the bundle's rows kept in temporary tables, not in memory.

A table for each file read (references still as refs and codes, each row with its line),
and one for the co-teachers of the courses: these hold the rows read without a problem,
the only rows that are merged and that the rules across records judge. The rows with a
problem are kept apart, with the values that could be read, so that their references,
keys and emails are still checked; the keys that could not be read at all are kept too,
so that references to them are not reported as missing. The caller's transaction owns
the tables: a rollback removes them, and `drop` does so after a merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import (
    Column,
    Connection,
    FromClause,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    exists,
    or_,
    select,
    union_all,
)

from .. import recordtypes as rt
from .. import retired
from ..tables import REF
from .reader import KIND_OF, BundleFile, Row
from .tables import REFERENCED, REFERRED_TYPES, TABLES, fill_stored_defaults, stored_fields
from .temporary import insert_many, temporary_table

BATCH = 5_000
Progress = Callable[[str, int], None]


@dataclass
class Staged:
    record_type: rt.RecordType
    table: Table
    rows: int = 0
    # The file's columns: an optional column left out leaves stored values alone.
    present: frozenset[str] = frozenset()
    # Rows equal to one a correction retired: skipped, or (restoring) staged and listed.
    matched_retired: list[dict] = field(default_factory=list)
    # The rows with a problem, as far as they could be read (None while there are none).
    incomplete: Table | None = None


class Staging:
    """The temporary tables of one import."""

    def __init__(self, connection: Connection, progress: Progress | None = None, *, restore: bool = False):
        self.connection = connection
        self.progress = progress
        self.restore = restore
        self.metadata = MetaData()
        self.files: dict[str, Staged] = {}
        self.co_teachers: Table | None = None
        self.incomplete_co_teachers: Table | None = None
        # Keys (person refs, organisation and programme codes) of rows whose key could not be read.
        self.unread_keys: Table | None = None
        self._waiting: dict[Table, list[dict]] = {}

    def table(self, record_type: rt.RecordType) -> Table | None:
        """The staging table of a record type, or None when the bundle has no such file."""
        staged = self.files.get(record_type.name)
        return staged.table if staged else None

    def readable(self, record_type: rt.RecordType, *needed: str) -> FromClause | None:
        """Every row of a record type's file, those with a problem included (with None for
        the values that could not be read), or only those where the `needed` columns
        could be read; None when the bundle has no such file."""
        staged = self.files.get(record_type.name)
        if staged is None:
            return None
        rows = _both(staged.table, staged.incomplete, "readable_" + staged.table.name)
        if not needed or staged.incomplete is None:
            return rows
        return select(rows).where(*(rows.c[name].is_not(None) for name in needed)).subquery("read_" + staged.table.name)

    def stages_readable(self, person, programme) -> list:
        """SQL conditions: no row of the bundle's stages for `person` in `programme` has
        a stage or date that could not be read (what they held is then unknown)."""
        stages = self.files.get(rt.STAGE.name)
        if stages is None or stages.incomplete is None:
            return []
        unread = stages.incomplete.c
        return [
            ~exists().where(
                unread.person == person,
                unread.programme == programme,
                or_(unread.stage.is_(None), unread.attained_on.is_(None)),
            )
        ]

    def readable_co_teachers(self) -> FromClause | None:
        """The co-teachers of every course row, those with a problem included."""
        if self.co_teachers is None:
            return None
        return _both(self.co_teachers, self.incomplete_co_teachers, "readable_co_teachers")

    def not_in_bundle(self, kind: str, ref) -> list:
        """SQL conditions: `ref` is the key of no row of the bundle's file of `kind`
        (person, organisation or programme), nor a key that could not be read there."""
        key = REFERENCED[kind][1]
        conditions = []
        in_bundle = self.readable(REFERRED_TYPES[kind])
        if in_bundle is not None:
            conditions.append(~exists().where(in_bundle.c[key] == ref))
        if self.unread_keys is not None:
            unread = self.unread_keys.c
            conditions.append(~exists().where(unread.kind == kind, unread.key == ref))
        return conditions

    def column_read(self, record_type: rt.RecordType, column: str) -> bool:
        """Whether `column` could be read on every row of the record type's file (one
        whose key could not be read counts as not)."""
        staged = self.files.get(record_type.name)
        unread = []
        if staged is not None and staged.incomplete is not None:
            unread.append(exists().where(staged.incomplete.c[column].is_(None)))
        if self.unread_keys is not None:
            unread.append(exists().where(self.unread_keys.c.kind == KIND_OF.get(record_type.name)))
        return not any(self.connection.scalar(select(condition)) for condition in unread)

    def temporary_table(self, name: str, *columns: Column) -> Table:
        return temporary_table(self.connection, self.metadata, name, *columns)

    def stage(self, bundle_file: BundleFile) -> Staged:
        """Create the file's staging table and fill it as its rows are read."""
        record_type = bundle_file.record_type
        staged = self._create(record_type)
        staged.present = frozenset(bundle_file.columns)
        is_retired = self._retired_finder(record_type, bundle_file.columns)
        read = 0
        for row in bundle_file.records:
            read += 1
            if self.progress and read % BATCH == 0:
                self.progress(record_type.file, BATCH)
            if not row.complete:
                self._keep_incomplete(staged, row)
                continue
            values = fill_stored_defaults(record_type, row.values)
            found = is_retired(values)
            if found is not None:
                staged.matched_retired.append(found)
                if not self.restore:
                    continue
            self._wait(staged.table, self._row(staged, row, self.co_teachers))
            staged.rows += 1
        self._flush()
        if self.progress:
            self.progress(record_type.file, read % BATCH)
        for table in (staged.table, staged.incomplete):
            if table is not None:
                Index(f"ix_{table.name}_key", *(table.c[name] for name in record_type.key_columns)).create(self.connection)
        return staged

    def _keep_incomplete(self, staged: Staged, row: Row) -> None:
        """Keep what could be read of a row with a problem, and its key if that could not be read."""
        kind = KIND_OF.get(staged.record_type.name)
        # A longer key could not be a reference anyway.
        if row.unread_key is not None and kind is not None and len(row.unread_key) <= REF.length:
            if self.unread_keys is None:
                self.unread_keys = self.temporary_table(
                    "stage_unread_keys", Column("kind", String(16)), Column("key", REF), Index("ix_stage_unread_keys", "kind", "key")
                )
            self._wait(self.unread_keys, {"kind": kind, "key": row.unread_key})
        if any(value is not None for value in row.values.values()):
            if staged.incomplete is None:
                staged.incomplete = self._table_like(staged.table, f"{staged.table.name}_incomplete")
                if staged.record_type is rt.COURSE:
                    self.incomplete_co_teachers = self._table_like(self.co_teachers, "stage_co_teachers_incomplete")
            self._wait(staged.incomplete, self._row(staged, row, self.incomplete_co_teachers))

    def _row(self, staged: Staged, row: Row, co_teachers: Table | None) -> dict:
        """The row's values as its staging table keeps them; a course's co-teachers wait for theirs."""
        values = row.values
        if staged.record_type is rt.COURSE:
            for ref in values.pop("co_teachers", None) or []:
                self._wait(co_teachers, {"line": row.line, "code": values.get("code"), "person": ref})
        values["line"] = row.line
        return values

    def _wait(self, table: Table, values: dict) -> None:
        waiting = self._waiting.setdefault(table, [])
        waiting.append(values)
        if len(waiting) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        """Insert the rows waiting for each table."""
        for table, rows in self._waiting.items():
            if not rows:
                continue
            insert_many(self.connection, table, rows)
            rows.clear()

    def _retired_finder(self, record_type: rt.RecordType, present) -> Callable[[dict], dict | None]:
        """A function giving, for a row read, the retired row it equals on the file's columns (or None)."""
        columns = [name for name in record_type.columns if name in present]
        rows = {retired.row_text(row, columns): row for row in retired.retired_rows(self.connection, record_type)}
        if not rows:
            return lambda values: None
        return lambda values: rows.get(retired.row_text(values, columns))

    def drop(self) -> None:
        for table in reversed(self.metadata.sorted_tables):
            table.drop(self.connection, checkfirst=False)

    def _create(self, record_type: rt.RecordType) -> Staged:
        target = TABLES[record_type.name]
        columns = [Column("line", Integer, nullable=False)]
        for spec in stored_fields(record_type):
            kind = String(64) if spec.refers_to else target.c[spec.name].type
            columns.append(Column(spec.name, kind))
        staged = self.files[record_type.name] = Staged(
            record_type, self.temporary_table(f"stage_{target.name}", *columns)
        )
        if record_type is rt.COURSE:
            self.co_teachers = self.temporary_table(
                "stage_co_teachers",
                Column("line", Integer, nullable=False),
                Column("code", String(64)),
                Column("person", String(64)),
            )
        return staged

    def _table_like(self, table: Table, name: str) -> Table:
        return self.temporary_table(name, *(Column(column.name, column.type) for column in table.columns))


def _both(complete: Table, incomplete: Table | None, name: str) -> FromClause:
    if incomplete is None:
        return complete
    return union_all(select(complete), select(incomplete)).subquery(name)
