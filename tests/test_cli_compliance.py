"""The compliance report as table and CSV, `cpd due`, `cpd summary`, `listing check` and
the compliance part of `person show`, on small hand-made histories.

As-of day AS_OF = 2026-06-30: the window is (2025-06-30, 2026-06-30].
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.compliance_helpers import AS_OF, baseline, load, merge, monthly, teacher
from tests.helpers import ok, ok_json


@pytest.fixture(autouse=True)
def _default_policy(monkeypatch):
    monkeypatch.delenv("MBP_REGISTRY_POLICY", raising=False)


# --- table and CSV ---------------------------------------------------------------------


def short_teacher(ref: str) -> dict:
    """Teaching (a course on 2026-01-05), 17.5 CPD hours, 2.5 retreat days, 8 sessions."""
    return {
        "cpd": [(ref, "2026-01-10", 17.5)],
        "retreats": [(ref, "2026-02-01", 2.5)],
        "sessions": monthly(ref, "2025-11-01", 8),  # 2025-11-01 .. 2026-06-01
        "courses": [(f"C-{ref}", "MBCT", "2026-01-05", ref, [], True)],
    }


def test_table_says_what_each_person_needs(run, tmp_path):
    load(run, tmp_path / "b", people=[teacher("NA"), teacher("NB")],
         **merge(short_teacher("NA"), baseline("NB", sessions_on=())),
         )
    result = ok(run, "cpd", "compliance", "--as-of", AS_OF)
    lines = result.stdout.splitlines()
    assert lines[0] == "Compliance on 2026-06-30 under the default (BAMBA good practice) policy"
    na = next(line for line in lines if line.startswith("NA "))
    nb = next(line for line in lines if line.startswith("NB "))
    # 30 - 17.5 = 12.5 h; 5 - 2.5 = 2.5 days; teaching: 12 - 8 = 4 sessions
    assert "needs 12.5 more CPD hours; needs 2.5 more retreat days; needs 4 more supervision sessions" in na
    # not teaching, no session: 1 - 0 = 1 session
    assert nb.rstrip().endswith("needs 1 more supervision session")
    assert lines[-1] == "0 of 2 compliant."


def test_csv_has_the_contract_columns_and_one_row_per_person(run, tmp_path):
    load(run, tmp_path / "b", people=[teacher("CA", name="Shaw, Sam"), teacher("CB", "ORG-B")],
         **merge(baseline("CA"), short_teacher("CB")))
    result = ok(run, "cpd", "compliance", "--as-of", AS_OF, "--format", "csv")
    assert result.stdout == (
        "person,name,organisation,region,compliant,cpd_hours,retreat_days,supervision_sessions,"
        "supervision_required,teaching,practising,practising_as,shortfalls,lapses_on\n"
        # baseline: the CPD of 2026-01-15 leaves first, on 2027-01-15
        'CA,"Shaw, Sam",ORG-A,North,true,30,5,1,1,false,false,,,2027-01-15\n'
        # teaching: 12 sessions needed; shortfalls joined with "; "
        "CB,Name CB,ORG-B,South,false,17.5,2.5,8,12,true,true,taught MBCT course C-CB,cpd; retreat; supervision,\n"
    )


# --- cpd due ---------------------------------------------------------------------------


@pytest.fixture
def due_service(run, tmp_path):
    load(run, tmp_path / "b", people=[teacher(ref) for ref in ("A3", "A4", "A5", "A6", "B1", "B2")],
         cpd=[
             ("B1", "2025-07-10", 30),  # leaves 2026-07-10
             ("B2", "2026-01-15", 30),
             ("A3", "2026-01-15", 30),
             ("A4", "2026-01-15", 30),  # leaves 2027-01-15
             ("A6", "2025-08-29", 30),  # leaves 2026-08-29 = as_of + 60
         ],
         retreats=[
             ("B1", "2026-02-01", 5), ("B2", "2026-02-01", 5),
             ("A3", "2025-08-01", 2.5), ("A3", "2026-02-01", 2.5),  # 2.5 leave on 2026-08-01
             ("A4", "2026-02-01", 5), ("A6", "2026-02-01", 5),
         ],
         sessions=[
             ("B1", "2026-03-01", 60, "individual"), ("A3", "2026-03-01", 60, "individual"),
             ("A4", "2026-03-01", 60, "individual"), ("A6", "2026-03-01", 60, "individual"),
             # teaching: 12 sessions 2025-07-10 .. 2026-06-10; the first leaves on 2026-07-10
             *monthly("B2", "2025-07-10", 12),
         ],
         courses=[("C1", "MBCT", "2026-01-05", "B2", [], True)])
    # A5 has nothing: not compliant, so never due.


def due_row(ref, lapses_on, act_by, shortfalls, needs):
    return {"person": ref, "name": f"Name {ref}", "organisation": "ORG-A", "region": "North",
            "lapses_on": lapses_on, "act_by": act_by, "shortfalls": shortfalls, "needs": needs}


B1 = due_row("B1", "2026-07-10", "2026-07-09", ["cpd"], ["needs 30 more CPD hours"])
B2 = due_row("B2", "2026-07-10", "2026-07-09", ["supervision"], ["needs 1 more supervision session"])
A3 = due_row("A3", "2026-08-01", "2026-07-31", ["retreat"], ["needs 2.5 more retreat days"])
A6 = due_row("A6", "2026-08-29", "2026-08-28", ["cpd"], ["needs 30 more CPD hours"])


@pytest.mark.parametrize(
    "within, expected",
    [
        ("60", [B1, B2, A3, A6]),  # as_of + 60 = 2026-08-29: A6 lapses on that day, included
        ("59", [B1, B2, A3]),
        ("31", [B1, B2]),  # as_of + 31 = 2026-07-31
        ("0", []),
    ],
)
def test_due_lists_compliant_people_lapsing_within_n_days_by_date_then_person(run, due_service, within, expected):
    assert ok_json(run, "cpd", "due", "--as-of", AS_OF, "--within", within) == expected


# --- cpd summary -----------------------------------------------------------------------


def test_summary_counts_assessed_compliant_rates_and_shortfalls_by_requirement_region_and_organisation(run, tmp_path):
    load(run, tmp_path / "b", people=[
        teacher("A1"), teacher("A2"), teacher("C1", "ORG-C"), teacher("B1", "ORG-B"), teacher("B2", "ORG-B"),
        teacher("B3", "ORG-B", stage="trainee"),  # not assessed
    ], **merge(
        baseline("A1"),
        baseline("A2", cpd_on="2025-06-30"),  # CPD out of the window: short of CPD
        {"cpd": [("C1", "2026-01-15", 30)], "sessions": [("C1", "2026-03-01", 60, "individual")]},  # short of retreat
        baseline("B1"),
        # B2: nothing: short of all three
        baseline("B3", cpd_on="2025-06-30"),
    ))
    data = ok_json(run, "cpd", "summary", "--as-of", AS_OF)
    # assessed A1 A2 C1 B1 B2 = 5; compliant A1 B1 = 2; 2/5 = 0.4
    # short of cpd: A2 B2 = 2; retreat: C1 B2 = 2; supervision: B2 = 1
    # North (ORG-A, ORG-C): A1 A2 C1, 1 compliant, 1/3 = 0.333; South: B1 B2, 1 of 2 = 0.5
    assert data == {
        "as_of": AS_OF,
        "assessed": 5,
        "compliant": 2,
        "rate": 0.4,
        "by_requirement": [
            {"requirement": "cpd", "short": 2},
            {"requirement": "retreat", "short": 2},
            {"requirement": "supervision", "short": 1},
        ],
        "by_region": [
            {"region": "North", "assessed": 3, "compliant": 1, "rate": 0.333,
             "short_of_cpd": 1, "short_of_retreat": 1, "short_of_supervision": 0},
            {"region": "South", "assessed": 2, "compliant": 1, "rate": 0.5,
             "short_of_cpd": 1, "short_of_retreat": 1, "short_of_supervision": 1},
        ],
        "by_organisation": [
            {"organisation": "ORG-A", "assessed": 2, "compliant": 1, "rate": 0.5,
             "short_of_cpd": 1, "short_of_retreat": 0, "short_of_supervision": 0},
            {"organisation": "ORG-B", "assessed": 2, "compliant": 1, "rate": 0.5,
             "short_of_cpd": 1, "short_of_retreat": 1, "short_of_supervision": 1},
            {"organisation": "ORG-C", "assessed": 1, "compliant": 0, "rate": 0.0,
             "short_of_cpd": 0, "short_of_retreat": 1, "short_of_supervision": 0},
        ],
    }


def test_summary_of_a_registry_with_nobody_assessed_has_no_rate(run, tmp_path):
    load(run, tmp_path / "b", people=[teacher("TR", stage="trainee")])
    data = ok_json(run, "cpd", "summary", "--as-of", AS_OF)
    assert data == {
        "as_of": AS_OF, "assessed": 0, "compliant": 0, "rate": None,
        "by_requirement": [{"requirement": "cpd", "short": 0}, {"requirement": "retreat", "short": 0},
                           {"requirement": "supervision", "short": 0}],
        "by_region": [], "by_organisation": [],
    }


# --- listing check ---------------------------------------------------------------------


@pytest.fixture
def listing_service(run, tmp_path):
    # All courses started before the window, so nobody is teaching: 1 session suffices.
    load(run, tmp_path / "b",
         people=[teacher("L1"), teacher("L2"), teacher("L3"), teacher("L4", stage="trainee")],
         **merge(baseline("L1"), baseline("L2"), baseline("L4"),
                 {"cpd": [("L3", "2026-01-15", 17.5)], "retreats": [("L3", "2026-02-01", 5)],
                  "sessions": [("L3", "2026-03-01", 60, "individual")]}),
         courses=[
             ("C1", "MBCT", "2024-03-01", "L1", [], True),
             ("C2", "MBCT", "2024-09-01", "SUP", ["L1"], True),
             ("C3", "MBCT", "2024-03-01", "L2", [], True),
             ("C4", "MBCT", "2024-05-01", "L2", [], False),
             ("C5", "MBCT", "2024-10-01", "SUP", ["L2"], False),
             ("C6", "MBSR", "2024-11-01", "L2", [], True),  # another programme
             ("C7", "MBCT", "2024-02-01", "L3", [], True),
             ("C8", "MBCT", "2024-04-01", "SUP", ["L3"], True),
             ("C9", "MBCT", "2024-04-01", "L4", [], True),
             ("C10", "MBCT", "2024-05-01", "L4", [], True),
         ])


L1 = {"person": "L1", "name": "Name L1", "programme": "MBCT", "supervised_courses": 2,  # C1 lead, C2 co
      "compliant": True, "eligible": True, "missing": []}
L2 = {"person": "L2", "name": "Name L2", "programme": "MBCT", "supervised_courses": 1,  # C3 only
      "compliant": True, "eligible": False, "missing": ["needs 1 more supervised MBCT course"]}
L3 = {"person": "L3", "name": "Name L3", "programme": "MBCT", "supervised_courses": 2,  # C7 lead, C8 co
      "compliant": False, "eligible": False, "missing": ["needs 12.5 more CPD hours"]}  # 30 - 17.5


def test_listing_check_needs_two_supervised_courses_in_the_programme_and_compliance(run, listing_service):
    # L4, a trainee, is not listed however many courses they taught
    assert ok_json(run, "listing", "check", "--as-of", AS_OF) == [L1, L2, L3]


@pytest.mark.parametrize("ref, expected", [("L1", L1), ("L2", L2), ("L3", L3)])
def test_listing_check_of_one_person(run, listing_service, ref, expected):
    assert ok_json(run, "listing", "check", ref, "--as-of", AS_OF) == [expected]


# --- person show -------------------------------------------------------------------------


def test_person_show_gives_compliance_and_the_records_leaving_the_window_next_by_date(run, tmp_path):
    today = dt.date.today()

    def ago(days):
        return (today - dt.timedelta(days=days)).isoformat()

    def later(days):
        return (today + dt.timedelta(days=days)).isoformat()

    load(run, tmp_path / "b", people=[teacher("PS")],
         cpd=[("PS", ago(100), 30), ("PS", ago(400), 8)],  # the 8 h are out of the window
         retreats=[("PS", ago(200), 5)],
         sessions=[("PS", ago(50), 60, "individual"), ("PS", ago(300), 60, "group")],
         courses=[("C1", "MBCT", ago(500), "PS", [], True)])  # out of the window: not teaching
    data = ok_json(run, "person", "show", "PS")
    assert data["compliance"] == {
        "person": "PS", "name": "Name PS", "organisation": "ORG-A", "region": "North",
        "compliant": True, "cpd_hours": 30.0, "retreat_days": 5.0, "supervision_sessions": 2,
        "supervision_required": 1, "teaching": False, "practising": False, "practising_as": [], "shortfalls": [],
        # the session of 300 days ago leaves in 65 days (1 session left: still enough);
        # the retreat of 200 days ago leaves in 165 days: that is the lapse.
        "lapses_on": later(165),
        "needs": [],
        "records": [
            {"dated": ago(300), "record": "session", "what": "group session with SUP, 60 minutes", "counts": True,
             "why": "a qualifying session"},
            {"dated": ago(200), "record": "retreat", "what": "5 days", "counts": True, "why": "no leader named"},
            {"dated": ago(100), "record": "cpd", "what": "30 hours, course", "counts": True, "why": "CPD"},
            {"dated": ago(50), "record": "session", "what": "individual session with SUP, 60 minutes", "counts": True,
             "why": "a qualifying session"},
        ],
        "leaving_window_next": [
            {"leaves_on": later(65), "dated": ago(300), "record": "supervision", "amount": 1, "unit": "sessions"},
            {"leaves_on": later(165), "dated": ago(200), "record": "retreat", "amount": 5.0, "unit": "days"},
            {"leaves_on": later(265), "dated": ago(100), "record": "cpd", "amount": 30.0, "unit": "hours"},
            {"leaves_on": later(315), "dated": ago(50), "record": "supervision", "amount": 1, "unit": "sessions"},
        ],
    }


def test_person_show_of_a_person_not_assessed_has_null_compliance(run, tmp_path):
    load(run, tmp_path / "b", people=[teacher("TR", stage="trainee")])
    assert json.loads(ok(run, "person", "show", "TR", "--format", "json").stdout)["compliance"] is None
