"""What both engines read: each person's records summed per day in the window, and the
courses each person taught (as lead or co-teacher).

A per-day query returns person_id, day (`queries.day_number`) and amount, for records
dated in (as_of - window_days, as_of], grouped by person and day. Amounts are whole
numbers so that sums are exact: hundredths of an hour of CPD, tenths of a retreat day,
counted sessions (and, when asked, their minutes), 1 for a day on which courses start.

A session is counted (the contract's *qualifying session*) for its supervisee when its
kind is one the policy counts and its supervisor held stage `supervisor` or higher in
some programme on its date; a session with anyone else is on the record but not counted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, cast, func, literal_column, select, union_all

from .. import models
from ..policy import Policy
from ..queries import day_number, qualified_since


def taught_courses(*conditions):
    """Who taught which course, lead or co-teacher: a subquery with columns course_id,
    person_id, programme_id and start_on, of the courses that meet `conditions`."""
    course, co = models.Course.__table__, models.CourseCoTeacher.__table__
    columns = (course.c.id.label("course_id"), course.c.programme_id, course.c.start_on)
    return union_all(
        select(course.c.lead_id.label("person_id"), *columns).where(*conditions),
        select(co.c.person_id, *columns).join(course, course.c.id == co.c.course_id).where(*conditions),
    ).subquery("taught")


class DailySums:
    """The per-day queries of one window, for one database dialect. `people` (ids or a
    subquery of them), when given, limits every query to those people."""

    def __init__(self, dialect: str, as_of: dt.date, policy: Policy, people=None):
        self.dialect = dialect
        self.as_of = as_of
        self.start = as_of - dt.timedelta(days=policy.window_days)
        self.counted_kinds = policy.counted_kinds
        self.people = people

    def _per_day(self, person, date, *conditions, **amounts):
        if self.people is not None:
            conditions += (person.in_(self.people),)
        return (
            select(
                person.label("person_id"),
                day_number(date, self.dialect).label("day"),
                *(amount.label(name) for name, amount in amounts.items()),
            )
            .where(date > self.start, date <= self.as_of, *conditions)
            .group_by(person, date)
        )

    def cpd(self):
        cpd = models.CpdActivity.__table__
        return self._per_day(cpd.c.person_id, cpd.c.date, amount=func.sum(cast(func.round(cpd.c.hours * 100), Integer)))

    def retreats(self):
        retreat = models.Retreat.__table__
        return self._per_day(
            retreat.c.person_id, retreat.c.start_on, amount=func.sum(cast(func.round(retreat.c.days * 10), Integer))
        )

    def sessions(self, *, minutes: bool = False):
        """Qualifying sessions per day, with their minutes in a column `minutes` if asked."""
        held = models.SupervisionSession.__table__
        qualified = qualified_since("supervisor")
        extra = {"minutes": func.sum(held.c.minutes)} if minutes else {}
        return self._per_day(
            held.c.supervisee_id,
            held.c.held_on,
            held.c.kind.in_(self.counted_kinds),
            held.c.supervisor_id == qualified.c.person_id,
            held.c.held_on >= qualified.c.since,
            amount=func.count(),
            **extra,
        )

    def teaching(self):
        """1 for each day on which a course the person teaches starts."""
        taught = taught_courses()
        return self._per_day(taught.c.person_id, taught.c.start_on, amount=literal_column("1"))
