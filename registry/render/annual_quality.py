"""The annual report's sections on the quality of teaching and the evaluation of courses
(annual_quality.py's figures), as blocks, and their two charts with titles and text
alternatives. Counts only: nobody is named, so the published report shows them as they are.
"""

from __future__ import annotations

from . import blocks
from .svg_bars import Series, horizontal_bars
from .charts import PALETTE
from .words import number, percent, signed

DOMAIN_WORDS = {
    "coverage": "Coverage, pacing and organisation of the curriculum",
    "relational": "Relational skills",
    "embodiment": "Embodiment of mindfulness",
    "guiding": "Guiding mindfulness practices",
    "inquiry": "Conveying course themes through inquiry and teaching",
    "holding": "Holding the group learning environment",
}
TEACHING_CHART, EVALUATION_CHART = "teaching", "evaluation"


def teaching_blocks(q: dict, year_words: str) -> list[dict]:
    """Teachers assessed on the MBI:TAC, and the levels reached by domain against the year before."""
    text = (
        f"{number(q['assessments'])} assessments of teaching on the MBI:TAC {year_words} "
        f"({number(q['previous_assessments'])} the year before), of {number(q['teachers'])} teachers "
        f"({number(q['previous_teachers'])} the year before)."
    )
    domains = [{**row, "domain": DOMAIN_WORDS[row["domain"]]} for row in q["by_domain"]]
    return [
        blocks.text(text),
        blocks.chart(TEACHING_CHART),
        blocks.table(
            "Assessments and teachers assessed by programme", q["by_programme"],
            [("programme", "Programme", ""), blocks.num("assessments", "Assessments"),
             blocks.num("teachers", "Teachers")],
            "No assessments.",
        ),
        blocks.table(
            "Assessments at each level or above, by domain, against the year before", domains,
            [("domain", "Domain", ""), ("competent", "Competent or above", "percent"),
             ("previous_competent", "Year before", "percent"), ("proficient", "Proficient or above", "percent"),
             ("previous_proficient", "Year before", "percent")],
            "No assessments.",
        ),
    ]


def evaluation_blocks(e: dict, year_words: str) -> list[dict]:
    """Courses, their completion, and the change on each outcome measure."""
    recorded = e["completion_recorded"]
    text = (
        f"{number(e['courses'])} courses started {year_words}, with {number(e['participants'])} participants. "
        f"Of the {number(recorded['participants'])} participants of the {number(recorded['courses'])} courses "
        f"whose completion is recorded, {number(recorded['completed'])} completed "
        f"({percent(e['completion_rate'])})."
    )
    return [
        blocks.text(text),
        blocks.chart(EVALUATION_CHART),
        blocks.table(
            "Outcome measures by setting: mean score before and after, on the participants measured both times",
            e["outcomes"],
            [("measure", "Measure", ""), ("setting", "Setting", ""), blocks.num("courses", "Courses"),
             blocks.num("measured", "Measured"), blocks.num("before", "Before"), blocks.num("after", "After"),
             ("change", "Change", "change")],
            "No outcome measures recorded.",
        ),
    ]


def teaching_chart(q: dict, chart_title: str) -> str:
    """The share of assessments at competent or above on each domain, this year and the year before."""
    rows = q["by_domain"]
    labels = [row["domain"] for row in rows]
    light, dark = PALETTE["sky"], PALETTE["blue"]
    before = [100 * (row["previous_competent"] or 0) for row in rows]
    now = [100 * (row["competent"] or 0) for row in rows]
    series = [
        Series("year before", before, light, [percent(row["previous_competent"]) for row in rows], hatched=True),
        Series("this year", now, dark, [percent(row["competent"]) for row in rows]),
    ]
    return horizontal_bars(chart_title, labels, series, "Assessments at competent or above (%)", "Domain")


def evaluation_chart(e: dict, chart_title: str) -> str:
    """The mean score of each outcome measure before and after courses, by setting."""
    rows = e["outcomes"] or [{"measure": "none recorded", "setting": "", "before": 0, "after": 0}]
    labels = [f"{row['measure']} {row['setting']}".strip() for row in rows]
    series = [
        Series("before", [row["before"] for row in rows], PALETTE["sky"], [number(r["before"]) for r in rows], hatched=True),
        Series("after", [row["after"] for row in rows], PALETTE["green"], [number(r["after"]) for r in rows]),
    ]
    return horizontal_bars(chart_title, labels, series, "Mean score", "Measure and setting")


def chart_texts(data: dict) -> dict[str, tuple[str, str]]:
    year = data["period"]["year"]
    q, e = data["teaching"], data["evaluation"]
    by_domain = "; ".join(
        f"{row['domain']} {percent(row['competent'])} (year before {percent(row['previous_competent'])})"
        for row in q["by_domain"]
    )
    outcomes = "; ".join(
        f"{row['measure']} in {row['setting']}: {number(row['before'])} to {number(row['after'])} "
        f"({signed(row['change'])}, {row['measured']} measured)"
        for row in e["outcomes"]
    ) or "none recorded"
    return {
        TEACHING_CHART: (f"Assessments of teaching at competent or above by domain, {year}",
                         f"Share of MBI:TAC assessments at competent or above on each domain: {by_domain}."),
        EVALUATION_CHART: (f"Outcome measures before and after courses by setting, {year}",
                           f"Mean scores before and after courses, weighted by those measured: {outcomes}."),
    }


def draw(name: str, data: dict, chart_title: str) -> str:
    if name == TEACHING_CHART:
        return teaching_chart(data["teaching"], chart_title)
    return evaluation_chart(data["evaluation"], chart_title)
