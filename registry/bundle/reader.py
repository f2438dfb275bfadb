"""Reading a bundle's files: the text, the CSV, the header, and each row through the
validation layer's field and record rules.

Every problem becomes a FILE:LINE: message in `Problems`; the rows that read cleanly are
handed on, with their line numbers, as they are read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .. import recordtypes as rt
from ..validate import check_record
from .tables import REFERRED_TYPES

MAX_CELL = 1_000_000
# The name references use for each record type that others refer to.
_KIND_OF = {record_type.name: kind for kind, record_type in REFERRED_TYPES.items()}


@dataclass
class Problems:
    """What is wrong with a bundle, and which records that others refer to could not be
    read: references to those are not reported again as dangling."""

    errors: list[str] = field(default_factory=list)
    unreadable_keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    unreadable_files: set[str] = field(default_factory=set)

    def add(self, file: str, line: int | None, message: str) -> None:
        self.errors.append(f"{file}:{line}: {message}" if line is not None else f"{file}: {message}")

    def in_bundle_order(self) -> list[str]:
        """The errors by file as read, then by line."""
        order = {record_type.file: index for index, record_type in enumerate(rt.ALL)}

        def position(message: str):
            file, _, rest = message.partition(":")
            line = rest.split(":", 1)[0]
            return (order.get(file, -1), int(line) if line.isdigit() else 0)

        return sorted(self.errors, key=position)


@dataclass
class BundleFile:
    """One file whose header is good: its columns, and its good rows as (line, values)."""

    record_type: rt.RecordType
    columns: list[str]
    records: Iterator[tuple[int, dict]]


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
            errors_before = len(problems.errors)
            bundle_file = _open(record_type, path, today, problems)
            if bundle_file is not None:
                yield bundle_file
            elif len(problems.errors) > errors_before and record_type.name in _KIND_OF:
                problems.unreadable_files.add(_KIND_OF[record_type.name])


@contextmanager
def _cells_up_to(limit: int):
    """The csv module's cell limit (one for the whole process) raised while a bundle is read."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _open(record_type: rt.RecordType, path: Path, today: dt.date, problems: Problems) -> BundleFile | None:
    text = _read_text(path, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.add(record_type.file, 1, _csv_problem(exc))
        return None
    if header is None:
        return None
    columns = [cell.strip() for cell in header]
    if not _header_is_good(record_type, columns, problems):
        return None
    return BundleFile(record_type, columns, _records(record_type, reader, columns, today, problems))


def _header_is_good(record_type: rt.RecordType, header: list[str], problems: Problems) -> bool:
    messages = []
    expected = record_type.columns
    for name in header:
        if name not in expected:
            messages.append(f"unknown column {name!r} (expected: {', '.join(expected)})")
    for name in {n for n in header if header.count(n) > 1}:
        messages.append(f"column {name!r} appears twice")
    for name in record_type.required_columns:
        if name not in header:
            messages.append(f"missing required column {name!r}")
    for message in messages:
        problems.add(record_type.file, 1, message)
    return not messages


def _records(record_type: rt.RecordType, reader, columns: list[str], today: dt.date, problems: Problems):
    """The file's good rows as (line, values); a bad row's problems go to `problems`."""
    file, width = record_type.file, len(columns)
    start = reader.line_num + 1
    for cells in _rows(reader, file, problems):
        line, start = start, reader.line_num + 1
        if len(cells) > width:
            problems.add(file, line, f"{len(cells)} cells, but the header has {width}")
            continue
        if not "".join(cells).strip():
            continue
        raw = dict(zip(columns, cells))
        values, errors = check_record(record_type, raw, today)
        if errors:
            for message in errors:
                problems.add(file, line, message)
            if record_type.name in _KIND_OF:
                key = raw.get(record_type.fields[0].name) or ""
                problems.unreadable_keys[_KIND_OF[record_type.name]].add(key.strip())
            continue
        yield line, values


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


def _read_text(path: Path, problems: Problems) -> str | None:
    data = path.read_bytes()
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + len(data) - len(body)
        problems.add(path.name, None, f"not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset})")
        return None
