"""Shared setup for the command tests.

- `build_service(run, engine)` makes a small service through the commands themselves;
- `load_demo(run, engine)` loads the demo service;
- `built_once(name, engine, build)` makes a test's start through the commands once per
  test process and copies its rows into later tests' registries;
- `table_counts(engine)` counts the rows of every table (audit log included), so that a
  test can show that a refused command wrote nothing;
- `days_ago(n)` is an ISO date relative to today; `csv_of` and `write_csv` write CSV as
  the bundles have it (comma separated, "\n" line ends);
- `table_rows` and `copy_rows_in` keep a registry's rows and copy them into an empty one;
- `ok`, `assert_refused` and `assert_usage_error` run one command and check its exit
  status and exact output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from sqlalchemy import func, select, text

from mbp_registry.registry.models import Base

TODAY = dt.date.today()


def days_ago(days: int) -> str:
    """The ISO date `days` days before today (negative: in the future)."""
    return (TODAY - dt.timedelta(days=days)).isoformat()


def table_counts(engine) -> dict[str, int]:
    """The number of rows of every table of the registry, the audit log included."""
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def csv_of(rows: Iterable[Sequence], *, line_end: str = "\n") -> str:
    """CSV text of `rows` (the header is the first row); None is written as an empty cell."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=line_end).writerows(rows)
    return buffer.getvalue()


def write_csv(path: Path, columns: Sequence[str], records: Iterable[Mapping]) -> None:
    """Write `records` (dicts by column name; a missing column is empty) as the CSV file
    `path`, header first."""
    rows = [[record.get(column, "") for column in columns] for record in records]
    path.write_text(csv_of([columns, *rows]), encoding="utf-8", newline="")


def ok(run, *args: str, output: str | None = None):
    """Run a command that must succeed; with `output`, its exact standard output (one line)."""
    result = run(*args)
    assert result.exception is None, result.output
    assert result.exit_code == 0, result.output
    if output is not None:
        assert result.stdout == output + "\n", result.stdout
    return result


def ok_json(run, *args: str):
    """Run a command with `--format json` and return the parsed output."""
    return json.loads(ok(run, *args, "--format", "json").stdout)


def assert_refused(run, engine, *args: str, error: str) -> None:
    """The command is refused with exactly `Error: <error>` on standard error, exit
    status 1, nothing on standard output, and no row written to any table."""
    before = table_counts(engine)
    result = run(*args)
    assert isinstance(result.exception, SystemExit), f"unexpected {result.exception!r}: {result.output}"
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Error: {error}\n", result.stderr
    assert result.stdout == ""
    assert table_counts(engine) == before


def assert_usage_error(run, engine, *args: str, error: str) -> None:
    """Click refuses the command line itself: exit status 2, standard error is the one
    line `Error: <error> (see --help)`, and nothing is written."""
    before = table_counts(engine)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {error} (see --help)\n", result.stderr
    assert result.stdout == ""
    assert table_counts(engine) == before


def audit_rows(run, *filters: str) -> list[tuple]:
    """The audit trail as (actor, action, record_type, record, person) tuples, oldest first."""
    entries = ok_json(run, "audit", "list", *filters)
    return [(e["actor"], e["action"], e["record_type"], e["record"], e["person"]) for e in entries]


# The small service that build_service makes, for tests to refer to.
ORGANISATIONS = [
    ("NHS-N", "NHS North", "North"),
    ("NHS-S", "NHS South", "South"),
]
PROGRAMMES = [
    ("MBCT", "Mindfulness-Based Cognitive Therapy"),
    ("MBSR", "Mindfulness-Based Stress Reduction"),
]
PEOPLE = [
    # ref, name, organisation, extra options
    ("R01", "Rhona Reid", "NHS-N", ("--email", "rhona@example.org", "--joined-on", "2010-01-04")),
    ("S01", "Sam Shaw", "NHS-N", ("--joined-on", "2014-03-01")),
    ("T001", "Tara Ord", "NHS-N", ("--joined-on", "2020-09-01")),
    ("T002", "Tom Dunn", "NHS-S", ()),
    ("T003", "Una Bell", "NHS-S", ()),
]
STAGES = [
    # person, programme, stage, attained on, extra options
    ("R01", "MBCT", "trainer_of_trainers", "2012-05-01", ()),
    ("S01", "MBCT", "teacher", "2015-06-01", ("--assessed-by", "R01", "--tac-level", "competent")),
    ("S01", "MBCT", "supervisor", "2019-01-15", ("--assessed-by", "R01", "--tac-level", "proficient")),
    ("T001", "MBCT", "teacher", "2022-06-01", ()),
    ("T002", "MBCT", "trainee", "2024-01-10", ()),
    ("T003", "MBSR", "teacher", "2023-03-01", ()),
]


# The rows each start made by `built_once` left, by its name and database backend.
_BUILT: dict[tuple[str, str], dict[str, list[dict]]] = {}


def built_once(name: str, engine, build) -> None:
    """Give the empty registry of `engine` the start called `name`. The first time in a
    test process `build()` makes it through the commands, and the rows it left are kept;
    later, those rows are copied in, audit entries dated now: the same start at a
    fraction of the cost (each command opens its own engine and connections)."""
    key = (name, engine.dialect.name)
    if key in _BUILT:
        copy_rows_in(engine, _BUILT[key], audit_dated_now=True)
        return
    build()
    _BUILT[key] = table_rows(engine)


def build_service(run, engine) -> None:
    """Two organisations (North, South), MBCT and MBSR, and five people with stages:
    R01 trainer of trainers in MBCT, S01 supervisor in MBCT (from 2019-01-15, teacher
    before), T001 MBCT teacher, T002 MBCT trainee, T003 MBSR teacher. Built once (see
    `built_once`) when the registry is empty, else added through the commands."""

    def build() -> None:
        for code, name, region in ORGANISATIONS:
            ok(run, "org", "add", code, "--name", name, "--region", region)
        for code, name in PROGRAMMES:
            ok(run, "programme", "add", code, "--name", name)
        for ref, name, organisation, extra in PEOPLE:
            ok(run, "person", "add", ref, "--name", name, "--org", organisation, *extra)
        for person, programme, stage, on, extra in STAGES:
            ok(run, "stage", "add", "--person", person, "--programme", programme, "--stage", stage, "--on", on, *extra)

    if any(table_counts(engine).values()):
        build()
    else:
        built_once("service", engine, build)


def load_demo(run, engine) -> None:
    """Fill an empty registry with the demo service as `mbp-registry demo` loads it (its
    bundle imported), built once (see `built_once`)."""
    from mbp_registry.registry.demo import demo_bundle

    built_once("demo", engine, lambda: ok(run, "import", str(demo_bundle())))


def table_rows(engine) -> dict[str, list[dict]]:
    """Every row of every registry table by table name, for `copy_rows_in`."""
    with engine.connect() as connection:
        return {
            table.name: [dict(row) for row in connection.execute(select(table)).mappings()]
            for table in Base.metadata.sorted_tables
        }


def copy_rows_in(engine, rows: dict[str, list[dict]], *, audit_dated_now: bool = False) -> None:
    """Insert `rows` (from `table_rows`) into an empty registry, ids kept; the audit
    entries dated now when asked. On PostgreSQL each id sequence continues after them."""
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            data = rows[table.name]
            if table.name == "audit_log" and audit_dated_now:
                data = [{**row, "at": now} for row in data]
            if data:
                connection.execute(table.insert(), data)
        if engine.dialect.name == "postgresql":
            for table in Base.metadata.sorted_tables:
                if "id" in table.c and rows[table.name]:
                    connection.execute(
                        text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
                        {"table": table.name, "last": max(row["id"] for row in rows[table.name])},
                    )
