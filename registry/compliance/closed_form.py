"""Compliance for everyone at once, computed by the database.

For each kind of record (CPD hours, retreat days, counted sessions) the per-day sums of
`daily` are read, and a window function gives, for each day, the total of the person's
records dated after it. A record dated r leaves the window on r + W, after which only
the newer records count; so the person first falls short of a threshold on r + W for
the earliest r whose newer total is below it. Teaching ends when the last course leaves
the window, lowering the sessions required.

This gives the same standing and lapse dates as the per-person engine (`rolling`; a
test holds them equal) in one pass of the database over a covering index, returning one
row per person. The monthly-minutes rule has no such closed form: it uses `rolling`.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..policy import Policy
from .daily import DailySums
from .standing import Standing, Thresholds, standing_of


def supports(policy: Policy) -> bool:
    """Whether this closed form applies to the policy."""
    return not policy.minutes_each_month and policy.sessions_when_not_teaching <= policy.sessions_when_teaching


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


def evaluate(session: Session, people_ids: set[int], as_of: dt.date, policy: Policy) -> dict[int, tuple]:
    """For each of `people_ids`: (Standing now, lapses_on, Standing on that day with only
    the failing requirements' amounts). Everyone's records are read (a filter by person
    costs more than it saves); only the people asked for are evaluated."""
    connection = session.connection()
    sums = DailySums(connection.dialect.name, as_of, policy)
    thresholds = Thresholds.of(policy)
    cpd = _per_person(connection, sums.cpd(), [thresholds.cpd])
    retreat = _per_person(connection, sums.retreats(), [thresholds.retreat])
    sessions = _per_person(
        connection, sums.sessions(), [thresholds.sessions_when_teaching, thresholds.sessions_when_not_teaching]
    )
    teaching = sums.teaching().subquery()
    last_taught = dict(
        connection.execute(select(teaching.c.person_id, func.max(teaching.c.day)).group_by(teaching.c.person_id)).all()
    )
    outlook = _Outlook(thresholds, policy.window_days)
    return {
        person_id: outlook(
            cpd.get(person_id, (0, None, None)),
            retreat.get(person_id, (0, None, None)),
            sessions.get(person_id, (0, None, None, None, None)),
            last_taught.get(person_id),
        )
        for person_id in people_ids
    }


class _Outlook:
    """One person's standing now, lapse date and standing then, from their rows of
    `_per_person` and the day they last started teaching a course in the window."""

    def __init__(self, thresholds: Thresholds, window: int):
        self.thresholds = thresholds
        self.window = window

    def __call__(self, cpd, retreat, sessions, last_taught) -> tuple[Standing, dt.date | None, Standing | None]:
        teaching = last_taught is not None
        now = standing_of(self.thresholds, cpd=cpd[0], retreat=retreat[0], sessions=sessions[0], teaching=teaching)
        teaching_ends = last_taught + self.window if teaching else None
        failing = {} if now.shortfalls else self._failing(cpd, retreat, sessions, teaching_ends)
        if not failing:
            return now, None, None
        lapse = min(day for day, _ in failing.values())
        left = {name: amount for name, (day, amount) in failing.items() if day == lapse}
        teaching_then = teaching and lapse < teaching_ends
        then = standing_of(
            self.thresholds,
            cpd=left.get("cpd", self.thresholds.cpd),
            retreat=left.get("retreat", self.thresholds.retreat),
            sessions=left.get("supervision", self.thresholds.sessions_required(teaching_then)),
            teaching=teaching_then,
        )
        return now, dt.date.fromordinal(lapse), then

    def _failing(self, cpd, retreat, sessions, teaching_ends) -> dict[str, tuple[int, int]]:
        """The day each requirement would first fail, with what would be left then."""
        window = self.window
        _, cpd_day, cpd_left = cpd
        _, retreat_day, retreat_left = retreat
        _, teach_day, teach_left, other_day, other_left = sessions
        failing = {}
        if cpd_day is not None:
            failing["cpd"] = (cpd_day + window, cpd_left)
        if retreat_day is not None:
            failing["retreat"] = (retreat_day + window, retreat_left)
        if teaching_ends is not None and teach_day is not None and teach_day + window < teaching_ends:
            failing["supervision"] = (teach_day + window, teach_left)
        elif other_day is not None:
            failing["supervision"] = (other_day + window, other_left)
        return failing
