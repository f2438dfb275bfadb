"""What assessments tell a lead: `assessment summary` (who was assessed lately, levels
by domain) and the latest level by domain with its trend in `person show`; each figure
worked out by hand from the small service below."""

from __future__ import annotations

import pytest

from tests.helpers import build_service, ok, ok_json

DOMAINS = ("coverage", "relational", "embodiment", "guiding", "inquiry", "holding")
FIRST = dict.fromkeys(DOMAINS, "advanced_beginner")
SECOND = dict(zip(DOMAINS, ("competent", "proficient", "competent", "competent", "advanced_beginner", "competent")))
LATER = dict.fromkeys(DOMAINS, "advanced")
NONE = dict.fromkeys(("incompetent", "beginner", "advanced_beginner", "competent", "proficient", "advanced"), 0)


def _assess(run, person, on, assessor, levels):
    ok(run, "assessment", "add", "--person", person, "--programme", "MBCT", "--on", on, "--assessor", assessor,
       *[part for domain, level in levels.items() for part in ("--level", f"{domain}={level}")])


@pytest.fixture
def service(run, engine):
    """Teachers of MBCT in North: R01, S01, T001 (T002 is a trainee); of MBSR in South:
    T003. T001 is assessed three times (the last after the day reported on), S01 once,
    just over three years before it."""
    build_service(run, engine)
    _assess(run, "T001", "2024-03-01", "S01", FIRST)
    _assess(run, "T001", "2026-10-14", "S01", SECOND)
    _assess(run, "T001", "2026-12-02", "R01", LATER)
    _assess(run, "S01", "2023-11-30", "R01", SECOND)
    return run


def test_the_summary_counts_teachers_assessed_in_the_last_three_years(service):
    data = ok_json(service, "assessment", "summary", "--as-of", "2026-12-01")
    # Recent: dated after 2023-12-01 and on or before 2026-12-01: T001's second (its third
    # is later), not S01's.
    assert data["coverage"] == [
        {"programme": "MBCT", "region": "North", "teachers": 3, "assessed": 1, "share": 0.333},
        {"programme": "MBSR", "region": "South", "teachers": 1, "assessed": 0, "share": 0.0},
    ]
    levels = {row["domain"]: {k: v for k, v in row.items() if k not in ("programme", "domain")} for row in data["levels"]}
    assert levels["coverage"] == {**NONE, "competent": 1}
    assert levels["relational"] == {**NONE, "proficient": 1}
    assert levels["inquiry"] == {**NONE, "advanced_beginner": 1}
    assert [row["programme"] for row in data["levels"]] == ["MBCT"] * 6


def test_a_longer_period_takes_in_older_assessments(service):
    data = ok_json(service, "assessment", "summary", "--as-of", "2026-12-01", "--years", "4", "--programme", "MBCT")
    assert data["coverage"] == [{"programme": "MBCT", "region": "North", "teachers": 3, "assessed": 2, "share": 0.667}]
    assert data["levels"][0] == {"programme": "MBCT", "domain": "coverage", **NONE, "competent": 2}


def test_the_policy_says_how_many_years_are_recent(service, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("[assessment]\nrecent_years = 4\n", encoding="utf-8")
    by_policy = ok_json(service, "assessment", "summary", "--as-of", "2026-12-01", "--policy", str(policy))
    assert by_policy == ok_json(service, "assessment", "summary", "--as-of", "2026-12-01", "--years", "4")
    assert by_policy["years"] == 4


def test_the_summary_table_in_words(service):
    text = ok(service, "assessment", "summary", "--as-of", "2026-12-01", "--region", "South").stdout
    assert text.splitlines()[:5] == [
        "Teachers assessed in the 3 years to 2026-12-01",
        "",
        "Programme    Region    Teachers    Assessed    Share",
        "-----------  --------  ----------  ----------  -------",
        "MBSR         South     1           0           0%",
    ]


def test_person_show_gives_the_latest_level_on_each_domain_and_its_trend(service):
    shown = ok_json(service, "person", "show", "T001")["teaching_assessed"]
    # Today the latest is the third (all advanced); before it, the second.
    assert [(row["domain"], row["level"], row["previous"], row["trend"]) for row in shown] == [
        ("coverage", "advanced", "competent", "up"),
        ("relational", "advanced", "proficient", "up"),
        ("embodiment", "advanced", "competent", "up"),
        ("guiding", "advanced", "competent", "up"),
        ("inquiry", "advanced", "advanced_beginner", "up"),
        ("holding", "advanced", "competent", "up"),
    ]
    assert {row["on"] for row in shown} == {"2026-12-02"}
    first = ok_json(service, "person", "show", "S01")["teaching_assessed"]
    assert {(row["previous"], row["trend"]) for row in first} == {(None, None)}


def test_the_trend_compares_the_latest_assessment_on_the_day_with_the_one_before(service, engine):
    import datetime as dt

    from sqlalchemy.orm import Session

    from mbp_registry.registry.quality_summary import latest_levels

    with Session(engine) as session:
        shown = latest_levels(session, "T001", as_of=dt.date(2026, 12, 1))
    assert [(row["domain"], row["level"], row["previous"], row["trend"]) for row in shown] == [
        ("coverage", "competent", "advanced_beginner", "up"),
        ("relational", "proficient", "advanced_beginner", "up"),
        ("embodiment", "competent", "advanced_beginner", "up"),
        ("guiding", "competent", "advanced_beginner", "up"),
        ("inquiry", "advanced_beginner", "advanced_beginner", "same"),
        ("holding", "competent", "advanced_beginner", "up"),
    ]


def test_a_candidate_assessed_below_proficient_is_not_ready_now_for_a_supervisor_post(service):
    ok(service, "succession", "nominate", "--post", "supervisor/MBCT/North", "--candidate", "T001",
       "--readiness", "ready_now", "--on", "2026-11-01")
    (post,) = [p for p in ok_json(service, "succession", "report")["posts"] if p["role"] == "supervisor" and p["region"] == "North"]
    # T001's latest assessment (2026-12-02) is advanced on every domain: counted.
    assert post["successors"] == [{"person": "T001", "readiness": "ready_now", "emergency": False}]
    assert post["ready_now"] == 1
    report = ok_json(service, "succession", "report", "--as-of", "2026-12-01")
    (post,) = [p for p in report["posts"] if p["role"] == "supervisor" and p["region"] == "North"]
    # On 2026-12-01 the latest is the second: advanced_beginner in inquiry.
    assert post["successors"] == [{"person": "T001", "readiness": "ready_now", "emergency": False,
                                   "not_counted": "below_proficient",
                                   "domains": ["coverage", "embodiment", "guiding", "inquiry", "holding"]}]
    assert post["ready_now"] == 0
