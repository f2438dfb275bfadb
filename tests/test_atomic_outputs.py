"""Outputs are whole or absent: the bundle's manifest.json and import's check of it,
exports and backups stopped part way (an error, or SIGKILL), and files written under a
temporary name that replace the old one only when complete."""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil
import stat
import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlalchemy.exc import ProgrammingError

from mbp_registry.cli.main import cli
from tests.bundle_helpers import BUNDLE_ORDER, SMALL, SMALL_ROWS, replace_once, truncate_all, write_bundle
from tests.helpers import assert_refused, table_counts
from tests.safety_helpers import ROOT
from tests.test_crash_safety import _kill_when


@pytest.fixture
def exported(run, engine, tmp_path) -> pathlib.Path:
    """The SMALL bundle imported, exported to tmp_path/export, and the registry emptied."""
    result = run("import", str(write_bundle(tmp_path / "b", SMALL)))
    assert result.exit_code == 0, result.output
    result = run("export", str(tmp_path / "export"))
    assert result.exit_code == 0, result.output
    truncate_all(engine)
    return tmp_path / "export"


def copy_of(exported: pathlib.Path, tmp_path: pathlib.Path) -> pathlib.Path:
    return pathlib.Path(shutil.copytree(exported, tmp_path / "copy"))


# --- manifest.json


def test_an_export_ends_with_a_manifest_of_its_files_rows_and_checksums(exported):
    manifest = json.loads((exported / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "mbp-registry bundle"
    assert list(manifest["files"]) == BUNDLE_ORDER
    for name in BUNDLE_ORDER:
        content = (exported / name).read_bytes()
        assert content.decode() == SMALL[name]  # the round trip: so the rows are SMALL's
        assert manifest["files"][name] == {"rows": SMALL_ROWS[name], "sha256": hashlib.sha256(content).hexdigest()}
    assert manifest["files"]["sessions.csv"]["rows"] == 3  # by hand: three session rows


def test_the_manifest_is_written_after_every_other_file(run, tmp_path, monkeypatch):
    from mbp_registry.registry.bundle import export

    seen = []
    real = export.manifest_text

    def looking(folder, rows):
        seen.append(sorted(path.name for path in folder.iterdir()))
        return real(folder, rows)

    monkeypatch.setattr(export, "manifest_text", looking)
    assert run("export", str(tmp_path / "out")).exit_code == 0
    assert seen == [sorted([export.UNFINISHED, *BUNDLE_ORDER])]


def test_a_whole_copy_imports_without_a_warning(run, exported, tmp_path):
    result = run("import", str(copy_of(exported, tmp_path)))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


@pytest.mark.parametrize(
    "damage, error",
    [
        (lambda copy: (copy / "people.csv").unlink(),
         "bundle: people.csv is listed in manifest.json but missing: the copy of the export is not complete"),
        (lambda copy: (copy / "sessions.csv").write_text(SMALL["sessions.csv"].rsplit("\n", 3)[0] + "\n"),
         "bundle: sessions.csv has 1 row where manifest.json lists 3: the copy of the export is not complete"),
        (lambda copy: (copy / "cpd.csv").write_text(SMALL["cpd.csv"].split("\n", 1)[0] + "\n"),
         "bundle: cpd.csv has 0 rows where manifest.json lists 3: the copy of the export is not complete"),
        (lambda copy: (copy / "manifest.json").write_text('{"files": {"../people.csv": {"rows": 1, "sha256": ""}}}'),
         "bundle: manifest.json is not a manifest of an export: it lists '../people.csv', which is not a bundle file"),
        (lambda copy: (copy / "manifest.json").write_text('{"files": {"people.csv": {"rows": "5"}}}'),
         'bundle: manifest.json is not a manifest of an export: the entry of people.csv needs "rows" (a number) and "sha256"'),
        (lambda copy: (copy / "manifest.json").write_text("[]"),
         'bundle: manifest.json is not a manifest of an export: it has no "files"'),
    ],
    ids=["missing file", "rows cut", "header only", "unknown file", "bad entry", "no files"],
)
def test_a_copy_that_is_not_whole_is_refused_naming_the_file(run, engine, exported, tmp_path, damage, error):
    copy = copy_of(exported, tmp_path)
    damage(copy)
    assert_refused(run, engine, "import", str(copy), error=error)
    assert_refused(run, engine, "import", str(copy), "--dry-run", error=error)


def test_a_file_edited_with_as_many_rows_is_a_warning_and_imports(run, engine, exported, tmp_path):
    copy = copy_of(exported, tmp_path)
    cpd = copy / "cpd.csv"
    cpd.write_text(replace_once(cpd.read_text(), "Compassion workshop", "Compassion day"))
    result = run("import", str(copy))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Warning: cpd.csv has changed since it was exported (its checksum is not the one in manifest.json), "
        "with as many rows: edited in a spreadsheet?\n"
    )
    listed = json.loads(run("cpd", "list", "--format", "json").stdout)
    assert sorted(row["description"] or "" for row in listed) == ["", "Compassion day", "UK network conference"]


def test_a_folder_without_a_manifest_imports_as_before(run, engine, exported, tmp_path):
    copy = copy_of(exported, tmp_path)
    (copy / "manifest.json").unlink()
    result = run("import", str(copy))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


# --- exports and backups stopped part way


def _permission_denied(*args, **kwargs):
    raise ProgrammingError("SELECT", {}, Exception("permission denied for table supervision_sessions"))


def _audit_denied(*args, **kwargs):
    raise ProgrammingError("INSERT", {}, Exception("permission denied for table audit_log"))


def _disk_full(*args, **kwargs):
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize(
    "where, replacement, error",
    [
        ("bundle_rows", _permission_denied, "database error: permission denied for table supervision_sessions"),
        ("manifest_text", _disk_full, "directory: cannot write '{target}': No space left on device"),
        ("audit.record_export", _audit_denied, "database error: permission denied for table audit_log"),
    ],
    ids=["reading refused", "disk full", "audit refused"],
)
def test_an_export_refused_at_any_point_leaves_no_files(run, engine, tmp_path, monkeypatch, where, replacement, error):
    run("import", str(write_bundle(tmp_path / "b", SMALL)))
    monkeypatch.setattr(f"mbp_registry.registry.bundle.export.{where}", replacement)
    target = tmp_path / "new" / "out"
    assert_refused(run, engine, "export", str(target), error=error.format(target=target))
    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith("registry.db")) == ["b", "new"]
    assert list((tmp_path / "new").iterdir()) == []


# The child process: runs the command, and at the point named pauses (after touching
# MARKER) to be killed.
CHILD = """
import pathlib, sys, time
from mbp_registry.cli.main import cli
from mbp_registry.registry import files, recordtypes as rt
from mbp_registry.registry.bundle import export
marker, where = pathlib.Path(sys.argv[1]), sys.argv[2]

def pause():
    marker.touch()
    time.sleep(120)

if where == "sixth file":
    rows = export.bundle_rows
    def paused(session, record_type):
        if record_type is rt.ALL[5]:
            pause()
        return rows(session, record_type)
    export.bundle_rows = paused
else:  # the copy is written, not yet renamed
    files._put_in_place = lambda *args, **kwargs: pause()
cli.main(sys.argv[3:], prog_name="mbp-registry")
"""


def _killed_at(where: str, tmp_path: pathlib.Path, *args: str) -> None:
    marker = tmp_path / "paused"
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(marker), where, *args],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    _kill_when(process, marker.exists, what=f"the pause at {where}")
    process.stderr.close()


def test_an_export_killed_part_way_leaves_no_folder_under_its_name(run, engine, db_url, tmp_path):
    from mbp_registry.registry.bundle import export

    run("import", str(write_bundle(tmp_path / "b", SMALL)))
    target = tmp_path / "out"
    _killed_at("sixth file", tmp_path, "--db", db_url, "export", str(target))
    assert not target.exists()
    (partial,) = [path for path in tmp_path.iterdir() if path.name.startswith(".out.")]
    assert partial.name.endswith(".partial")
    assert sorted(path.name for path in partial.iterdir()) == sorted([export.UNFINISHED, *BUNDLE_ORDER[:6]])
    truncate_all(engine)
    before = table_counts(engine)
    result = run("import", str(partial))
    assert result.exit_code == 1
    assert f"{export.UNFINISHED}:1: not a bundle file" in result.stderr
    assert table_counts(engine) == before


def test_a_backup_killed_part_way_leaves_no_file_that_looks_like_a_registry(run, db_url, tmp_path, backend):
    if backend != "sqlite":
        pytest.skip("db backup copies a SQLite file")
    run("import", str(write_bundle(tmp_path / "b", SMALL)))
    destination = tmp_path / "copies" / "copy.db"
    _killed_at("before the rename", tmp_path, "--db", db_url, "db", "backup", str(destination))
    assert not destination.exists()
    assert all(path.name.startswith(".copy.db.") for path in destination.parent.iterdir())
    result = CliRunner().invoke(cli, ["--db", str(destination), "person", "list"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: no registry at {destination}: run `mbp-registry init`\n"
    assert not destination.exists()
    again = run("db", "backup", str(destination))
    assert again.exit_code == 0, again.output
    assert stat.S_IMODE(destination.stat().st_mode) == 0o600


# --- single files: the old one stays until the new one is whole


def _half_then_disk_full(real):
    def write(self, content, *args, **kwargs):
        real(self, content[: len(content) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    return write


@pytest.mark.parametrize(
    "command, name, what",
    [
        (("export", "--xlsx"), "registry.xlsx", "xlsx"),
        (("report", "annual", "--year", "2025", "--out"), "report.html", "out"),
        (("lineage", "export", "--out"), "lineage.dot", "out"),
    ],
    ids=["workbook", "annual report", "lineage file"],
)
def test_a_file_that_cannot_be_finished_leaves_the_old_one_whole(run, engine, tmp_path, monkeypatch, command, name, what):
    run("import", str(write_bundle(tmp_path / "b", SMALL)))
    folder = tmp_path / "outputs"
    folder.mkdir()
    old = folder / name
    old.write_text("the last good one")
    monkeypatch.setattr(pathlib.Path, "write_bytes", _half_then_disk_full(pathlib.Path.write_bytes))
    monkeypatch.setattr(pathlib.Path, "write_text", _half_then_disk_full(pathlib.Path.write_text))
    assert_refused(run, engine, *command, str(old), error=f"{what}: cannot write {str(old)!r}: No space left on device")
    assert old.read_text() == "the last good one"
    assert [path.name for path in folder.iterdir()] == [name]  # no temporary file left


def test_a_workbook_in_new_nested_folders_makes_them_owner_only(run, tmp_path):
    out = tmp_path / "new" / "nested" / "registry.xlsx"
    result = run("export", "--xlsx", str(out))
    assert result.exit_code == 0, result.output
    for folder in (tmp_path / "new", out.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert os.listdir(out.parent) == ["registry.xlsx"]
