"""`cpd compliance --format json`: every rule of the contract, on small hand-made histories.

The as-of day is AS_OF = 2026-06-30, so the window is (2025-06-30, 2026-06-30]:
as_of - 365 = 2025-06-30 is out, as_of - 364 = 2025-07-01 is in. No leap day falls in
2025-2027, so a record dated r leaves the window on the same day and month a year later.
"""

from __future__ import annotations

import json

import pytest

from tests.compliance_helpers import AS_OF, baseline, before, compliance, load, merge, monthly, people_of, row, teacher
from tests.helpers import ok


@pytest.fixture(autouse=True)
def _default_policy(monkeypatch):
    monkeypatch.delenv("MBP_REGISTRY_POLICY", raising=False)


def nothing(person, **kw):
    """A person assessed with no record at all in the window (not teaching)."""
    return row(person, compliant=False, cpd_hours=0.0, retreat_days=0.0, supervision_sessions=0,
               supervision_required=1, teaching=False, shortfalls=["cpd", "retreat", "supervision"],
               lapses_on=None, **kw)


# --- who is assessed -----------------------------------------------------------------


def test_only_active_people_with_stage_teacher_or_higher_on_the_as_of_date_are_assessed_sorted_by_ref(run, tmp_path):
    load(run, tmp_path / "b", people=[
        teacher("M5"),
        teacher("TR", stage="trainee"),
        teacher("OL", status="on_leave"),
        teacher("LF", status="left"),
        teacher("RT", status="retired"),
        # teacher only from the day after the as-of date: a trainee on it
        teacher("FU", stages=[("MBCT", "trainee", "2024-01-01"), ("MBCT", "teacher", "2026-07-01")]),
        # teacher from the as-of date itself: assessed
        teacher("FX", attained_on=AS_OF),
        # higher than teacher, in two programmes: assessed once
        teacher("A1", stages=[("MBCT", "supervisor", "2019-01-01"), ("MBSR", "teacher", "2021-01-01")]),
        teacher("MB", "ORG-B", programme="MBSR"),
    ])
    report = compliance(run)
    assert report["as_of"] == AS_OF
    assert report["people"] == [
        nothing("A1"),
        nothing("FX"),
        nothing("M5"),
        nothing("MB", organisation="ORG-B", region="South"),
    ]


# --- the window ------------------------------------------------------------------------


def test_window_excludes_as_of_minus_365_and_includes_as_of_minus_364_and_the_as_of_date(run, tmp_path):
    out, first_in, last_in = before(365), before(364), AS_OF
    assert (out, first_in) == ("2025-06-30", "2025-07-01")
    load(run, tmp_path / "b", people=[teacher("W0"), teacher("W1"), teacher("W2")], **merge(
        baseline("W0", cpd_on=out, retreat_on=out, sessions_on=(out,)),
        baseline("W1", cpd_on=first_in, retreat_on=first_in, sessions_on=(first_in,)),
        baseline("W2", cpd_on=last_in, retreat_on=last_in, sessions_on=(last_in,)),
    ))
    assert people_of(run) == [
        # everything dated 2025-06-30 is out of the window
        nothing("W0"),
        # 30 h, 5 days, 1 session all in; they leave on 2025-07-01 + 365 = 2026-07-01
        row("W1", compliant=True, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=1,
            supervision_required=1, teaching=False, shortfalls=[], lapses_on="2026-07-01"),
        # dated on the as-of date: in; they leave on 2026-06-30 + 365 = 2027-06-30
        row("W2", compliant=True, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=1,
            supervision_required=1, teaching=False, shortfalls=[], lapses_on="2027-06-30"),
    ]


# --- CPD hours and retreat days --------------------------------------------------------


def test_cpd_hours_and_retreat_days_are_summed_exactly_over_the_window(run, tmp_path):
    load(run, tmp_path / "b", people=[teacher("D1"), teacher("D2")],
         cpd=[
             ("D1", "2025-09-01", 10.25), ("D1", "2026-03-01", 19.75),
             ("D2", "2025-09-01", 10.25), ("D2", "2026-03-01", 19.74),
             ("D2", "2025-06-30", 5),  # as_of - 365: out
         ],
         retreats=[
             ("D1", "2025-10-01", 2.5), ("D1", "2026-04-01", 2.5),
             ("D2", "2025-10-01", 2.5), ("D2", "2026-04-01", 2),
             ("D2", "2025-06-30", 5),  # starts on as_of - 365: out, though it runs into the window
         ],
         sessions=[("D1", "2026-05-01", 60, "individual"), ("D2", "2026-05-01", 60, "individual")])
    assert people_of(run) == [
        # 10.25 + 19.75 = 30.0 >= 30 and 2.5 + 2.5 = 5.0 >= 5: compliant. The 10.25 h of
        # 2025-09-01 leave on 2026-09-01, leaving 19.75 < 30; the retreat of 2025-10-01
        # leaves later (2026-10-01) and the session later still (2027-05-01).
        row("D1", compliant=True, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=1,
            supervision_required=1, teaching=False, shortfalls=[], lapses_on="2026-09-01"),
        # 10.25 + 19.74 = 29.99 < 30; 2.5 + 2 = 4.5 < 5
        row("D2", compliant=False, cpd_hours=29.99, retreat_days=4.5, supervision_sessions=1,
            supervision_required=1, teaching=False, shortfalls=["cpd", "retreat"], lapses_on=None),
    ]


# --- supervision sessions ----------------------------------------------------------------


def test_supervision_counts_individual_and_group_sessions_as_supervisee_not_peer_nor_as_supervisor(run, tmp_path):
    """Giving a qualifying session does not count as having one, but makes the supervisor practising."""
    # P1 is a supervisor, so that the session P1 gives qualifies for P2.
    load(run, tmp_path / "b", people=[teacher("P1", stage="supervisor"), teacher("P2"), teacher("P3")],
         cpd=[("P1", "2026-05-01", 30), ("P3", "2026-05-01", 30)],
         retreats=[("P1", "2026-05-02", 5), ("P3", "2026-05-02", 5)],
         sessions=[
             ("P1", "2026-01-10", 60, "individual"),
             ("P1", "2026-02-10", 90, "group"),
             ("P1", "2026-03-10", 60, "peer"),
             ("P1", "P2", "2026-04-10", 60, "individual"),  # P1 supervises P2
             ("P3", "2026-04-01", 60, "peer"),
         ])
    assert people_of(run) == [
        # individual + group = 2 (peer and the session P1 gave are not counted). P1
        # supervised P2 in the window: practising, so 12 are needed and 2 fall short.
        row("P1", compliant=False, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=2,
            supervision_required=12, teaching=False, shortfalls=["supervision"], lapses_on=None,
            practising=True, practising_as=["supervises 1 person"]),
        # the session P1 gave counts for P2, the supervisee
        row("P2", compliant=False, cpd_hours=0.0, retreat_days=0.0, supervision_sessions=1,
            supervision_required=1, teaching=False, shortfalls=["cpd", "retreat"], lapses_on=None),
        # peer supervision only: 0 counted sessions < 1
        row("P3", compliant=False, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=0,
            supervision_required=1, teaching=False, shortfalls=["supervision"], lapses_on=None),
    ]


def test_only_sessions_whose_supervisor_held_supervisor_stage_in_some_programme_that_day_count(run, tmp_path):
    load(run, tmp_path / "b", people=[
        teacher("Q1"), teacher("Q2"),
        # TT is a teacher only: their sessions are on the record but never count.
        teacher("TT"),
        # NS becomes a supervisor of MBSR on 2026-03-01, and supervises in MBCT.
        teacher("NS", stages=[("MBCT", "teacher", "2020-01-01"), ("MBSR", "supervisor", "2026-03-01")]),
    ], cpd=[("Q1", "2026-06-01", 30), ("Q2", "2026-06-01", 30)],
        retreats=[("Q1", "2026-06-02", 5), ("Q2", "2026-06-02", 5)],
        sessions=[
            ("Q1", "2025-09-01", 60, "individual"),  # SUP, a supervisor since 2010: counts
            ("TT", "Q1", "2026-05-01", 60, "individual"),  # not counted
            ("NS", "Q1", "2026-02-28", 60, "individual"),  # the day before NS is a supervisor: not counted
            ("NS", "Q1", "2026-03-01", 60, "group"),  # the day NS becomes one: counts
            ("TT", "Q2", "2026-03-01", 90, "individual"),  # not counted
            ("TT", "Q2", "2026-04-01", 90, "group"),  # not counted
        ])
    people = {person["person"]: person for person in people_of(run)}
    assert [people["Q1"], people["Q2"]] == [
        # 2 qualifying sessions (2025-09-01 and 2026-03-01), 1 required. The first leaves
        # on 2026-09-01 (1 left); the second on 2027-03-01 (0 left), before the CPD
        # (2027-06-01) and the retreat (2027-06-02) leave: the lapse date. Counting every
        # session would give 4, and 2027-05-01.
        row("Q1", compliant=True, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=2,
            supervision_required=1, teaching=False, shortfalls=[], lapses_on="2027-03-01"),
        # sessions with TT only: 0 qualifying sessions < 1
        row("Q2", compliant=False, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=0,
            supervision_required=1, teaching=False, shortfalls=["supervision"], lapses_on=None),
    ]
    # Nor does `cpd due`: Q1 lapses on 2027-03-01 (act by 2027-02-28); Q2 is not compliant, so not due.
    due = json.loads(ok(run, "cpd", "due", "--as-of", AS_OF, "--within", "365", "--format", "json").stdout)
    assert [(r["person"], r["lapses_on"], r["act_by"], r["needs"]) for r in due if r["person"] in ("Q1", "Q2")] == [
        ("Q1", "2027-03-01", "2027-02-28", ["needs 1 more supervision session"]),
    ]
    # Nor under a monthly rule: TT's 90 minutes in March and April do not make those months whole.
    monthly_rule = tmp_path / "monthly.toml"
    monthly_rule.write_text("[supervision]\nminutes_each_month = 90\n", encoding="utf-8")
    (q2,) = [p for p in people_of(run, "--policy", str(monthly_rule)) if p["person"] == "Q2"]
    assert q2["supervision_months_short"] == [f"{year}-{month:02d}" for year, month in
                                              [(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 7)]]


# --- teaching ------------------------------------------------------------------------------


def test_leading_or_co_teaching_a_course_starting_in_the_window_requires_12_sessions(run, tmp_path):
    refs = ["TA", "TC", "TL", "TN", "TO"]
    load(run, tmp_path / "b", people=[teacher(ref) for ref in refs],
         **merge(*(baseline(ref) for ref in refs)),
         courses=[
             ("C0", "MBCT", before(365), "TO", [], True),  # 2025-06-30: out of the window
             ("C1", "MBCT", before(364), "TL", ["TC"], True),  # 2025-07-01: in
             ("C2", "MBSR", AS_OF, "SUP", ["TA"], False),  # on the as-of date: in
         ])
    # baseline: 30 h CPD on 2026-01-15, 5 days of retreat on 2026-02-01, 1 session on 2026-03-01
    teaching = dict(compliant=False, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=1,
                    supervision_required=12, teaching=True, shortfalls=["supervision"], lapses_on=None,
                    practising_as=["taught MBCT course C1"])
    # not teaching: 1 >= 1; the CPD leaves first, on 2026-01-15 + 365 = 2027-01-15
    not_teaching = dict(compliant=True, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=1,
                        supervision_required=1, teaching=False, shortfalls=[], lapses_on="2027-01-15")
    assert people_of(run) == [
        row("TA", **{**teaching, "practising_as": ["taught MBSR course C2"]}),  # co-teacher, course on the as-of date
        row("TC", **teaching),  # co-teacher
        row("TL", **teaching),  # lead
        row("TN", **not_teaching),  # no course
        row("TO", **not_teaching),  # their only course started on as_of - 365
    ]


# --- shortfalls ----------------------------------------------------------------------------


def test_shortfalls_are_listed_in_the_order_cpd_retreat_supervision_and_compliant_only_without_any(run, tmp_path):
    load(run, tmp_path / "b", people=[teacher("S1"), teacher("S2"), teacher("S3"), teacher("S4")],
         cpd=[("S2", "2026-01-01", 30), ("S3", "2026-01-01", 29.5), ("S4", "2026-01-01", 30)],
         retreats=[("S1", "2026-01-01", 5), ("S3", "2026-01-01", 5), ("S4", "2026-01-01", 5)],
         sessions=[("S2", "2026-01-01", 60, "individual"), ("S3", "2026-01-01", 60, "individual"),
                   ("S4", "2026-01-01", 60, "individual")])
    result = {p["person"]: (p["compliant"], p["shortfalls"], p["lapses_on"]) for p in people_of(run)}
    assert result == {
        "S1": (False, ["cpd", "supervision"], None),
        "S2": (False, ["retreat"], None),
        "S3": (False, ["cpd"], None),  # 29.5 < 30
        "S4": (True, [], "2027-01-01"),  # all three leave on 2026-01-01 + 365
    }


# --- lapses_on -------------------------------------------------------------------------------


def test_lapses_on_is_the_day_the_earliest_binding_record_leaves_the_window(run, tmp_path):
    load(run, tmp_path / "b", people=[teacher("K1"), teacher("K2"), teacher("K3")],
         cpd=[
             ("K1", "2025-08-01", 5), ("K1", "2025-12-01", 30),
             ("K2", "2026-01-15", 30),
             ("K3", "2026-01-15", 30),
         ],
         retreats=[("K1", "2026-02-01", 5), ("K2", "2025-11-01", 5), ("K3", "2026-02-01", 5)],
         sessions=[("K1", "2026-03-01", 60, "individual"), ("K2", "2026-03-01", 60, "individual"),
                   ("K3", "2025-10-01", 60, "individual")])
    ok = dict(compliant=True, retreat_days=5.0, supervision_sessions=1, supervision_required=1,
              teaching=False, shortfalls=[])
    assert people_of(run) == [
        # 5 + 30 = 35 h. The 5 h leave on 2026-08-01 (30 left: still compliant); the 30 h
        # of 2025-12-01 leave on 2026-12-01 (0 left), before the retreat (2027-02-01)
        # and the session (2027-03-01).
        row("K1", cpd_hours=35.0, lapses_on="2026-12-01", **ok),
        # retreat of 2025-11-01 leaves on 2026-11-01, before CPD (2027-01-15) and session (2027-03-01)
        row("K2", cpd_hours=30.0, lapses_on="2026-11-01", **ok),
        # the only session (2025-10-01) leaves on 2026-10-01
        row("K3", cpd_hours=30.0, lapses_on="2026-10-01", **ok),
    ]


def test_lapses_on_when_teaching_ends_the_requirement_falls_to_1_and_the_person_lapses_later(run, tmp_path):
    # 12 sessions on the 20th of each month, 2025-07-20 .. 2026-06-20
    sessions = monthly("TE", "2025-07-20", 12) + monthly("TF", "2025-07-20", 12)
    assert sessions[11] == ("TE", "2026-06-20", 60, "individual")
    load(run, tmp_path / "b", people=[teacher("TE"), teacher("TF")],
         cpd=[("TE", "2026-06-25", 30), ("TF", "2026-03-01", 30)],
         retreats=[("TE", "2026-06-28", 5), ("TF", "2026-06-28", 5)],
         sessions=sessions,
         courses=[("C1", "MBCT", "2025-07-15", "TE", ["TF"], True)])
    teaching = dict(compliant=True, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=12,
                    supervision_required=12, teaching=True, shortfalls=[], practising_as=["taught MBCT course C1"])
    assert people_of(run) == [
        # The course leaves on 2026-07-15: no longer teaching, 1 session needed. The
        # session of 2025-07-20 leaves on 2026-07-20: 11 >= 1, not a lapse. Sessions reach
        # 0 when the last (2026-06-20) leaves on 2027-06-20, before the CPD (2027-06-25)
        # and the retreat (2027-06-28).
        row("TE", lapses_on="2027-06-20", **teaching),
        # As TE, but the CPD of 2026-03-01 leaves first, on 2027-03-01 (8 sessions left then).
        row("TF", lapses_on="2027-03-01", **teaching),
    ]


def test_lapses_on_is_the_day_sessions_fall_from_12_to_11_while_still_teaching(run, tmp_path):
    # 12 sessions on the 10th of each month, 2025-07-10 .. 2026-06-10
    load(run, tmp_path / "b", people=[teacher("TS")],
         cpd=[("TS", "2026-06-01", 30)], retreats=[("TS", "2026-06-02", 5)],
         sessions=monthly("TS", "2025-07-10", 12),
         courses=[("C1", "MBCT", "2026-03-01", "TS", [], False)])
    assert people_of(run) == [
        # The session of 2025-07-10 leaves on 2026-07-10: 11 < 12 while the course of
        # 2026-03-01 is still in the window (until 2027-03-01).
        row("TS", compliant=True, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=12,
            supervision_required=12, teaching=True, shortfalls=[], lapses_on="2026-07-10",
            practising_as=["taught MBCT course C1"]),
    ]


# --- filters -------------------------------------------------------------------------------


@pytest.fixture
def four_people(run, tmp_path):
    """FA (ORG-A, North, MBCT teacher, compliant), FB (ORG-B, South, MBCT, nothing),
    FC (ORG-C, North, MBSR, nothing), FD (ORG-A, North, MBSR teacher and MBCT trainee,
    compliant)."""
    load(run, tmp_path / "b", people=[
        teacher("FA"),
        teacher("FB", "ORG-B"),
        teacher("FC", "ORG-C", programme="MBSR"),
        teacher("FD", stages=[("MBSR", "teacher", "2020-01-01"), ("MBCT", "trainee", "2020-01-01")]),
    ], **merge(baseline("FA"), baseline("FD")))
    # baseline: the CPD of 2026-01-15 leaves first, on 2027-01-15
    good = dict(compliant=True, cpd_hours=30.0, retreat_days=5.0, supervision_sessions=1,
                supervision_required=1, teaching=False, shortfalls=[], lapses_on="2027-01-15")
    return {
        "FA": row("FA", **good),
        "FB": nothing("FB", organisation="ORG-B", region="South"),
        "FC": nothing("FC", organisation="ORG-C"),
        "FD": row("FD", **good),
    }


@pytest.mark.parametrize(
    "options, expected",
    [
        ((), ["FA", "FB", "FC", "FD"]),
        (("--organisation", "ORG-B"), ["FB"]),
        (("--org", "ORG-A"), ["FA", "FD"]),
        (("--region", "North"), ["FA", "FC", "FD"]),
        (("--programme", "MBSR"), ["FC", "FD"]),
        (("--programme", "MBCT"), ["FA", "FB"]),  # FD is only a trainee in MBCT
        (("--only-noncompliant",), ["FB", "FC"]),
        (("--only-noncompliant", "--region", "North"), ["FC"]),
        (("--region", "South", "--programme", "MBSR"), []),  # nobody in scope
    ],
)
def test_filters_keep_only_the_people_in_scope(run, four_people, options, expected):
    assert people_of(run, *options) == [four_people[ref] for ref in expected]
