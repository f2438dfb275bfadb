"""The compliance policy: `policy show`, policy files (`--policy FILE|NAME`,
MBP_REGISTRY_POLICY), the shipped `bacp-monthly` policy, and bad policy files."""

from __future__ import annotations

import tomllib

import pytest

from mbp_registry.registry.policy import SETTINGS, SHIPPED, default_policy, load_policy

from tests.compliance_helpers import AS_OF, baseline, compliance, load, merge, monthly, people_of, row, teacher
from tests.helpers import ok, ok_json, table_counts

ENV = "MBP_REGISTRY_POLICY"


@pytest.fixture(autouse=True)
def _no_policy_in_environment(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)


# --- policy show -------------------------------------------------------------------------


def test_policy_show_lists_every_default_setting_with_its_source(run):
    shown = {r["setting"]: (r["value"], r["source"]) for r in ok_json(run, "policy", "show")}
    assert {setting: value for setting, (value, _) in shown.items()} == {
        "name": "default (BAMBA good practice)",
        "window_days": 365,
        "assessed.minimum_stage": "teacher",
        "assessed.statuses": ["active"],
        "cpd.hours": 30,
        "cpd.event_hours": 0,
        "cpd.event_categories": ["course", "workshop", "conference"],
        "retreat.days": 5,
        "retreat.teacher_led": False,
        "supervision.counted_kinds": ["individual", "group"],
        "practising.work": ["teaching", "supervising", "training"],
        "supervision.sessions_when_practising": 12,
        "supervision.sessions_when_not_practising": 1,
        "supervision.minutes_each_month": 0,
        "supervision.group_time": "whole",
        "supervision.group_half_up_to": 4,
        "supervision.skip_months_without_practice": False,
        "new_teachers.years": 0,
        "new_teachers.hours_per_course": 3,
        "caseload.max_supervisees": 0,
        "assessment.recent_years": 3,
        "assessment.required_within_years": 0,
    }
    assert "Breathworks" in shown["cpd.hours"][1] and "Breathworks" in shown["cpd.event_hours"][1]
    assert "bacp.co.uk" in shown["supervision.group_half_up_to"][1]
    for setting in ("retreat.days", "supervision.counted_kinds", "supervision.sessions_when_practising",
                    "supervision.sessions_when_not_practising", "practising.work", "retreat.teacher_led",
                    "new_teachers.hours_per_course"):
        assert "BAMBA" in shown[setting][1] and "bamba.org.uk" in shown[setting][1], setting
    assert "BAMBA" in shown["window_days"][1]
    assert "BAMBA" in shown["assessed.minimum_stage"][1]


def test_policy_show_table_has_a_row_per_setting(run):
    lines = ok(run, "policy", "show").stdout.splitlines()
    assert lines[0].split() == ["Setting", "Value", "Source"]
    cpd = next(line for line in lines if line.startswith("cpd.hours "))
    assert cpd.split()[1] == "30" and "Breathworks" in cpd


def test_the_shipped_default_toml_writes_out_every_setting_of_the_default_policy():
    data = tomllib.loads((SHIPPED / "default.toml").read_text(encoding="utf-8"))
    keys = {f"{table}.{key}" for table, values in data.items() if isinstance(values, dict) for key in values}
    keys |= {key for key, value in data.items() if not isinstance(value, dict)}
    assert keys == {key for key, _ in SETTINGS.values()}
    assert load_policy(SHIPPED / "default.toml") == default_policy()
    assert load_policy("default") == default_policy()


def test_every_example_of_policy_help_runs(run):
    lines = ok(run, "policy", "--help").stdout.split("Example:")[1].splitlines()
    examples = [line.split()[1:] for line in lines if line.strip().startswith("mbp-registry ")]
    assert examples == [["policy", "show"], ["policy", "show", "--policy", "bacp-monthly"]]
    shown = {r["setting"]: r["value"] for r in ok_json(run, *examples[1], "--format", "json")}
    assert shown["name"] == "BACP monthly supervision" and shown["supervision.minutes_each_month"] == 90


# --- a policy file -------------------------------------------------------------------------

TEN_HOURS = """\
name = "Ten hours a month"
window_days = 30

[cpd]
hours = 10
"""


@pytest.fixture
def ten_hours_service(run, tmp_path):
    """Window (2026-05-31, 2026-06-30] under TEN_HOURS (as_of - 30 = 2026-05-31 is out)."""
    load(run, tmp_path / "b", people=[teacher("K1"), teacher("K2")],
         cpd=[("K1", "2026-06-01", 10), ("K2", "2026-05-31", 10), ("K2", "2026-04-01", 20)],
         retreats=[("K1", "2026-06-15", 5), ("K2", "2026-06-01", 5)],
         sessions=[("K1", "2026-06-20", 60, "individual"), ("K2", "2026-06-01", 60, "individual")],
         courses=[("C1", "MBCT", "2026-05-15", "K1", [], True)])
    path = tmp_path / "ten.toml"
    path.write_text(TEN_HOURS, encoding="utf-8")
    return path


# Under TEN_HOURS: K1 has 10 h (2026-06-01 is in) >= 10; the course of 2026-05-15 is out of
# the 30-day window, so 1 session is needed. The 10 h leave on 2026-06-01 + 30 = 2026-07-01,
# before the retreat (2026-07-15) and the session (2026-07-20).
# K2's CPD of 2026-05-31 and 2026-04-01 is out: 0 h < 10.
TEN_HOURS_PEOPLE = [
    row("K1", compliant=True, cpd_hours=10.0, retreat_days=5.0, supervision_sessions=1,
        supervision_required=1, teaching=False, shortfalls=[], lapses_on="2026-07-01"),
    row("K2", compliant=False, cpd_hours=0.0, retreat_days=5.0, supervision_sessions=1,
        supervision_required=1, teaching=False, shortfalls=["cpd"], lapses_on=None),
]


def test_a_policy_file_changing_cpd_hours_and_window_days_is_honoured(run, ten_hours_service):
    report = compliance(run, "--policy", str(ten_hours_service))
    assert report["policy"] == "Ten hours a month"
    assert report["people"] == TEN_HOURS_PEOPLE


def test_without_a_policy_file_the_defaults_apply(run, ten_hours_service):
    assert people_of(run) == [
        # 365-day window: 10 h < 30; the course of 2026-05-15 is in: teaching, 1 < 12
        row("K1", compliant=False, cpd_hours=10.0, retreat_days=5.0, supervision_sessions=1,
            supervision_required=12, teaching=True, shortfalls=["cpd", "supervision"], lapses_on=None,
            practising_as=["taught MBCT course C1"]),
        # 10 + 20 = 30 h >= 30; the 20 h of 2026-04-01 leave first, on 2027-04-01
        row("K2", compliant=True, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=1,
            supervision_required=1, teaching=False, shortfalls=[], lapses_on="2027-04-01"),
    ]


def test_the_policy_file_in_the_environment_is_used_when_no_policy_option_is_given(run, ten_hours_service, monkeypatch):
    monkeypatch.setenv(ENV, str(ten_hours_service))
    report = compliance(run)
    assert report["policy"] == "Ten hours a month"
    assert report["people"] == TEN_HOURS_PEOPLE
    shown = {r["setting"]: (r["value"], r["source"]) for r in ok_json(run, "policy", "show")}
    assert shown["cpd.hours"] == (10.0, "this policy file")
    assert shown["window_days"] == (30, "this policy file")
    assert shown["retreat.days"][0] == 5


# --- the shipped bacp-monthly policy: BACP's rule as published ---------------------------------

# Window (2025-06-30, 2026-06-30]: the calendar months whose first and last days are both
# inside it are the 12 months 2025-07 .. 2026-06 (2025-07-01 > 2025-06-30).


def courses_of(ref: str, starts: list[str]) -> list[tuple]:
    """Courses led by `ref` starting on `starts`: each makes them practising in the
    months its 8 weeks (start to start + 55 days) touch."""
    return [(f"{ref}-{n}", "MBCT", start, ref, [], True) for n, start in enumerate(starts)]


EVERY_MONTH = ["2025-07-01", "2025-09-01", "2025-11-01", "2026-01-01", "2026-03-01", "2026-05-01"]
# B2: no course touches 2025-11 or 2025-12 (the course of 2025-09-01 ends on 2025-10-26)
NOT_NOV_DEC = ["2025-07-01", "2025-09-01", "2026-01-01", "2026-03-01", "2026-05-01"]


@pytest.fixture
def bacp_service(run, tmp_path):
    month_15th = monthly("B1", "2025-07-15", 12, minutes=90)  # 2025-07-15 .. 2026-06-15
    members = ["G1", "G2", "G3", "G4", "G5"]
    sessions = [
        # B1: 90 minutes of individual supervision a month but October and November.
        *[s for s in month_15th if s[1] not in ("2025-10-15", "2025-11-15")],
        # October: a group of 4 supervisees (B1, G1-G3) for 120 minutes counts half, 60;
        # a peer session of two (B1 and SUP) for 60 minutes counts half, 30: 90 in all.
        ("B1", "2025-10-10", 120, "group"), *[(g, "2025-10-10", 120, "group") for g in members[:3]],
        ("B1", "2025-10-20", 60, "peer"),
        # November: a group of 6 (B1, G1-G5) for 120 minutes counts 120 / 6 = 20, and 60
        # individual minutes: 80 < 90.
        ("B1", "2025-11-10", 120, "group"), *[(g, "2025-11-10", 120, "group") for g in members],
        ("B1", "2025-11-15", 60, "individual"),
        # B2 and B3: nothing in November and December, when they did no practising work.
        *[(ref, *s[1:]) for ref in ("B2", "B3") for s in month_15th if s[1] not in ("2025-11-15", "2025-12-15")],
    ]
    load(run, tmp_path / "b", people=[
        *(teacher(ref) for ref in ("B1", "B2", "B3", "B4")),
        *(teacher(g, stage="trainee") for g in members),
    ], sessions=sessions, courses=[
        *courses_of("B1", EVERY_MONTH), *courses_of("B2", NOT_NOV_DEC),
        # B3 also starts a course on 2026-06-20, running into July 2026
        *courses_of("B3", [*NOT_NOV_DEC, "2026-06-20"]),
    ])


def test_bacp_policy_counts_group_and_peer_time_and_skips_months_without_practice(run, bacp_service):
    report = compliance(run, "--policy", "bacp-monthly")
    assert report["policy"] == "BACP monthly supervision"
    people = {p["person"]: p for p in report["people"]}
    shown = {ref: (p["compliant"], p["supervision_months_short"], p["lapses_on"]) for ref, p in people.items()}
    assert shown == {
        "B1": (False, ["2025-11"], None),
        # November and December skipped. July 2026, when it becomes whole on 2026-07-31,
        # has no practising work either, nor any month after: nothing ever lapses.
        "B2": (True, [], None),
        # as B2, but the course of 2026-06-20 runs into July 2026, which has no minutes
        "B3": (True, [], "2026-07-31"),
        # no practising work at all: no month needs supervision
        "B4": (True, [], None),
    }
    # counted sessions: B1 10 individual + October's group and peer + November's group and individual
    assert [people[ref]["supervision_sessions"] for ref in ("B1", "B2", "B3", "B4")] == [14, 10, 10, 0]
    assert people["B1"]["supervision_required"] == 0 and people["B1"]["practising"]


def test_bacp_monthly_table_names_the_month_short_of_minutes(run, bacp_service):
    lines = ok(run, "cpd", "compliance", "--as-of", AS_OF, "--policy", "bacp-monthly").stdout.splitlines()
    assert lines[0] == "Compliance on 2026-06-30 under the BACP monthly supervision policy"
    b1 = next(line for line in lines if line.startswith("B1 "))
    assert "needs 90 minutes of supervision in 2025-11" in b1


def test_person_show_says_what_a_group_session_counts_for(run, bacp_service):
    shown = ok_json(run, "person", "show", "B1", "--as-of", AS_OF, "--policy", "bacp-monthly")["compliance"]
    why = {(r["dated"], r["what"]): r["why"] for r in shown["records"]}
    assert why[("2025-10-10", "group session with SUP, 120 minutes")] == "a qualifying session; counts 60 minutes (a group session of 4)"
    assert why[("2025-10-20", "peer session with SUP, 60 minutes")] == "a qualifying session; counts 30 minutes (a peer session of 2)"
    assert why[("2025-11-10", "group session with SUP, 120 minutes")] == "a qualifying session; counts 20 minutes (a group session of 6)"


MONTHLY_ONLY = "[supervision]\nminutes_each_month = 90\nsessions_when_practising = 0\nsessions_when_not_practising = 0\n"


def test_a_monthly_rule_lapses_when_the_as_of_month_becomes_whole_after_a_mid_month_as_of(run, tmp_path):
    # as_of 2026-06-15: window (2025-06-15, 2026-06-15]; whole months 2025-07 .. 2026-05, each
    # with one 90-minute session on the 10th: compliant. Nothing dated after the as-of date
    # counts, so on 2026-06-30 June 2026 is a whole month of the window with 0 minutes.
    load(run, tmp_path / "b", people=[teacher("MX")], **baseline("MX", sessions_on=()),
         sessions=monthly("MX", "2025-07-10", 11, minutes=90))  # 2025-07-10 .. 2026-05-10
    path = tmp_path / "monthly.toml"
    path.write_text(MONTHLY_ONLY, encoding="utf-8")
    people = compliance(run, "--policy", str(path), as_of="2026-06-15")["people"]
    assert people == [
        {**row("MX", compliant=True, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=11,
               supervision_required=0, teaching=False, shortfalls=[], lapses_on="2026-06-30"),
         "supervision_months_short": []},
    ]


# --- bad policy files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, error",
    [
        ("[cpd]\nminutes = 10\n", "policy bad.toml: unknown key 'cpd.minutes'"),
        ('[cpd]\nhours = "lots"\n', "policy bad.toml: cpd.hours = 'lots' is not a number of hours from 0 to 1000"),
        ("[cpd]\nhours = -1\n", "policy bad.toml: cpd.hours = -1 is not a number of hours from 0 to 1000"),
        ("window_days = 0\n", "policy bad.toml: window_days = 0 is not a number of days from 1 to 3650"),
        ("window_days = 3651\n", "policy bad.toml: window_days = 3651 is not a number of days from 1 to 3650"),
        ("window_days = 100000000000000000000\n",
         "policy bad.toml: window_days = 100000000000000000000 is not a number of days from 1 to 3650"),
        ("[cpd]\nhours = 1000.5\n", "policy bad.toml: cpd.hours = 1000.5 is not a number of hours from 0 to 1000"),
        ("[cpd]\nevent_hours = 1e300\n", "policy bad.toml: cpd.event_hours = 1e+300 is not a number of hours from 0 to 1000"),
        ("[retreat]\ndays = 367\n", "policy bad.toml: retreat.days = 367 is not a number of days from 0 to 366"),
        ("[supervision]\nsessions_when_practising = 1001\n",
         "policy bad.toml: supervision.sessions_when_practising = 1001 is not a number from 0 to 1000"),
        ("[supervision]\nsessions_when_not_practising = 99999999999999999999\n",
         "policy bad.toml: supervision.sessions_when_not_practising = 99999999999999999999 is not a number from 0 to 1000"),
        ("[supervision]\nminutes_each_month = 44641\n",
         "policy bad.toml: supervision.minutes_each_month = 44641 is not a number of minutes from 0 to 44640"),
        ("[supervision]\ngroup_half_up_to = 0\n",
         "policy bad.toml: supervision.group_half_up_to = 0 is not a number from 1 to 1000"),
        ("[new_teachers]\nhours_per_course = 101\n",
         "policy bad.toml: new_teachers.hours_per_course = 101 is not a number of hours from 0 to 100"),
        ("[caseload]\nmax_supervisees = 1001\n",
         "policy bad.toml: caseload.max_supervisees = 1001 is not a number from 0 to 1000"),
        ("[supervision]\nsessions_when_teaching = 1.5\n",
         "policy bad.toml: supervision.sessions_when_teaching = 1.5 is not a whole number"),
        ('[assessed]\nminimum_stage = "guru"\n',
         "policy bad.toml: assessed.minimum_stage = 'guru' is not one of trainee, teacher, supervisor, "
         "trainer, trainer_of_trainers"),
        ('[supervision]\ncounted_kinds = ["individual", "chat"]\n',
         "policy bad.toml: supervision.counted_kinds = ['individual', 'chat'] is not a list of individual, group, peer"),
        ("[cpd\nhours = 10\n", "policy: bad.toml is not valid TOML"),
        ("[cpd]\nhours = nan\n", "policy bad.toml: cpd.hours = nan is not a finite number"),
        ("[retreat]\ndays = inf\n", "policy bad.toml: retreat.days = inf is not a finite number"),
        ("window_days = inf\n", "policy bad.toml: window_days = inf is not a finite number"),
        ("[supervision]\nsessions_when_practising = nan\n",
         "policy bad.toml: supervision.sessions_when_practising = nan is not a finite number"),
        ("[new_teachers]\nyears = 51\n", "policy bad.toml: new_teachers.years = 51 is not a number of years from 0 to 50"),
        ("[new_teachers]\nyears = -1\n", "policy bad.toml: new_teachers.years = -1 is not a number of years from 0 to 50"),
        ("[assessment]\nrecent_years = 0\n",
         "policy bad.toml: assessment.recent_years = 0 is not a number of years from 1 to 50"),
        ("[assessment]\nrecent_years = 100000\n",
         "policy bad.toml: assessment.recent_years = 100000 is not a number of years from 1 to 50"),
        ("[assessment]\nrequired_within_years = 51\n",
         "policy bad.toml: assessment.required_within_years = 51 is not a number of years from 0 to 50"),
        ("[assessment]\nrequired_within_years = 1.5\n",
         "policy bad.toml: assessment.required_within_years = 1.5 is not a whole number"),
        ("[supervision]\nsessions_when_teaching = 3\nsessions_when_practising = 4\n",
         "policy bad.toml: supervision.sessions_when_practising = 4 is the same setting as "
         "supervision.sessions_when_teaching: keep one of them"),
        ("[supervision]\nsessions_when_not_practising = 2\nsessions_when_not_teaching = 1\n",
         "policy bad.toml: supervision.sessions_when_not_teaching = 1 is the same setting as "
         "supervision.sessions_when_not_practising: keep one of them"),
    ],
)
@pytest.mark.parametrize("command", [("cpd", "compliance", "--as-of", AS_OF), ("policy", "show")])
def test_a_bad_policy_file_is_one_error_line_naming_the_key(run, engine, tmp_path, text, error, command):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    before = table_counts(engine)
    result = run(*command, "--policy", str(path))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {error}")
    assert len(result.stderr.splitlines()) == 1
    assert table_counts(engine) == before


@pytest.mark.parametrize("name", ["missing.toml", "no-such-policy"])
def test_a_missing_policy_file_is_one_error_line_naming_it(run, tmp_path, name):
    path = tmp_path / name
    result = run("cpd", "compliance", "--as-of", AS_OF, "--policy", str(path))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == f"Error: policy: no file {str(path)!r}\n"


def test_a_bad_policy_file_in_the_environment_is_refused_too(run, tmp_path, monkeypatch):
    path = tmp_path / "bad.toml"
    path.write_text('[cpd]\nhours = "lots"\n', encoding="utf-8")
    monkeypatch.setenv(ENV, str(path))
    result = run("cpd", "compliance", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stderr == "Error: policy bad.toml: cpd.hours = 'lots' is not a number of hours from 0 to 1000\n"
