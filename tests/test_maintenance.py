"""Looking after the database: `db backup`, `db check`, passwords kept out of every
output, and files readable by their owner only."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mbp_registry.cli.main import cli
from mbp_registry.registry import recordtypes as rt
from mbp_registry.registry.db import create_registry_engine, resolve_url, sqlite_path
from mbp_registry.registry.models import Base
from mbp_registry.registry.schema import HEAD_REVISION
from tests.helpers import load_demo, table_counts


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("a SQLite file")


# --- db backup


def test_db_backup_copies_the_committed_rows_owner_only_while_another_connection_writes(
    run, db_url, engine, tmp_path, sqlite_only
):
    load_demo(run, engine)
    committed = table_counts(engine)
    destination = tmp_path / "backups" / "copy.db"
    destination.parent.mkdir()
    # The writer holds the database, its programme uncommitted, while the copy is made;
    # it rolls back a second later, and only then can the backup write its audit entry.
    writer = sqlite3.connect(sqlite_path(make_url(db_url)), isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO programmes (code, name) VALUES ('UNCOMMITTED', 'Not yet')")
    rollback = threading.Timer(1.0, writer.execute, args=("ROLLBACK",))
    rollback.start()
    try:
        result = run("db", "backup", str(destination))
    finally:
        rollback.join()
        writer.close()
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Backed up to {destination} (readable by you only).\n"
    assert mode(destination) == 0o600
    copy = create_registry_engine(resolve_url(str(destination)))
    try:
        assert table_counts(copy) == committed
        with copy.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM programmes WHERE code = 'UNCOMMITTED'")).scalar() == 0
    finally:
        copy.dispose()
    checked = CliRunner().invoke(cli, ["--db", str(destination), "db", "check"])
    assert checked.exit_code == 0, checked.output
    # The source's audit trail ends with the backup, which holds every confidential note.
    assert table_counts(engine) == {**committed, "audit_log": committed["audit_log"] + 1}
    listed = run("audit", "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    last = json.loads(listed.stdout)[-1]
    assert (last["actor"], last["action"], last["record_type"], last["record"], last["person"]) == (
        "tester", "export", "database", str(destination.resolve()), None
    )


def test_db_backup_refuses_a_file_that_exists_and_leaves_it_alone(run, tmp_path, sqlite_only):
    destination = tmp_path / "exists.db"
    destination.write_text("keep me")
    result = run("db", "backup", str(destination))
    assert result.exit_code == 1
    assert result.stderr == f"Error: backup: {str(destination)!r} already exists; choose a new file\n"
    assert destination.read_text() == "keep me"


def test_db_backup_into_a_missing_folder_makes_it_owner_only(run, tmp_path, sqlite_only):
    destination = tmp_path / "new" / "nested" / "copy.db"
    result = run("db", "backup", str(destination))
    assert result.exit_code == 0, result.output
    for folder in (tmp_path / "new", destination.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert [path.name for path in destination.parent.iterdir()] == ["copy.db"]


def test_db_backup_into_a_folder_that_cannot_be_made_is_a_one_line_error(run, sqlite_only):
    result = run("db", "backup", "/proc/x/copy.db")
    assert result.exit_code == 1
    assert result.stderr == "Error: backup: cannot write '/proc/x/copy.db': No such file or directory\n"


def test_db_backup_on_postgresql_says_to_use_pg_dump(run, backend, tmp_path):
    if backend != "postgresql":
        pytest.skip("PostgreSQL")
    destination = tmp_path / "copy.db"
    result = run("db", "backup", str(destination))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: backup: this is a PostgreSQL database; back it up with pg_dump, e.g. "
        "pg_dump --format=custom --file=registry.dump DBNAME\n"
    )
    assert not destination.exists()


# --- db check


def _check_table(rows: list[tuple[str, str, str]]) -> str:
    from tabulate import tabulate

    return tabulate([list(row) for row in rows], headers=["Check", "Result", "Detail"], disable_numparse=True) + "\n"


RULES_KEPT = ("records keep the rules", "ok", "every record keeps the rules")


def _good_rows(backend: str) -> list[tuple[str, str, str]]:
    schema = ("schema at the newest migration", "ok", f"revision {HEAD_REVISION}, newest {HEAD_REVISION}")
    if backend == "sqlite":
        return [schema, ("integrity", "ok", "ok"), ("foreign keys", "ok", "all references resolve"), RULES_KEPT]
    tables = len(Base.metadata.tables) + 1  # and alembic_version
    return [schema, ("foreign keys", "ok", "enforced by PostgreSQL"), ("tables", "ok", f"{tables} tables readable"), RULES_KEPT]


def test_db_check_passes_on_a_good_database(run, engine, backend):
    load_demo(run, engine)
    result = run("db", "check")
    assert result.exit_code == 0, result.output
    assert result.stdout == _check_table(_good_rows(backend))
    assert result.stderr == ""


def test_db_check_fails_on_a_reference_to_a_missing_record(run, db_url, engine, sqlite_only):
    load_demo(run, engine)
    with sqlite3.connect(sqlite_path(make_url(db_url))) as connection:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute(
            "INSERT INTO cpd_activities (person_id, date, hours, category, description) "
            "VALUES (999999, '2024-01-01', 2, 'reading', 'orphan')"
        )
    connection.close()
    result = run("db", "check")
    assert result.exit_code == 1
    rows = _good_rows("sqlite")
    rows[2] = ("foreign keys", "FAILED", "1 rows refer to missing records")
    # The orphan is named for the reference alone, with the id it holds.
    rows[3] = ("records keep the rules", "to correct", "1 record to correct (amend TYPE ID), listed below")
    orphan = table_counts(engine)["cpd_activities"]
    assert result.stdout == _check_table(rows) + f"cpd {orphan}: person: refers to person id 999999, which is not in the registry\n"
    assert result.stderr == "Error: the database failed a check\n"


def test_db_check_fails_when_the_schema_is_not_at_the_newest_migration(run, engine, backend):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    result = run("db", "check")
    assert result.exit_code == 1
    rows = _good_rows(backend)
    rows[0] = ("schema at the newest migration", "FAILED", f"revision 0001, newest {HEAD_REVISION}")
    rows[-1] = ("records keep the rules", "ok", "not checked: the schema is not at the newest migration")
    assert result.stdout == _check_table(rows)
    assert result.stderr == "Error: the database failed a check\n"


# --- passwords

SECRET_URLS = [
    "postgresql+psycopg://u:s3cret@127.0.0.1:1/x",
    "postgresql://u:s3cret@127.0.0.1:notaport/x",
    "postgresql://u:my s3cret@127.0.0.1:notaport/x",
    "postgresql://u:s3cret@w0rd@127.0.0.1:1/x",
    "postgresql+nodriver://u:s3cret@127.0.0.1:1/x",
]
COMMANDS = [
    ("config", "show"),
    ("db", "info"),
    ("db", "check"),
    ("init",),
    ("person", "list"),
    ("db", "backup", "never-written.db"),
    ("supervision", "log", "--supervisor", "S1", "--supervisee", "T1", "--date", "2024-01-01", "--minutes", "60", "--kind", "group"),
]


@pytest.mark.parametrize("url", SECRET_URLS)
def test_a_password_in_the_database_url_is_never_printed(url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in COMMANDS:
        result = CliRunner().invoke(cli, ["--db", url, *command])
        shown = f"{command}: exit {result.exit_code}: {result.output}"
        assert "s3cret" not in result.output and "w0rd" not in result.output, shown
        assert result.exception is None or isinstance(result.exception, SystemExit), shown
        if result.exit_code == 0:
            assert command == ("config", "show"), shown
            assert result.stdout.splitlines()[0].endswith("://u:***@127.0.0.1:1/x"), shown
        else:
            assert result.exit_code == 1, shown
            assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1, shown
            assert "://u:***@" in result.stderr, shown
    assert not (tmp_path / "never-written.db").exists()


def test_config_show_masks_the_password_of_the_database(monkeypatch):
    monkeypatch.setenv("MBP_REGISTRY_DB", "postgresql+psycopg://alice:s3cret@db.example.org/registry")
    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "database: postgresql+psycopg://alice:***@db.example.org/registry"
    assert "s3cret" not in result.output


@pytest.mark.parametrize("command", [(), ("db",), ("db", "backup"), ("person", "list"), ("import",), ("config", "show")])
def test_help_never_shows_the_database_url_from_the_environment(command, monkeypatch):
    monkeypatch.setenv("MBP_REGISTRY_DB", "postgresql+psycopg://alice:s3cret@db.example.org/registry")
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    assert "db.example.org" not in result.output
    if not command:
        assert "[env var: MBP_REGISTRY_DB]" in result.output


# --- files readable by their owner only


def test_a_new_sqlite_database_its_wal_files_and_its_folder_are_owner_only(tmp_path):
    previous = os.umask(0o022)
    try:
        path = tmp_path / "new" / "registry.db"
        result = CliRunner().invoke(cli, ["--db", str(path), "init"])
        assert result.exit_code == 0, result.output
        assert mode(path) == 0o600
        assert mode(path.parent) == 0o700
        engine = create_registry_engine(resolve_url(str(path)))
        try:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO programmes (code, name) VALUES ('MBCT', 'x')"))
            with engine.connect():
                for suffix in ("-wal", "-shm"):
                    assert mode(path.with_name(path.name + suffix)) == 0o600, suffix
        finally:
            engine.dispose()
    finally:
        os.umask(previous)


def test_exports_are_owner_only_even_over_files_that_were_readable_by_others(run, engine, tmp_path):
    load_demo(run, engine)
    previous = os.umask(0o022)
    try:
        folder = tmp_path / "export"
        workbook = tmp_path / "registry.xlsx"
        workbook.write_bytes(b"")
        workbook.chmod(0o644)
        result = run("export", str(folder), "--xlsx", str(workbook))
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert mode(folder) == 0o700
    files = sorted(folder.iterdir())
    assert len(files) == len(rt.ALL) + 1  # the bundle files and the manifest
    assert all(mode(path) == 0o600 for path in files), [(path.name, oct(mode(path))) for path in files]
    assert mode(workbook) == 0o600
