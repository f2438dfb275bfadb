"""Property: a corrupted bundle is either imported exactly as written, or refused with
FILE:LINE: messages in bundle order (the same in the --errors file) and nothing written;
never a traceback.

Each example corrupts the small valid bundle of tests/bundle_helpers.py once (a hostile
value in a cell, a line dropped or doubled, a column dropped) and imports it into an
emptied registry.

The hostile values include those that once crashed the importer or slipped through
(doubled signs and superscript digits in whole numbers, huge exponents, cells over the
csv module's default field limit, ISO week dates, line breaks in references).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mbp_registry.registry import recordtypes as rt
from mbp_registry.registry.validate import read_fields
from tests.bundle_helpers import (
    BUNDLE_ORDER,
    SMALL,
    import_counts,
    read_bundle,
    rows_of,
    truncate_all,
    write_bundle,
)
from tests.helpers import csv_of, table_counts

TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()

HOSTILE = [
    "",
    " ",
    "9999999999",
    "-1",
    "-0.5",
    "0",
    "0.25",
    "1e3",
    "NaN",
    "2026-02-30",
    "2025-13-01",
    "31/12/2024",
    TOMORROW,
    "=cmd|' /C calc'!A0",
    "x" * 20_000,
    "x" * 200_000,
    "--5",
    "+-5",
    "²",
    "٣٠",
    "1e30",
    "1e999999",
    "-1e-999999",
    "2025-W02-5",
    "'=1+1",
    "-dash",
    "a\x01b",
    "\x00",
    "tab\there",
    "two\nlines",
    "quote\"inside",
    "comma,inside",
    "not_a_kind",
    "NOPE-9",
    "P1;P2",
    "  P1  ",
    "true",
    "FALSE",
    "yes",
    "é",
]

RANDOM_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


# The files each file's references need. A corrupted file is imported with these only
# (it keeps each example fast); the files others refer to are imported with all files.
NEEDS = {
    "organisations.csv": BUNDLE_ORDER,
    "programmes.csv": BUNDLE_ORDER,
    "people.csv": BUNDLE_ORDER,
    "stages.csv": BUNDLE_ORDER,
    "training.csv": ["organisations.csv", "programmes.csv", "people.csv", "stages.csv"],
    "supervision.csv": ["organisations.csv", "programmes.csv", "people.csv", "stages.csv"],
}
BASE = ["organisations.csv", "programmes.csv", "people.csv"]


@st.composite
def corruptions(draw):
    """(files, description): SMALL, or the part of it a file needs, with one corruption."""
    name = draw(st.sampled_from(BUNDLE_ORDER))
    files = {other: SMALL[other] for other in {*NEEDS.get(name, BASE), name}}
    rows = rows_of(files[name])
    header, body = rows[0], rows[1:]
    kind = draw(st.sampled_from(["cell", "cell", "cell", "drop line", "double line", "drop column", "drop header cell"]))
    if kind == "cell":
        row = draw(st.integers(1, len(body)))
        column = draw(st.integers(0, len(header) - 1))
        same_column = sorted({other[column] for other in body})
        value = draw(st.one_of(st.sampled_from(HOSTILE), st.sampled_from(same_column), RANDOM_TEXT))
        rows[row][column] = value
        description = f"{name} line {row + 1} {header[column]} = {value[:40]!r}"
    elif kind == "drop line":
        row = draw(st.integers(1, len(body)))
        del rows[row]
        description = f"{name} line {row + 1} dropped"
    elif kind == "double line":
        row = draw(st.integers(1, len(body)))
        at = draw(st.integers(1, len(rows)))
        rows.insert(at, list(rows[row]))
        description = f"{name} line {row + 1} doubled at {at + 1}"
    elif kind == "drop column":
        column = draw(st.integers(0, len(header) - 1))
        rows = [r[:column] + r[column + 1 :] for r in rows]
        description = f"{name} column {header[column]} dropped"
    else:
        column = draw(st.integers(0, len(header) - 1))
        rows[0] = header[:column] + header[column + 1 :]
        description = f"{name} header cell {header[column]} dropped"
    files[name] = csv_of(rows)
    return files, description


def records(record_type: rt.RecordType, text: str) -> list[tuple]:
    """The records a bundle file holds, as the registry reads them, in a comparable form."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip() for cell in next(reader)]
    found = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        values, problems = read_fields(record_type, dict(zip(header, cells)))
        assert not problems, problems
        if record_type is rt.CPD and values["description"] is None:
            values["description"] = ""
        if "co_teachers" in values:
            values["co_teachers"] = sorted(values["co_teachers"])
        found.append(tuple(repr(values[name]) for name in record_type.columns))
    return sorted(found)


# What the csv module takes as the end of a line (a bare \r included).
LINE_BREAK = re.compile(r"\r\n|\r|\n")
ERROR_LINE = re.compile(r"^(?P<file>[a-z_]+\.csv)(?::(?P<line>\d+): .+|: not UTF-8 text .+)$")


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corrupted=corruptions())
def test_a_corrupted_bundle_is_imported_as_written_or_refused_with_nothing_written(run, engine, tmp_path_factory, corrupted):
    files, description = corrupted
    truncate_all(engine)
    bundle = write_bundle(tmp_path_factory.mktemp("fuzz") / "bundle", files)
    errors = bundle.parent / "errors.txt"

    result = run("import", str(bundle), "--format", "json", "--errors", str(errors))

    assert result.exception is None or isinstance(result.exception, SystemExit), (description, repr(result.exception))
    assert result.exit_code in (0, 1), description
    if result.exit_code == 1:
        lines = result.stderr.splitlines()
        assert len(lines) >= 2, (description, result.stderr)
        assert lines[-1] == f"Error: the bundle has {len(lines) - 1} error(s); nothing was imported", description
        positions = []
        for line in lines[:-1]:
            match = ERROR_LINE.match(line)
            assert match, (description, line)
            physical_lines = len(LINE_BREAK.findall(files[match["file"]].rstrip("\r\n"))) + 1
            number = int(match["line"] or 0)
            assert number <= physical_lines, (description, line)
            positions.append((BUNDLE_ORDER.index(match["file"]), number))
        assert positions == sorted(positions), (description, lines)
        assert errors.read_text(encoding="utf-8").splitlines() == lines[:-1], description
        assert set(table_counts(engine).values()) == {0}, description
        return
    assert errors.read_text(encoding="utf-8") == "", description

    # Imported: every record of the bundle added, and the registry holds exactly them.
    by_file = {record_type.file: record_type for record_type in rt.ALL}
    expected = {name: records(by_file[name], files[name]) for name in BUNDLE_ORDER if name in files}
    assert import_counts(result) == {
        name: {"added": len(found), "updated": 0, "unchanged": 0} for name, found in expected.items()
    }, description
    out = Path(tmp_path_factory.mktemp("fuzz-out")) / "export"
    assert run("export", str(out)).exit_code == 0
    exported = read_bundle(out)
    for record_type in rt.ALL:
        if record_type is rt.STATUS_CHANGE:
            # The import completes a history from people.csv (tests/test_status_history.py):
            # every row of the bundle is kept, and more may be added.
            kept = records(record_type, exported[record_type.file])
            assert all(row in kept for row in expected.get(record_type.file, [])), (description, record_type.file)
            continue
        assert records(record_type, exported[record_type.file]) == expected.get(record_type.file, []), (
            description,
            record_type.file,
        )
    # One entry for the import of the bundle as a whole, one for the export that read it back.
    assert table_counts(engine)["audit_log"] == 2, description
