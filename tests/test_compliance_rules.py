"""The published rules the compliance report follows, each with hand-computed figures:
practising work (teaching, supervising in a qualifying session, training) and why it
needs 12 sessions; CPD events; teacher-led retreats; new teachers' hours per course; the
NMC-style example policy. Each report is also asked of the per-person engine, which
must give the same answer. (BACP's monthly rule is in test_policy.py.)

The as-of date is 2026-06-30: the window is (2025-06-30, 2026-06-30]."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.compliance_helpers import (
    AS_OF, baseline, before, by_ref, compliance, engines_agree, load, merge, monthly, policy_file, teacher,
)
from tests.helpers import load_demo, ok, ok_json

SUPERVISOR = [("MBCT", "supervisor", "2015-01-01")]


# --- practising: teaching, supervising, training ----------------------------------------------


def twelve_months(ref: str) -> dict:
    """30 h CPD (2026-01-15), 5 retreat days (2026-02-01), 12 sessions on the 20th, 2025-07-20 .. 2026-06-20."""
    return {**baseline(ref, sessions_on=()), "sessions": monthly(ref, "2025-07-20", 12)}


@pytest.fixture
def practising_service(run, tmp_path):
    load(run, tmp_path / "b", people=[
        teacher("SA", stages=SUPERVISOR), teacher("SB", stages=SUPERVISOR), teacher("SC", stages=SUPERVISOR),
        teacher("TT"), teacher("Q1"), teacher("Q2"), teacher("Q3"),
        teacher("TR", stages=[("MBCT", "trainer", "2015-01-01")]),
        teacher("TN", stages=[("MBCT", "trainee", "2024-01-01"), ("MBCT", "teacher", "2026-02-01")]),
    ], **merge(twelve_months("SA"), twelve_months("SB"), baseline("TT"), {"sessions": [
        ("SA", "Q1", "2025-08-01", 60, "individual"),  # SA's only supervising: leaves on 2026-08-01
        ("SB", "Q2", "2025-07-10", 60, "individual"),  # SB's only supervising: leaves on 2026-07-10
        ("TT", "Q1", "2026-05-01", 60, "individual"),  # TT is no supervisor: not qualifying
        ("SC", "Q1", "2026-04-01", 60, "group"), ("SC", "Q2", "2026-04-01", 60, "group"),
        ("SC", "Q3", "2026-05-01", 60, "individual"),
    ]}), courses=[("C9", "MBSR", "2026-03-01", "TR", [], True)],
        training=[("TR", "TN", "MBCT", "teacher", "2026-02-01")])


def test_supervising_or_training_in_the_window_needs_12_sessions_and_says_why(run, engine, practising_service):
    report = compliance(run)
    assert by_ref(report, "practising", "supervision_sessions", "supervision_required", "practising_as",
                  "compliant", "lapses_on") == {
        # 12 sessions; practising until SA's supervising of 2025-08-01 leaves on 2026-08-01.
        # The session of 2025-07-20 leaves on 2026-07-20: 11 < 12 while still practising.
        "SA": (True, 12, 12, ["supervises 1 person"], True, "2026-07-20"),
        # SB's supervising of 2025-07-10 leaves on 2026-07-10, before the first session
        # (2026-07-20): from then 1 is needed. The CPD of 2026-01-15 leaves first, on 2027-01-15.
        "SB": (True, 12, 12, ["supervises 1 person"], True, "2027-01-15"),
        # SC supervised Q1 and Q2 in a group and Q3 alone, and has no supervision of their own
        "SC": (True, 0, 12, ["supervises 3 people"], False, None),
        # TT's session with Q1 is not a qualifying one: TT is not practising (baseline: compliant)
        "TT": (False, 1, 1, [], True, "2027-01-15"),
        # SA's session counts for Q1, TT's does not; SC's group session counts
        "Q1": (False, 2, 1, [], False, None),
        "Q2": (False, 2, 1, [], False, None),
        "Q3": (False, 1, 1, [], False, None),
        # TR taught a course and trained TN in the window
        "TR": (True, 0, 12, ["taught MBSR course C9", "trained TN"], False, None),
        "TN": (False, 0, 1, [], False, None),
    }
    engines_agree(engine)


def test_the_table_says_why_12_are_needed(run, practising_service):
    lines = ok(run, "cpd", "compliance", "--as-of", AS_OF).stdout.splitlines()
    header = lines[1]
    assert "Why 12" in header
    sc = next(line for line in lines if line.startswith("SC "))
    assert "supervises 3 people" in sc and "needs 12 more supervision sessions" in sc
    tr = next(line for line in lines if line.startswith("TR "))
    assert "taught MBSR course C9; trained TN" in tr


@pytest.mark.parametrize("policy", ["bacp-monthly", "nmc-revalidation"])
def test_where_practising_needs_no_more_sessions_the_column_is_headed_practising(run, practising_service, policy):
    lines = ok(run, "cpd", "compliance", "--as-of", AS_OF, "--policy", policy).stdout.splitlines()
    header = lines[1].split()
    assert "Practising" in header and not any(word == "Why" for word in header)
    sc = next(line for line in lines if line.startswith("SC "))
    assert "supervises 3 people" in sc


def test_a_policy_may_count_only_teaching_as_practising(run, engine, practising_service, tmp_path):
    path = policy_file(tmp_path, '[practising]\nwork = ["teaching"]\n')
    report = compliance(run, "--policy", path)
    people = by_ref(report, "practising", "supervision_required", "practising_as", "lapses_on")
    # SA needs 1 session: the CPD of 2026-01-15 leaves first
    assert people["SA"] == (False, 1, [], "2027-01-15")
    assert people["SC"] == (False, 1, [], None)
    assert people["TR"] == (True, 12, ["taught MBSR course C9"], None)
    engines_agree(engine, path)


def test_cpd_due_knows_practising_ends(run, practising_service):
    due = ok_json(run, "cpd", "due", "--as-of", AS_OF, "--within", "30")
    # SA lapses on 2026-07-20 with 11 of 12 sessions; SB is not due within 30 days
    assert [(r["person"], r["lapses_on"], r["needs"]) for r in due] == [
        ("SA", "2026-07-20", ["needs 1 more supervision session"]),
    ]


# --- CPD events and teacher-led retreats -------------------------------------------------------

EVENTS_AND_LEADERS = """\
[cpd]
hours = 30
event_hours = 6

[retreat]
teacher_led = true
"""


@pytest.fixture
def events_service(run, tmp_path):
    load(run, tmp_path / "b", people=[teacher("E1"), teacher("E2")],
         cpd=[("E1", "2026-01-15", 25, "reading"), ("E1", "2025-09-01", 6, "workshop"),
              ("E2", "2026-01-15", 30, "reading"), ("E2", "2026-02-01", 5, "course")],
         retreats=[("E1", "2026-02-01", 5, "A Leader"), ("E2", "2026-02-01", 5)],
         sessions=[("E1", "2026-03-01", 60, "individual"), ("E2", "2026-03-01", 60, "individual")])


def test_cpd_events_and_teacher_led_retreats(run, engine, events_service, tmp_path):
    path = policy_file(tmp_path, EVENTS_AND_LEADERS)
    people = {p["person"]: p for p in compliance(run, "--policy", path)["people"]}
    # E1: 31 h, 6 of them a workshop; a led retreat. The workshop leaves on 2026-09-01 (0 < 6).
    assert (people["E1"]["cpd_hours"], people["E1"]["cpd_event_hours"], people["E1"]["retreat_days"]) == (31.0, 6.0, 5.0)
    assert (people["E1"]["compliant"], people["E1"]["lapses_on"]) == (True, "2026-09-01")
    # E2: 35 h, 5 of them a course: 1 hour of events short; the retreat names no leader: 0 days
    assert (people["E2"]["cpd_hours"], people["E2"]["cpd_event_hours"], people["E2"]["retreat_days"]) == (35.0, 5.0, 0.0)
    assert people["E2"]["shortfalls"] == ["cpd", "retreat"]
    table = ok(run, "cpd", "compliance", "--as-of", AS_OF, "--policy", path).stdout
    e2 = next(line for line in table.splitlines() if line.startswith("E2 "))
    assert "needs 1 more hour of CPD events; needs 5 more retreat days" in e2
    engines_agree(engine, path)
    # under the default policy both are compliant: no events asked, any retreat counts
    assert by_ref(compliance(run), "compliant", "retreat_days") == {"E1": (True, 5.0), "E2": (True, 5.0)}


def test_person_show_says_which_records_count_and_why(run, events_service, tmp_path):
    path = policy_file(tmp_path, EVENTS_AND_LEADERS)
    shown = ok_json(run, "person", "show", "E2", "--as-of", AS_OF, "--policy", path)["compliance"]
    assert [(r["dated"], r["record"], r["counts"], r["why"]) for r in shown["records"]] == [
        ("2026-01-15", "cpd", True, "CPD; not an event (reading)"),
        ("2026-02-01", "cpd", True, "CPD; an event (course)"),
        ("2026-02-01", "retreat", False, "no leader named: this policy counts teacher-led retreats only"),
        ("2026-03-01", "session", True, "a qualifying session"),
    ]


def test_person_show_names_sessions_that_do_not_count(run, practising_service):
    shown = ok_json(run, "person", "show", "Q1", "--as-of", AS_OF)["compliance"]
    assert [(r["dated"], r["what"], r["counts"], r["why"]) for r in shown["records"]] == [
        ("2025-08-01", "individual session with SA, 60 minutes", True, "a qualifying session"),
        ("2026-04-01", "group session with SC, 60 minutes", True, "a qualifying session"),
        ("2026-05-01", "individual session with TT, 60 minutes", False,
         "TT did not hold stage supervisor or higher on that day"),
    ]
    text = ok(run, "person", "show", "SC", "--as-of", AS_OF).stdout
    assert "(practising: supervises 3 people)" in text


# --- new teachers ------------------------------------------------------------------------------

NEW_TEACHERS = """\
[cpd]
hours = 0

[retreat]
days = 0

[supervision]
sessions_when_practising = 0
sessions_when_not_practising = 0

[new_teachers]
years = 2
hours_per_course = 3
"""


def test_new_teachers_need_3_hours_of_supervision_per_course_taught(run, engine, tmp_path):
    new = [("MBCT", "teacher", "2025-10-01")]  # new until 2027-10-01
    load(run, tmp_path / "b", people=[
        teacher("NT", stages=new), teacher("NU", stages=new), teacher("NV", stages=new),
        teacher("NW", attained_on="2024-06-01"),  # new until 2026-06-01: no longer
    ], sessions=[
        ("NT", "2026-01-10", 60, "individual"), ("NT", "2026-02-10", 60, "individual"),
        ("NU", "2026-01-10", 60, "individual"), ("NU", "2026-02-10", 60, "individual"),
        ("NU", "2026-03-10", 60, "individual"),
    ], courses=[("C1", "MBCT", "2026-03-01", "NT", [], True), ("C2", "MBCT", "2026-03-01", "NU", [], True),
                ("C3", "MBCT", "2026-03-01", "NW", [], True)])
    path = policy_file(tmp_path, NEW_TEACHERS)
    report = compliance(run, "--policy", path)
    assert by_ref(report, "supervision_hours", "supervision_hours_required", "shortfalls", "lapses_on") == {
        # 2 hours for 1 course: 3 needed
        "NT": (2.0, 3.0, ["supervision"], None),
        # 3 hours for 1 course. The session of 2026-01-10 leaves on 2027-01-10 (2 < 3),
        # before the course (2027-03-01) and the end of the rule (2027-10-01).
        "NU": (3.0, 3.0, [], "2027-01-10"),
        # no course: nothing needed, and nothing ever leaves
        "NV": (0.0, 0.0, [], None),
        # not a new teacher any more
        "NW": (0.0, None, [], None),
    }
    table = ok(run, "cpd", "compliance", "--as-of", AS_OF, "--policy", path).stdout
    assert "needs 1 more hour of supervision as a new teacher" in next(l for l in table.splitlines() if l.startswith("NT "))
    due = ok_json(run, "cpd", "due", "--as-of", AS_OF, "--within", "365", "--policy", path)
    assert [(r["person"], r["lapses_on"], r["needs"]) for r in due] == [
        ("NU", "2027-01-10", ["needs 1 more hour of supervision as a new teacher"]),
    ]
    engines_agree(engine, path)


# --- the NMC-style example policy -----------------------------------------------------------------


def test_nmc_revalidation_example_35_hours_over_3_years_20_participatory(run, engine, tmp_path):
    start = before(1095)  # out of the 3-year window
    load(run, tmp_path / "b", people=[teacher("N1"), teacher("N2"), teacher("N3")], cpd=[
        ("N1", "2023-09-01", 15, "course"), ("N1", "2025-01-10", 10, "workshop"), ("N1", "2026-02-01", 10, "reading"),
        ("N2", "2026-01-01", 30, "reading"), ("N2", "2025-05-01", 5, "course"),
        ("N3", start, 35, "course"), ("N3", "2026-06-01", 20, "conference"),
    ])
    assert start == "2023-07-01"
    report = compliance(run, "--policy", "nmc-revalidation")
    assert report["policy"] == "NMC revalidation style (35 h CPD over 3 years)"
    assert by_ref(report, "cpd_hours", "cpd_event_hours", "shortfalls", "lapses_on") == {
        # 35 h, 25 participatory; the 15 h of 2023-09-01 leave 1095 days later, on
        # 2026-08-31 (2024 has a 29 February): 20 < 35
        "N1": (35.0, 25.0, [], "2026-08-31"),
        # 35 h but 5 participatory
        "N2": (35.0, 5.0, ["cpd"], None),
        # the 35 h of 2023-07-01 are out: 20 h
        "N3": (20.0, 20.0, ["cpd"], None),
    }
    assert dt.date(2023, 9, 1) + dt.timedelta(days=1095) == dt.date(2026, 8, 31)
    engines_agree(engine, "nmc-revalidation")


# --- the sample service ------------------------------------------------------------------------


def test_the_demo_shows_a_non_teaching_supervisor_needing_12_and_a_session_that_does_not_count(run, engine):
    load_demo(run, engine)
    people = {p["person"]: p for p in compliance(run, as_of="2026-11-30")["people"]}
    r01 = people["R01"]
    assert (r01["teaching"], r01["practising"], r01["supervision_required"]) == (False, True, 12)
    assert r01["practising_as"][0].startswith("supervises ")
    records = ok_json(run, "person", "show", "T011", "--as-of", "2026-11-30")["compliance"]["records"]
    assert {"dated": "2026-10-14", "record": "session", "what": "individual session with T006, 60 minutes",
            "counts": False, "why": "T006 did not hold stage supervisor or higher on that day"} in records


def test_a_course_begun_before_the_window_still_makes_its_first_month_one_of_practice(run, tmp_path):
    # bacp-monthly on 2026-06-30: the window's first month is July 2025. B1's course ran
    # from 2025-06-20 (to 2025-08-14), B2's from 2025-07-01: both taught in July, and both
    # had supervision from August on only, so July is short for both.
    monthly_sessions = [f"{year}-{month:02d}-15" for year, month in [(2025, m) for m in range(8, 13)] + [(2026, m) for m in range(1, 7)]]
    load(run, tmp_path / "b", people=[teacher("B1"), teacher("B2")],
         sessions=[(ref, day, 90, "individual") for ref in ("B1", "B2") for day in monthly_sessions],
         courses=[("C0", "MBCT", "2025-06-20", "B1", [], True), ("C1", "MBCT", "2025-07-01", "B2", [], True)])
    people = {p["person"]: p for p in compliance(run, "--policy", "bacp-monthly")["people"]}
    assert {ref: (p["compliant"], p["supervision_months_short"]) for ref, p in people.items()} == {
        "B1": (False, ["2025-07"]), "B2": (False, ["2025-07"]),
    }


def test_a_trainee_who_becomes_a_teacher_later_is_not_yet_a_new_teacher(run, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[assessed]\nminimum_stage = "trainee"\n[cpd]\nhours = 0\n[retreat]\ndays = 0\n'
        "[supervision]\nsessions_when_practising = 0\nsessions_when_not_practising = 0\n[new_teachers]\nyears = 2\n"
    )
    stages = [("MBCT", "trainee", "2020-01-01"), ("MBCT", "teacher", "2026-06-01")]
    load(run, tmp_path / "b", people=[teacher("TR1", stages=stages)], courses=[("C1", "MBCT", "2026-03-01", "TR1", [], True)])
    for as_of, new in (("2026-05-01", False), ("2026-06-30", True)):
        (person,) = compliance(run, "--policy", str(policy), as_of=as_of)["people"]
        # A new teacher from 2026-06-01: 3 hours of supervision for the course taught, none had.
        assert (person["compliant"], person["shortfalls"]) == ((False, ["supervision"]) if new else (True, [])), as_of
