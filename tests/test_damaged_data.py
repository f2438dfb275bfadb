"""Damaged data: records that only a change made around the registry leaves (raw SQL,
SQLite's foreign keys off, writers that raced before the lineage was held).

`db check` names each such record in one line; reports on a lineage with a loop say so
in one `Error:` line instead of a traceback, and so does a training record added to
that lineage; a correction that breaks the loop is accepted.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mbp_registry.registry.db import sqlite_path
from tests.helpers import assert_refused, build_service, ok, table_counts, write_csv

LOOP = "the MBCT lineage has a loop: R01 trains S01 trains R01"
REFUSED = f"{LOOP}; run `db check`"


def _person(ref: str) -> str:
    return f"(SELECT id FROM people WHERE ref = '{ref}')"


def _programme(code: str) -> str:
    return f"(SELECT id FROM programmes WHERE code = '{code}')"


def raw_sql(engine, *statements: str, foreign_keys: bool = True) -> None:
    """Run statements as a hand edit would, around the registry; without the foreign
    keys checked when asked (SQLite's pragma off; PostgreSQL's replica role)."""
    if engine.dialect.name == "sqlite" and not foreign_keys:
        connection = sqlite3.connect(sqlite_path(make_url(str(engine.url))))
        with connection:
            for statement in statements:
                connection.execute(statement)
        connection.close()
        return
    with engine.begin() as connection:
        if not foreign_keys:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            connection.execute(text(statement))


@pytest.fixture
def looped(run, engine):
    """The small service, R01 training S01 (by the command) and S01 training R01 (by hand)."""
    build_service(run, engine)
    ok(run, "training", "add", "--trainer", "R01", "--trainee", "S01", "--programme", "MBCT", "--stage", "supervisor",
       "--on", "2019-01-01")  # fmt: skip
    raw_sql(
        engine,
        "INSERT INTO training (trainer_id, trainee_id, programme_id, stage, trained_on) VALUES "
        f"({_person('S01')}, {_person('R01')}, {_programme('MBCT')}, 'trainer_of_trainers', '2020-01-01')",
    )


@pytest.mark.parametrize(
    "args",
    [
        ("lineage", "show", "T001"),
        ("lineage", "export", "--format", "dot"),
        ("lineage", "export", "--format", "json", "--programme", "MBSR"),
        ("lineage", "draw", "--out", "{tmp}/lineage.svg"),
        ("succession", "report"),
        ("succession", "report", "--format", "json"),
        ("succession", "what-if", "--without", "S01"),
        ("report", "annual", "--out", "{tmp}/annual.html"),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_reports_on_a_lineage_with_a_loop_name_it_in_one_line(run, engine, looped, tmp_path, args):
    args = [arg.format(tmp=tmp_path) for arg in args]
    assert_refused(run, engine, *args, error=REFUSED)
    assert not list(tmp_path.glob("*.svg")) and not list(tmp_path.glob("*.html"))


def test_a_training_record_in_that_lineage_names_the_loop_and_another_programme_is_unaffected(run, engine, looped):
    assert_refused(
        run, engine, "training", "add", "--trainer", "R01", "--trainee", "T001", "--programme", "MBCT",
        "--stage", "teacher", "--on", "2021-01-01", error=REFUSED,
    )  # fmt: skip
    ok(run, "stage", "add", "--person", "R01", "--programme", "MBSR", "--stage", "trainer", "--on", "2015-01-01")
    ok(run, "training", "add", "--trainer", "R01", "--trainee", "T003", "--programme", "MBSR", "--stage", "teacher",
       "--on", "2016-01-01", output="R01 trained T003 towards teacher in MBSR.")  # fmt: skip


def test_an_import_into_that_lineage_names_the_loop_on_its_training_line(run, engine, looped, tmp_path):
    write_csv(tmp_path / "training.csv", ["trainer", "trainee", "programme", "stage", "trained_on"],
              [{"trainer": "R01", "trainee": "T001", "programme": "MBCT", "stage": "teacher", "trained_on": "2021-01-01"}])  # fmt: skip
    before = table_counts(engine)
    result = run("import", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"training.csv:2: {REFUSED}", "Error: the bundle has 1 error(s); nothing was imported"]
    assert table_counts(engine) == before


def test_db_check_names_the_loop_once_and_a_correction_that_breaks_it_is_accepted(run, engine, looped):
    checked = run("db", "check")
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.splitlines()[-2:] == [
        f"training 1: {LOOP}; amend or remove one of training 1, 2",
        # the record written by hand breaks a rule of its own too
        "training 2: trainer: 'S01' holds stage supervisor in MBCT on 2020-01-01; trainer or higher is needed",
    ]
    ok(run, "amend", "training", "1", "--set", "trainee=T001", "--reason", "the trainee was T001")
    assert "loop" not in run("db", "check").stdout
    assert ok(run, "lineage", "show", "S01").stdout.startswith("S01 ")


def test_db_check_names_records_whose_references_are_gone(run, engine):
    """T002 deleted by hand with the foreign keys off: each record still naming them is one
    line saying so (not 'a value is required'); the foreign-key check fails on SQLite."""
    build_service(run, engine)
    ok(run, "cpd", "log", "--person", "T002", "--date", "2024-01-02", "--hours", "2", "--category", "workshop")
    ok(run, "course", "add", "C1", "--programme", "MBCT", "--start-on", "2024-02-01", "--lead", "S01",
       "--co-teacher", "T002")  # fmt: skip
    with engine.connect() as connection:
        gone, stage = connection.execute(
            text("SELECT people.id, stages.id FROM people JOIN stages ON stages.person_id = people.id WHERE ref = 'T002'")
        ).one()
    raw_sql(engine, "DELETE FROM people WHERE ref = 'T002'", foreign_keys=False)
    result = run("db", "check")
    problems = [line for line in result.stdout.splitlines() if line.startswith(("stages", "cpd", "courses"))]
    assert problems == [
        f"stages {stage}: person: refers to person id {gone}, which is not in the registry",
        f"cpd 1: person: refers to person id {gone}, which is not in the registry",
        f"courses C1: co_teachers: refers to person id {gone}, which is not in the registry",
    ], result.stdout
    assert result.exit_code == (1 if engine.dialect.name == "sqlite" else 0), result.output


def test_db_check_names_overlapping_links_and_an_email_held_twice(run, engine):
    build_service(run, engine)
    ok(run, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT", "--from", "2024-01-01")
    ok(run, "person", "update", "T001", "--email", "ann@example.org")
    raw_sql(
        engine,
        "INSERT INTO supervision_links (supervisor_id, supervisee_id, programme_id, started_on) VALUES "
        f"({_person('S01')}, {_person('T001')}, {_programme('MBCT')}, '2024-06-01')",
        "UPDATE people SET email = 'Ann@Example.org' WHERE ref = 'T002'",
    )
    result = run("db", "check")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "people T002: email: 'Ann@Example.org' belongs to person 'T001'",
        "supervision 2: started_on: the link overlaps the MBCT link of 'S01' with 'T001' from 2024-01-01 "
        "(not ended); links of one pair in one programme do not overlap",
    ]
