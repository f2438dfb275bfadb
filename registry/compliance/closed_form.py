"""Compliance for everyone at once, computed by the database.

For each kind of record (CPD hours, retreat days, counted sessions) the per-day sums of
`daily` are read, and a window function gives, for each day, the total of the person's
records dated after it. A record dated r leaves the window on r + W, after which only
the newer records count; so the person first falls short of a threshold on r + W for
the earliest r whose newer total is below it. Practising ends when the last day of
practising work (a course started, a qualifying session given, someone trained) leaves
the window, lowering the sessions required.

This gives the same standing and lapse dates as the per-person engine (`rolling`; a
test holds them equal) in one pass of the database over a covering index, returning one
row per person (the new teachers' rule, minutes against courses, in `new_teachers`; the
assessment rule, the day the latest assessment stops being recent, in `recent_assessment`).
The monthly-minutes rule has no such closed form: it uses `rolling`.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..policy import Policy
from .daily import DailySums
from .new_teachers import balances, new_until
from .practice import Work
from .recent_assessment import last_assessed, recent_until
from .standing import Standing, Thresholds, standing_of


def supports(policy: Policy) -> bool:
    """Whether this closed form applies to the policy."""
    return not policy.minutes_each_month and policy.sessions_when_not_practising <= policy.sessions_when_practising


def _per_person(connection, daily, thresholds: Iterable[int]) -> dict[int, tuple]:
    """Per person: the total, then for each threshold the earliest day whose newer total
    is below it, and that newer total (what remains once that day's records leave)."""
    days = daily.subquery()
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


def evaluate(
    session: Session, people_ids: set[int], as_of: dt.date, policy: Policy, work: dict[int, Work]
) -> dict[int, tuple]:
    """For each of `people_ids`: (Standing now, lapses_on, Standing on that day with only
    the failing requirements' amounts), given everyone's practising `work` in the window.
    Everyone's records are read (a filter by person costs more than it saves); only the
    people asked for are evaluated."""
    connection = session.connection()
    sums = DailySums(connection.dialect.name, as_of, policy)
    thresholds = Thresholds.of(policy)
    series = {
        "cpd": _per_person(connection, sums.cpd(), [thresholds.cpd]),
        "events": _per_person(connection, sums.cpd(events=True), [thresholds.events]) if thresholds.events else {},
        "retreat": _per_person(connection, sums.retreats(), [thresholds.retreat]),
        "supervision": _per_person(
            connection,
            sums.sessions(),
            [thresholds.sessions_when_practising, thresholds.sessions_when_not_practising],
        ),
    }
    if policy.new_teacher_years:
        series["new_teacher"] = balances(connection, sums, thresholds.per_course)
    until = new_until(connection, policy, as_of)
    assessed = last_assessed(connection, policy, as_of)
    outlook = _Outlook(thresholds, policy, as_of)
    nothing = {"supervision": (0, None, None, None, None), "new_teacher": (0, 0, None, None, None)}
    return {
        person_id: outlook(
            {name: rows.get(person_id, nothing.get(name, (0, None, None))) for name, rows in series.items()},
            work[person_id].last if person_id in work else {},
            until.get(person_id),
            assessed.get(person_id),
        )
        for person_id in people_ids
    }


class _Outlook:
    """One person's standing now, lapse date and standing then, from their rows of
    `_per_person`, the last day of each kind of their practising work in the window and
    the day of their latest assessment of teaching."""

    def __init__(self, thresholds: Thresholds, policy: Policy, as_of: dt.date):
        self.thresholds = thresholds
        self.window = policy.window_days
        self.work = policy.practising_work
        self.today = as_of.toordinal()

    def __call__(self, rows: dict[str, tuple], last_work: dict[str, int], new_until: int | None,
                 assessed_on: int | None):
        teaching = "teaching" in last_work
        practised = [last_work[work] for work in self.work if work in last_work]
        practising_ends = max(practised) + self.window if practised else None
        amounts = {name: rows[name][0] for name in ("cpd", "events", "retreat")}
        minutes, courses, *_ = rows.get("new_teacher", (0, 0))
        if new_until is not None and self.today < new_until:
            amounts |= {"minutes": minutes, "minutes_required": courses * self.thresholds.per_course}
        else:
            amounts |= {"minutes": minutes}
        now = self._standing(amounts, rows["supervision"][0], teaching, practising_ends is not None,
                             self.today, assessed_on)
        failing = {} if now.shortfalls else self._failing(rows, practising_ends, new_until, assessed_on)
        if not failing:
            return now, None, None
        lapse = min(day for day, _ in failing.values())
        left = {name: amount for name, (day, amount) in failing.items() if day == lapse}
        practising_then = practising_ends is not None and lapse < practising_ends
        teaching_then = teaching and lapse < last_work["teaching"] + self.window
        then_amounts = {
            name: left.get(name, getattr(self.thresholds, name)) for name in ("cpd", "events", "retreat")
        }
        if "new_teacher" in left:
            minutes_left, courses_left = left["new_teacher"]
            then_amounts |= {"minutes": minutes_left, "minutes_required": courses_left * self.thresholds.per_course}
        sessions_then = left.get("supervision", self.thresholds.sessions_required(practising_then))
        then = self._standing(then_amounts, sessions_then, teaching_then, practising_then, lapse, assessed_on)
        return now, dt.date.fromordinal(lapse), then

    def _standing(self, amounts: dict[str, int], sessions: int, teaching: bool, practising: bool, day: int,
                  assessed_on: int | None) -> Standing:
        return standing_of(self.thresholds, sessions=sessions, teaching=teaching, practising=practising, day=day,
                           assessed_on=assessed_on, **amounts)

    def _failing(self, rows: dict[str, tuple], practising_ends: int | None, new_until: int | None,
                 assessed_on: int | None) -> dict[str, tuple]:
        """The day each requirement would first fail, with what would be left then."""
        window = self.window
        failing = {}
        for name in ("cpd", "events", "retreat"):
            _, day, left = rows[name]
            if day is not None:
                failing[name] = (day + window, left)
        _, practising_day, practising_left, other_day, other_left = rows["supervision"]
        if practising_ends is not None and practising_day is not None and practising_day + window < practising_ends:
            failing["supervision"] = (practising_day + window, practising_left)
        elif other_day is not None:
            failing["supervision"] = (other_day + window, other_left)
        if "new_teacher" in rows and new_until is not None:
            _, _, short_day, minutes_left, courses_left = rows["new_teacher"]
            if short_day is not None and short_day + window < new_until:
                failing["new_teacher"] = (short_day + window, (minutes_left, courses_left))
        if assessed_on is not None and self.thresholds.assessment_years:
            failing["assessment"] = (recent_until(assessed_on, self.thresholds.assessment_years), None)
        return failing
