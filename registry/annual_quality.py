"""The annual report's figures on the quality of teaching and the evaluation of courses
(plain data): MBI:TAC assessments made in the year against the year before, and the
completion and outcome measures of the courses that started in the year.

An assessment level is `competent or above` or `proficient or above` as the MBI:TAC
orders its levels. Outcome means are weighted by the participants measured; the change
is after less before, on the same participants.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models
from .vocab import NOT_RECORDED, TAC_DOMAINS, TAC_LEVELS

COMPETENT, PROFICIENT = TAC_LEVELS.index("competent"), TAC_LEVELS.index("proficient")


def _assessments(session: Session, start: dt.date, end: dt.date) -> list:
    a, programme = models.Assessment.__table__, models.Programme
    query = (
        select(programme.code, a.c.person_id, *[a.c[d] for d in TAC_DOMAINS])
        .join(programme, programme.id == a.c.programme_id)
        .where(a.c.on >= start, a.c.on <= end)
    )
    return list(session.execute(query))


def _shares(rows: list) -> dict[str, tuple[int, int]]:
    """For each domain: assessments at competent or above, at proficient or above."""
    counts: dict[str, list[int]] = {d: [0, 0] for d in TAC_DOMAINS}
    for row in rows:
        for domain, level in zip(TAC_DOMAINS, row[2:]):
            rank = TAC_LEVELS.index(level)
            counts[domain][0] += rank >= COMPETENT
            counts[domain][1] += rank >= PROFICIENT
    return {d: (c[0], c[1]) for d, c in counts.items()}


def teaching_quality(session: Session, start: dt.date, end: dt.date, previous_start: dt.date) -> dict:
    """Assessments of teaching made in the period and in the year before it: how many,
    of how many teachers (by programme), and per domain the share at competent or above
    and at proficient or above."""
    now = _assessments(session, start, end)
    before = _assessments(session, previous_start, start - dt.timedelta(days=1))
    teachers: dict[str, set] = defaultdict(set)
    counted: Counter = Counter()
    for row in now:
        teachers[row[0]].add(row[1])
        counted[row[0]] += 1
    shares_now, shares_before = _shares(now), _shares(before)

    def share(count: int, total: int) -> float | None:
        return round(count / total, 3) if total else None

    return {
        "assessments": len(now),
        "teachers": len({row[1] for row in now}),
        "previous_assessments": len(before),
        "previous_teachers": len({row[1] for row in before}),
        "by_programme": [
            {"programme": code, "assessments": counted[code], "teachers": len(teachers[code])} for code in sorted(counted)
        ],
        "by_domain": [
            {
                "domain": domain,
                "competent": share(shares_now[domain][0], len(now)),
                "previous_competent": share(shares_before[domain][0], len(before)),
                "proficient": share(shares_now[domain][1], len(now)),
                "previous_proficient": share(shares_before[domain][1], len(before)),
            }
            for domain in TAC_DOMAINS
        ],
    }


def course_evaluation(session: Session, start: dt.date, end: dt.date) -> dict:
    """The courses that started in the period: how many, their participants and those who
    completed (over the courses where completion is recorded), and the change on each
    outcome measure by setting, weighted by the participants measured."""
    course, outcome = models.Course, models.CourseOutcome
    in_period = (course.start_on >= start, course.start_on <= end)
    courses, participants = session.execute(
        select(func.count(), func.coalesce(func.sum(course.participants), 0)).where(*in_period)
    ).one()
    recorded = session.execute(
        select(func.count(), func.coalesce(func.sum(course.participants), 0), func.coalesce(func.sum(course.completed), 0))
        .where(*in_period, course.completed.is_not(None), course.participants > 0)
    ).one()
    setting = func.coalesce(course.setting, NOT_RECORDED)
    measured = func.sum(outcome.measured)
    query = (
        select(
            outcome.measure, setting.label("setting"), func.count().label("courses"), measured.label("measured"),
            (func.sum(outcome.before * outcome.measured) / measured).label("before"),
            (func.sum(outcome.after * outcome.measured) / measured).label("after"),
        )
        .join(course, course.id == outcome.course_id)
        .where(*in_period)
        .group_by(outcome.measure, setting)
        .order_by(outcome.measure, setting)
    )
    outcomes = [
        {**row, "before": round(float(row["before"]), 2), "after": round(float(row["after"]), 2),
         "change": round(float(row["after"]) - float(row["before"]), 2)}
        for row in session.execute(query).mappings()
    ]
    return {
        "courses": courses,
        "participants": int(participants),
        "completion_recorded": {"courses": recorded[0], "participants": int(recorded[1]), "completed": int(recorded[2])},
        "completion_rate": round(recorded[2] / recorded[1], 3) if recorded[1] else None,
        "outcomes": outcomes,
    }
