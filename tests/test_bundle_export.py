"""`mbp-registry export`: the round trip, every file written, sorted rows, owner-only
files, and the Excel workbook."""

from __future__ import annotations

import datetime as dt

import csv
import io
import random
import shutil
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
from tests.helpers import table_counts

DEMO = FIXTURES / "demo"
# The files of an export: the bundle files, and its manifest written last.
EXPORTED = [*BUNDLE_ORDER, "manifest.json"]


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
    assert result.stdout == f"Exported 0 records to {tmp_path / 'out'}/ ({len(rt.ALL)} files).\n"
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
    target = tmp_path / "new" / "nested" / "backup"
    export_to(run, target)
    for folder in (tmp_path / "new", tmp_path / "new" / "nested", target):  # parents made on the way too
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in target.iterdir()}
    assert modes == {name: 0o600 for name in EXPORTED}


def test_export_over_existing_files_makes_them_owner_only(run, tmp_path):
    target = tmp_path / "backup"
    target.mkdir(mode=0o700)
    for name in BUNDLE_ORDER:
        (target / name).write_text("old\n")
        (target / name).chmod(0o644)
    export_to(run, target)
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in target.iterdir()}
    assert modes == {name: 0o600 for name in EXPORTED}


# a folder that holds other files, and exports that stop halfway ------------------------------


def test_export_refuses_a_folder_that_holds_other_files_and_leaves_it_as_it_was(run, engine, tmp_path):
    import_ok(run, write_bundle(tmp_path / "b", SMALL))
    target = tmp_path / "out"
    target.mkdir()
    for name in ("people.csv", "notes.txt", "extra.csv", "a.csv", "b.csv"):
        (target / name).write_text(f"mine: {name}\n")
    before = table_counts(engine)
    result = run("export", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: directory: {str(target)!r} holds files that are not an export (a.csv, b.csv, extra.csv and 1 more): "
        "export into a new or empty folder, or give --force to replace the folder and everything in it\n"
    )
    assert table_counts(engine) == before
    assert {path.name: path.read_text() for path in target.iterdir()} == {
        name: f"mine: {name}\n" for name in ("people.csv", "notes.txt", "extra.csv", "a.csv", "b.csv")
    }


def test_export_with_force_replaces_the_folder_and_what_it_held(run, engine, tmp_path):
    import_ok(run, write_bundle(tmp_path / "b", SMALL))
    target = tmp_path / "out"
    (target / "sub").mkdir(parents=True)
    (target / "extra.csv").write_text("stray\n")
    (target / "sub" / "x.txt").write_text("x\n")
    result = run("export", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in target.iterdir()) == sorted(EXPORTED)
    assert read_bundle(target) == SMALL
    import_ok(run, target)  # no stray file stops it
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_an_export_never_shows_a_folder_that_is_not_whole(run, engine, tmp_path, monkeypatch):
    """Seen at any moment before it ends (as a kill would leave it), the export is not in
    place, and what it has written so far is a folder that import refuses."""
    from mbp_registry.registry.bundle import export

    import_ok(run, write_bundle(tmp_path / "b", SMALL))
    target, killed = tmp_path / "out", tmp_path / "killed"
    rows_of_type = export.bundle_rows
    seen = []

    def rows_then_look(session, record_type):
        if record_type is rt.ALL[5] and not seen:
            (partial,) = [path for path in tmp_path.iterdir() if path.name.startswith(".out.")]
            seen.append((target.exists(), sorted(path.name for path in partial.iterdir())))
            shutil.copytree(partial, killed)
        return rows_of_type(session, record_type)

    monkeypatch.setattr(export, "bundle_rows", rows_then_look)
    assert export_to(run, target) == SMALL
    was_in_place, written = seen[0]
    assert not was_in_place
    assert written == sorted([export.UNFINISHED, *(record_type.file for record_type in rt.ALL[:6])])  # the sixth begun
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["b", "killed", "out", *_database_files(tmp_path)])

    truncate_all(engine)
    before = table_counts(engine)
    result = run("import", str(killed))
    assert result.exit_code == 1
    assert f"{export.UNFINISHED}:1: not a bundle file" in result.stderr
    assert table_counts(engine) == before


def test_an_export_that_fails_halfway_leaves_nothing_and_is_not_audited(run, engine, tmp_path, monkeypatch):
    from mbp_registry.registry.bundle import export

    import_ok(run, write_bundle(tmp_path / "b", SMALL))
    rows_of_type = export.bundle_rows

    def failing(session, record_type):
        if record_type is rt.ALL[5]:
            raise OSError(28, "No space left on device")
        return rows_of_type(session, record_type)

    monkeypatch.setattr(export, "bundle_rows", failing)
    before = table_counts(engine)
    result = run("export", str(tmp_path / "out"))
    assert result.exit_code != 0
    assert table_counts(engine) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["b", *_database_files(tmp_path)])


def _database_files(folder) -> list[str]:
    """The SQLite database files of the test in `folder` (none on PostgreSQL)."""
    return [path.name for path in folder.iterdir() if path.name.startswith("registry.db")]


def test_a_list_cell_that_would_be_a_spreadsheet_formula_is_neutralised():
    """References start with a letter or a digit, so no stored list of them begins like a
    formula; the exporter still never writes a cell that does."""
    for start in ("=", "+", "-", "@"):
        assert cell([f"{start}X1", "P3"]) == f"'{start}X1;P3"
    assert cell(["P3", "-P9"]) == "P3;-P9"


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
    assert result.stdout.splitlines()[-1] == f"Exported 3344 records to {tmp_path / 'registry.xlsx'} (14 sheets)."
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
