"""What both engines read: each person's records summed per day in the window, and the
courses each person taught (as lead or co-teacher).

A per-day query returns person_id, day (`queries.day_number`) and amount, for records
dated in (as_of - window_days, as_of], grouped by person and day. Amounts are whole
numbers so that sums are exact: hundredths of an hour of CPD (of CPD events, under a
policy that asks for them), tenths of a retreat day (teacher-led ones only, under a
policy that asks so), counted sessions (and, when asked, their minutes in hundredths of
a minute, a group's counted as the policy says), the courses starting that day.

A session is counted (the contract's *qualifying session*) for its supervisee when its
kind is one the policy counts and its supervisor held stage `supervisor` or higher in
some programme on its date; a session with anyone else is on the record but not counted.

The practice query gives the days of the work that makes a person practising: courses
started (teaching), qualifying sessions given (supervising) and people trained (training).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, and_, case, cast, func, literal_column, select, union_all

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
        self.policy = policy
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

    def cpd(self, *, events: bool = False):
        """CPD hours per day; of the policy's event categories only, if `events`."""
        cpd = models.CpdActivity.__table__
        conditions = (cpd.c.category.in_(self.policy.cpd_event_categories),) if events else ()
        return self._per_day(
            cpd.c.person_id, cpd.c.date, *conditions, amount=func.sum(cast(func.round(cpd.c.hours * 100), Integer))
        )

    def retreats(self):
        retreat = models.Retreat.__table__
        conditions = (func.trim(retreat.c.led_by) != "",) if self.policy.retreat_teacher_led else ()
        return self._per_day(
            retreat.c.person_id,
            retreat.c.start_on,
            *conditions,
            amount=func.sum(cast(func.round(retreat.c.days * 10), Integer)),
        )

    def qualifying(self, held):
        """The session table joined to its supervisor's qualification, and the conditions
        of a qualifying session."""
        qualified = qualified_since("supervisor")
        return (
            held.c.kind.in_(self.counted_kinds),
            held.c.supervisor_id == qualified.c.person_id,
            held.c.held_on >= qualified.c.since,
        )

    def sessions(self, *, minutes: bool = False):
        """Qualifying sessions per day, with their minutes (hundredths) in a column `minutes` if asked."""
        held = models.SupervisionSession.__table__
        extra = {"minutes": func.sum(counted_minutes(held, self.policy))} if minutes else {}
        return self._per_day(
            held.c.supervisee_id, held.c.held_on, *self.qualifying(held), amount=func.count(), **extra
        )

    def teaching(self):
        """The number of courses the person teaches that start on each day."""
        taught = taught_courses()
        return self._per_day(taught.c.person_id, taught.c.start_on, amount=func.count())

    def practice(self):
        """Days of practising work: person_id, day, work (teaching, supervising, training), amount."""
        held, training = models.SupervisionSession.__table__, models.Training.__table__
        taught = taught_courses()
        parts = {
            "teaching": self._per_day(taught.c.person_id, taught.c.start_on, amount=func.count()),
            "supervising": self._per_day(
                held.c.supervisor_id, held.c.held_on, *self.qualifying(held), amount=func.count()
            ),
            "training": self._per_day(training.c.trainer_id, training.c.trained_on, amount=func.count()),
        }
        return union_all(*(query.add_columns(literal_column(f"'{work}'").label("work")) for work, query in parts.items()))


def group_size(held):
    """The size of the session of a row of `held` that shares its supervisor, held_on and
    kind with others (bundle.md "Group sessions"): for a group session, the supervisees (its
    rows); for a peer session, everyone in it (its rows and the one in the supervisor's place)."""
    other = models.SupervisionSession.__table__.alias("same_session")
    rows = (
        select(func.count())
        .where(
            and_(other.c.supervisor_id == held.c.supervisor_id, other.c.held_on == held.c.held_on, other.c.kind == held.c.kind)
        )
        .scalar_subquery()
    )
    return case((held.c.kind == "peer", rows + 1), else_=rows)


def counted_minutes(held, policy: Policy):
    """A session's minutes as the policy counts them, in hundredths of a minute, rounded
    half up by whole-number arithmetic (the same on every database). A group or peer
    session counts whole, half (for up to `group_half_up_to` in it, else divided by its
    size) or divided by its size; an individual session counts whole."""
    hundredths = held.c.minutes * 100
    if policy.group_time == "whole":
        return hundredths
    size = group_size(held)
    divisor = size if policy.group_time == "divided" else case((size <= policy.group_half_up_to, 2), else_=size)
    return case((held.c.kind.in_(("group", "peer")), (hundredths * 2 + divisor) // (divisor * 2)), else_=hundredths)
