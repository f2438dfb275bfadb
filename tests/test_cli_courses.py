"""`course`: courses taught, with their lead and co-teachers."""

from __future__ import annotations

import pytest

from tests.helpers import assert_refused, assert_usage_error, audit_rows, build_service, ok, ok_json, table_counts


def add_course(run, code, programme, start_on, lead, *extra):
    return ok(run, "course", "add", code, "--programme", programme, "--start-on", start_on, "--lead", lead, *extra)


def test_group_help_shows_an_example(run):
    assert "Example:" in ok(run, "course", "--help").stdout


def test_course_add_confirms_and_stores_co_teachers(run, engine):
    build_service(run, engine)
    before = table_counts(engine)
    ok(run, "course", "add", "MBCT-2026-07", "--programme", "MBCT", "--start-on", "2026-09-01", "--lead", "T001",
       "--co-teacher", "S01", "--co-teacher", "T002", "--participants", "12", "--supervised", "--setting", "primary care",
       output="Added course MBCT-2026-07 (MBCT, led by T001).")
    after = table_counts(engine)
    assert after["courses"] == before["courses"] + 1
    assert after["course_co_teachers"] == before["course_co_teachers"] + 2
    assert ok_json(run, "course", "show", "MBCT-2026-07") == {
        "code": "MBCT-2026-07",
        "programme": "MBCT",
        "start_on": "2026-09-01",
        "lead": "T001",
        "co_teachers": ["S01", "T002"],
        "participants": 12,
        "supervised": True,
        "setting": "primary care",
        "completed": None,
    }


def test_course_add_records_one_audit_entry_about_the_lead(run, engine):
    build_service(run, engine)
    add_course(run, "MBCT-2026-07", "MBCT", "2026-09-01", "T001", "--co-teacher", "S01", "--co-teacher", "T002")
    assert audit_rows(run, "--record-type", "courses") == [("tester", "add", "courses", "code=MBCT-2026-07", "T001")]


def test_course_show_as_a_table(run, engine):
    build_service(run, engine)
    add_course(run, "MBSR-2026-01", "MBSR", "2026-01-12", "T003", "--participants", "0", "--not-supervised")
    assert ok(run, "course", "show", "MBSR-2026-01").stdout == (
        "code          MBSR-2026-01\n"
        "programme     MBSR\n"
        "start on      2026-01-12\n"
        "lead          T003\n"
        "co teachers   \n"
        "participants  0\n"
        "supervised    false\n"
        "setting       \n"
        "completed     \n"
    )


def test_course_show_refuses_an_unknown_code(run, engine):
    build_service(run, engine)
    assert_refused(run, engine, "course", "show", "NOPE", error="code: no course 'NOPE' in the registry")


def _courses(run, engine):
    build_service(run, engine)
    add_course(run, "MBCT-2025-02", "MBCT", "2025-02-03", "S01", "--co-teacher", "T001")
    add_course(run, "MBCT-2026-07", "MBCT", "2026-09-01", "T001", "--participants", "12", "--supervised")
    add_course(run, "MBSR-2026-01", "MBSR", "2026-01-12", "T003")


def test_course_list_as_csv_is_exact_newest_first(run, engine):
    _courses(run, engine)
    assert ok(run, "course", "list", "--format", "csv").stdout == (
        "code,programme,start_on,lead,co_teachers,participants,supervised,setting,completed\n"
        "MBCT-2026-07,MBCT,2026-09-01,T001,,12,true,,\n"
        "MBSR-2026-01,MBSR,2026-01-12,T003,,,,,\n"
        "MBCT-2025-02,MBCT,2025-02-03,S01,T001,,,,\n"
    )


def test_course_list_finds_courses_a_person_led_or_co_taught(run, engine):
    _courses(run, engine)
    assert [c["code"] for c in ok_json(run, "course", "list", "--person", "T001")] == ["MBCT-2026-07", "MBCT-2025-02"]
    assert [c["code"] for c in ok_json(run, "course", "list", "--person", "T002")] == []


def test_course_list_filters_by_programme_and_dates(run, engine):
    _courses(run, engine)
    assert [c["code"] for c in ok_json(run, "course", "list", "--programme", "MBSR")] == ["MBSR-2026-01"]
    assert [c["code"] for c in ok_json(run, "course", "list", "--from", "2025-06-01", "--to", "2026-08-31")] == [
        "MBSR-2026-01"
    ]


def test_course_list_as_json_gives_lists_numbers_and_booleans(run, engine):
    _courses(run, engine)
    assert ok_json(run, "course", "list", "--programme", "MBCT") == [
        {"id": 2, "code": "MBCT-2026-07", "programme": "MBCT", "start_on": "2026-09-01", "lead": "T001",
         "co_teachers": [], "participants": 12, "supervised": True, "setting": None, "completed": None},
        {"id": 1, "code": "MBCT-2025-02", "programme": "MBCT", "start_on": "2025-02-03", "lead": "S01",
         "co_teachers": ["T001"], "participants": None, "supervised": None, "setting": None, "completed": None},
    ]


def test_course_add_refuses_an_existing_code(run, engine):
    _courses(run, engine)
    assert_refused(
        run, engine, "course", "add", "MBCT-2026-07", "--programme", "MBCT", "--start-on", "2026-10-01", "--lead", "S01",
        error="already recorded: the course with code MBCT-2026-07",
    )


@pytest.mark.parametrize(
    "programme, lead, co_teachers, error",
    [
        ("MBCT", "T999", (), "lead: no person 'T999' in the registry"),
        ("MBXX", "T001", (), "programme: no programme 'MBXX' in the registry"),
        ("MBCT", "T001", ("S01", "T998"), "co_teachers: no person 'T998' in the registry"),
        ("MBCT", "T001", ("T998", "T999"),
         "co_teachers: no person 'T998' in the registry; co_teachers: no person 'T999' in the registry"),
    ],
    ids=["lead", "programme", "co-teacher", "two co-teachers"],
)
def test_course_add_refuses_a_missing_reference(run, engine, programme, lead, co_teachers, error):
    build_service(run, engine)
    co = [item for ref in co_teachers for item in ("--co-teacher", ref)]
    assert_refused(
        run, engine, "course", "add", "C-1", "--programme", programme, "--start-on", "2026-09-01", "--lead", lead, *co,
        error=error,
    )


def test_course_add_refuses_the_lead_as_a_co_teacher(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "course", "add", "C-1", "--programme", "MBCT", "--start-on", "2026-09-01", "--lead", "T001",
        "--co-teacher", "T001", error="co_teachers: 'T001' is the lead teacher",
    )


def test_course_add_refuses_a_co_teacher_listed_twice(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "course", "add", "C-1", "--programme", "MBCT", "--start-on", "2026-09-01", "--lead", "T001",
        "--co-teacher", "S01", "--co-teacher", "S01", error="co_teachers: 'S01' is listed twice",
    )


@pytest.mark.parametrize(
    "participants, error",
    [
        ("-1", "participants: -1 is out of range (0 to 10000)"),
        ("10001", "participants: 10001 is out of range (0 to 10000)"),
        ("twelve", "participants: 'twelve' is not a whole number"),
    ],
)
def test_course_add_refuses_a_bad_number_of_participants(run, engine, participants, error):
    build_service(run, engine)
    assert_refused(
        run, engine, "course", "add", "C-1", "--programme", "MBCT", "--start-on", "2026-09-01", "--lead", "T001",
        "--participants", participants, error=error,
    )


def test_course_add_refuses_a_bad_date(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "course", "add", "C-1", "--programme", "MBCT", "--start-on", "September", "--lead", "T001",
        error="start_on: 'September' is not a date (YYYY-MM-DD)",
    )


def test_course_add_without_a_lead_is_a_usage_error(run, engine):
    build_service(run, engine)
    assert_usage_error(
        run, engine, "course", "add", "C-1", "--programme", "MBCT", "--start-on", "2026-09-01",
        error="Missing option '--lead'.",
    )
