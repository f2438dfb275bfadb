"""Each person's status history: written by `person add`, `update --on` and `leave`, not by
`amend`; kept by export and import; filled from today's data by migration 0007; and read
by the annual report for past head counts, joiners and leavers (checked by hand)."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from sqlalchemy import text

from mbp_registry.registry.annual import annual_report
from mbp_registry.registry.policy import load_policy
from mbp_registry.registry.session import reading
from mbp_registry.registry.workforce import headcounts
from tests.helpers import assert_refused, built_once, ok, ok_json

TODAY = dt.date.today()
LATER = (TODAY - dt.timedelta(days=30)).isoformat()


def _history(engine) -> list[tuple]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                'SELECT p.ref, h."on", h.status, o.code FROM status_history h JOIN people p ON p.id = h.person_id '
                'JOIN organisations o ON o.id = h.organisation_id ORDER BY p.ref, h."on"'
            )
        ).all()
    return [(ref, dt.date.fromisoformat(str(on)), status, org) for ref, on, status, org in rows]


@pytest.fixture
def service(run, engine):
    """A: joins 2024-01-10 in North, moves South 2025-06-01, on leave 2025-09-01 to 2025-11-01.
    B: joins 2025-02-01 in North, retires 2025-12-15. C: joins 2025-03-01 in South, leaves 2026-01-20."""

    def build() -> None:
        ok(run, "org", "add", "N1", "--name", "North Trust", "--region", "North")
        ok(run, "org", "add", "S1", "--name", "South Trust", "--region", "South")
        ok(run, "person", "add", "A", "--name", "Ann Able", "--organisation", "N1", "--joined-on", "2024-01-10")
        ok(run, "person", "add", "B", "--name", "Bea Bond", "--organisation", "N1", "--joined-on", "2025-02-01")
        ok(run, "person", "add", "C", "--name", "Cal Cole", "--organisation", "S1", "--joined-on", "2025-03-01")
        ok(run, "person", "update", "A", "--organisation", "S1", "--on", "2025-06-01")
        ok(run, "person", "update", "A", "--status", "on_leave", "--on", "2025-09-01")
        ok(run, "person", "update", "A", "--status", "active", "--on", "2025-11-01")
        ok(run, "person", "leave", "B", "--on", "2025-12-15", "--status", "retired")
        ok(run, "person", "leave", "C", "--on", "2026-01-20")

    built_once("status history", engine, build)
    return engine


def test_each_change_of_status_or_organisation_is_added_with_its_day(service):
    day = dt.date.fromisoformat
    assert _history(service) == [
        ("A", day("2024-01-10"), "active", "N1"),
        ("A", day("2025-06-01"), "active", "S1"),
        ("A", day("2025-09-01"), "on_leave", "S1"),
        ("A", day("2025-11-01"), "active", "S1"),
        ("B", day("2025-02-01"), "active", "N1"),
        ("B", day("2025-12-15"), "retired", "N1"),
        ("C", day("2025-03-01"), "active", "S1"),
        ("C", day("2026-01-20"), "left", "S1"),
    ]


def test_past_head_counts_joiners_and_leavers_come_from_the_history(service):
    with reading(service) as session:
        # On 1 October 2025 A is on leave: B (North) and C (South) are in post.
        assert headcounts(session, dt.date(2025, 10, 1))["region"] == {"North": 1, "South": 1}
        # On 1 July 2025 A has moved South; B is North, C South.
        assert headcounts(session, dt.date(2025, 7, 1))["region"] == {"North": 1, "South": 2}
        data = annual_report(session, 2025, load_policy(), today=TODAY)
    w, m = data["workforce"], data["movement"]
    # 31 December 2024: A alone, in North; 31 December 2025: A and C, both South (B retired).
    assert w["total"] == {"start": 1, "end": 2, "change": 1}
    assert w["by_region"] == [
        {"region": "North", "start": 1, "end": 0, "change": -1},
        {"region": "South", "start": 0, "end": 2, "change": 2},
    ]
    assert [(r["person"], r["region"], r["on"]) for r in m["joiners"]] == [
        ("B", "North", dt.date(2025, 2, 1)),
        ("C", "South", dt.date(2025, 3, 1)),
    ]
    assert [(r["person"], r["region"], r["status"], r["on"]) for r in m["leavers"]] == [
        ("B", "North", "retired", dt.date(2025, 12, 15))
    ]


def test_the_contract_reports_keep_todays_status(run, service):
    active = [p["ref"] for p in ok_json(run, "person", "list", "--status", "active")]
    assert active == ["A"]


def test_amend_corrects_a_person_without_adding_history(run, service):
    before = _history(service)
    ok(run, "amend", "people", "A", "--set", "organisation=N1", "--reason", "entered the wrong trust")
    assert _history(service) == before


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("--status", "on_leave", "--on", "2025-10-01"),
         "on: 2025-10-01 is before A's last change of status or organisation, on 2025-11-01; correct that with "
         "`amend status_history {last}` (`person show A` lists them)"),
        (("--status", "on_leave", "--on", (TODAY + dt.timedelta(days=2)).isoformat()),
         f"on: {(TODAY + dt.timedelta(days=2)).isoformat()} is in the future"),
        (("--name", "Ann Abel", "--on", LATER),
         f"on: {LATER} dates a change of status or organisation, and neither changes"),
        (("--status", "on_leave", "--on", "2025-02-30"), "on: '2025-02-30' is not a date (YYYY-MM-DD)"),
    ],
    ids=["before the last change", "future", "no change to date", "not a date"],
)
def test_a_bad_on_date_is_one_error_line_and_writes_nothing(run, service, args, error):
    assert_refused(run, service, "person", "update", "A", *args, error=error.format(last=_ids(service, "A")[-1]))


def _ids(engine, ref: str) -> list[int]:
    """The ids of a person's changes, oldest first."""
    with engine.connect() as connection:
        query = 'SELECT h.id FROM status_history h JOIN people p ON p.id = h.person_id WHERE p.ref = :ref ORDER BY h."on"'
        return list(connection.execute(text(query), {"ref": ref}).scalars())


def test_person_show_lists_the_changes_with_the_ids_that_amend_takes(run, service):
    ids = _ids(service, "A")
    shown = json.loads(ok(run, "person", "show", "A", "--format", "json").output)["status_history"]
    assert shown == [
        {"id": ids[3], "person": "A", "on": "2025-11-01", "status": "active", "organisation": "S1"},
        {"id": ids[2], "person": "A", "on": "2025-09-01", "status": "on_leave", "organisation": "S1"},
        {"id": ids[1], "person": "A", "on": "2025-06-01", "status": "active", "organisation": "S1"},
        {"id": ids[0], "person": "A", "on": "2024-01-10", "status": "active", "organisation": "N1"},
    ]
    text_output = ok(run, "person", "show", "A").output
    section = text_output[text_output.index("Status history:"):].splitlines()
    assert section[1].split() == ["id", "on", "status", "organisation"]
    assert [line.split() for line in section[3:7]] == [
        [str(ids[3]), "2025-11-01", "active", "S1"],
        [str(ids[2]), "2025-09-01", "on_leave", "S1"],
        [str(ids[1]), "2025-06-01", "active", "S1"],
        [str(ids[0]), "2024-01-10", "active", "N1"],
    ]


def test_export_writes_the_history_and_import_keeps_it(run, service, tmp_path, empty_db_url):
    ok(run, "export", str(tmp_path / "bundle"))
    with open(tmp_path / "bundle" / "status_history.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["person", "on", "status", "organisation"]
    assert rows[1:4] == [
        ["A", "2024-01-10", "active", "N1"],
        ["A", "2025-06-01", "active", "S1"],
        ["A", "2025-09-01", "on_leave", "S1"],
    ]
    from click.testing import CliRunner

    from mbp_registry.cli.main import cli

    runner = CliRunner()
    assert runner.invoke(cli, ["--db", empty_db_url, "init"]).exit_code == 0
    imported = runner.invoke(cli, ["--db", empty_db_url, "import", str(tmp_path / "bundle")])
    assert imported.exit_code == 0, imported.output
    again = runner.invoke(cli, ["--db", empty_db_url, "export", str(tmp_path / "again")])
    assert again.exit_code == 0, again.output
    assert (tmp_path / "again" / "status_history.csv").read_text() == (
        tmp_path / "bundle" / "status_history.csv"
    ).read_text()


def test_migration_0007_fills_the_history_from_todays_data(empty_db_url):
    from alembic import command

    from mbp_registry.registry import schema
    from mbp_registry.registry.db import create_registry_engine, resolve_url

    engine = create_registry_engine(resolve_url(empty_db_url))
    with engine.begin() as connection:
        command.upgrade(schema.alembic_config(connection), "0005")
        connection.execute(text("INSERT INTO organisations (id, code, name, region) VALUES (1, 'O', 'O', 'North')"))
        connection.execute(
            text(
                "INSERT INTO people (id, ref, name, organisation_id, status, joined_on, left_on) "
                "VALUES (:id, :ref, 'N', 1, :status, :joined, :left)"
            ),
            [
                {"id": 1, "ref": "ACTIVE", "status": "active", "joined": "2020-01-06", "left": None},
                {"id": 2, "ref": "GONE", "status": "retired", "joined": "2019-05-01", "left": "2024-03-31"},
                {"id": 3, "ref": "UNKNOWN", "status": "on_leave", "joined": None, "left": None},
                {"id": 4, "ref": "SAMEDAY", "status": "left", "joined": "2022-02-02", "left": "2022-02-02"},
            ],
        )
        command.upgrade(schema.alembic_config(connection), "0007")
    day = dt.date.fromisoformat
    assert _history(engine) == [
        ("ACTIVE", day("2020-01-06"), "active", "O"),
        ("GONE", day("2019-05-01"), "active", "O"),
        ("GONE", day("2024-03-31"), "retired", "O"),
        ("SAMEDAY", day("2022-02-02"), "left", "O"),
        ("UNKNOWN", day("1900-01-01"), "on_leave", "O"),
    ]
    engine.dispose()


def test_a_bundle_history_dated_after_leaving_or_in_the_future_is_refused(run, service, tmp_path, empty_db_url):
    """C left on 2026-01-20: a change of theirs dated after that cannot be true, and neither
    can one in the future (the import would otherwise overwrite it to agree with people.csv)."""
    from click.testing import CliRunner

    from mbp_registry.cli.main import cli

    ok(run, "export", str(tmp_path / "bundle"))
    (tmp_path / "bundle" / "manifest.json").unlink()  # the bundle is edited by hand
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    with open(tmp_path / "bundle" / "status_history.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(f"C,2026-02-01,active,S1\r\nA,{future},on_leave,S1\r\n")
    lines = len((tmp_path / "bundle" / "status_history.csv").read_text(encoding="utf-8").splitlines())
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", empty_db_url, "init"]).exit_code == 0
    refused = runner.invoke(cli, ["--db", empty_db_url, "import", str(tmp_path / "bundle")])
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        f"status_history.csv:{lines - 1}: on: 2026-02-01 is after 'C' left on 2026-01-20",
        f"status_history.csv:{lines}: on: {future} is in the future",
        "Error: the bundle has 2 error(s); nothing was imported",
    ]


def test_amend_cannot_date_a_change_after_the_person_left(run, service):
    with service.connect() as connection:
        (row_id,) = connection.execute(
            text("SELECT h.id FROM status_history h JOIN people p ON p.id = h.person_id WHERE p.ref = 'C' ORDER BY h.\"on\"")
        ).first()
    assert_refused(
        run, service, "amend", "status_history", str(row_id), "--set", "on=2026-02-01", "--reason", "typo",
        error="on: 2026-02-01 is after 'C' left on 2026-01-20",
    )


def test_someone_recorded_before_they_join_starts_their_history_today(run, service):
    ok(run, "person", "add", "D", "--name", "Dee Dunn", "--organisation", "N1",
       "--joined-on", (TODAY + dt.timedelta(days=40)).isoformat())  # fmt: skip
    assert [row for row in _history(service) if row[0] == "D"] == [("D", TODAY, "active", "N1")]
    assert "every record keeps the rules" in ok(run, "db", "check").output
