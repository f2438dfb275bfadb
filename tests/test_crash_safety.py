"""Crash safety: an import killed (SIGKILL) part way leaves the database as it was,
never half imported; the database then passes `db check` and the same import runs to
the end.

Two kills per backend:
- in the middle of the merge, with people, stages, links and sessions already written
  to the registry tables in the import's transaction (the import is paused there by a
  hook, so the kill lands there every time);
- unaided, at the moment the work reaches the database: on PostgreSQL while an INSERT
  into a registry table runs; on SQLite while the commit writes its pages into the
  -wal file (a kill then leaves the database as it was or, if the commit record was
  written first, fully imported: never part of it).
"""

from __future__ import annotations

import re
import signal
import subprocess
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mbp_registry.fixtures.generate import generate_bundle
from mbp_registry.registry import recordtypes as rt
from mbp_registry.registry.bundle.tables import TABLES
from mbp_registry.registry.db import sqlite_path
from tests.helpers import table_counts
from tests.safety_helpers import CONSOLE_SCRIPT, child_process, cli_process, wait_for

# Large enough that the kills land where they are aimed (SQLite's commit writes megabytes).
PEOPLE = {"sqlite": 1200, "postgresql": 600}
# The registry tables an import merges into (its own staging tables are stage_* and resolved_*).
MERGED = "|".join(re.escape(TABLES[record_type.name].name) for record_type in rt.ALL)


@pytest.fixture(scope="module")
def large_bundle(tmp_path_factory, backend):
    directory = tmp_path_factory.mktemp("large") / "bundle"
    rows = generate_bundle(directory, people=PEOPLE[backend], seed=5)
    return directory, rows


def _seed(run) -> None:
    """A few rows of our own, so that "as it was" is not simply empty."""
    for args in [
        ("org", "add", "SEED-ORG", "--name", "Seed Org", "--region", "North"),
        ("programme", "add", "SEED-PROG", "--name", "Seed Programme"),
        ("person", "add", "SEED-1", "--name", "Seed One", "--org", "SEED-ORG"),
        ("person", "add", "SEED-2", "--name", "Seed Two", "--org", "SEED-ORG"),
        ("cpd", "log", "--person", "SEED-1", "--date", "2024-01-02", "--hours", "3", "--category", "reading"),
    ]:
        result = run(*args)
        assert result.exit_code == 0, result.output


def _imported(before: dict[str, int], rows: dict[str, int]) -> dict[str, int]:
    """The counts once the bundle is imported (the audit log aside)."""
    after = dict(before)
    for record_type in rt.ALL:
        after[TABLES[record_type.name].name] += rows[record_type.file]
    return after


def _without_audit(counts: dict[str, int]) -> dict[str, int]:
    return {name: n for name, n in counts.items() if name not in ("audit_log", "course_co_teachers")}


def _kill_when(process: subprocess.Popen, reached, *, what: str, interval: float = 0.01) -> None:
    """Kill the import (SIGKILL) as soon as `reached()` holds; it must still be running
    then. Whatever happens, it is not left running."""
    try:
        wait_for(lambda: reached() or process.poll() is not None, timeout=120, what=what, interval=interval)
        ended = process.poll() is not None
        errors = process.stderr.read().decode()[-2000:] if ended and process.stderr else ""
        assert not ended, f"the import ended before it could be killed (use a larger bundle): {errors}"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _committing_sqlite(db_url: str):
    """True once the import writes into the -wal file: with its page cache large enough
    to hold the whole import, that is its commit."""
    path = sqlite_path(make_url(db_url))
    wal = path.with_name(path.name + "-wal")
    start = wal.stat().st_size if wal.exists() else 0
    return lambda: wal.exists() and wal.stat().st_size > start


def _inserting_postgresql(engine, application_name: str):
    """True while the import's connection runs an INSERT into a registry table."""
    pattern = re.compile(rf"^\s*INSERT INTO ({MERGED}) ", re.IGNORECASE)

    def inserting() -> bool:
        with engine.connect() as connection:
            queries = connection.execute(
                text("SELECT query FROM pg_stat_activity WHERE application_name = :name AND state = 'active'"),
                {"name": application_name},
            ).scalars()
            return any(pattern.match(query) for query in queries)

    return inserting


def _wait_until_backend_gone(engine, application_name: str) -> None:
    """PostgreSQL rolls a dead client's transaction back and ends its backend."""

    def gone() -> bool:
        with engine.connect() as connection:
            return not connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"), {"name": application_name}
            ).scalar()

    wait_for(gone, timeout=60, what="the killed import's backend to end", interval=0.05)


def test_an_import_killed_part_way_leaves_the_database_as_it_was_or_fully_imported(
    run, db_url, engine, backend, large_bundle, tmp_path
):
    directory, rows = large_bundle
    _seed(run)
    before = table_counts(engine)
    application_name = f"crash_{uuid.uuid4().hex[:8]}"
    url = db_url
    if backend == "postgresql":
        url = make_url(db_url).update_query_dict({"application_name": application_name}).render_as_string(hide_password=False)

    # 1. Killed in the middle of its merge: sessions and what they refer to written, uncommitted.
    marker = tmp_path / "merging"
    process = child_process(
        "import-pausing-in-merge", str(marker), "--db", url, "import", str(directory),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    _kill_when(process, marker.exists, what="the merge")
    assert marker.exists()
    if backend == "postgresql":
        _wait_until_backend_gone(engine, application_name)
    assert table_counts(engine) == before

    # 2. Killed unaided while the import's writes reach the database.
    reaching = _committing_sqlite(db_url) if backend == "sqlite" else _inserting_postgresql(engine, application_name)
    process = cli_process("--db", url, "import", str(directory), stdout=subprocess.DEVNULL)
    _kill_when(process, reaching, what="the writes", interval=0.002)
    if backend == "postgresql":
        _wait_until_backend_gone(engine, application_name)
        assert table_counts(engine) == before
    else:
        assert _without_audit(table_counts(engine)) in (_without_audit(before), _without_audit(_imported(before, rows)))

    check = subprocess.run([CONSOLE_SCRIPT, "--db", db_url, "db", "check"], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "FAILED" not in check.stdout

    again = subprocess.run([CONSOLE_SCRIPT, "--db", db_url, "import", str(directory)], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    assert _without_audit(table_counts(engine)) == _without_audit(_imported(before, rows))
