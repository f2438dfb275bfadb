"""`stage` and `training`: the training pathway and the lineage of who trained whom."""

from __future__ import annotations

import pytest

from tests.helpers import assert_refused, assert_usage_error, audit_rows, build_service, ok, ok_json


@pytest.mark.parametrize("group", ["stage", "training"])
def test_group_help_shows_an_example(run, group):
    assert "Example:" in ok(run, group, "--help").stdout


# --- stages ----------------------------------------------------------------------


def test_stage_add_confirms_and_records_an_audit_entry_about_the_person(run, engine):
    build_service(run, engine)
    ok(run, "stage", "add", "--person", "T002", "--programme", "MBCT", "--stage", "teacher", "--on", "2025-02-01",
       "--assessed-by", "S01", "--tac-level", "competent", output="T002 attained teacher in MBCT on 2025-02-01.")
    assert audit_rows(run, "--person", "T002")[-1] == (
        "tester", "add", "stages", "person=T002; programme=MBCT; stage=teacher", "T002"
    )


def test_stage_list_is_newest_first_and_filters_by_person_and_stage(run, engine):
    build_service(run, engine)
    assert ok_json(run, "stage", "list", "--person", "S01") == [
        {"id": 3, "person": "S01", "programme": "MBCT", "stage": "supervisor", "attained_on": "2019-01-15",
         "assessed_by": "R01", "tac_level": "proficient"},
        {"id": 2, "person": "S01", "programme": "MBCT", "stage": "teacher", "attained_on": "2015-06-01",
         "assessed_by": "R01", "tac_level": "competent"},
    ]
    assert [(s["person"], s["stage"]) for s in ok_json(run, "stage", "list", "--stage", "teacher")] == [
        ("T003", "teacher"), ("T001", "teacher"), ("S01", "teacher")
    ]
    assert [s["person"] for s in ok_json(run, "stage", "list", "--programme", "MBSR")] == ["T003"]


def test_stage_list_as_csv_is_exact(run, engine):
    build_service(run, engine)
    assert ok(run, "stage", "list", "--from", "2019-01-01", "--to", "2023-12-31", "--format", "csv").stdout == (
        "person,programme,stage,attained_on,assessed_by,tac_level\n"
        "T003,MBSR,teacher,2023-03-01,,\n"
        "T001,MBCT,teacher,2022-06-01,,\n"
        "S01,MBCT,supervisor,2019-01-15,R01,proficient\n"
    )


def test_stage_add_refuses_the_same_stage_twice(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "stage", "add", "--person", "S01", "--programme", "MBCT", "--stage", "supervisor", "--on", "2020-01-01",
        error="already recorded: the stage with person S01, programme MBCT, stage supervisor",
    )


@pytest.mark.parametrize(
    "options, error",
    [
        (("--person", "T999"), "person: no person 'T999' in the registry"),
        (("--programme", "MBXX"), "programme: no programme 'MBXX' in the registry"),
        (("--assessed-by", "R99"), "assessed_by: no person 'R99' in the registry"),
    ],
    ids=["person", "programme", "assessor"],
)
def test_stage_add_refuses_a_missing_reference(run, engine, options, error):
    build_service(run, engine)
    given = {"--person": "T002", "--programme": "MBCT", "--assessed-by": "S01", **dict([options])}
    args = [item for pair in given.items() for item in pair]
    assert_refused(run, engine, "stage", "add", *args, "--stage", "teacher", "--on", "2025-02-01", error=error)


def test_stage_add_refuses_a_bad_date(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "stage", "add", "--person", "T002", "--programme", "MBCT", "--stage", "teacher", "--on", "2025-2-1",
        error="attained_on: '2025-2-1' is not a date (YYYY-MM-DD)",
    )


def test_stage_add_refuses_an_unknown_stage_as_a_usage_error(run, engine):
    build_service(run, engine)
    assert_usage_error(
        run, engine, "stage", "add", "--person", "T002", "--programme", "MBCT", "--stage", "master", "--on", "2025-02-01",
        error="Invalid value for '--stage': 'master' is not one of "
        "'trainee', 'teacher', 'supervisor', 'trainer', 'trainer_of_trainers'.",
    )


def test_stage_add_refuses_an_unknown_tac_level_as_a_usage_error(run, engine):
    build_service(run, engine)
    assert_usage_error(
        run, engine, "stage", "add", "--person", "T002", "--programme", "MBCT", "--stage", "teacher", "--on", "2025-02-01",
        "--tac-level", "expert",
        error="Invalid value for '--tac-level': 'expert' is not one of "
        "'incompetent', 'beginner', 'advanced_beginner', 'competent', 'proficient', 'advanced'.",
    )


# --- training ----------------------------------------------------------------------


def test_training_add_confirms_and_records_an_audit_entry_about_the_trainee(run, engine):
    build_service(run, engine)
    ok(run, "training", "add", "--trainer", "R01", "--trainee", "T001", "--programme", "MBCT", "--stage", "teacher",
       "--on", "2021-06-01", output="R01 trained T001 towards teacher in MBCT.")
    assert audit_rows(run, "--record-type", "training") == [
        ("tester", "add", "training", "trainer=R01; trainee=T001; programme=MBCT; stage=teacher", "T001")
    ]


def test_training_list_finds_a_person_as_trainer_or_trainee_newest_first(run, engine):
    build_service(run, engine)
    ok(run, "stage", "add", "--person", "S01", "--programme", "MBCT", "--stage", "trainer", "--on", "2021-01-01")
    ok(run, "training", "add", "--trainer", "R01", "--trainee", "S01", "--programme", "MBCT", "--stage", "trainer",
       "--on", "2020-11-01")
    ok(run, "training", "add", "--trainer", "S01", "--trainee", "T002", "--programme", "MBCT", "--stage", "teacher",
       "--on", "2024-05-01")
    ok(run, "training", "add", "--trainer", "R01", "--trainee", "T001", "--programme", "MBCT", "--stage", "teacher",
       "--on", "2021-06-01")
    assert ok_json(run, "training", "list", "--person", "S01") == [
        {"id": 2, "trainer": "S01", "trainee": "T002", "programme": "MBCT", "stage": "teacher",
         "trained_on": "2024-05-01"},
        {"id": 1, "trainer": "R01", "trainee": "S01", "programme": "MBCT", "stage": "trainer",
         "trained_on": "2020-11-01"},
    ]
    assert ok(run, "training", "list", "--from", "2021-01-01", "--format", "csv").stdout == (
        "trainer,trainee,programme,stage,trained_on\n"
        "S01,T002,MBCT,teacher,2024-05-01\n"
        "R01,T001,MBCT,teacher,2021-06-01\n"
    )


def test_training_add_refuses_a_trainer_training_themselves(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "training", "add", "--trainer", "R01", "--trainee", "R01", "--programme", "MBCT", "--stage", "trainer",
        "--on", "2021-06-01", error="trainee: 'R01' cannot be their own trainer",
    )


def test_training_add_refuses_a_trainer_holding_a_lower_stage(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "training", "add", "--trainer", "S01", "--trainee", "T002", "--programme", "MBCT", "--stage", "teacher",
        "--on", "2024-05-01",
        error="trainer: 'S01' holds stage supervisor in MBCT on 2024-05-01; trainer or higher is needed",
    )


def test_training_add_refuses_a_trainer_with_no_stage_in_the_programme(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "training", "add", "--trainer", "R01", "--trainee", "T003", "--programme", "MBSR", "--stage", "teacher",
        "--on", "2022-05-01",
        error="trainer: 'R01' holds no stage in MBSR on 2022-05-01; trainer or higher is needed",
    )


def test_training_add_needs_the_trainer_stage_on_the_training_date(run, engine):
    build_service(run, engine)
    ok(run, "stage", "add", "--person", "S01", "--programme", "MBCT", "--stage", "trainer", "--on", "2024-05-02")
    assert_refused(
        run, engine, "training", "add", "--trainer", "S01", "--trainee", "T002", "--programme", "MBCT", "--stage", "teacher",
        "--on", "2024-05-01",
        error="trainer: 'S01' holds stage supervisor in MBCT on 2024-05-01; trainer or higher is needed",
    )
    ok(run, "training", "add", "--trainer", "S01", "--trainee", "T002", "--programme", "MBCT", "--stage", "teacher",
       "--on", "2024-05-02", output="S01 trained T002 towards teacher in MBCT.")


def test_training_add_refuses_a_cycle_in_the_lineage(run, engine):
    build_service(run, engine)
    ok(run, "stage", "add", "--person", "S01", "--programme", "MBCT", "--stage", "trainer", "--on", "2021-01-01")
    ok(run, "training", "add", "--trainer", "R01", "--trainee", "S01", "--programme", "MBCT", "--stage", "trainer",
       "--on", "2020-11-01")
    assert_refused(
        run, engine, "training", "add", "--trainer", "S01", "--trainee", "R01", "--programme", "MBCT",
        "--stage", "trainer_of_trainers", "--on", "2022-01-01",
        error="trainee: the lineage of MBCT would have a cycle: R01 -> S01 -> R01",
    )


def test_training_add_refuses_a_longer_cycle_in_the_lineage(run, engine):
    build_service(run, engine)
    for person in ("S01", "T001"):
        ok(run, "stage", "add", "--person", person, "--programme", "MBCT", "--stage", "trainer", "--on", "2025-01-01")
    ok(run, "training", "add", "--trainer", "R01", "--trainee", "S01", "--programme", "MBCT", "--stage", "trainer",
       "--on", "2024-11-01")
    ok(run, "training", "add", "--trainer", "S01", "--trainee", "T001", "--programme", "MBCT", "--stage", "trainer",
       "--on", "2025-02-01")
    assert_refused(
        run, engine, "training", "add", "--trainer", "T001", "--trainee", "R01", "--programme", "MBCT",
        "--stage", "trainer_of_trainers", "--on", "2025-03-01",
        error="trainee: the lineage of MBCT would have a cycle: R01 -> S01 -> T001 -> R01",
    )


def test_training_add_allows_the_reverse_link_in_another_programme(run, engine):
    build_service(run, engine)
    ok(run, "stage", "add", "--person", "R01", "--programme", "MBSR", "--stage", "trainer", "--on", "2015-01-01")
    ok(run, "stage", "add", "--person", "S01", "--programme", "MBCT", "--stage", "trainer", "--on", "2021-01-01")
    ok(run, "training", "add", "--trainer", "S01", "--trainee", "R01", "--programme", "MBCT", "--stage", "trainer",
       "--on", "2022-01-01")
    ok(run, "stage", "add", "--person", "S01", "--programme", "MBSR", "--stage", "teacher", "--on", "2016-01-01")
    ok(run, "training", "add", "--trainer", "R01", "--trainee", "S01", "--programme", "MBSR", "--stage", "teacher",
       "--on", "2015-06-01", output="R01 trained S01 towards teacher in MBSR.")


def test_training_add_refuses_the_same_training_twice(run, engine):
    build_service(run, engine)
    ok(run, "training", "add", "--trainer", "R01", "--trainee", "T001", "--programme", "MBCT", "--stage", "teacher",
       "--on", "2021-06-01")
    assert_refused(
        run, engine, "training", "add", "--trainer", "R01", "--trainee", "T001", "--programme", "MBCT", "--stage", "teacher",
        "--on", "2021-07-01",
        error="already recorded: the training with trainer R01, trainee T001, programme MBCT, stage teacher",
    )


@pytest.mark.parametrize(
    "trainer, trainee, programme, error",
    [
        ("R99", "T001", "MBCT", "trainer: no person 'R99' in the registry"),
        ("R01", "T999", "MBCT", "trainee: no person 'T999' in the registry"),
        ("R01", "T001", "MBXX", "programme: no programme 'MBXX' in the registry"),
    ],
    ids=["trainer", "trainee", "programme"],
)
def test_training_add_refuses_a_missing_reference(run, engine, trainer, trainee, programme, error):
    build_service(run, engine)
    assert_refused(
        run, engine, "training", "add", "--trainer", trainer, "--trainee", trainee, "--programme", programme,
        "--stage", "teacher", "--on", "2021-06-01", error=error,
    )


def test_training_add_refuses_a_bad_date(run, engine):
    build_service(run, engine)
    assert_refused(
        run, engine, "training", "add", "--trainer", "R01", "--trainee", "T001", "--programme", "MBCT", "--stage", "teacher",
        "--on", "next week", error="trained_on: 'next week' is not a date (YYYY-MM-DD)",
    )


def test_training_add_refuses_an_unknown_stage_as_a_usage_error(run, engine):
    build_service(run, engine)
    assert_usage_error(
        run, engine, "training", "add", "--trainer", "R01", "--trainee", "T001", "--programme", "MBCT", "--stage", "guru",
        "--on", "2021-06-01",
        error="Invalid value for '--stage': 'guru' is not one of "
        "'trainee', 'teacher', 'supervisor', 'trainer', 'trainer_of_trainers'.",
    )
