"""Staging: the bundle's checked rows kept in temporary tables, not in memory.

A table for each file read (references still as refs and codes, each row with its line),
and one for the co-teachers of the courses. The caller's transaction owns them: a rollback
removes them, and `drop` does so after a merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import Column, Connection, Date, Index, Integer, MetaData, String, Table

from .. import recordtypes as rt
from .. import retired
from .reader import BundleFile
from .tables import TABLES, fill_stored_defaults, stored_fields

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


class Staging:
    """The temporary tables of one import."""

    def __init__(self, connection: Connection, progress: Progress | None = None, *, restore: bool = False):
        self.connection = connection
        self.progress = progress
        self.restore = restore
        self.metadata = MetaData()
        self.files: dict[str, Staged] = {}
        self.co_teachers: Table | None = None

    def table(self, record_type: rt.RecordType) -> Table | None:
        """The staging table of a record type, or None when the bundle has no such file."""
        staged = self.files.get(record_type.name)
        return staged.table if staged else None

    def temporary_table(self, name: str, *columns: Column) -> Table:
        table = Table(name, self.metadata, *columns, prefixes=["TEMPORARY"])
        table.create(self.connection)
        return table

    def stage(self, bundle_file: BundleFile) -> Staged:
        """Create the file's staging table and fill it as its rows are read."""
        record_type = bundle_file.record_type
        staged = self._create(record_type)
        staged.present = frozenset(bundle_file.columns)
        batch: list[dict] = []
        co_batch: list[dict] = []
        is_retired = self._retired_finder(record_type, bundle_file.columns)
        for line, values in bundle_file.records:
            fill_stored_defaults(record_type, values)
            found = is_retired(values)
            if found is not None:
                staged.matched_retired.append(found)
                if not self.restore:
                    continue
            if record_type is rt.COURSE:
                for ref in values.pop("co_teachers") or []:
                    co_batch.append({"line": line, "code": values["code"], "person": ref})
            values["line"] = line
            batch.append(values)
            if len(batch) >= BATCH:
                self._flush(staged, batch, co_batch)
        self._flush(staged, batch, co_batch)
        key = [staged.table.c[name] for name in record_type.key_columns]
        Index(f"ix_{staged.table.name}_key", *key).create(self.connection)
        return staged

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

    def _flush(self, staged: Staged, batch: list[dict], co_batch: list[dict]) -> None:
        if batch:
            _insert_many(self.connection, staged.table, batch)
            staged.rows += len(batch)
            if self.progress:
                self.progress(staged.record_type.file, len(batch))
            batch.clear()
        if co_batch:
            _insert_many(self.connection, self.co_teachers, co_batch)
            co_batch.clear()


def _insert_many(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert plain rows through the driver's executemany: the staging tables' values are
    already checked and typed, so SQLAlchemy's per-row processing is skipped."""
    names = [column.name for column in table.columns]
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join([marker] * len(names))})"
    values = [tuple(map(row.get, names)) for row in rows]
    if connection.dialect.name == "sqlite":
        values = _dates_as_text(table, values)
    connection.exec_driver_sql(statement, values)


def _dates_as_text(table: Table, rows: list[tuple]) -> list[tuple]:
    """Rows with their dates as the ISO text SQLAlchemy stores in SQLite (rather than
    relying on the sqlite3 module's date adapter, deprecated since Python 3.12)."""
    dates = [index for index, column in enumerate(table.columns) if isinstance(column.type, Date)]
    if not dates:
        return rows
    converted = []
    for row in rows:
        cells = list(row)
        for index in dates:
            if cells[index] is not None:
                cells[index] = cells[index].isoformat()
        converted.append(tuple(cells))
    return converted
