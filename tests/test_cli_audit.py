"""`audit list`: the trail of every change, and of every reading of session notes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert

from mbp_registry.registry.models import AuditEntry
from tests.helpers import assert_refused, audit_rows, build_service, days_ago, ok, ok_json, table_counts


def test_group_help_shows_an_example(run):
    assert "Example:" in ok(run, "audit", "--help").stdout


def test_audit_list_of_an_empty_registry_says_so(run):
    assert ok(run, "audit", "list").stdout == "No audit entries in the registry.\n"


def test_every_write_makes_one_entry_per_record_oldest_first(run, engine):
    build_service(run, engine)
    start = len(audit_rows(run))
    ok(run, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT", "--from", "2023-01-01")
    ok(run, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--supervisee", "T002",
       "--date", "2026-11-20", "--minutes", "90", "--kind", "group", "--notes", "private")
    ok(run, "cpd", "log", "--person", "T002", "--date", "2026-11-01", "--hours", "3", "--category", "reading")
    ok(run, "retreat", "log", "--person", "T002", "--start", "2026-10-01", "--days", "5")
    ok(run, "course", "add", "C-1", "--programme", "MBCT", "--start-on", "2026-09-01", "--lead", "T001",
       "--co-teacher", "S01")
    ok(run, "supervision", "end", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT", "--on", "2026-11-21")
    ok(run, "person", "update", "T002", "--email", "tom@example.org")
    ok(run, "person", "leave", "T002", "--on", "2026-11-21")
    assert audit_rows(run)[start:] == [
        ("tester", "add", "supervision", "supervisor=S01; supervisee=T001; programme=MBCT; started_on=2023-01-01", "T001"),
        ("tester", "add", "sessions", "supervisor=S01; supervisee=T001; held_on=2026-11-20; kind=group", "T001"),
        ("tester", "add", "sessions", "supervisor=S01; supervisee=T002; held_on=2026-11-20; kind=group", "T002"),
        ("tester", "add", "cpd", "person=T002; date=2026-11-01; category=reading; description=", "T002"),
        ("tester", "add", "retreats", "person=T002; start_on=2026-10-01", "T002"),
        ("tester", "add", "courses", "code=C-1", "T001"),
        ("tester", "end", "supervision", "supervisor=S01; supervisee=T001; programme=MBCT; started_on=2023-01-01", "T001"),
        ("tester", "update", "people", "ref=T002", "T002"),
        ("tester", "leave", "people", "ref=T002", "T002"),
    ]


def test_the_service_build_is_audited_record_by_record(run, engine):
    build_service(run, engine)
    rows = audit_rows(run)
    assert [(r[1], r[2]) for r in rows] == (
        [("add", "organisations")] * 2 + [("add", "programmes")] * 2 + [("add", "people")] * 5 + [("add", "stages")] * 6
    )
    assert {r[0] for r in rows} == {"tester"}
    assert rows[4] == ("tester", "add", "people", "ref=R01", "R01")


def test_the_actor_is_who_the_command_says(run, engine):
    build_service(run, engine)
    result = run("cpd", "log", "--person", "T001", "--date", "2026-11-01", "--hours", "3", "--category", "reading",
                 actor="aileen")
    assert result.exit_code == 0, result.output
    assert audit_rows(run, "--record-type", "cpd") == [
        ("aileen", "add", "cpd", "person=T001; date=2026-11-01; category=reading; description=", "T001")
    ]


def test_an_update_records_what_changed_as_json_details(run, engine):
    build_service(run, engine)
    ok(run, "person", "leave", "T001", "--on", "2026-03-31", "--status", "retired")
    entry = ok_json(run, "audit", "list", "--person", "T001")[-1]
    assert entry["action"] == "leave"
    assert json.loads(entry["details"]) == {"status": ["active", "retired"], "left_on": [None, "2026-03-31"]}


def test_an_update_that_changes_nothing_is_not_audited(run, engine):
    build_service(run, engine)
    before = table_counts(engine)
    ok(run, "person", "update", "T001", "--name", "Tara Ord", output="No change: T001 already has these details.")
    assert table_counts(engine) == before


def test_audit_list_filters_by_person(run, engine):
    build_service(run, engine)
    ok(run, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT", "--from", "2023-01-01")
    ok(run, "cpd", "log", "--person", "T002", "--date", "2026-11-01", "--hours", "3", "--category", "reading")
    assert [(r[1], r[2]) for r in audit_rows(run, "--person", "T001")] == [
        ("add", "people"), ("add", "stages"), ("add", "supervision")
    ]
    assert {r[4] for r in audit_rows(run, "--person", "T002")} == {"T002"}
    assert_refused(
        run, engine, "audit", "list", "--person", "T999",
        error="person: no person 'T999' in the registry; known: R01, S01, T001, T002, T003",
    )


def test_audit_list_filters_by_record_type(run, engine):
    build_service(run, engine)
    assert [r[3] for r in audit_rows(run, "--record-type", "programme")] == ["code=MBCT", "code=MBSR"]
    assert [r[3] for r in audit_rows(run, "--record-type", "stage", "--person", "S01")] == [
        "person=S01; programme=MBCT; stage=teacher", "person=S01; programme=MBCT; stage=supervisor"
    ]


def test_audit_list_gives_the_time_of_each_entry_as_an_iso_datetime(run, engine):
    build_service(run, engine)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for entry in ok_json(run, "audit", "list"):
        at = dt.datetime.fromisoformat(entry["at"])
        assert now - dt.timedelta(minutes=5) <= at <= now + dt.timedelta(minutes=5)


def test_audit_list_from_and_to_take_todays_new_entries(run, engine):
    build_service(run, engine)
    today = dt.datetime.now(dt.timezone.utc).date()
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    assert len(audit_rows(run, "--from", today.isoformat(), "--to", today.isoformat())) == 15
    assert audit_rows(run, "--to", yesterday.isoformat()) == []
    assert audit_rows(run, "--from", tomorrow.isoformat()) == []


@pytest.fixture
def dated_entries(engine):
    """Four entries written at known times, two about T001."""
    entries = [
        (dt.datetime(2026, 1, 31, 23, 59, 59), "add", "cpd", "person=T001; date=2026-01-30; category=reading; description=", "T001"),
        (dt.datetime(2026, 2, 1, 0, 0, 0), "add", "retreats", "person=T002; start_on=2026-01-20", "T002"),
        (dt.datetime(2026, 2, 28, 23, 59, 59), "update", "people", "ref=T001", "T001"),
        (dt.datetime(2026, 3, 1, 0, 0, 0), "add", "organisations", "code=NHS-W", None),
    ]
    with engine.begin() as connection:
        for at, action, record_type, key, person in entries:
            connection.execute(
                insert(AuditEntry).values(at=at, actor="archivist", action=action, record_type=record_type,
                                          record_key=key, person_ref=person)
            )


@pytest.mark.usefixtures("dated_entries")
def test_audit_list_from_and_to_include_both_whole_days(run):
    assert [r[3] for r in audit_rows(run, "--from", "2026-02-01", "--to", "2026-02-28")] == [
        "person=T002; start_on=2026-01-20", "ref=T001"
    ]
    assert len(audit_rows(run, "--from", "2026-01-31")) == 4
    assert len(audit_rows(run, "--to", "2026-01-31")) == 1
    assert len(audit_rows(run, "--from", "2026-03-02")) == 0


@pytest.mark.usefixtures("dated_entries")
def test_audit_list_combines_its_filters(run):
    assert audit_rows(run, "--person", "T001", "--record-type", "person", "--from", "2026-02-01") == [
        ("archivist", "update", "people", "ref=T001", "T001")
    ]


@pytest.mark.usefixtures("dated_entries")
def test_audit_list_as_csv_is_exact(run):
    assert ok(run, "audit", "list", "--from", "2026-02-01", "--format", "csv").stdout == (
        "id,at,actor,action,record_type,record,person,changes,reason\n"
        "2,2026-02-01T00:00:00,archivist,add,retreats,person=T002; start_on=2026-01-20,T002,,\n"
        "3,2026-02-28T23:59:59,archivist,update,people,ref=T001,T001,,\n"
        "4,2026-03-01T00:00:00,archivist,add,organisations,code=NHS-W,,,\n"
    )


@pytest.mark.parametrize("option", ["--from", "--to"])
def test_audit_list_refuses_a_bad_date(run, engine, option):
    assert_refused(
        run, engine, "audit", "list", option, "2026-02-30",
        error=f"{option[2:]}: '2026-02-30' is not a date (YYYY-MM-DD)",
    )


def test_a_refused_command_leaves_no_audit_entry(run, engine):
    build_service(run, engine)
    before = audit_rows(run)
    assert_refused(
        run, engine, "cpd", "log", "--person", "T001", "--date", days_ago(-1), "--hours", "3", "--category", "reading",
        error=f"date: {days_ago(-1)} is in the future",
    )
    assert audit_rows(run) == before
