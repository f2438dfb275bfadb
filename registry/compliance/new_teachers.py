"""The new teachers' rule: within `new_teacher_years` of their first stage `teacher` or
higher, a person needs `new_teacher_hours_per_course` hours of supervision (as the
policy counts minutes) per course they taught in the window (BAMBA: at least 3 hours
per 8-week course).

Its closed form: minutes and courses leave the window together, day by day. On the day
the records dated r leave, what remains is the minutes and courses dated after r; the
person first falls short on r + W for the earliest r whose remaining minutes are below
the hours required by the remaining courses. The remaining minutes and courses only fall
as r grows, so the largest of each among the failing days are those of the earliest.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, literal_column, select, union_all

from ..policy import Policy
from ..queries import qualified_since, years_after
from .daily import DailySums


def new_until(connection, policy: Policy, as_of: dt.date, people=None) -> dict[int, int]:
    """By person id (of `people`, a subquery of ids, or everyone) who holds stage `teacher`
    or higher on `as_of`: the day number on which the rule stops applying to them. Empty
    when the policy has no such rule."""
    if not policy.new_teacher_years:
        return {}
    teachers = qualified_since("teacher")
    query = select(teachers.c.person_id, teachers.c.since).where(teachers.c.since <= as_of)
    if people is not None:
        query = query.where(teachers.c.person_id.in_(people))
    return {
        person_id: years_after(since, policy.new_teacher_years).toordinal()
        for person_id, since in connection.execute(query)
    }


def balances(connection, sums: DailySums, per_course: int) -> dict[int, tuple]:
    """Per person: (minutes, courses, the earliest day r whose newer minutes fall short of
    the newer courses' hours, the newer minutes then, the newer courses then)."""
    minutes = sums.sessions(minutes=True).subquery()
    courses = sums.teaching().subquery()
    zero = literal_column("0")
    both = union_all(
        select(minutes.c.person_id, minutes.c.day, minutes.c.minutes.label("m"), zero.label("c")),
        select(courses.c.person_id, courses.c.day, zero, courses.c.amount),
    ).subquery()
    days = (
        select(both.c.person_id, both.c.day, func.sum(both.c.m).label("m"), func.sum(both.c.c).label("c"))
        .group_by(both.c.person_id, both.c.day)
        .subquery()
    )

    def newer(column):
        return func.sum(column).over(partition_by=days.c.person_id, order_by=days.c.day.desc(), rows=(None, 0)) - column

    ranked = select(days.c.person_id, days.c.day, days.c.m, days.c.c, newer(days.c.m).label("nm"),
                    newer(days.c.c).label("nc")).subquery()
    short = ranked.c.nm < ranked.c.nc * per_course
    query = select(
        ranked.c.person_id,
        func.sum(ranked.c.m),
        func.sum(ranked.c.c),
        func.min(case((short, ranked.c.day))),
        func.max(case((short, ranked.c.nm))),
        func.max(case((short, ranked.c.nc))),
    ).group_by(ranked.c.person_id)
    return {row[0]: tuple(int(v) if v is not None else None for v in row[1:]) for row in connection.execute(query)}
