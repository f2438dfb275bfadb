"""`cpd` and `retreat`: continuing professional development and retreats."""

from __future__ import annotations

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
)


@pytest.mark.parametrize("group", ["cpd", "retreat"])
def test_group_help_shows_an_example(run, group):
    assert "Example:" in ok(run, group, "--help").stdout


# --- CPD ----------------------------------------------------------------------------


def cpd(run, person="T001", date="2026-11-14", hours="6", category="workshop", *extra):
    return ok(run, "cpd", "log", "--person", person, "--date", date, "--hours", hours, "--category", category, *extra)


def test_cpd_log_confirms_and_records_an_audit_entry_about_the_person(run, engine):
    build_service(run, engine)
    ok(run, "cpd", "log", "--person", "T001", "--date", "2026-11-14", "--hours", "6", "--category", "workshop",
       "--description", "Inquiry skills day", output="Logged 6 hours of CPD (workshop) for T001 on 2026-11-14.")
    assert audit_rows(run, "--record-type", "cpd") == [
        ("tester", "add", "cpd", "person=T001; date=2026-11-14; category=workshop; description=Inquiry skills day", "T001")
    ]


def test_cpd_log_accepts_decimal_hours_and_the_limits(run, engine):
    build_service(run, engine)
    ok(run, "cpd", "log", "--person", "T001", "--date", "2026-11-14", "--hours", "2.5", "--category", "reading",
       output="Logged 2.5 hours of CPD (reading) for T001 on 2026-11-14.")
    ok(run, "cpd", "log", "--person", "T001", "--date", "2026-11-15", "--hours", "0.25", "--category", "reading",
       output="Logged 0.25 hours of CPD (reading) for T001 on 2026-11-15.")
    ok(run, "cpd", "log", "--person", "T001", "--date", "2026-11-16", "--hours", "100", "--category", "course",
       output="Logged 100 hours of CPD (course) for T001 on 2026-11-16.")


def test_cpd_log_accepts_today(run, engine):
    build_service(run, engine)
    ok(run, "cpd", "log", "--person", "T001", "--date", TODAY.isoformat(), "--hours", "1", "--category", "other",
       output=f"Logged 1 hours of CPD (other) for T001 on {TODAY.isoformat()}.")


def test_cpd_list_as_json_gives_numbers_and_iso_dates_newest_first(run, engine):
    build_service(run, engine)
    cpd(run, "T001", "2026-10-01", "2.5", "reading")
    cpd(run, "T001", "2026-11-14", "6", "workshop", "--description", "Inquiry skills day")
    cpd(run, "T003", "2026-09-01", "12.75", "conference")
    assert ok_json(run, "cpd", "list") == [
        {"id": 2, "person": "T001", "date": "2026-11-14", "hours": 6, "category": "workshop",
         "description": "Inquiry skills day"},
        {"id": 1, "person": "T001", "date": "2026-10-01", "hours": 2.5, "category": "reading", "description": ""},
        {"id": 3, "person": "T003", "date": "2026-09-01", "hours": 12.75, "category": "conference", "description": ""},
    ]


def test_cpd_list_as_csv_is_exact(run, engine):
    build_service(run, engine)
    cpd(run, "T001", "2026-10-01", "2.5", "reading")
    cpd(run, "T001", "2026-11-14", "6", "workshop", "--description", "Inquiry, then practice")
    assert ok(run, "cpd", "list", "--format", "csv").stdout == (
        "person,date,hours,category,description\n"
        'T001,2026-11-14,6,workshop,"Inquiry, then practice"\n'
        "T001,2026-10-01,2.5,reading,\n"
    )


def test_cpd_list_filters_by_person_category_region_and_dates(run, engine):
    build_service(run, engine)
    cpd(run, "T001", "2026-10-01", "2.5", "reading")
    cpd(run, "T001", "2026-11-14", "6", "workshop")
    cpd(run, "T003", "2026-09-01", "3", "reading")
    rows = lambda *f: [(r["person"], r["date"]) for r in ok_json(run, "cpd", "list", *f)]  # noqa: E731
    assert rows("--person", "T003") == [("T003", "2026-09-01")]
    assert rows("--category", "reading") == [("T001", "2026-10-01"), ("T003", "2026-09-01")]
    assert rows("--region", "North") == [("T001", "2026-11-14"), ("T001", "2026-10-01")]
    assert rows("--org", "NHS-S") == [("T003", "2026-09-01")]
    assert rows("--from", "2026-09-02", "--to", "2026-11-13") == [("T001", "2026-10-01")]


@pytest.mark.parametrize(
    "hours, error",
    [
        ("0", "hours: 0 is out of range (greater than 0 and at most 100)"),
        ("100.5", "hours: 100.5 is out of range (greater than 0 and at most 100)"),
        ("-1", "hours: -1 is out of range (greater than 0 and at most 100)"),
        ("1.234", "hours: 1.234 has more than 2 decimal places"),
        ("six", "hours: 'six' is not a number"),
        ("nan", "hours: 'nan' is not a number"),
    ],
)
def test_cpd_log_refuses_hours_out_of_range_or_not_a_number(run, engine, hours, error):
    build_service(run, engine)
    assert_refused(
        run, engine, "cpd", "log", "--person", "T001", "--date", "2026-11-14", "--hours", hours, "--category", "workshop",
        error=error,
    )


def test_cpd_log_refuses_a_date_in_the_future(run, engine):
    build_service(run, engine)
    tomorrow = days_ago(-1)
    assert_refused(
        run, engine, "cpd", "log", "--person", "T001", "--date", tomorrow, "--hours", "1", "--category", "reading",
        error=f"date: {tomorrow} is in the future",
    )


def test_cpd_log_refuses_a_bad_date(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "cpd", "log", "--person", "T001", "--date", "14/11/2026", "--hours", "1", "--category", "reading",
        error="date: '14/11/2026' is not a date (YYYY-MM-DD)",
    )


def test_cpd_log_refuses_an_unknown_person(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "cpd", "log", "--person", "T999", "--date", "2026-11-14", "--hours", "1", "--category", "reading",
        error="person: no person 'T999' in the registry",
    )


def test_cpd_log_refuses_the_same_activity_twice(run, engine):
    build_service(run, engine)
    cpd(run, "T001", "2026-11-14", "6", "workshop", "--description", "Inquiry skills day")
    assert_refused(
        run, engine, "cpd", "log", "--person", "T001", "--date", "2026-11-14", "--hours", "3", "--category", "workshop",
        "--description", "Inquiry skills day",
        error="already recorded: the cpd with person T001, date 2026-11-14, category workshop, "
        "description Inquiry skills day",
    )


def test_cpd_log_refuses_the_same_activity_without_description_twice(run, engine):
    build_service(run, engine)
    cpd(run, "T001", "2026-11-14", "6", "workshop")
    assert_refused(
        run, engine, "cpd", "log", "--person", "T001", "--date", "2026-11-14", "--hours", "6", "--category", "workshop",
        error="already recorded: the cpd with person T001, date 2026-11-14, category workshop, description (empty)",
    )


def test_cpd_log_allows_another_description_on_the_same_day(run, engine):
    build_service(run, engine)
    cpd(run, "T001", "2026-11-14", "6", "workshop")
    cpd(run, "T001", "2026-11-14", "2", "workshop", "--description", "Evening session")
    assert len(ok_json(run, "cpd", "list")) == 2


def test_cpd_log_refuses_an_unknown_category_as_a_usage_error(run, engine):
    build_service(run, engine)
    assert_usage_error(
        run, engine, "cpd", "log", "--person", "T001", "--date", "2026-11-14", "--hours", "1", "--category", "yoga",
        error="Invalid value for '--category': 'yoga' is not one of "
        "'course', 'workshop', 'conference', 'reading', 'teaching_observation', 'other'.",
    )


def test_cpd_log_without_hours_is_a_usage_error(run, engine):
    build_service(run, engine)
    assert_usage_error(
        run, engine, "cpd", "log", "--person", "T001", "--date", "2026-11-14", "--category", "reading",
        error="Missing option '--hours'.",
    )


# --- retreats ---------------------------------------------------------------------------


def retreat(run, person="T001", start="2026-10-01", days="5", *extra):
    return ok(run, "retreat", "log", "--person", person, "--start", start, "--days", days, *extra)


def test_retreat_log_confirms_and_records_an_audit_entry_about_the_person(run, engine):
    build_service(run, engine)
    ok(run, "retreat", "log", "--person", "T001", "--start", "2026-10-01", "--days", "5", "--led-by", "Gaia House",
       "--residential", output="Logged a 5-day retreat for T001 from 2026-10-01.")
    assert audit_rows(run, "--record-type", "retreats") == [
        ("tester", "add", "retreats", "person=T001; start_on=2026-10-01", "T001")
    ]


def test_retreat_log_accepts_halves_and_the_limits(run, engine):
    build_service(run, engine)
    ok(run, "retreat", "log", "--person", "T001", "--start", "2026-10-01", "--days", "2.5",
       output="Logged a 2.5-day retreat for T001 from 2026-10-01.")
    ok(run, "retreat", "log", "--person", "T001", "--start", "2026-10-10", "--days", "0.5",
       output="Logged a 0.5-day retreat for T001 from 2026-10-10.")
    ok(run, "retreat", "log", "--person", "T001", "--start", "2026-01-10", "--days", "60",
       output="Logged a 60-day retreat for T001 from 2026-01-10.")


def test_retreat_log_accepts_today(run, engine):
    build_service(run, engine)
    ok(run, "retreat", "log", "--person", "T001", "--start", TODAY.isoformat(), "--days", "1",
       output=f"Logged a 1-day retreat for T001 from {TODAY.isoformat()}.")


def test_retreat_list_as_json_gives_numbers_booleans_and_iso_dates_newest_first(run, engine):
    build_service(run, engine)
    retreat(run, "T001", "2026-03-01", "2.5", "--online")
    retreat(run, "T001", "2026-10-01", "5", "--led-by", "Gaia House", "--residential", "--in-person")
    retreat(run, "T003", "2025-06-01", "7", "--not-residential")
    assert ok_json(run, "retreat", "list") == [
        {"id": 2, "person": "T001", "start_on": "2026-10-01", "days": 5, "led_by": "Gaia House", "residential": True,
         "online": False},
        {"id": 1, "person": "T001", "start_on": "2026-03-01", "days": 2.5, "led_by": None, "residential": None,
         "online": True},
        {"id": 3, "person": "T003", "start_on": "2025-06-01", "days": 7, "led_by": None, "residential": False,
         "online": None},
    ]
    assert [r["person"] for r in ok_json(run, "retreat", "list", "--person", "T003")] == ["T003"]
    assert [r["start_on"] for r in ok_json(run, "retreat", "list", "--from", "2026-01-01", "--to", "2026-09-30")] == [
        "2026-03-01"
    ]


def test_retreat_list_as_csv_is_exact(run, engine):
    build_service(run, engine)
    retreat(run, "T001", "2026-03-01", "2.5", "--online")
    retreat(run, "T001", "2026-10-01", "5", "--led-by", "Gaia House", "--residential")
    assert ok(run, "retreat", "list", "--format", "csv").stdout == (
        "person,start_on,days,led_by,residential,online\n"
        "T001,2026-10-01,5,Gaia House,true,\n"
        "T001,2026-03-01,2.5,,,true\n"
    )


@pytest.mark.parametrize(
    "days, error",
    [
        ("0", "days: 0 is out of range (greater than 0 and at most 60)"),
        ("61", "days: 61 is out of range (greater than 0 and at most 60)"),
        ("60.5", "days: 60.5 is out of range (greater than 0 and at most 60)"),
        ("2.25", "days: 2.25 is not a multiple of 0.5"),
        ("five", "days: 'five' is not a number"),
    ],
)
def test_retreat_log_refuses_days_out_of_range_or_not_a_half(run, engine, days, error):
    build_service(run, engine)
    assert_refused(
        run, engine, "retreat", "log", "--person", "T001", "--start", "2026-10-01", "--days", days, error=error,
    )


def test_retreat_log_refuses_a_huge_number_of_days(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "retreat", "log", "--person", "T001", "--start", "2026-10-01", "--days", "1e30",
        error="days: 1e+30 is out of range (greater than 0 and at most 60)",
    )


def test_retreat_log_refuses_a_start_in_the_future(run, engine):
    build_service(run, engine)
    next_week = days_ago(-7)
    assert_refused(
        run, engine, "retreat", "log", "--person", "T001", "--start", next_week, "--days", "5",
        error=f"start_on: {next_week} is in the future",
    )


def test_retreat_log_refuses_a_bad_date(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "retreat", "log", "--person", "T001", "--start", "2026-10", "--days", "5",
        error="start_on: '2026-10' is not a date (YYYY-MM-DD)",
    )


def test_retreat_log_refuses_an_unknown_person(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "retreat", "log", "--person", "T999", "--start", "2026-10-01", "--days", "5",
        error="person: no person 'T999' in the registry",
    )


def test_retreat_log_refuses_a_second_retreat_starting_the_same_day(run, engine):
    build_service(run, engine)
    retreat(run, "T001", "2026-10-01", "5")
    assert_refused(
        run, engine, "retreat", "log", "--person", "T001", "--start", "2026-10-01", "--days", "2",
        error="already recorded: the retreat with person T001, start_on 2026-10-01",
    )
