"""Concurrent writers: separate OS processes writing at once lose nothing, store
nothing twice, and none of them fails (SQLite in WAL mode with a busy timeout, and
PostgreSQL alike)."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select

from mbp_registry.fixtures.generate import generate_bundle
from mbp_registry.registry import recordtypes as rt
from mbp_registry.registry.bundle.tables import TABLES
from mbp_registry.registry.models import AuditEntry, CourseCoTeacher, Person, SupervisionSession
from tests.helpers import days_ago, table_counts
from tests.safety_helpers import child_process, cli_process, prefixed_bundle, wait_for

WRITERS = 8
SESSIONS_EACH = 200
SUPERVISEES = ["T1", "T2", "T3", "T4"]


def _ok(run, *args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def _seed_supervisors(run) -> list[str]:
    """One organisation and programme, supervisors S1..S8 and supervisees T1..T4."""
    _ok(run, "org", "add", "ORG", "--name", "Org", "--region", "North")
    _ok(run, "programme", "add", "MBCT", "--name", "Mindfulness-Based Cognitive Therapy")
    supervisors = [f"S{i}" for i in range(1, WRITERS + 1)]
    for ref in supervisors + SUPERVISEES:
        _ok(run, "person", "add", ref, "--name", f"Person {ref}", "--org", "ORG", "--joined-on", "2000-01-01")
    for ref in supervisors:
        _ok(run, "stage", "add", "--person", ref, "--programme", "MBCT", "--stage", "supervisor", "--on", "2001-01-01")
    for ref in SUPERVISEES:
        _ok(run, "stage", "add", "--person", ref, "--programme", "MBCT", "--stage", "teacher", "--on", "2001-01-01")
    return supervisors


def test_eight_processes_logging_200_sessions_each_at_once_store_all_1600_once(run, db_url, engine, tmp_path):
    supervisors = _seed_supervisors(run)
    before = table_counts(engine)
    start = tmp_path / "start"
    start.mkdir()
    children = []
    for ref in supervisors:
        out, err = (tmp_path / f"{ref}.out").open("w"), (tmp_path / f"{ref}.err").open("w")
        children.append(
            (ref, child_process("log-sessions", db_url, ref, str(SESSIONS_EACH), str(start), *SUPERVISEES, stdout=out, stderr=err))
        )
    try:
        wait_for(lambda: all((start / f"ready-{ref}").exists() for ref in supervisors), timeout=60, what="the writers")
        (start / "go").touch()
        codes = {ref: child.wait(timeout=900) for ref, child in children}  # a guard against a hang, not a speed check
    finally:
        for _, child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    for ref in supervisors:
        assert codes[ref] == 0, (tmp_path / f"{ref}.err").read_text()[-3000:]
        logged = (tmp_path / f"{ref}.out").read_text().splitlines()
        assert len(logged) == SESSIONS_EACH and all(line.startswith("Logged a ") for line in logged)
        assert "Traceback" not in (tmp_path / f"{ref}.err").read_text()

    sessions = SupervisionSession.__table__
    supervisor, supervisee = Person.__table__.alias("supervisor"), Person.__table__.alias("supervisee")
    with engine.connect() as connection:
        rows = connection.execute(
            select(supervisor.c.ref, supervisee.c.ref, sessions.c.held_on, sessions.c.kind, sessions.c.notes)
            .join(supervisor, supervisor.c.id == sessions.c.supervisor_id)
            .join(supervisee, supervisee.c.id == sessions.c.supervisee_id)
        ).all()
        audited = connection.execute(
            select(AuditEntry.actor, AuditEntry.record_key).where(AuditEntry.action == "add", AuditEntry.record_type == "sessions")
        ).all()
    expected = {
        (ref, SUPERVISEES[n % len(SUPERVISEES)], days_ago(1 + n), "individual", f"session {n} of {ref}")
        for ref in supervisors
        for n in range(SESSIONS_EACH)
    }
    stored = [(a, b, held_on.isoformat(), kind, notes) for a, b, held_on, kind, notes in rows]
    assert len(stored) == WRITERS * SESSIONS_EACH
    assert set(stored) == expected
    assert len(audited) == len(set(audited)) == WRITERS * SESSIONS_EACH
    after = table_counts(engine)
    assert after["supervision_sessions"] - before["supervision_sessions"] == WRITERS * SESSIONS_EACH
    assert {name: n for name, n in after.items() if name not in ("supervision_sessions", "audit_log")} == {
        name: n for name, n in before.items() if name not in ("supervision_sessions", "audit_log")
    }


@pytest.fixture(scope="module")
def four_bundles(tmp_path_factory):
    """Four bundles of the same generated service, every ref, code and email made distinct."""
    root = tmp_path_factory.mktemp("bundles")
    generate_bundle(root / "base", people=250, seed=11)
    return [(root / prefix, prefixed_bundle(root / "base", root / prefix, f"{prefix}-")) for prefix in "ABCD"]


def _expected_rows(bundles) -> dict[str, int]:
    expected = {}
    for record_type in rt.ALL:
        expected[TABLES[record_type.name].name] = sum(rows[record_type.file] for _, rows in bundles)
    co_teachers = 0
    for directory, _ in bundles:
        with (directory / "courses.csv").open(newline="", encoding="utf-8") as handle:
            co_teachers += sum(len([c for c in row["co_teachers"].split(";") if c]) for row in csv.DictReader(handle))
    expected[CourseCoTeacher.__table__.name] = co_teachers
    return expected


def test_four_processes_importing_different_bundles_at_once_all_succeed_with_every_row(db_url, engine, four_bundles):
    processes = [cli_process("--db", db_url, "--actor", "importer", "import", str(directory)) for directory, _ in four_bundles]
    try:
        results = [process.communicate(timeout=240) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0, err.decode()[-3000:]
        assert "Imported " in out.decode()
        assert b"Traceback" not in err
    after = table_counts(engine)
    expected = _expected_rows(four_bundles)
    assert {name: after[name] for name in expected} == expected
    with engine.connect() as connection:
        imports = connection.execute(select(func.count()).where(AuditEntry.action == "import")).scalar_one()
    assert imports == 4

