"""Assessments of teaching on the six MBI:TAC domains: `assessment add` and `list`,
corrections through `amend` and `remove`, and `assessments.csv` in the bundle."""

from __future__ import annotations

import pytest

from tests.helpers import assert_refused, build_service, days_ago, ok, ok_json, table_counts, write_csv

DOMAINS = ("coverage", "relational", "embodiment", "guiding", "inquiry", "holding")
LEVELS = dict(zip(DOMAINS, ("competent", "proficient", "competent", "competent", "advanced_beginner", "competent")))
COLUMNS = ["person", "programme", "on", "assessor", "course", *DOMAINS]


def _levels(levels=LEVELS) -> list[str]:
    return [part for domain, level in levels.items() for part in ("--level", f"{domain}={level}")]


def _assess(run, person="T001", on="2026-10-14", assessor="S01", programme="MBCT", *extra, levels=LEVELS):
    return ok(run, "assessment", "add", "--person", person, "--programme", programme, "--on", on,
              "--assessor", assessor, *extra, *_levels(levels))


@pytest.fixture
def service(run, engine):
    """build_service and an MBCT course led by T001."""
    build_service(run, engine)
    ok(run, "course", "add", "MBCT-26-1", "--programme", "MBCT", "--start-on", "2026-09-01", "--lead", "T001")
    return run


def test_an_assessment_is_added_and_listed_with_its_six_levels(service):
    result = _assess(service, "T001", "2026-10-14", "S01", "MBCT", "--course", "MBCT-26-1")
    assert result.stdout == "Added the assessment of T001's MBCT teaching on 2026-10-14 by S01.\n"
    _assess(service, "T001", "2025-10-14", "R01", levels={**LEVELS, "inquiry": "beginner"})
    listed = ok_json(service, "assessment", "list", "--person", "T001")
    assert listed == [
        {"id": 1, "person": "T001", "programme": "MBCT", "on": "2026-10-14", "assessor": "S01", "course": "MBCT-26-1",
         "levels": LEVELS},
        {"id": 2, "person": "T001", "programme": "MBCT", "on": "2025-10-14", "assessor": "R01", "course": None,
         "levels": {**LEVELS, "inquiry": "beginner"}},
    ]
    assert ok_json(service, "assessment", "list", "--programme", "MBSR") == []
    assert ok(service, "assessment", "list", "--format", "csv").stdout.splitlines() == [
        ",".join(COLUMNS),
        "T001,MBCT,2026-10-14,S01,MBCT-26-1,competent,proficient,competent,competent,advanced_beginner,competent",
        "T001,MBCT,2025-10-14,R01,,competent,proficient,competent,competent,beginner,competent",
    ]
    entry = ok_json(service, "audit", "list", "--record-type", "assessments")[0]
    assert (entry["action"], entry["before"], entry["after"]["assessor"]) == ("add", None, "S01")


ALL_SIX = _levels()


@pytest.mark.parametrize(
    "args, error",
    [
        (("--person", "T001", "--assessor", "T001"), "assessor: 'T001' cannot assess their own teaching"),
        (("--person", "T001", "--assessor", "T002"),
         "assessor: 'T002' holds stage trainee in MBCT on 2026-10-14; supervisor or higher is needed"),
        # S01 became a supervisor on 2019-01-15: a teacher the day before.
        (("--person", "T001", "--assessor", "S01", "--on", "2019-01-14"),
         "assessor: 'S01' holds stage teacher in MBCT on 2019-01-14; supervisor or higher is needed"),
        (("--person", "T001", "--assessor", "S01", "--on", days_ago(-2)), f"on: {days_ago(-2)} is in the future"),
        (("--person", "T001", "--assessor", "S01", "--course", "NOPE"), "course: no course 'NOPE' in the registry"),
        (("--person", "NOPE", "--assessor", "S01"), "person: no person 'NOPE' in the registry"),
    ],
)
def test_an_assessment_that_breaks_a_rule_is_refused_and_writes_nothing(service, engine, args, error):
    options = dict(zip(args[::2], args[1::2]))
    options.setdefault("--on", "2026-10-14")
    line = [part for option, value in options.items() for part in (option, value)]
    assert_refused(service, engine, "assessment", "add", "--programme", "MBCT", *line, *ALL_SIX, error=error)


@pytest.mark.parametrize(
    "levels, error",
    [
        (ALL_SIX[:-2], "level: all six domains are assessed; missing holding"),
        ([*ALL_SIX[:-2], "--level", "holding=great"],
         "level: 'great' is not an MBI:TAC level; use one of incompetent, beginner, advanced_beginner, competent, "
         "proficient, advanced"),
        ([*ALL_SIX, "--level", "pacing=competent"],
         "level: 'pacing' is not an MBI:TAC domain; use one of coverage, relational, embodiment, guiding, inquiry, holding"),
        ([*ALL_SIX, "--level", "coverage=competent"], "level: 'coverage' is given twice"),
        ([*ALL_SIX[:-2], "--level", "holding"], "level: 'holding' is not DOMAIN=LEVEL, e.g. coverage=competent"),
    ],
)
def test_levels_are_all_six_domains_each_once_at_a_known_level(service, engine, levels, error):
    assert_refused(service, engine, "assessment", "add", "--person", "T001", "--programme", "MBCT", "--on", "2026-10-14",
                   "--assessor", "S01", *levels, error=error)


def test_an_assessment_is_amended_and_removed_through_the_generic_commands(service, engine):
    _assess(service)
    result = ok(service, "amend", "assessments", "1", "--set", "inquiry=competent", "--reason", "misread the form")
    assert result.stdout == "Amended assessments 1:\n  inquiry: advanced_beginner -> competent\n"
    assert ok_json(service, "assessment", "list")[0]["levels"]["inquiry"] == "competent"
    assert_refused(service, engine, "amend", "assessments", "1", "--set", "assessor=T001", "--reason", "x",
                   error="assessor: 'T001' cannot assess their own teaching")
    ok(service, "remove", "assessments", "1", "--reason", "entered twice")
    assert ok_json(service, "assessment", "list") == []
    actions = [entry["action"] for entry in ok_json(service, "audit", "list", "--record-type", "assessments")]
    assert actions == ["add", "amend", "remove"]


def test_a_course_with_an_assessment_is_not_removed_from_under_it(service, engine):
    _assess(service, "T001", "2026-10-14", "S01", "MBCT", "--course", "MBCT-26-1")
    course_id = ok_json(service, "course", "list")[0]["id"]
    assert_refused(service, engine, "remove", "courses", "MBCT-26-1", "--reason", "x",
                   error=f"id: {course_id} is referred to by records (1 in assessments); remove those first")


def test_assessments_round_trip_through_a_bundle_and_bad_rows_are_named(service, run, engine, tmp_path):
    _assess(service, "T001", "2026-10-14", "S01", "MBCT", "--course", "MBCT-26-1")
    ok(service, "export", str(tmp_path / "out"))
    exported = (tmp_path / "out" / "assessments.csv").read_text(encoding="utf-8").splitlines()
    assert exported == [
        ",".join(COLUMNS),
        "T001,MBCT,2026-10-14,S01,MBCT-26-1,competent,proficient,competent,competent,advanced_beginner,competent",
    ]
    ok(service, "remove", "assessments", "1", "--reason", "test")
    ok(service, "import", str(tmp_path / "out"), "--restore")
    assert ok_json(service, "assessment", "list")[0]["levels"] == LEVELS
    bad = tmp_path / "bad"
    bad.mkdir()
    row = {"person": "T001", "programme": "MBCT", "on": "2026-10-20", "assessor": "T002", **LEVELS}
    write_csv(bad / "assessments.csv", COLUMNS, [row, {**row, "assessor": "S01", "course": "NOPE", "holding": "great"}])
    before = table_counts(engine)
    result = run("import", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "assessments.csv:2: assessor: 'T002' holds stage trainee in MBCT on 2026-10-20; supervisor or higher is needed",
        "assessments.csv:3: holding: 'great' is not one of incompetent, beginner, advanced_beginner, competent, "
        "proficient, advanced",
        "assessments.csv:3: course: no course 'NOPE' in the bundle or the registry",
        "Error: the bundle has 3 error(s); nothing was imported",
    ]
    assert table_counts(engine) == before
