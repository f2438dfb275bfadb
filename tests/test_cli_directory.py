"""`org`, `programme` and `person`: the directory of the service."""

from __future__ import annotations

import json

import pytest

from tests.helpers import (
    assert_refused,
    assert_usage_error,
    audit_rows,
    build_service,
    days_ago,
    ok,
    ok_json,
    table_counts,
)


@pytest.mark.parametrize("group", ["org", "programme", "person"])
def test_group_help_shows_an_example(run, group):
    result = ok(run, group, "--help")
    assert "Example:" in result.stdout


# --- organisations ---------------------------------------------------------------


def test_org_add_confirms_and_records_an_audit_entry(run):
    ok(run, "org", "add", "NHS-W", "--name", "NHS West", "--region", "West", output="Added organisation NHS-W (NHS West, West).")
    assert audit_rows(run) == [("tester", "add", "organisations", "code=NHS-W", None)]


def test_org_list_as_json_counts_people_and_active_people(run, engine):
    build_service(run, engine)
    ok(run, "person", "leave", "T002", "--on", "2025-01-31")
    assert ok_json(run, "org", "list") == [
        {"code": "NHS-N", "name": "NHS North", "region": "North", "people": 3, "active": 3},
        {"code": "NHS-S", "name": "NHS South", "region": "South", "people": 2, "active": 1},
    ]


def test_org_list_as_csv_is_exact_and_filters_by_region(run, engine):
    build_service(run, engine)
    ok(run, "org", "add", "NHS-W", "--name", "NHS West, Coast", "--region", "West")
    result = ok(run, "org", "list", "--format", "csv")
    assert result.stdout == (
        "code,name,region,people,active\n"
        "NHS-N,NHS North,North,3,3\n"
        "NHS-S,NHS South,South,2,2\n"
        'NHS-W,"NHS West, Coast",West,0,0\n'
    )
    result = ok(run, "org", "list", "--region", "South", "--format", "csv")
    assert result.stdout == "code,name,region,people,active\nNHS-S,NHS South,South,2,2\n"


def test_org_list_of_an_empty_registry_says_so(run):
    assert ok(run, "org", "list").stdout == "No organisations in the registry.\n"


def test_org_add_refuses_an_existing_code(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "org", "add", "NHS-N", "--name", "Other", "--region", "East",
        error="already recorded: the organisation with code NHS-N",
    )


def test_org_add_without_a_region_is_a_usage_error(run, engine):
    assert_usage_error(run, engine, "org", "add", "NHS-W", "--name", "NHS West", error="Missing option '--region'.")


def test_org_add_refuses_a_code_that_is_not_a_single_reference(run, engine):
    assert_refused(
        run, engine, "org", "add", "A;B", "--name", "Two", "--region", "West",
        error="code: 'A;B' is not a single reference",
    )


def test_org_update_changes_the_region_and_audits_the_difference(run, engine):
    build_service(run, engine)
    ok(run, "org", "update", "NHS-S", "--region", "Central", output="Organisation NHS-S is now NHS South, Central.")
    assert ok_json(run, "org", "list", "--region", "Central") == [
        {"code": "NHS-S", "name": "NHS South", "region": "Central", "people": 2, "active": 2}
    ]
    entry = ok_json(run, "audit", "list", "--record-type", "organisation")[-1]
    assert (entry["actor"], entry["action"], entry["record"], entry["person"]) == ("tester", "update", "code=NHS-S", None)
    assert json.loads(entry["details"]) == {"region": ["South", "Central"]}


def test_org_update_refuses_an_unknown_code(run, engine):
    assert_refused(
        run, engine, "org", "update", "NOPE", "--name", "X", error="code: no organisation 'NOPE' in the registry"
    )


def test_org_show_lists_the_organisations_people(run, engine):
    build_service(run, engine)
    shown = ok_json(run, "org", "show", "NHS-S")
    assert shown == {
        "code": "NHS-S",
        "name": "NHS South",
        "region": "South",
        "people": [
            {
                "ref": "T002",
                "name": "Tom Dunn",
                "organisation": "NHS-S",
                "region": "South",
                "status": "active",
                "stages": ["MBCT trainee"],
                "planned_leaving_on": None,
            },
            {
                "ref": "T003",
                "name": "Una Bell",
                "organisation": "NHS-S",
                "region": "South",
                "status": "active",
                "stages": ["MBSR teacher"],
                "planned_leaving_on": None,
            },
        ],
    }


def test_org_show_refuses_an_unknown_code(run, engine):
    assert_refused(run, engine, "org", "show", "NOPE", error="code: no organisation 'NOPE' in the registry")


# --- programmes --------------------------------------------------------------------


def test_programme_add_confirms_and_records_an_audit_entry(run):
    ok(run, "programme", "add", "MBSR", "--name", "Mindfulness-Based Stress Reduction",
       output="Added programme MBSR (Mindfulness-Based Stress Reduction).")
    assert audit_rows(run) == [("tester", "add", "programmes", "code=MBSR", None)]


def test_programme_list_counts_the_people_holding_a_stage(run, engine):
    build_service(run, engine)
    assert ok_json(run, "programme", "list") == [
        {"code": "MBCT", "name": "Mindfulness-Based Cognitive Therapy", "people": 4},
        {"code": "MBSR", "name": "Mindfulness-Based Stress Reduction", "people": 1},
    ]
    assert ok(run, "programme", "list", "--format", "csv").stdout == (
        "code,name,people\n"
        "MBCT,Mindfulness-Based Cognitive Therapy,4\n"
        "MBSR,Mindfulness-Based Stress Reduction,1\n"
    )


def test_programme_add_refuses_an_existing_code(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "programme", "add", "MBCT", "--name", "Again", error="already recorded: the programme with code MBCT"
    )


def test_programme_update_renames_it(run, engine):
    build_service(run, engine)
    ok(run, "programme", "update", "MBSR", "--name", "MBSR (adapted)", output="Programme MBSR is now called MBSR (adapted).")
    assert ok_json(run, "programme", "list")[1] == {"code": "MBSR", "name": "MBSR (adapted)", "people": 1}
    assert audit_rows(run, "--record-type", "programmes")[-1] == ("tester", "update", "programmes", "code=MBSR", None)


def test_programme_update_refuses_an_unknown_code(run, engine):
    assert_refused(
        run, engine, "programme", "update", "MBXX", "--name", "X", error="code: no programme 'MBXX' in the registry"
    )


# --- people: add --------------------------------------------------------------------


def test_person_add_confirms_and_records_an_audit_entry_about_the_person(run, engine):
    build_service(run, engine)
    ok(run, "person", "add", "T010", "--name", "Iona Grant", "--organisation", "NHS-S", "--email", "iona@example.org",
       "--joined-on", "2023-04-03", "--planned-leaving-on", "2030-03-31", output="Added T010 (Iona Grant, NHS-S).")
    assert audit_rows(run, "--person", "T010") == [("tester", "add", "people", "ref=T010", "T010")]
    shown = ok_json(run, "person", "show", "T010")
    assert {k: shown[k] for k in ("ref", "name", "email", "organisation", "status", "joined_on", "left_on",
                                  "planned_leaving_on", "region")} == {
        "ref": "T010",
        "name": "Iona Grant",
        "email": "iona@example.org",
        "organisation": "NHS-S",
        "status": "active",
        "joined_on": "2023-04-03",
        "left_on": None,
        "planned_leaving_on": "2030-03-31",
        "region": "South",
    }


def test_person_add_refuses_an_existing_ref(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "person", "add", "T001", "--name", "Someone Else", "--org", "NHS-S",
        error="already recorded: the person with ref T001",
    )


def test_person_add_refuses_an_unknown_organisation(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "person", "add", "T010", "--name", "Iona Grant", "--org", "NHS-X",
        error="organisation: no organisation 'NHS-X' in the registry",
    )


def test_person_add_refuses_an_email_used_by_another_person(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "person", "add", "T010", "--name", "Iona Grant", "--org", "NHS-S", "--email", "rhona@example.org",
        error="email: 'rhona@example.org' belongs to person 'R01'",
    )


def test_person_add_refuses_text_that_is_not_an_email_address(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "person", "add", "T010", "--name", "Iona Grant", "--org", "NHS-S", "--email", "iona at nhs",
        error="email: 'iona at nhs' is not an email address",
    )


def test_person_add_refuses_a_bad_date(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "person", "add", "T010", "--name", "Iona Grant", "--org", "NHS-S", "--joined-on", "2023-02-30",
        error="joined_on: '2023-02-30' is not a date (YYYY-MM-DD)",
    )


def test_person_add_refuses_an_unknown_status_as_a_usage_error(run, engine):
    build_service(run, engine)
    assert_usage_error(
        run, engine, "person", "add", "T010", "--name", "Iona Grant", "--org", "NHS-S", "--status", "gone",
        error="Invalid value for '--status': 'gone' is not one of 'active', 'on_leave', 'left', 'retired'.",
    )


# --- people: update and leave ----------------------------------------------------


def test_person_update_changes_only_the_options_given(run, engine):
    build_service(run, engine)
    ok(run, "person", "update", "R01", "--name", "Rhona Reid-Lang", "--planned-leaving-on", "2027-12-31",
       output="Updated R01.")
    shown = ok_json(run, "person", "show", "R01")
    assert (shown["name"], shown["email"], shown["organisation"], shown["joined_on"], shown["planned_leaving_on"]) == (
        "Rhona Reid-Lang", "rhona@example.org", "NHS-N", "2010-01-04", "2027-12-31"
    )
    entry = ok_json(run, "audit", "list", "--person", "R01")[-1]
    assert (entry["actor"], entry["action"], entry["record_type"], entry["record"]) == (
        "tester", "update", "people", "ref=R01"
    )
    assert json.loads(entry["details"]) == {
        "name": ["Rhona Reid", "Rhona Reid-Lang"],
        "planned_leaving_on": [None, "2027-12-31"],
    }


def test_person_update_may_keep_the_persons_own_email(run, engine):
    build_service(run, engine)
    ok(run, "person", "update", "R01", "--email", "rhona@example.org", "--status", "on_leave", output="Updated R01.")
    assert ok_json(run, "person", "show", "R01")["status"] == "on_leave"


def test_person_update_refuses_an_email_used_by_another_person(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "person", "update", "T001", "--email", "rhona@example.org",
        error="email: 'rhona@example.org' belongs to person 'R01'",
    )


def test_person_update_refuses_an_unknown_person(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "person", "update", "T999", "--name", "X", error="ref: no person 'T999' in the registry")


def test_person_update_refuses_an_unknown_organisation(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "person", "update", "T001", "--org", "NHS-X",
        error="organisation: no organisation 'NHS-X' in the registry",
    )


def test_person_update_refuses_a_bad_date(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "person", "update", "T001", "--planned-leaving-on", "31/12/2027",
        error="planned_leaving_on: '31/12/2027' is not a date (YYYY-MM-DD)",
    )


def test_person_leave_records_the_day_and_status_left(run, engine):
    build_service(run, engine)
    ok(run, "person", "leave", "T001", "--on", "2025-03-31", output="T001 left on 2025-03-31.")
    shown = ok_json(run, "person", "show", "T001")
    assert (shown["status"], shown["left_on"]) == ("left", "2025-03-31")
    assert audit_rows(run, "--person", "T001")[-1] == ("tester", "leave", "people", "ref=T001", "T001")


def test_person_leave_can_record_a_retirement(run, engine):
    build_service(run, engine)
    ok(run, "person", "leave", "R01", "--on", "2026-06-30", "--status", "retired", output="R01 retired on 2026-06-30.")
    shown = ok_json(run, "person", "show", "R01")
    assert (shown["status"], shown["left_on"]) == ("retired", "2026-06-30")


def test_person_leave_refuses_a_day_before_they_joined(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "person", "leave", "T001", "--on", "2020-08-31",
        error="left_on: 2020-08-31 is before joined_on 2020-09-01",
    )


def test_person_leave_on_the_day_they_joined_is_allowed(run, engine):
    build_service(run, engine)
    ok(run, "person", "add", "T009", "--name", "Ida Short", "--org", "NHS-N", "--joined-on", "2020-09-01")
    ok(run, "person", "leave", "T009", "--on", "2020-09-01", output="T009 left on 2020-09-01.")


def test_person_leave_refuses_a_bad_date(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "person", "leave", "T001", "--on", "2025-13-01", error="left_on: '2025-13-01' is not a date (YYYY-MM-DD)"
    )


def test_person_leave_refuses_an_unknown_person(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "person", "leave", "T999", "--on", "2025-01-01", error="ref: no person 'T999' in the registry")


def test_person_leave_refuses_a_status_other_than_left_or_retired(run, engine):
    build_service(run, engine)
    assert_usage_error(
        run, engine, "person", "leave", "T001", "--on", "2025-01-01", "--status", "on_leave",
        error="Invalid value for '--status': 'on_leave' is not one of 'left', 'retired'.",
    )


# --- people: list --------------------------------------------------------------------

def test_person_list_as_json_shows_region_and_current_stages(run, engine):
    build_service(run, engine)
    people = ok_json(run, "person", "list", "--region", "South")
    assert people == [
        {"ref": "T002", "name": "Tom Dunn", "organisation": "NHS-S", "region": "South", "status": "active",
         "stages": ["MBCT trainee"], "planned_leaving_on": None},
        {"ref": "T003", "name": "Una Bell", "organisation": "NHS-S", "region": "South", "status": "active",
         "stages": ["MBSR teacher"], "planned_leaving_on": None},
    ]


def test_person_list_filters_by_highest_stage_now(run, engine):
    build_service(run, engine)
    assert [p["ref"] for p in ok_json(run, "person", "list", "--stage", "teacher")] == ["T001", "T003"]
    assert [p["ref"] for p in ok_json(run, "person", "list", "--stage", "supervisor")] == ["S01"]


def test_person_list_as_csv_is_exact(run, engine):
    build_service(run, engine)
    ok(run, "person", "update", "R01", "--planned-leaving-on", "2027-12-31")
    assert ok(run, "person", "list", "--org", "NHS-N", "--format", "csv").stdout == (
        "ref,name,organisation,region,status,stages,planned_leaving_on\n"
        "R01,Rhona Reid,NHS-N,North,active,MBCT trainer_of_trainers,2027-12-31\n"
        "S01,Sam Shaw,NHS-N,North,active,MBCT supervisor,\n"
        "T001,Tara Ord,NHS-N,North,active,MBCT teacher,\n"
    )


# --- people: show ------------------------------------------------------------------


def _person_with_history(run, engine):
    """T001 supervised by S01 (current) and formerly by R01; S01 supervises T002 too;
    sessions, CPD and retreats inside and outside the last 365 days."""
    build_service(run, engine)
    ok(run, "stage", "add", "--person", "T001", "--programme", "MBCT", "--stage", "supervisor", "--on", "2025-01-01")
    ok(run, "supervision", "link", "--supervisor", "R01", "--supervisee", "T001", "--programme", "MBCT", "--from", "2020-10-01")
    ok(run, "supervision", "end", "--supervisor", "R01", "--supervisee", "T001", "--programme", "MBCT", "--on", "2022-12-31")
    ok(run, "supervision", "link", "--supervisor", "S01", "--supervisee", "T001", "--programme", "MBCT", "--from", "2023-01-01")
    ok(run, "supervision", "link", "--supervisor", "T001", "--supervisee", "T002", "--programme", "MBCT", "--from", "2025-02-01")
    ok(run, "supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--date", days_ago(3), "--minutes", "60",
       "--kind", "individual", "--mode", "video", "--programme", "MBCT", "--notes", "Talked about a difficult group")
    ok(run, "supervision", "log", "--supervisor", "T001", "--supervisee", "T002", "--date", days_ago(2), "--minutes", "45",
       "--kind", "individual")
    ok(run, "cpd", "log", "--person", "T001", "--date", days_ago(10), "--hours", "6", "--category", "workshop",
       "--description", "Inquiry skills day")
    ok(run, "cpd", "log", "--person", "T001", "--date", days_ago(400), "--hours", "3", "--category", "reading")
    ok(run, "retreat", "log", "--person", "T001", "--start", days_ago(60), "--days", "5", "--led-by", "Gaia House",
       "--residential")
    ok(run, "retreat", "log", "--person", "T001", "--start", days_ago(500), "--days", "2")


def test_person_show_as_json_gives_stages_supervision_sessions_and_the_last_year(run, engine):
    _person_with_history(run, engine)
    shown = ok_json(run, "person", "show", "T001")
    assert shown["stages"] == [
        {"id": 7, "person": "T001", "programme": "MBCT", "stage": "supervisor", "attained_on": "2025-01-01",
         "assessed_by": None, "tac_level": None},
        {"id": 4, "person": "T001", "programme": "MBCT", "stage": "teacher", "attained_on": "2022-06-01",
         "assessed_by": None, "tac_level": None},
    ]
    assert shown["current_stages"] == ["MBCT supervisor"]
    assert shown["supervisors"] == [
        {"id": 2, "supervisor": "S01", "supervisee": "T001", "programme": "MBCT", "started_on": "2023-01-01",
         "ended_on": None}
    ]
    assert shown["supervisees"] == [
        {"id": 3, "supervisor": "T001", "supervisee": "T002", "programme": "MBCT", "started_on": "2025-02-01",
         "ended_on": None}
    ]
    assert shown["recent_sessions"] == [
        {"id": 1, "supervisor": "S01", "supervisee": "T001", "held_on": days_ago(3), "minutes": 60,
         "kind": "individual", "mode": "video", "programme": "MBCT"}
    ]
    assert shown["cpd"] == [
        {"id": 1, "person": "T001", "date": days_ago(10), "hours": 6, "category": "workshop",
         "description": "Inquiry skills day"}
    ]
    assert shown["retreats"] == [
        {"id": 1, "person": "T001", "start_on": days_ago(60), "days": 5, "led_by": "Gaia House", "residential": True,
         "online": None}
    ]


def test_person_show_never_prints_session_notes(run, engine):
    _person_with_history(run, engine)
    assert "difficult group" not in ok(run, "person", "show", "T001").stdout
    assert "difficult group" not in ok(run, "person", "show", "T001", "--format", "json").stdout


def test_person_show_as_a_table_starts_with_the_persons_fields(run, engine):
    build_service(run, engine)
    lines = ok(run, "person", "show", "S01").stdout.splitlines()
    assert lines[:10] == [
        "ref                 S01",
        "name                Sam Shaw",
        "email               ",
        "organisation        NHS-N",
        "status              active",
        "joined on           2014-03-01",
        "left on             ",
        "planned leaving on  ",
        "region              North",
        "current stages      MBCT supervisor",
    ]
    assert "Supervisors:" in lines and "CPD:" in lines and "Retreats:" in lines


def test_person_show_does_not_write_to_the_audit_trail(run, engine):
    _person_with_history(run, engine)
    before = table_counts(engine)
    ok(run, "person", "show", "T001")
    assert table_counts(engine) == before


def test_person_show_refuses_an_unknown_person(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "person", "show", "T999", error="ref: no person 'T999' in the registry")
