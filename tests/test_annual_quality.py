"""The annual report's "Quality of teaching" and "Evaluation of courses": figures worked
out by hand on a small service, and both sections in the report for publication."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from mbp_registry.registry.annual_quality import course_evaluation, teaching_quality
from tests.helpers import build_service, ok

DOMAINS = ("coverage", "relational", "embodiment", "guiding", "inquiry", "holding")
MIXED = dict(zip(DOMAINS, ("competent", "proficient", "competent", "competent", "advanced_beginner", "competent")))
START, END, PREVIOUS = dt.date(2026, 1, 1), dt.date(2026, 11, 30), dt.date(2025, 1, 1)


def _assess(run, person, on, assessor, levels):
    ok(run, "assessment", "add", "--person", person, "--programme", "MBCT", "--on", on, "--assessor", assessor,
       *[part for domain, level in levels.items() for part in ("--level", f"{domain}={level}")])


def _course(run, code, programme, start, lead, participants, completed=None, setting=None):
    extra = (("--completed", completed) if completed else ()) + (("--setting", setting) if setting else ())
    ok(run, "course", "add", code, "--programme", programme, "--start-on", start, "--lead", lead,
       "--participants", participants, *extra)


@pytest.fixture
def service(run, engine):
    build_service(run, engine)
    _course(run, "C1", "MBCT", "2026-03-01", "T001", "12", "10", "primary care")
    _course(run, "C2", "MBCT", "2026-05-01", "S01", "8")
    _course(run, "C3", "MBSR", "2025-06-01", "T003", "10", "9", "primary care")
    _course(run, "C4", "MBCT", "2026-07-01", "T001", "6", "5", "primary care")
    for course, before, after, measured in (("C1", "12", "8", "10"), ("C3", "14", "7", "9"), ("C4", "15", "9", "5")):
        ok(run, "course", "outcome", "add", course, "--measure", "PHQ-9", "--before", before, "--after", after,
           "--measured", measured)
    _assess(run, "T001", "2026-04-01", "S01", MIXED)
    _assess(run, "S01", "2026-06-01", "R01", dict.fromkeys(DOMAINS, "proficient"))
    _assess(run, "T001", "2025-04-01", "S01", dict.fromkeys(DOMAINS, "advanced_beginner"))
    return run


def test_courses_completion_and_outcomes_of_the_year(service, engine):
    with Session(engine) as session:
        e = course_evaluation(session, START, END)
    # C1, C2 and C4 started in the year: 12 + 8 + 6 participants; completion is recorded
    # for C1 and C4: 10 + 5 of 12 + 6.
    assert (e["courses"], e["participants"]) == (3, 26)
    assert e["completion_recorded"] == {"courses": 2, "participants": 18, "completed": 15}
    assert e["completion_rate"] == 0.833
    # PHQ-9 in primary care, C1 and C4 weighted by those measured: before (12x10 + 15x5)/15
    # = 13, after (8x10 + 9x5)/15 = 8.33; C3 started the year before.
    assert e["outcomes"] == [
        {"measure": "PHQ-9", "setting": "primary care", "courses": 2, "measured": 15, "before": 13.0, "after": 8.33,
         "change": -4.67},
    ]


def test_assessments_of_the_year_against_the_year_before(service, engine):
    with Session(engine) as session:
        q = teaching_quality(session, START, END, PREVIOUS)
    assert (q["assessments"], q["teachers"], q["previous_assessments"]) == (2, 2, 1)
    assert q["previous_teachers"] == 1
    assert q["by_programme"] == [{"programme": "MBCT", "assessments": 2, "teachers": 2}]
    by_domain = {row["domain"]: row for row in q["by_domain"]}
    # This year: T001 (mixed) and S01 (proficient everywhere); the year before, T001 at
    # advanced beginner everywhere.
    assert by_domain["coverage"] == {"domain": "coverage", "competent": 1.0, "previous_competent": 0.0,
                                     "proficient": 0.5, "previous_proficient": 0.0}
    assert by_domain["relational"]["proficient"] == 1.0
    assert by_domain["inquiry"]["competent"] == 0.5


@pytest.mark.parametrize("published", [False, True])
def test_both_sections_are_in_the_report_and_in_the_report_for_publication(service, tmp_path, published):
    out = tmp_path / "report.md"
    ok(service, "report", "annual", "--year", "2026", "--format", "markdown", "--out", str(out),
       *(("--anonymise",) if published else ()))
    text = out.read_text(encoding="utf-8")
    assert "## Quality of teaching" in text and "## Evaluation of courses" in text
    assert "of 2 teachers (1 the year before)" in text
    assert "3 courses started in the year" in text and "with 26 participants." in text
    assert "15 completed (83%)" in text
    assert "| PHQ-9 | primary care | 2 | 15 | 13 | 8.33 | \u22124.67 |" in text


def test_teachers_the_year_before_are_counted_once_however_often_assessed(service, engine, tmp_path):
    # A second assessment of T001 in 2025: two assessments the year before, of one teacher.
    _assess(service, "T001", "2025-09-01", "S01", dict.fromkeys(DOMAINS, "advanced_beginner"))
    with Session(engine) as session:
        q = teaching_quality(session, START, END, PREVIOUS)
    assert (q["assessments"], q["teachers"], q["previous_assessments"], q["previous_teachers"]) == (2, 2, 2, 1)
    out = tmp_path / "report.md"
    ok(service, "report", "annual", "--year", "2026", "--format", "markdown", "--out", str(out))
    assert "(2 the year before), of 2 teachers (1 the year before)." in out.read_text(encoding="utf-8")


def test_bars_of_negative_values_run_left_from_the_zero_line():
    import re

    from mbp_registry.registry.render.svg_bars import Series, horizontal_bars

    svg = horizontal_bars("Change", ["PHQ-9", "WEMWBS"], [Series("change", [-4.5, 9.0], "#000000", ["-4.5", "+9"])],
                          "Change in mean score", "Measure")
    bars = {
        title.split(",")[0]: (float(x), float(width))
        for x, width, title in re.findall(r'<rect x="([\d.-]+)" y="[\d.]+" width="([\d.-]+)" height="12\.0" '
                                          r'fill="[^"]+" stroke="#333333" stroke-width="0.5"><title>([^<]+)</title>', svg)
    }
    zero = float(re.search(r'<line x1="([\d.]+)" y1="[\d.]+" x2="\1" y2="[\d.]+" stroke="#1a1a1a"/>', svg)[1])
    # Categories of up to 6 letters: bars start 60 pt in and may take 466 pt; -4.5 to 9
    # with 15% of that span (2.025) beyond each end: the zero line is 466 x 6.525 / 17.55 in.
    assert zero == pytest.approx(60 + 466 * 6.525 / 17.55, abs=0.1)
    (x_down, down), (x_up, up) = bars["PHQ-9"], bars["WEMWBS"]
    assert down == pytest.approx(466 * 4.5 / 17.55, abs=0.1) and x_down + down == pytest.approx(zero, abs=0.1)
    assert up == pytest.approx(466 * 9 / 17.55, abs=0.1) and x_up == pytest.approx(zero, abs=0.1)
    # The text of a negative bar stands left of its end.
    assert re.search(rf'<text x="{x_down - 4:.1f}" y="[\d.]+" font-size="8" text-anchor="end"[^>]*>-4.5</text>', svg)
