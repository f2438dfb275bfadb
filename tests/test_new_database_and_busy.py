"""Several processes starting at once on a new SQLite file all succeed; a database held
by another writer past the busy timeout is one line saying so; the busy timeout comes
from MBP_REGISTRY_BUSY_TIMEOUT."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from mbp_registry.registry import db, maintenance
from mbp_registry.registry.schema import HEAD_REVISION, current_revision
from mbp_registry.registry.session import open_engine
from tests.bundle_helpers import SMALL, write_bundle
from tests.helpers import assert_refused
from tests.safety_helpers import cli_process

ROUNDS = 10
PROCESSES = 8


@pytest.fixture
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("a new SQLite file")


def test_processes_starting_at_once_on_a_new_file_all_succeed(tmp_path, sqlite_only):
    """Half run `init`, half `import` of the same bundle, on a file none of them finds
    (four processes: each starts an interpreter; the threads below repeat the race)."""
    bundle = write_bundle(tmp_path / "bundle", SMALL)
    path = tmp_path / "new.db"
    commands = [("init",) if n % 2 else ("import", str(bundle)) for n in range(PROCESSES // 2)]
    processes = [cli_process("--db", str(path), *command) for command in commands]
    results = [(process.wait(timeout=180), *process.communicate()) for process in processes]
    failed = [(command, err.decode()) for command, (code, _, err) in zip(commands, results) if code != 0]
    assert failed == []
    engine = db.create_registry_engine(db.resolve_url(str(path)))
    assert current_revision(engine) == HEAD_REVISION
    with engine.connect() as connection:  # imported once, the others finding it there
        assert connection.execute(text("SELECT count(*) FROM people")).scalar() == 5
    engine.dispose()


def _start_together(path: Path, barrier: threading.Barrier, initialise: bool) -> str | None:
    """Open the new file as `init` (any revision, then upgrade) or as `import` and `demo`
    (the schema required, created on an empty file) do; the error, if any."""
    try:
        barrier.wait(timeout=30)
        engine = open_engine(str(path), check_schema=not initialise, create=True)
        if initialise:
            maintenance.initialise(engine)
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - every failure is reported by the test
        return f"{type(exc).__name__}: {exc}"
    return None


def test_eight_connections_starting_at_once_on_new_files_all_succeed(tmp_path, sqlite_only):
    """The same race, many times over: eight threads, each with its own engine."""
    started = time.monotonic()
    for round_ in range(ROUNDS):
        path, barrier = tmp_path / f"new-{round_}.db", threading.Barrier(PROCESSES)
        with ThreadPoolExecutor(PROCESSES) as pool:
            errors = list(pool.map(lambda n: _start_together(path, barrier, n % 2 == 0), range(PROCESSES)))
        assert errors == [None] * PROCESSES, f"round {round_}"
        engine = db.create_registry_engine(db.resolve_url(str(path)))
        assert current_revision(engine) == HEAD_REVISION
        engine.dispose()
    assert time.monotonic() - started < 60


def _holding_the_write_lock(db_url: str) -> sqlite3.Connection:
    path = db.sqlite_path(db.resolve_url(db_url))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


BUSY = (
    "the database is busy: another process has been writing to it for longer than the busy timeout "
    "(0.2 seconds, MBP_REGISTRY_BUSY_TIMEOUT); nothing was changed: try again when it has finished"
)


def test_a_writer_held_past_the_busy_timeout_is_one_line_saying_so(run, engine, db_url, monkeypatch, sqlite_only):
    monkeypatch.setenv("MBP_REGISTRY_BUSY_TIMEOUT", "0.2")
    holder = _holding_the_write_lock(db_url)
    try:
        started = time.monotonic()
        result = run("org", "add", "ORG-X", "--name", "Org X", "--region", "North")
        assert time.monotonic() - started < 10
        assert result.exit_code == 1
        assert result.stderr == f"Error: {BUSY}\n"
        assert result.stdout == ""
        read = run("db", "info")  # a read does not wait for the writer
        assert read.exit_code == 0, read.output
    finally:
        holder.rollback()
        holder.close()
    assert run("org", "add", "ORG-X", "--name", "Org X", "--region", "North").exit_code == 0


@pytest.mark.parametrize("value, milliseconds", [(None, 30_000), ("", 30_000), ("2.5", 2_500), ("0", 0)])
def test_the_busy_timeout_comes_from_the_environment(tmp_path, monkeypatch, value, milliseconds):
    if value is None:
        monkeypatch.delenv("MBP_REGISTRY_BUSY_TIMEOUT", raising=False)
    else:
        monkeypatch.setenv("MBP_REGISTRY_BUSY_TIMEOUT", value)
    engine = db.create_registry_engine(db.resolve_url(str(tmp_path / "t.db")))
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == milliseconds
    engine.dispose()


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "1e9"])
def test_a_busy_timeout_that_is_not_a_number_of_seconds_is_one_line(run, engine, monkeypatch, value, sqlite_only):
    monkeypatch.setenv("MBP_REGISTRY_BUSY_TIMEOUT", value)
    assert_refused(
        run, engine, "person", "list",
        error=f"MBP_REGISTRY_BUSY_TIMEOUT: {value!r} is not a number of seconds from 0 to 86400",
    )


def test_the_busy_message_is_for_the_locked_error_only():
    assert db.held_by_another("database is locked") is not None
    assert db.held_by_another("no such table: people") is None


def test_a_backup_while_another_process_writes_waits_then_says_busy(run, db_url, tmp_path, monkeypatch, sqlite_only):
    """The backup's audit entry is a write: past the busy timeout it is refused in one
    line, and the copy made before it is removed, not left looking whole."""
    monkeypatch.setenv("MBP_REGISTRY_BUSY_TIMEOUT", "0.2")
    holder = _holding_the_write_lock(db_url)
    try:
        result = run("db", "backup", str(tmp_path / "copy.db"))
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == 1
    assert result.stderr == f"Error: {BUSY}\n"
    assert list(tmp_path.glob("*copy.db*")) == []


def test_inits_starting_at_once_on_an_empty_postgresql_schema_all_succeed(empty_db_url, backend):
    """On PostgreSQL an advisory lock plays the part of SQLite's write lock."""
    if backend != "postgresql":
        pytest.skip("an empty PostgreSQL schema")
    barrier = threading.Barrier(4)

    def init() -> str | None:
        try:
            barrier.wait(timeout=30)
            engine = open_engine(empty_db_url, check_schema=False)
            maintenance.initialise(engine)
            engine.dispose()
        except Exception as exc:  # noqa: BLE001 - every failure is reported by the test
            return f"{type(exc).__name__}: {exc}"
        return None

    with ThreadPoolExecutor(4) as pool:
        errors = list(pool.map(lambda _: init(), range(4)))
    assert errors == [None] * 4
    engine = open_engine(empty_db_url)
    assert current_revision(engine) == HEAD_REVISION
    engine.dispose()
