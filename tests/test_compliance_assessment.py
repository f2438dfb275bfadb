"""The assessment rule (`assessment.required_within_years`, off by default): an assessed
person is compliant only with an MBI:TAC assessment, in any programme, dated in the N
years up to the day; their lapse date is the day their latest one stops being recent.
Hand-computed figures, both engines, `cpd due`, `cpd summary` and `reminders send`.

The as-of date is 2026-06-30: the window is (2025-06-30, 2026-06-30]. Under N = 2 an
assessment is recent on the as-of date when dated after 2024-06-30."""

from __future__ import annotations

import datetime as dt

import pytest

from mbp_registry.registry.compliance.recent_assessment import recent_until, short_of_assessment
from mbp_registry.registry.queries import years_after
from mbp_registry.registry.vocab import TAC_DOMAINS
from tests.compliance_helpers import (
    baseline, by_ref, compliance, engines_agree, load, merge, people_of, policy_file, row, teacher,
)
from tests.helpers import ok, ok_json
from tests.mail_helpers import smtp_server
from tests.reminder_helpers import SEND, no_mail_settings, service  # noqa: F401 (fixtures)

TWO_YEARS = "[assessment]\nrequired_within_years = 2\n"
NEEDS = "needs an MBI:TAC assessment of teaching (one within 2 years; {})"

ASSESSMENTS = [
    ("A1", "MBCT", "2024-09-01"),  # recent until 2026-09-01
    ("A2", "MBCT", "2024-06-30"),  # exactly 2 years before: no longer recent
    ("A3", "MBCT", "2024-07-01"),  # recent until 2026-07-01, the day after the as-of date
    # A4: none
    ("A5", "MBCT", "2023-01-01"), ("A5", "MBSR", "2025-12-01", "SM"),  # the latest in any programme
    ("A6", "MBCT", "2024-01-01"), ("A6", "MBCT", "2026-07-15"),  # the later one is after the as-of date
    ("A7", "MBCT", "2024-02-29"),  # recent until 2026-03-01 (2026 has no 29 February)
    # A8: none, and short of CPD besides
]


@pytest.fixture
def assessed_service(run, tmp_path):
    """A1-A7 meet every other requirement (CPD of 2026-01-15 leaves first, on 2027-01-15;
    A7's session is of 2026-02-01); A8 has 10 CPD hours. SM, a supervisor of MBSR on
    leave, assesses A5 in MBSR."""
    refs = [f"A{n}" for n in range(1, 8)]
    records = merge(
        *(baseline(ref) for ref in refs[:6]),
        baseline("A7", sessions_on=("2026-02-01",)),
        {"cpd": [("A8", "2026-01-15", 10)], "retreats": [("A8", "2026-02-01", 5)],
         "sessions": [("A8", "2026-03-01", 60, "individual")]},
    )
    load(run, tmp_path / "b", people=[
        *(teacher(ref) for ref in [*refs, "A8"]),
        teacher("SM", status="on_leave", stage="supervisor", programme="MBSR", attained_on="2010-01-01"),
    ], assessments=ASSESSMENTS, **records)
    return policy_file(tmp_path, TWO_YEARS)


def test_off_by_default_no_assessment_is_asked_and_the_report_is_unchanged(run, engine, assessed_service):
    people = people_of(run)
    for person in people:
        assert set(person) == set(row("X", compliant=True, cpd_hours=0, retreat_days=0, supervision_sessions=0,
                                       supervision_required=1, teaching=False, shortfalls=[], lapses_on=None))
    assert by_ref({"people": people}, "shortfalls", "lapses_on") == {
        **{f"A{n}": ([], "2027-01-15") for n in range(1, 8)},
        "A8": (["cpd"], None),
    }
    shown = {r["setting"]: r["value"] for r in ok_json(run, "policy", "show")}
    assert shown["assessment.required_within_years"] == 0
    engines_agree(engine)


def test_a_person_without_an_assessment_in_the_last_n_years_is_not_compliant(run, engine, assessed_service):
    report = compliance(run, "--policy", assessed_service)
    assert by_ref(report, "compliant", "shortfalls", "last_assessed_on", "lapses_on") == {
        "A1": (True, [], "2024-09-01", "2026-09-01"),
        "A2": (False, ["assessment"], "2024-06-30", None),
        "A3": (True, [], "2024-07-01", "2026-07-01"),
        "A4": (False, ["assessment"], None, None),
        # MBSR's of 2025-12-01 stays recent until 2027-12-01: the CPD leaves first
        "A5": (True, [], "2025-12-01", "2027-01-15"),
        "A6": (False, ["assessment"], "2024-01-01", None),
        "A7": (False, ["assessment"], "2024-02-29", None),
        "A8": (False, ["cpd", "assessment"], None, None),
    }
    engines_agree(engine, assessed_service)


def test_the_table_and_person_show_say_which_assessment_is_needed(run, assessed_service):
    lines = ok(run, "cpd", "compliance", "--as-of", "2026-06-30", "--policy", assessed_service).stdout.splitlines()
    said = {line.split()[0]: line for line in lines[3:] if line[:1] == "A"}
    assert NEEDS.format("the last was on 2024-06-30") in said["A2"]
    assert NEEDS.format("none on record") in said["A4"]
    assert f"needs 20 more CPD hours; {NEEDS.format('none on record')}" in said["A8"]
    shown = ok_json(run, "person", "show", "A6", "--as-of", "2026-06-30", "--policy", assessed_service)["compliance"]
    assert shown["needs"] == [NEEDS.format("the last was on 2024-01-01")]


def test_cpd_due_gives_the_day_the_latest_assessment_stops_being_recent(run, assessed_service):
    due = ok_json(run, "cpd", "due", "--as-of", "2026-06-30", "--within", "90", "--policy", assessed_service)
    assert [(r["person"], r["lapses_on"], r["act_by"], r["shortfalls"], r["needs"]) for r in due] == [
        ("A3", "2026-07-01", "2026-06-30", ["assessment"], [NEEDS.format("the last was on 2024-07-01")]),
        ("A1", "2026-09-01", "2026-08-31", ["assessment"], [NEEDS.format("the last was on 2024-09-01")]),
    ]


def test_an_assessment_of_29_february_is_recent_until_1_march_n_years_on(run, engine, assessed_service):
    # On 2026-02-28 the day 2 years back is 2024-02-28, before the assessment: still recent.
    assert by_ref(compliance(run, "--policy", assessed_service, as_of="2026-02-28"), "compliant")["A7"] == (True,)
    assert by_ref(compliance(run, "--policy", assessed_service, as_of="2026-03-01"), "shortfalls")["A7"] == (
        ["assessment"],)
    # As of 2026-02-15 only A7 is compliant (the others' sessions are later): due on 1 March.
    due = ok_json(run, "cpd", "due", "--as-of", "2026-02-15", "--policy", assessed_service)
    assert [(r["person"], r["lapses_on"], r["needs"]) for r in due] == [
        ("A7", "2026-03-01", [NEEDS.format("the last was on 2024-02-29")]),
    ]
    engines_agree(engine, assessed_service, as_of=dt.date(2026, 2, 15))


def test_the_summary_counts_those_short_of_an_assessment_only_under_the_rule(run, assessed_service):
    summary = ok_json(run, "cpd", "summary", "--as-of", "2026-06-30", "--format", "json", "--policy", assessed_service)
    assert summary["by_requirement"] == [
        {"requirement": "cpd", "short": 1}, {"requirement": "retreat", "short": 0},
        {"requirement": "supervision", "short": 0}, {"requirement": "assessment", "short": 5},
    ]
    assert [(r["region"], r["compliant"], r["short_of_assessment"]) for r in summary["by_region"]] == [("North", 3, 5)]
    text = ok(run, "cpd", "summary", "--as-of", "2026-06-30", "--policy", assessed_service).stdout
    assert "Short of assessment" in text
    default = ok_json(run, "cpd", "summary", "--as-of", "2026-06-30", "--format", "json")
    assert [r["requirement"] for r in default["by_requirement"]] == ["cpd", "retreat", "supervision"]
    assert "short_of_assessment" not in default["by_region"][0]


def test_a_reminder_names_the_assessment_that_ages_out(service, tmp_path):
    # T1 of the reminders' service lapses on 2026-07-25 when her CPD leaves; an assessment
    # of 2024-07-10 stops being recent on 2026-07-10, first. Nobody else is assessed.
    levels = [f"--level={domain}=competent" for domain in TAC_DOMAINS]
    ok(service, "assessment", "add", "--person", "T1", "--programme", "MBCT", "--on", "2024-07-10",
       "--assessor", "S1", *levels)
    path = policy_file(tmp_path, TWO_YEARS)
    out = ok(service, *SEND, "--dry-run", "--policy", path).stdout
    assert "Subject: Your CPD, retreat and supervision record lapses on 10 July 2026\n" in out
    assert f"  - {NEEDS.format('the last was on 2024-07-10')}\n" in out
    assert out.count("--- Reminder") == 1
    with smtp_server() as inbox:
        ok(service, *SEND, "--smtp", inbox.url, "--policy", path)
    assert [message.recipients[0] for message in inbox.received] == ["tara.one@example.org"]


@pytest.mark.parametrize("dated, years, until", [
    ("2024-07-01", 2, "2026-07-01"),
    ("2023-03-01", 1, "2024-03-01"),
    ("2024-02-29", 2, "2026-03-01"),
    ("2024-02-29", 4, "2028-02-29"),
    ("2024-02-28", 1, "2025-02-28"),
])
def test_an_assessment_is_recent_until_the_day_it_is_n_years_old(dated, years, until):
    assert recent_until(dt.date.fromisoformat(dated).toordinal(), years) == dt.date.fromisoformat(until).toordinal()


@pytest.mark.parametrize("years", [1, 2, 3, 4])
def test_the_rule_counts_an_assessment_recent_as_assessment_summary_does(years):
    # assessment summary: recent on day d when dated after d's date `years` back, on or before d
    first = dt.date(2023, 12, 1).toordinal()
    for dated in range(first, first + 500):
        until = recent_until(dated, years)
        for day in (dated, until - 2, until - 1, until, until + 1):
            recent = years_after(dt.date.fromordinal(day), -years) < dt.date.fromordinal(dated) <= dt.date.fromordinal(day)
            assert short_of_assessment(dated, day, years) == (not recent), (dated, day)
    assert not short_of_assessment(None, first, 0) and short_of_assessment(None, first, years)
