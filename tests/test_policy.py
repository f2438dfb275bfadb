"""The compliance policy: `policy show`, policy files (`--policy FILE|NAME`,
MBP_REGISTRY_POLICY), the shipped `bacp-monthly` policy, and bad policy files."""

from __future__ import annotations

import pytest

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


# --- the shipped bacp-monthly policy -----------------------------------------------------------

# Window (2025-06-30, 2026-06-30]: the calendar months whose first and last days are both
# inside it are the 12 months 2025-07 .. 2026-06 (2025-07-01 > 2025-06-30).


@pytest.fixture
def bacp_service(run, tmp_path):
    month_15th = monthly("M1", "2025-07-15", 12, minutes=90)  # 2025-07-15 .. 2026-06-15
    sessions = [
        # M1: 90 minutes in every month, October made of 45 individual + 45 group
        *[s for s in month_15th if s[1] != "2025-10-15"],
        ("M1", "2025-10-05", 45, "individual"), ("M1", "2025-10-20", 45, "group"),
        # M2: as M1 but March 2026 has 60 counted minutes (the 90 of peer supervision do not count)
        *[("M2", *s[1:]) for s in month_15th if s[1] != "2026-03-15"],
        ("M2", "2026-03-15", 60, "individual"), ("M2", "2026-03-20", 90, "peer"),
        # M3: nothing in July 2025 (the session of 2025-06-30 is out of the window)
        *[("M3", *s[1:]) for s in month_15th if s[1] != "2025-07-15"],
        ("M3", "2025-06-30", 90, "individual"),
        # M4: teaching, with one 90-minute session a month, June's on the as-of date
        *[("M4", *s[1:]) for s in month_15th if s[1] != "2026-06-15"],
        ("M4", "2026-06-30", 90, "individual"),
    ]
    refs = ["M1", "M2", "M3", "M4"]
    load(run, tmp_path / "b", people=[teacher(ref) for ref in refs],
         **merge(*(baseline(ref, sessions_on=()) for ref in refs)), sessions=sessions,
         courses=[("C1", "MBCT", "2026-01-05", "M4", [], True)])


def bacp_row(person, *, sessions, short, teaching=False, lapses_on=None):
    """CPD 30 h (2026-01-15) and retreat 5 days (2026-02-01) from `baseline`; no session count
    is required (sessions_when_* = 0), only the monthly minutes."""
    return {
        **row(person, compliant=not short, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=sessions,
              supervision_required=0, teaching=teaching, shortfalls=["supervision"] if short else [],
              lapses_on=lapses_on),
        "supervision_months_short": short,
    }


def test_bacp_monthly_policy_needs_90_minutes_in_every_whole_month_of_the_window(run, bacp_service):
    report = compliance(run, "--policy", "bacp-monthly")
    assert report["policy"] == "BACP-style monthly supervision"
    assert report["people"] == [
        # 11 months of one session + October of two = 13 sessions. July 2026 becomes a
        # whole month of the window on 2026-07-31 with no minutes: the lapse. (The session
        # of 2025-07-15 leaves on 2026-07-15, but July 2025 is then no longer whole inside.)
        bacp_row("M1", sessions=13, short=[], lapses_on="2026-07-31"),
        # 11 sessions + 1 individual of March = 12 counted; peer not counted
        bacp_row("M2", sessions=12, short=["2026-03"]),
        # 11 sessions in the window
        bacp_row("M3", sessions=11, short=["2025-07"]),
        # teaching: no session count required either; June's session on the as-of date counts
        bacp_row("M4", sessions=12, short=[], teaching=True, lapses_on="2026-07-31"),
    ]


def test_bacp_monthly_table_names_the_month_short_of_minutes(run, bacp_service):
    lines = ok(run, "cpd", "compliance", "--as-of", AS_OF, "--policy", "bacp-monthly").stdout.splitlines()
    assert lines[0] == "Compliance on 2026-06-30 under the BACP-style monthly supervision policy"
    m2 = next(line for line in lines if line.startswith("M2 "))
    assert "needs 90 minutes of supervision in 2026-03" in m2


def test_bacp_monthly_lapse_when_the_as_of_month_becomes_whole_after_a_mid_month_as_of(run, tmp_path):
    # as_of 2026-06-15: window (2025-06-15, 2026-06-15]; whole months 2025-07 .. 2026-05, each
    # with one 90-minute session on the 10th: compliant. Nothing dated after the as-of date
    # counts, so on 2026-06-30 June 2026 is a whole month of the window with 0 minutes.
    load(run, tmp_path / "b", people=[teacher("MX")], **baseline("MX", sessions_on=()),
         sessions=monthly("MX", "2025-07-10", 11, minutes=90))  # 2025-07-10 .. 2026-05-10
    people = compliance(run, "--policy", "bacp-monthly", as_of="2026-06-15")["people"]
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
        ('[cpd]\nhours = "lots"\n', "policy bad.toml: cpd.hours = 'lots' is not a number of at least 0"),
        ("[cpd]\nhours = -1\n", "policy bad.toml: cpd.hours = -1 is not a number of at least 0"),
        ("window_days = 0\n", "policy bad.toml: window_days = 0 is not a number of days of at least 1"),
        ("[supervision]\nsessions_when_teaching = 1.5\n",
         "policy bad.toml: supervision.sessions_when_teaching = 1.5 is not a whole number"),
        ('[assessed]\nminimum_stage = "guru"\n',
         "policy bad.toml: assessed.minimum_stage = 'guru' is not one of trainee, teacher, supervisor, "
         "trainer, trainer_of_trainers"),
        ('[supervision]\ncounted_kinds = ["individual", "chat"]\n',
         "policy bad.toml: supervision.counted_kinds = ['individual', 'chat'] is not a list of individual, group, peer"),
        ("[cpd\nhours = 10\n", "policy: bad.toml is not valid TOML"),
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
    assert result.stderr == "Error: policy bad.toml: cpd.hours = 'lots' is not a number of at least 0\n"
