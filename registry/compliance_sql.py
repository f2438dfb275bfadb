"""Compliance for everyone at once, computed by the database.

For each kind of record (CPD hours, retreat days, counted sessions) one query sums a
person's amounts per day in the window, then a window function gives, for each day,
the total of the person's records dated after it. A record dated r leaves the window
on r + W, after which only the newer records count; so the person first falls short of
a threshold on r + W for the earliest r whose newer total is below it. Teaching ends
when the last course leaves the window, lowering the sessions required.

This gives the same standing and lapse dates as `compliance._Assessor` (a test holds
them equal) in one pass of the database over a covering index, returning one row per
person. The monthly-minutes rule has no such closed form: it uses `_Assessor`.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from sqlalchemy import Integer, and_, case, cast, func, select, union_all
from sqlalchemy.orm import Session

from . import models
from .policy import Policy


def supports(policy: Policy) -> bool:
    """Whether this closed form applies to the policy."""
    return not policy.minutes_each_month and policy.sessions_when_not_teaching <= policy.sessions_when_teaching


def _per_person(connection, days, thresholds: Iterable[int]) -> dict[int, tuple]:
    """Per person: the total, then for each threshold the earliest day whose newer total
    is below it, and that newer total (what remains once that day's records leave)."""
    newer = (
        func.sum(days.c.amount).over(partition_by=days.c.person_id, order_by=days.c.day.desc(), rows=(None, 0))
        - days.c.amount
    )
    ranked = select(days.c.person_id, days.c.day, days.c.amount, newer.label("newer")).subquery()
    query = select(
        ranked.c.person_id,
        func.sum(ranked.c.amount),
        *[
            aggregate(case((ranked.c.newer < threshold, column)))
            for threshold in thresholds
            for aggregate, column in ((func.min, ranked.c.day), (func.max, ranked.c.newer))
        ],
    ).group_by(ranked.c.person_id)
    return {row[0]: tuple(row[1:]) for row in connection.execute(query).all()}


def evaluate(session: Session, people_ids: set[int], as_of: dt.date, policy: Policy) -> dict[int, tuple]:
    """For each of `people_ids`: (Standing now, lapses_on, Standing on that day with only
    the failing requirements' amounts), amounts as whole hundredths of hours and tenths
    of days. Everyone's records are read (a filter by person costs more than it saves);
    only the people asked for are evaluated."""
    from .compliance import Standing

    from .compliance import day_number

    connection = session.connection()
    dialect = connection.dialect.name
    start = as_of - dt.timedelta(days=policy.window_days)
    cpd, retreat = models.CpdActivity.__table__, models.Retreat.__table__
    sessions, course, co = models.SupervisionSession.__table__, models.Course.__table__, models.CourseCoTeacher.__table__

    def days(person, date, amount, *conditions):
        return (
            select(person.label("person_id"), day_number(date, dialect).label("day"), amount.label("amount"))
            .where(date > start, date <= as_of, *conditions)
            .group_by(person, date)
            .subquery()
        )

    cpd_needed = round(policy.cpd_hours * 100)
    retreat_needed = round(policy.retreat_days * 10)
    teach_needed, other_needed = policy.sessions_when_teaching, policy.sessions_when_not_teaching
    hours = days(cpd.c.person_id, cpd.c.date, func.sum(cast(func.round(cpd.c.hours * 100), Integer)))
    retreat_days = days(retreat.c.person_id, retreat.c.start_on, func.sum(cast(func.round(retreat.c.days * 10), Integer)))
    counted = days(
        sessions.c.supervisee_id, sessions.c.held_on, func.count(), sessions.c.kind.in_(policy.counted_kinds)
    )
    cpd_rows = _per_person(connection, hours, [cpd_needed])
    retreat_rows = _per_person(connection, retreat_days, [retreat_needed])
    session_rows = _per_person(connection, counted, [teach_needed, other_needed])
    taught = union_all(
        select(course.c.lead_id.label("person_id"), course.c.start_on),
        select(co.c.person_id, course.c.start_on).join(course, course.c.id == co.c.course_id),
    ).subquery()
    last_taught = dict(
        connection.execute(
            select(taught.c.person_id, func.max(day_number(taught.c.start_on, dialect)))
            .where(and_(taught.c.start_on > start, taught.c.start_on <= as_of))
            .group_by(taught.c.person_id)
        ).all()
    )
    window = policy.window_days
    results = {}
    for person_id in people_ids:
        cpd_total, cpd_day, cpd_left = cpd_rows.get(person_id, (0, None, None))
        retreat_total, retreat_day, retreat_left = retreat_rows.get(person_id, (0, None, None))
        count, teach_day, teach_left, other_day, other_left = session_rows.get(person_id, (0, None, None, None, None))
        teaching = person_id in last_taught
        required = teach_needed if teaching else other_needed
        shortfalls = []
        if cpd_total < cpd_needed:
            shortfalls.append("cpd")
        if retreat_total < retreat_needed:
            shortfalls.append("retreat")
        if count < required:
            shortfalls.append("supervision")
        now = Standing(int(cpd_total), int(retreat_total), int(count), teaching, required, [], shortfalls)
        if shortfalls:
            results[person_id] = (now, None, None)
            continue
        # The day each requirement would first fail, with what would be left then.
        failing = {}
        if cpd_day is not None:
            failing["cpd"] = (cpd_day + window, cpd_left)
        if retreat_day is not None:
            failing["retreat"] = (retreat_day + window, retreat_left)
        teaching_ends = last_taught[person_id] + window if teaching else None
        if teaching and teach_day is not None and teach_day + window < teaching_ends:
            failing["supervision"] = (teach_day + window, teach_left, teach_needed)
        elif other_day is not None:
            failing["supervision"] = (other_day + window, other_left, other_needed)
        if not failing:
            results[person_id] = (now, None, None)
            continue
        lapse = min(item[0] for item in failing.values())
        due = {name: item for name, item in failing.items() if item[0] == lapse}
        supervision = due.get("supervision")
        then = Standing(
            int(due["cpd"][1]) if "cpd" in due else cpd_needed,
            int(due["retreat"][1]) if "retreat" in due else retreat_needed,
            int(supervision[1]) if supervision else required,
            teaching and lapse < teaching_ends,
            supervision[2] if supervision else required,
            [],
            [name for name in ("cpd", "retreat", "supervision") if name in due],
        )
        results[person_id] = (now, dt.date.fromordinal(lapse), then)
    return results
