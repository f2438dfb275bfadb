"""`supervision`: links (who supervises whom) and the sessions held."""

from __future__ import annotations

import json

import pytest

from tests.helpers import (
    TODAY,
    assert_refused,
    assert_usage_error,
    audit_rows,
    build_service,
    days_ago,
    ok,
    ok_json,
    table_counts,
)

NOTES = "Confidential: discussed a participant's risk"


def link(run, supervisor="S01", supervisee="T001", programme="MBCT", start="2023-01-01"):
    return ok(run, "supervision", "link", "--supervisor", supervisor, "--supervisee", supervisee,
              "--programme", programme, "--from", start)


def log(run, *supervisees, date=None, minutes="60", kind="individual", extra=()):
    args = [item for ref in supervisees for item in ("--supervisee", ref)]
    return run("supervision", "log", "--supervisor", "S01", *args, "--date", date or days_ago(1),
               "--minutes", minutes, "--kind", kind, *extra)


def test_group_help_shows_an_example(run):
    assert "Example:" in ok(run, "supervision", "--help").stdout


# --- links ---------------------------------------------------------------------


def test_link_confirms_and_records_an_audit_entry_about_the_supervisee(run, engine):
    build_service(run, engine)
    ok(run, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
       "--from", "2023-01-01", output="S01 supervises T001 in MBCT from 2023-01-01.")
    assert audit_rows(run, "--record-type", "supervision") == [
        ("tester", "add", "supervision", "supervisor=S01; supervisee=T001; programme=MBCT; started_on=2023-01-01", "T001")
    ]


def test_link_on_the_day_the_supervisor_stage_was_attained_is_allowed(run, engine):
    build_service(run, engine)
    ok(run, "supervision", "link", "--supervisor", "S01", "--supervisee", "T002", "--programme", "MBCT",
       "--from", "2019-01-15", output="S01 supervises T002 in MBCT from 2019-01-15.")


def test_link_by_a_trainer_of_trainers_is_allowed(run, engine):
    build_service(run, engine)
    ok(run, "supervision", "link", "--supervisor", "R01", "--supervisee", "S01", "--programme", "MBCT",
       "--from", "2015-01-01", output="R01 supervises S01 in MBCT from 2015-01-01.")


def test_link_refuses_self_supervision(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "link", "--supervisor", "S01", "--supervisee", "S01", "--programme", "MBCT",
        "--from", "2023-01-01", error="supervisee: 'S01' cannot supervise themselves",
    )


def test_link_refuses_a_supervisor_who_is_only_a_teacher(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "link", "--supervisor", "T001", "--supervisee", "T002", "--programme", "MBCT",
        "--from", "2024-02-01",
        error="supervisor: 'T001' holds stage teacher in MBCT on 2024-02-01; supervisor or higher is needed",
    )


def test_link_refuses_a_start_before_the_supervisor_stage_was_attained(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "link", "--supervisor", "S01", "--supervisee", "T002", "--programme", "MBCT",
        "--from", "2019-01-14",
        error="supervisor: 'S01' holds stage teacher in MBCT on 2019-01-14; supervisor or higher is needed",
    )


def test_link_refuses_a_supervisor_with_no_stage_in_the_programme(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "link", "--supervisor", "S01", "--supervisee", "T003", "--programme", "MBSR",
        "--from", "2024-02-01",
        error="supervisor: 'S01' holds no stage in MBSR on 2024-02-01; supervisor or higher is needed",
    )


@pytest.mark.parametrize(
    "supervisor, supervisee, programme, error",
    [
        ("S99", "T001", "MBCT", "supervisor: no person 'S99' in the registry"),
        ("S01", "T999", "MBCT", "supervisee: no person 'T999' in the registry"),
        ("S01", "T001", "MBXX", "programme: no programme 'MBXX' in the registry"),
        ("S98", "T998", "MBCT",
         "supervisor: no person 'S98' in the registry; supervisee: no person 'T998' in the registry"),
    ],
    ids=["supervisor", "supervisee", "programme", "both people"],
)
def test_link_refuses_a_missing_reference(run, engine, supervisor, supervisee, programme, error):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "link", "--supervisor", supervisor, "--supervisee", supervisee,
        "--programme", programme, "--from", "2023-01-01", error=error,
    )


def test_link_refuses_the_same_link_twice(run, engine):
    build_service(run, engine)
    link(run)
    assert_refused(
        run, engine, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
        "--from", "2023-01-01",
        error="already recorded: the supervision link with supervisor S01, supervisee T001, programme MBCT, "
        "started_on 2023-01-01",
    )


def test_link_refuses_a_bad_date(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
        "--from", "2023-01-32", error="started_on: '2023-01-32' is not a date (YYYY-MM-DD)",
    )


def test_end_closes_the_current_link_and_keeps_it_as_history(run, engine):
    build_service(run, engine)
    link(run)
    ok(run, "supervision", "end", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
       "--on", "2025-06-30", output="S01 no longer supervises T001 in MBCT from 2025-06-30.")
    assert ok_json(run, "supervision", "links") == [
        {"id": 1, "supervisor": "S01", "supervisee": "T001", "programme": "MBCT", "started_on": "2023-01-01",
         "ended_on": "2025-06-30"}
    ]
    assert ok_json(run, "supervision", "links", "--current") == []
    assert audit_rows(run, "--record-type", "supervision")[-1] == (
        "tester", "end", "supervision", "supervisor=S01; supervisee=T001; programme=MBCT; started_on=2023-01-01", "T001"
    )


def test_end_on_the_start_day_is_allowed(run, engine):
    build_service(run, engine)
    link(run)
    ok(run, "supervision", "end", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
       "--on", "2023-01-01", output="S01 no longer supervises T001 in MBCT from 2023-01-01.")


def test_end_refuses_a_day_before_the_start(run, engine):
    build_service(run, engine)
    link(run)
    assert_refused(
        run, engine, "supervision", "end", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
        "--on", "2022-12-31", error="on: 2022-12-31 is before the link's start 2023-01-01",
    )


def test_end_refuses_when_there_is_no_current_link(run, engine):
    build_service(run, engine)
    link(run)
    ok(run, "supervision", "end", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT", "--on", "2025-06-30")
    assert_refused(
        run, engine, "supervision", "end", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
        "--on", "2025-07-31", error="supervisor: 'S01' has no current MBCT supervision link with 'T001'",
    )


def test_end_refuses_a_missing_reference(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "end", "--supervisor", "S01", "--supervisee", "T999", "--programme", "MBCT",
        "--on", "2025-06-30", error="supervisee: no person 'T999' in the registry",
    )


def test_end_refuses_a_bad_date(run, engine):
    build_service(run, engine)
    link(run)
    assert_refused(
        run, engine, "supervision", "end", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
        "--on", "2025-02-29", error="on: '2025-02-29' is not a date (YYYY-MM-DD)",
    )


def test_links_filter_by_person_and_current_newest_first(run, engine):
    build_service(run, engine)
    link(run, start="2021-01-01")
    ok(run, "supervision", "end", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT", "--on", "2022-12-31")
    link(run, start="2023-01-01")
    link(run, supervisee="T002", start="2024-02-01")
    link(run, supervisor="R01", supervisee="S01", start="2016-01-01")
    assert [(r["supervisee"], r["started_on"]) for r in ok_json(run, "supervision", "links", "--person", "T001")] == [
        ("T001", "2023-01-01"), ("T001", "2021-01-01")
    ]
    assert [(r["supervisor"], r["supervisee"]) for r in ok_json(run, "supervision", "links", "--current")] == [
        ("S01", "T002"), ("S01", "T001"), ("R01", "S01")
    ]
    assert ok(run, "supervision", "links", "--person", "S01", "--current", "--format", "csv").stdout == (
        "supervisor,supervisee,programme,started_on,ended_on\n"
        "S01,T002,MBCT,2024-02-01,\n"
        "S01,T001,MBCT,2023-01-01,\n"
        "R01,S01,MBCT,2016-01-01,\n"
    )


def test_links_current_leaves_out_a_link_that_starts_in_the_future(run, engine):
    build_service(run, engine)
    link(run, start=days_ago(-30))
    assert ok_json(run, "supervision", "links", "--current") == []


def test_links_current_leaves_out_a_link_from_the_day_it_ends(run, engine):
    build_service(run, engine)
    link(run)
    link(run, supervisee="T002", start="2024-02-01")
    ok(run, "supervision", "end", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT",
       "--on", TODAY.isoformat(), output=f"S01 no longer supervises T001 in MBCT from {TODAY.isoformat()}.")
    ok(run, "supervision", "end", "--supervisor", "S01", "--supervisee", "T002", "--programme", "MBCT",
       "--on", days_ago(-1))
    assert [r["supervisee"] for r in ok_json(run, "supervision", "links", "--current")] == ["T002"]


# --- logging sessions ----------------------------------------------------------


def test_log_an_individual_session(run, engine):
    build_service(run, engine)
    result = log(run, "T001", date="2026-11-20", extra=("--mode", "video", "--programme", "MBCT"))
    assert result.exit_code == 0, result.output
    assert result.stdout == "Logged a 60-minute individual session on 2026-11-20: S01 with T001.\n"
    assert ok_json(run, "supervision", "sessions") == [
        {"id": 1, "supervisor": "S01", "supervisee": "T001", "held_on": "2026-11-20", "minutes": 60,
         "kind": "individual", "mode": "video", "programme": "MBCT"}
    ]


def test_log_a_group_session_stores_one_row_and_one_audit_entry_per_supervisee(run, engine):
    build_service(run, engine)
    before = table_counts(engine)
    result = log(run, "T001", "T002", "T003", date="2026-11-20", minutes="90", kind="group")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Logged a 90-minute group session on 2026-11-20: S01 with T001, T002, T003.\n"
    after = table_counts(engine)
    assert after["supervision_sessions"] == before["supervision_sessions"] + 3
    assert after["audit_log"] == before["audit_log"] + 3
    assert audit_rows(run, "--record-type", "sessions") == [
        ("tester", "add", "sessions", f"supervisor=S01; supervisee={ref}; held_on=2026-11-20; kind=group", ref)
        for ref in ("T001", "T002", "T003")
    ]


def test_log_a_group_session_with_two_supervisees(run, engine):
    build_service(run, engine)
    result = log(run, "T001", "T002", date="2026-11-20", minutes="90", kind="group")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Logged a 90-minute group session on 2026-11-20: S01 with T001, T002.\n"


def test_log_a_session_held_today(run, engine):
    build_service(run, engine)
    result = log(run, "T001", date=TODAY.isoformat(), minutes="1", kind="peer")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Logged a 1-minute peer session on {TODAY.isoformat()}: S01 with T001.\n"


def test_log_accepts_600_minutes(run, engine):
    build_service(run, engine)
    assert log(run, "T001", minutes="600").exit_code == 0


@pytest.mark.parametrize(
    "minutes, error",
    [
        ("0", "minutes: 0 is out of range (1 to 600)"),
        ("601", "minutes: 601 is out of range (1 to 600)"),
        ("-5", "minutes: -5 is out of range (1 to 600)"),
        ("1.5", "minutes: '1.5' is not a whole number"),
        ("an hour", "minutes: 'an hour' is not a whole number"),
    ],
)
def test_log_refuses_minutes_out_of_range_or_not_whole(run, engine, minutes, error):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--date", days_ago(1),
        "--minutes", minutes, "--kind", "individual", error=error,
    )


def test_log_refuses_minutes_with_two_signs(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--date", days_ago(1),
        "--minutes=--5", "--kind", "individual", error="minutes: '--5' is not a whole number",
    )


def test_log_refuses_a_session_in_the_future(run, engine):
    build_service(run, engine)
    tomorrow = days_ago(-1)
    assert_refused(
        run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--date", tomorrow,
        "--minutes", "60", "--kind", "individual", error=f"held_on: {tomorrow} is in the future",
    )


def test_log_refuses_a_bad_date(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--date", "yesterday",
        "--minutes", "60", "--kind", "individual", error="held_on: 'yesterday' is not a date (YYYY-MM-DD)",
    )


def test_log_refuses_self_supervision(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "S01", "--date", days_ago(1),
        "--minutes", "60", "--kind", "individual", error="supervisee: 'S01' cannot supervise themselves",
    )


def test_log_refuses_a_group_session_that_includes_the_supervisor(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--supervisee", "S01",
        "--date", days_ago(1), "--minutes", "60", "--kind", "group",
        error="supervisee: 'S01' cannot supervise themselves",
    )


def test_log_refuses_an_individual_session_with_two_supervisees(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--supervisee", "T002",
        "--date", days_ago(1), "--minutes", "60", "--kind", "individual",
        error="kind: an individual session has one supervisee, not 2; use group",
    )


def test_log_refuses_the_same_supervisee_twice(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--supervisee", "T002",
        "--supervisee", "T001", "--date", days_ago(1), "--minutes", "60", "--kind", "group",
        error="supervisee: 'T001' is given twice",
    )


@pytest.mark.parametrize(
    "supervisor, supervisee, programme, error",
    [
        ("S99", "T001", "MBCT", "supervisor: no person 'S99' in the registry"),
        ("S01", "T999", "MBCT", "supervisee: no person 'T999' in the registry"),
        ("S01", "T001", "MBXX", "programme: no programme 'MBXX' in the registry"),
    ],
    ids=["supervisor", "supervisee", "programme"],
)
def test_log_refuses_a_missing_reference(run, engine, supervisor, supervisee, programme, error):
    build_service(run, engine)
    assert_refused(
        run, engine, "supervision", "log", "--supervisor", supervisor, "--supervisee", supervisee,
        "--programme", programme, "--date", days_ago(1), "--minutes", "60", "--kind", "individual", error=error,
    )


def test_log_refuses_a_session_already_recorded(run, engine):
    build_service(run, engine)
    assert log(run, "T001", date="2026-11-20", minutes="60").exit_code == 0
    assert_refused(
        run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--date", "2026-11-20",
        "--minutes", "50", "--kind", "individual",
        error="already recorded: the session with supervisor S01, supervisee T001, held_on 2026-11-20, kind individual",
    )


def test_log_refuses_a_whole_group_session_when_one_supervisee_is_already_recorded(run, engine):
    build_service(run, engine)
    assert log(run, "T002", date="2026-11-20", kind="group").exit_code == 0
    assert_refused(
        run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--supervisee", "T002",
        "--supervisee", "T003", "--date", "2026-11-20", "--minutes", "90", "--kind", "group",
        error="already recorded: the session with supervisor S01, supervisee T002, held_on 2026-11-20, kind group",
    )


def test_log_allows_another_kind_of_session_on_the_same_day(run, engine):
    build_service(run, engine)
    assert log(run, "T001", date="2026-11-20", kind="individual").exit_code == 0
    assert log(run, "T001", date="2026-11-20", kind="peer").exit_code == 0
    assert [s["kind"] for s in ok_json(run, "supervision", "sessions")] == ["individual", "peer"]


@pytest.mark.parametrize(
    "option, value, error",
    [
        ("--kind", "solo", "Invalid value for '--kind': 'solo' is not one of 'individual', 'group', 'peer'."),
        ("--mode", "email", "Invalid value for '--mode': 'email' is not one of 'in_person', 'video', 'phone'."),
    ],
)
def test_log_refuses_an_unknown_kind_or_mode_as_a_usage_error(run, engine, option, value, error):
    build_service(run, engine)
    options = {"--kind": "individual", option: value}
    args = [item for pair in options.items() for item in pair]
    assert_usage_error(
        run, engine, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--date", days_ago(1),
        "--minutes", "60", *args, error=error,
    )


def test_log_without_a_supervisee_is_a_usage_error(run, engine):
    build_service(run, engine)
    assert_usage_error(
        run, engine, "supervision", "log", "--supervisor", "S01", "--date", days_ago(1), "--minutes", "60",
        "--kind", "individual", error="Missing option '--supervisee'.",
    )


# --- listing sessions and their notes --------------------------------------------


def _sessions(run, engine):
    build_service(run, engine)
    assert log(run, "T001", date="2026-10-05", minutes="60", extra=("--mode", "video", "--notes", NOTES)).exit_code == 0
    assert log(run, "T001", "T002", date="2026-11-02", minutes="90", kind="group",
               extra=("--programme", "MBCT", "--notes", "Group notes")).exit_code == 0
    assert log(run, "T003", date="2026-09-14", minutes="45", kind="peer").exit_code == 0


def test_sessions_are_listed_newest_first_without_notes_as_json(run, engine):
    _sessions(run, engine)
    sessions = ok_json(run, "supervision", "sessions")
    assert sessions == [
        {"id": 2, "supervisor": "S01", "supervisee": "T001", "held_on": "2026-11-02", "minutes": 90,
         "kind": "group", "mode": None, "programme": "MBCT"},
        {"id": 3, "supervisor": "S01", "supervisee": "T002", "held_on": "2026-11-02", "minutes": 90,
         "kind": "group", "mode": None, "programme": "MBCT"},
        {"id": 1, "supervisor": "S01", "supervisee": "T001", "held_on": "2026-10-05", "minutes": 60,
         "kind": "individual", "mode": "video", "programme": None},
        {"id": 4, "supervisor": "S01", "supervisee": "T003", "held_on": "2026-09-14", "minutes": 45,
         "kind": "peer", "mode": None, "programme": None},
    ]


def test_sessions_as_csv_are_exact_and_without_notes(run, engine):
    _sessions(run, engine)
    assert ok(run, "supervision", "sessions", "--format", "csv").stdout == (
        "supervisor,supervisee,held_on,minutes,kind,mode,programme\n"
        "S01,T001,2026-11-02,90,group,,MBCT\n"
        "S01,T002,2026-11-02,90,group,,MBCT\n"
        "S01,T001,2026-10-05,60,individual,video,\n"
        "S01,T003,2026-09-14,45,peer,,\n"
    )


def test_sessions_as_a_table_never_show_notes(run, engine):
    _sessions(run, engine)
    table = ok(run, "supervision", "sessions").stdout
    assert "notes" not in table.lower()
    assert NOTES not in table
    assert table.splitlines()[0].split() == [
        "id", "supervisor", "supervisee", "held_on", "minutes", "kind", "mode", "programme"
    ]
    assert len(table.splitlines()) == 2 + 4


def test_sessions_plain_listing_is_not_audited(run, engine):
    _sessions(run, engine)
    before = table_counts(engine)
    for fmt in ("table", "csv", "json"):
        ok(run, "supervision", "sessions", "--format", fmt)
    assert table_counts(engine) == before


def test_sessions_filter_by_person_kind_and_dates(run, engine):
    _sessions(run, engine)
    assert [(s["supervisee"], s["held_on"]) for s in ok_json(run, "supervision", "sessions", "--person", "T001")] == [
        ("T001", "2026-11-02"), ("T001", "2026-10-05")
    ]
    assert len(ok_json(run, "supervision", "sessions", "--person", "S01")) == 4
    assert [s["supervisee"] for s in ok_json(run, "supervision", "sessions", "--kind", "peer")] == ["T003"]
    assert [s["held_on"] for s in ok_json(run, "supervision", "sessions", "--from", "2026-10-05", "--to", "2026-11-01")] == [
        "2026-10-05"
    ]
    assert [s["supervisee"] for s in ok_json(run, "supervision", "sessions", "--region", "South")] == ["T002", "T003"]


def test_sessions_refuse_a_bad_filter_date(run, engine):
    _sessions(run, engine)
    assert_refused(run, engine, "supervision", "sessions", "--from", "2026-13-01",
                   error="from: '2026-13-01' is not a date (YYYY-MM-DD)")


def test_show_notes_prints_the_notes_and_audits_the_reading(run, engine):
    _sessions(run, engine)
    before = table_counts(engine)
    sessions = ok_json(run, "supervision", "sessions", "--person", "T001", "--show-notes")
    assert [(s["held_on"], s["notes"]) for s in sessions] == [("2026-11-02", "Group notes"), ("2026-10-05", NOTES)]
    after = table_counts(engine)
    assert after == {**before, "audit_log": before["audit_log"] + 1}
    entry = ok_json(run, "audit", "list")[-1]
    assert (entry["actor"], entry["action"], entry["record_type"], entry["record"], entry["person"]) == (
        "tester", "read_notes", "sessions", "person=T001", "T001"
    )
    assert json.loads(entry["details"]) == {"sessions": 2}


def test_show_notes_as_a_table_has_a_notes_column(run, engine):
    _sessions(run, engine)
    lines = ok(run, "supervision", "sessions", "--show-notes", "--kind", "individual").stdout.splitlines()
    assert lines[0].split() == [
        "id", "supervisor", "supervisee", "held_on", "minutes", "kind", "mode", "programme", "notes"
    ]
    assert lines[2].endswith(NOTES)
    assert audit_rows(run)[-1] == ("tester", "read_notes", "sessions", "kind=individual", None)
