"""Evaluation of courses: participants who completed, and outcome measures before and
after, with `course outcome add` and `list`, corrections, and course_outcomes.csv."""

from __future__ import annotations

import pytest

from tests.helpers import assert_refused, build_service, ok, ok_json, table_counts, write_csv

OUTCOME_COLUMNS = ["course", "measure", "before", "after", "measured"]


@pytest.fixture
def service(run, engine):
    """build_service and an MBCT course led by T001: 12 started, 10 completed."""
    build_service(run, engine)
    ok(run, "course", "add", "C1", "--programme", "MBCT", "--start-on", "2026-09-01", "--lead", "T001",
       "--participants", "12", "--completed", "10")
    return run


def _outcome(run, measure="PHQ-9", before="12.4", after="7.9", measured="9", course="C1"):
    return ok(run, "course", "outcome", "add", course, "--measure", measure, "--before", before, "--after", after,
              "--measured", measured)


def test_outcomes_are_recorded_and_listed_by_course_and_measure(service):
    result = _outcome(service)
    assert result.stdout == "Added the PHQ-9 outcome of course C1: 12.4 -> 7.9 (n=9).\n"
    _outcome(service, "WEMWBS", "43.5", "48", "10")
    _outcome(service, "Mood scale", "-2.5", "1.25", "4")  # a measure of the service's own: any scale
    assert ok_json(service, "course", "outcome", "list", "--course", "C1") == [
        {"id": 3, "course": "C1", "measure": "Mood scale", "before": -2.5, "after": 1.25, "measured": 4},
        {"id": 1, "course": "C1", "measure": "PHQ-9", "before": 12.4, "after": 7.9, "measured": 9},
        {"id": 2, "course": "C1", "measure": "WEMWBS", "before": 43.5, "after": 48.0, "measured": 10},
    ]
    assert ok_json(service, "course", "list")[0]["completed"] == 10


@pytest.mark.parametrize(
    "args, error",
    [
        (("course", "add", "C2", "--programme", "MBCT", "--start-on", "2026-09-01", "--lead", "T001",
          "--participants", "8", "--completed", "9"), "completed: 9 is more than the 8 participants"),
        (("course", "outcome", "add", "C1", "--measure", "PHQ-9", "--before", "28", "--after", "7", "--measured", "5"),
         "before: 28 is outside the PHQ-9 scale (0 to 27)"),
        (("course", "outcome", "add", "C1", "--measure", "WEMWBS", "--before", "40", "--after", "13.5", "--measured", "5"),
         "after: 13.5 is outside the WEMWBS scale (14 to 70)"),
        (("course", "outcome", "add", "C1", "--measure", "GAD-7", "--before", "9", "--after", "6", "--measured", "11"),
         "measured: 11 is more than the 10 participants who completed course C1"),
        (("course", "outcome", "add", "C1", "--measure", "GAD-7", "--before", "9", "--after", "6", "--measured", "0"),
         "measured: 0 is out of range (1 to 10000)"),
        (("course", "outcome", "add", "NOPE", "--measure", "GAD-7", "--before", "9", "--after", "6", "--measured", "3"),
         "course: no course 'NOPE' in the registry"),
        (("course", "outcome", "list", "--course", "NOPE"), "course: no course 'NOPE' in the registry"),
    ],
)
def test_evaluation_that_cannot_be_true_is_refused_and_writes_nothing(service, engine, args, error):
    assert_refused(service, engine, *args, error=error)


def test_a_course_measured_on_more_than_took_part_when_completion_is_unknown(service, engine):
    ok(service, "course", "add", "C2", "--programme", "MBCT", "--start-on", "2026-09-01", "--lead", "T001",
       "--participants", "6")
    assert_refused(service, engine, "course", "outcome", "add", "C2", "--measure", "FFMQ", "--before", "120",
                   "--after", "131", "--measured", "7", error="measured: 7 is more than the 6 participants who took part in course C2")
    _outcome(service, "FFMQ", "120", "131", "6", course="C2")


def test_corrections_keep_completion_and_outcomes_in_agreement(service, engine):
    _outcome(service)
    assert_refused(service, engine, "amend", "courses", "C1", "--set", "completed=8", "--reason", "recount",
                   error="completed: 8 is fewer than the 9 participants measured for an outcome of course C1")
    ok(service, "amend", "course_outcomes", "1", "--set", "measured=8", "--reason", "recount")
    ok(service, "amend", "courses", "C1", "--set", "completed=8", "--reason", "recount")
    ok(service, "remove", "course_outcomes", "1", "--reason", "entered against the wrong course")
    assert ok_json(service, "course", "outcome", "list") == []


def test_outcomes_round_trip_through_a_bundle_and_bad_rows_are_named(service, run, engine, tmp_path):
    _outcome(service)
    ok(service, "export", str(tmp_path / "out"))
    assert (tmp_path / "out" / "course_outcomes.csv").read_text().splitlines() == [
        ",".join(OUTCOME_COLUMNS), "C1,PHQ-9,12.4,7.9,9",
    ]
    assert (tmp_path / "out" / "courses.csv").read_text().splitlines()[1].endswith(",10")
    bad = tmp_path / "bad"
    bad.mkdir()
    write_csv(bad / "course_outcomes.csv", OUTCOME_COLUMNS, [
        {"course": "C1", "measure": "GAD-7", "before": "22", "after": "6", "measured": "3"},
        {"course": "C1", "measure": "WEMWBS", "before": "44", "after": "47", "measured": "11"},
    ])
    before = table_counts(engine)
    result = run("import", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "course_outcomes.csv:2: before: 22 is outside the GAD-7 scale (0 to 21)",
        "course_outcomes.csv:3: measured: 11 is more than the 10 participants who completed course C1",
        "Error: the bundle has 2 error(s); nothing was imported",
    ]
    assert table_counts(engine) == before
