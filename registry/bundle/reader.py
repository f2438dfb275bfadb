"""Reading a bundle's files: the text, the CSV, the header, and each row through the
validation layer's field and record rules.

Every problem becomes a FILE:LINE: message in `Problems`, which keeps them in bundle
order without holding them all in memory. Every row is read on every column, so one
bad cell hides nothing else: the rows that read cleanly are handed on as complete, and
the others with the values that could be read, so that the checks across records still
see their references.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple

from sqlalchemy import Column, Connection, Integer, MetaData, Table, Text, select

from .. import recordtypes as rt
from ..validate import check_record
from .tables import REFERRED_TYPES
from .temporary import insert_many, temporary_table

MAX_CELL = 1_000_000
# The errors (and characters of errors) kept in memory before they are moved into a
# temporary table.
KEPT_IN_MEMORY = 5_000
CHARACTERS_IN_MEMORY = 5_000_000
# The name references use for each record type that others refer to.
KIND_OF = {record_type.name: kind for kind, record_type in REFERRED_TYPES.items()}
# Each file's place in the bundle order; a file that is not a bundle file comes first.
_FILE_ORDER = {record_type.file: index for index, record_type in enumerate(rt.ALL)}


class Problems:
    """What is wrong with a bundle, as FILE:LINE: messages, given back in bundle order
    (by file as read, then line, then as found). Beyond a few thousand they wait in a
    temporary table of `connection`, so a bundle of a million bad rows does not fill the
    memory. `unreadable_files` names the kinds of record (person, organisation,
    programme) whose file could not be read: references to those are not checked."""

    def __init__(self, connection: Connection | None = None):
        self.connection = connection
        self.count = 0
        self.unreadable_files: set[str] = set()
        self._waiting: list[tuple[int, int, int, str]] = []
        self._waiting_characters = 0
        self._table: Table | None = None

    def add(self, file: str, line: int | None, message: str) -> None:
        text = f"{file}:{line}: {message}" if line is not None else f"{file}: {message}"
        self._waiting.append((_FILE_ORDER.get(file, -1), line or 0, self.count, text))
        self.count += 1
        self._waiting_characters += len(text)
        full = len(self._waiting) >= KEPT_IN_MEMORY or self._waiting_characters >= CHARACTERS_IN_MEMORY
        if full and self.connection is not None:
            self._move_to_table()

    def first(self, limit: int) -> list[str]:
        """The first `limit` messages in bundle order."""
        if self._table is None:
            return [entry[3] for entry in sorted(self._waiting)[:limit]]
        return list(self._from_table(limit))

    def every(self) -> Iterator[str]:
        """Every message in bundle order, read as they are taken."""
        if self._table is None:
            yield from (entry[3] for entry in sorted(self._waiting))
        else:
            yield from self._from_table(None)

    def _from_table(self, limit: int | None) -> Iterator[str]:
        self._move_to_table()
        table = self._table
        query = select(table.c.message).order_by(table.c.file, table.c.line, table.c.seq).limit(limit)
        yield from self.connection.execute(query.execution_options(yield_per=KEPT_IN_MEMORY)).scalars()

    def _move_to_table(self) -> None:
        names = ("file", "line", "seq", "message")
        if self._table is None:
            columns = [Column(name, Integer, nullable=False) for name in names[:3]]
            self._table = temporary_table(self.connection, MetaData(), "stage_problems", *columns, Column("message", Text))
        if self._waiting:
            insert_many(self.connection, self._table, [dict(zip(names, entry)) for entry in self._waiting])
            self._waiting.clear()
            self._waiting_characters = 0


class Row(NamedTuple):
    """One row of a file: its line and the values read. A row with a problem is not
    `complete`: its values are those that could be read (None for the others), and
    `unread_key` is the text of its key when that could not be read."""

    line: int
    values: dict
    complete: bool
    unread_key: str | None = None


@dataclass
class BundleFile:
    """One file whose header could be read: its known columns, and its rows as read."""

    record_type: rt.RecordType
    columns: list[str]
    records: Iterator[Row]


def read_bundle(directory: Path, today: dt.date, problems: Problems) -> Iterator[BundleFile]:
    """The bundle's files in reading order; each file's rows are read as they are taken."""
    known = {record_type.file for record_type in rt.ALL}
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() == ".csv" and path.name not in known:
            problems.add(path.name, 1, f"not a bundle file (expected one of: {', '.join(sorted(known))})")
    with _cells_up_to(MAX_CELL):
        for record_type in rt.ALL:
            path = directory / record_type.file
            if not path.is_file():
                continue
            with _open(record_type, path, today, problems) as bundle_file:
                if bundle_file is not None:
                    yield bundle_file


@contextmanager
def _cells_up_to(limit: int):
    """The csv module's cell limit (one for the whole process) raised while a bundle is read."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


@contextmanager
def _open(record_type: rt.RecordType, path: Path, today: dt.date, problems: Problems):
    """The file as a BundleFile; None when it has no rows, no known column, or cannot be
    read. When its keys cannot be read, references to its kind of record are not checked."""
    kind = KIND_OF.get(record_type.name)
    header: list[str] | None = None
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if _is_utf8(path, problems):
            reader = csv.reader(handle, strict=True)
            try:
                header = next(reader, [])
            except csv.Error as exc:
                problems.add(record_type.file, 1, _csv_problem(exc))
        columns = _known_columns(record_type, header, problems) if header else None
        if kind and header != [] and record_type.fields[0].name not in (columns or []):
            problems.unreadable_files.add(kind)
        yield BundleFile(record_type, columns, _records(record_type, reader, header, today, problems)) if columns else None


def _known_columns(record_type: rt.RecordType, cells: list[str], problems: Problems) -> list[str] | None:
    """The header's columns of the record type, its problems noted; None when a column
    appears twice (which of its cells holds the value is then unknown)."""
    header = [cell.strip() for cell in cells]
    expected = record_type.columns
    for name in header:
        if name not in expected:
            problems.add(record_type.file, 1, f"unknown column {name!r} (expected: {', '.join(expected)})")
    repeated = {n for n in header if header.count(n) > 1}
    for name in repeated:
        problems.add(record_type.file, 1, f"column {name!r} appears twice")
    for name in record_type.required_columns:
        if name not in header:
            problems.add(record_type.file, 1, f"missing required column {name!r}")
    return None if repeated else [name for name in header if name in expected]


def _records(record_type: rt.RecordType, reader, header_cells: list[str], today: dt.date, problems: Problems):
    """The file's rows, each checked on every column it has; their problems go to
    `problems`. A required column missing from the header is reported there once, not
    again on every row."""
    file, width = record_type.file, len(header_cells)
    header = [cell.strip() for cell in header_cells]
    absent = set(record_type.columns) - set(header)
    key = record_type.fields[0].name
    start = reader.line_num + 1
    for cells in _rows(reader, file, problems):
        line, start = start, reader.line_num + 1
        if len(cells) > width:
            problems.add(file, line, f"{len(cells)} cells, but the header has {width}")
            yield Row(line, {}, False, _key_text(header, cells, key))
            continue
        if not "".join(cells).strip():
            continue
        values, errors = check_record(record_type, dict(zip(header, cells)), today)
        errors = [message for message in errors if message.split(":", 1)[0] not in absent]
        for message in errors:
            problems.add(file, line, message)
        if errors or absent & set(record_type.required_columns):
            yield Row(line, values, False, None if values.get(key) is not None else _key_text(header, cells, key))
        else:
            yield Row(line, values, True)


def _key_text(header: list[str], cells: list[str], key: str) -> str | None:
    """The text in the key column of a row whose key could not be read."""
    text = cells[header.index(key)].strip() if key in header and header.index(key) < len(cells) else ""
    return text or None


def _rows(reader, file: str, problems: Problems):
    """The reader's rows; a malformed row (an unclosed quote, say) ends the file with an error."""
    while True:
        start = reader.line_num + 1
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(file, start, _csv_problem(exc))
            return


def _csv_problem(exc: csv.Error) -> str:
    message = str(exc)
    if "field larger than field limit" in message:
        return "a cell is longer than 1,000,000 characters"
    if "unexpected end of data" in message or "EOF" in message:
        return "a quoted cell is never closed (a missing \")"
    return f"not readable as CSV: {message}"


def _is_utf8(path: Path, problems: Problems, chunk: int = 1 << 20) -> bool:
    """Whether the file is UTF-8 text, read a piece at a time; if not, its first bad byte
    is noted."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while True:
            data = handle.read(chunk)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                bad = offset - pending + exc.start
                problems.add(path.name, None, f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {bad})")
                return False
            if not data:
                return True
            offset += len(data)
