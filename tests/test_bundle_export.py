"""`mbp-registry export`: the round trip, every file written, sorted rows, owner-only
files, and the Excel workbook."""

from __future__ import annotations

import datetime as dt

import csv
import io
import random
import stat
from pathlib import Path

import pytest

from mbp_registry.registry import recordtypes as rt
from mbp_registry.registry.bundle.export import cell
from tests.bundle_helpers import (
    BUNDLE_ORDER,
    SMALL,
    import_counts,
    read_bundle,
    truncate_all,
    write_bundle,
)
from tests.conftest import FIXTURES

DEMO = FIXTURES / "demo"


def export_to(run, directory) -> dict[str, str]:
    result = run("export", str(directory))
    assert result.exit_code == 0, result.output
    return read_bundle(directory)


def import_ok(run, directory) -> None:
    result = run("import", str(directory), "--format", "json")
    assert result.exit_code == 0, result.output


def test_demo_bundle_round_trips_byte_for_byte(run, engine, tmp_path):
    demo = read_bundle(DEMO)
    assert sorted(demo) == sorted(BUNDLE_ORDER)
    import_ok(run, DEMO)

    first = export_to(run, tmp_path / "A")
    assert first == demo  # the demo files were written by the exporter

    # Into a fresh database (the same one emptied, so that it works on every backend).
    truncate_all(engine)
    import_ok(run, tmp_path / "A")
    assert export_to(run, tmp_path / "B") == first


def test_export_of_an_import_equals_the_import_of_the_export(run, engine, tmp_path):
    """Importing an export into the registry it came from changes nothing."""
    import_ok(run, write_bundle(tmp_path / "b", SMALL))
    export_to(run, tmp_path / "A")
    result = run("import", str(tmp_path / "A"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert all(c["added"] == 0 and c["updated"] == 0 for c in import_counts(result).values())


def test_an_empty_registry_exports_every_file_with_its_header_only(run, tmp_path):
    result = run("export", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Exported 0 records to {tmp_path / 'out'}/ (11 files).\n"
    assert read_bundle(tmp_path / "out") == {
        record_type.file: ",".join(record_type.columns) + "\n" for record_type in rt.ALL
    }


def test_rows_are_exported_sorted_by_their_key_columns(run, tmp_path):
    shuffled = {}
    for name, text in SMALL.items():
        header, *rows = text.splitlines(keepends=True)
        random.Random(name).shuffle(rows)
        shuffled[name] = header + "".join(reversed(rows))
    assert shuffled != SMALL
    import_ok(run, write_bundle(tmp_path / "b", shuffled))

    assert export_to(run, tmp_path / "out") == SMALL


def test_demo_export_rows_are_in_key_order(run, tmp_path):
    """Checked independently of the exporter: each file's rows sorted by its key columns."""
    import_ok(run, DEMO)
    exported = export_to(run, tmp_path / "out")
    for record_type in rt.ALL:
        rows = list(csv.DictReader(io.StringIO(exported[record_type.file])))
        keys = [tuple(row[k] for k in record_type.key_columns) for row in rows]
        assert keys == sorted(keys), record_type.file
        assert len(set(keys)) == len(keys), record_type.file


def test_export_overwrites_the_files_of_an_earlier_export(run, engine, tmp_path):
    import_ok(run, write_bundle(tmp_path / "b", SMALL))
    export_to(run, tmp_path / "out")
    truncate_all(engine)
    assert export_to(run, tmp_path / "out") == {
        record_type.file: ",".join(record_type.columns) + "\n" for record_type in rt.ALL
    }


def test_export_folder_is_owner_only_and_so_are_its_files(run, tmp_path):
    import_ok(run, write_bundle(tmp_path / "b", SMALL))
    target = tmp_path / "new" / "backup"
    export_to(run, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in target.iterdir()}
    assert modes == {name: 0o600 for name in BUNDLE_ORDER}


def test_export_over_existing_files_makes_them_owner_only(run, tmp_path):
    target = tmp_path / "backup"
    target.mkdir(mode=0o700)
    for name in BUNDLE_ORDER:
        (target / name).write_text("old\n")
        (target / name).chmod(0o644)
    export_to(run, target)
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in target.iterdir()}
    assert modes == {name: 0o600 for name in BUNDLE_ORDER}


def test_exported_co_teachers_cell_is_not_a_spreadsheet_formula(run, tmp_path):
    people = SMALL["people.csv"] + "=X1,Formula Ref,,ORG-A,active,,,\n-P9,Dash Ref,,ORG-A,active,,,\n"
    courses = SMALL["courses.csv"].replace("P3;P4", "P3;=X1;-P9")
    import_ok(run, write_bundle(tmp_path / "b", dict(SMALL, **{"people.csv": people, "courses.csv": courses})))

    exported = export_to(run, tmp_path / "out")

    cells = [cell for row in csv.reader(io.StringIO(exported["courses.csv"])) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    result = run("import", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert import_counts(result)["courses.csv"] == {"added": 0, "updated": 0, "unchanged": 2}


@pytest.mark.parametrize(
    "args, what, path",
    [(("/proc/x",), "directory", "/proc/x"), (("--xlsx", "/proc/x/r.xlsx"), "xlsx", "/proc/x/r.xlsx")],
    ids=["folder", "workbook"],
)
def test_an_export_that_cannot_be_written_is_one_error_line(run, args, what, path):
    result = run("export", *args)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stdout == ""
    assert result.stderr == f"Error: {what}: cannot write {path!r}: No such file or directory\n"
    assert not Path("/proc/x").exists()


def test_export_needs_a_folder_or_a_workbook(run):
    result = run("export")
    assert result.exit_code == 2
    assert "give a DIRECTORY, --xlsx FILE, or both" in result.stderr


# the workbook ---------------------------------------------------------------------------


def sheet_rows(path) -> dict[str, list[list]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}
    finally:
        workbook.close()


def as_text(value) -> str:
    """A workbook value as the CSV bundle writes it (dates are real dates in the workbook)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cell(value)


def test_workbook_has_a_sheet_per_file_with_the_csv_headers_and_rows(run, tmp_path):
    import_ok(run, DEMO)
    result = run("export", str(tmp_path / "out"), "--xlsx", str(tmp_path / "registry.xlsx"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"Exported 3129 records to {tmp_path / 'registry.xlsx'} (11 sheets)."
    exported = read_bundle(tmp_path / "out")

    sheets = sheet_rows(tmp_path / "registry.xlsx")

    assert list(sheets) == [name.removesuffix(".csv") for name in BUNDLE_ORDER]
    for name in BUNDLE_ORDER:
        csv_rows = list(csv.reader(io.StringIO(exported[name])))
        rows = sheets[name.removesuffix(".csv")]
        assert rows[0] == csv_rows[0], name
        assert len(rows) == len(csv_rows), name
        assert [[as_text(v) for v in row] for row in rows[1:]] == csv_rows[1:], name


def test_workbook_of_an_empty_registry_has_header_rows_only(run, tmp_path):
    result = run("export", "--xlsx", str(tmp_path / "empty.xlsx"))
    assert result.exit_code == 0, result.output
    sheets = sheet_rows(tmp_path / "empty.xlsx")
    assert sheets == {record_type.file.removesuffix(".csv"): [record_type.columns] for record_type in rt.ALL}


def test_workbook_file_is_owner_only_even_over_an_existing_file(run, tmp_path):
    assert run("export", "--xlsx", str(tmp_path / "r.xlsx")).exit_code == 0
    assert stat.S_IMODE((tmp_path / "r.xlsx").stat().st_mode) == 0o600
    (tmp_path / "old.xlsx").write_bytes(b"old")
    (tmp_path / "old.xlsx").chmod(0o644)
    assert run("export", "--xlsx", str(tmp_path / "old.xlsx")).exit_code == 0
    assert stat.S_IMODE((tmp_path / "old.xlsx").stat().st_mode) == 0o600


def test_workbook_numbers_are_numbers(run, tmp_path):
    import_ok(run, write_bundle(tmp_path / "b", SMALL))
    assert run("export", "--xlsx", str(tmp_path / "r.xlsx")).exit_code == 0
    sheets = sheet_rows(tmp_path / "r.xlsx")
    assert [row[3] for row in sheets["sessions"][1:]] == [60, 90, 45]
    assert [row[2] for row in sheets["cpd"][1:]] == [12, 6, 2.5]


def test_workbook_text_that_looks_like_a_formula_is_not_a_formula(run, tmp_path):
    from openpyxl import load_workbook

    people = "ref,name,organisation,status\nP6,=cmd|' /C calc'!A0,ORG-A,active\n"
    import_ok(run, write_bundle(tmp_path / "b", {"organisations.csv": SMALL["organisations.csv"], "people.csv": people}))
    assert run("export", "--xlsx", str(tmp_path / "r.xlsx")).exit_code == 0

    name = load_workbook(tmp_path / "r.xlsx")["people"]["B2"]
    assert name.data_type != "f"
    assert "=cmd|' /C calc'!A0" in str(name.value)
