"""The per-person engine: each person's dated amounts, with prefix sums.

It serves every policy, monthly rules included, gives the records that leave the window
next, and checks the closed form (a property test holds the two equal).

`lapses_on` looks ahead with nothing dated after the as-of date counting: a record
dated r leaves the window on r + window_days, so the totals only change on those days
(and, under a monthly rule, when a calendar month becomes whole; under an assessment
rule, when the latest assessment stops being recent). Each is checked in order with
prefix sums, and the first that fails is the lapse date.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from itertools import accumulate

from sqlalchemy.orm import Session

from .. import models
from ..policy import Policy
from .assessed import Scope, assessed_people, person_info
from .daily import DailySums
from .new_teachers import new_until
from .recent_assessment import last_assessed, recent_until
from .standing import Standing, Thresholds, standing_of


class _Series:
    """Dated amounts with prefix sums: the total over any window in O(log n)."""

    def __init__(self, pairs: list[tuple[int, int]]):
        """`pairs` in date order, as the queries return them."""
        self.dates = [d for d, _ in pairs]
        self.prefix = list(accumulate((amount for _, amount in pairs), initial=0))

    def total(self, after: int, upto: int) -> int:
        """Sum of amounts dated in (after, upto]."""
        return self.prefix[bisect.bisect_right(self.dates, upto)] - self.prefix[bisect.bisect_right(self.dates, after)]


@dataclass
class History:
    """One person's dated records in the window."""

    # (day number, amount): day numbers are proleptic Gregorian ordinals (date.toordinal).
    cpd: list = field(default_factory=list)  # hundredths of an hour
    events: list = field(default_factory=list)  # hundredths of an hour of CPD events
    retreat: list = field(default_factory=list)  # tenths of a day
    sessions: list = field(default_factory=list)  # count
    minutes: list = field(default_factory=list)  # hundredths of a minute, as the policy counts them
    teaching: list = field(default_factory=list)  # courses starting that day
    practice: list = field(default_factory=list)  # the policy's practising work that day
    # The day the new teachers' rule stops applying to the person (None: it does not).
    new_until: int | None = None
    # The day of the person's latest assessment of teaching (None: none, or no assessment rule).
    assessed_on: int | None = None


# An 8-week course runs on the days from its start to 55 days after it.
COURSE_DAYS = 55

# What leaves the window, as `leaving_next` names it: record, History field, unit, divisor.
_LEAVING = (
    ("cpd", "cpd", "hours", 100),
    ("retreat", "retreat", "days", 10),
    ("supervision", "sessions", "sessions", 1),
    ("teaching", "teaching", "courses", 1),
)


class Assessor:
    """One person's standing on any day, lapse date and records leaving next."""

    def __init__(self, policy: Policy, history: History):
        self.policy = policy
        self.thresholds = Thresholds.of(policy)
        self.window = policy.window_days
        self.history = history
        for name in ("cpd", "events", "retreat", "sessions", "minutes", "teaching", "practice"):
            setattr(self, name, _Series(getattr(history, name)))

    def outlook(self, as_of: dt.date) -> tuple[Standing, dt.date | None, Standing | None]:
        """The standing on `as_of`, the lapse date and the standing on it (None, None if
        not compliant now or never lapsing)."""
        now = self.standing(as_of, as_of)
        lapses = None if now.shortfalls else self.lapses_on(as_of)
        return now, lapses, (self.standing(lapses, as_of) if lapses else None)

    def standing(self, day: dt.date, counted_until: dt.date) -> Standing:
        """The standing on `day` counting only records dated on or before `counted_until`."""
        return self._standing(day.toordinal(), counted_until.toordinal())

    def _standing(self, day: int, counted_until: int) -> Standing:
        start = day - self.window
        upto = min(day, counted_until)
        courses = self.teaching.total(start, upto)
        new_until = self.history.new_until
        minutes_required = None
        if new_until is not None and day < new_until:
            minutes_required = self.thresholds.per_course * courses
        return standing_of(
            self.thresholds,
            cpd=self.cpd.total(start, upto),
            events=self.events.total(start, upto),
            retreat=self.retreat.total(start, upto),
            sessions=self.sessions.total(start, upto),
            teaching=courses > 0,
            practising=self.practice.total(start, upto) > 0,
            minutes=self.minutes.total(start, upto),
            minutes_required=minutes_required,
            short_months=self._short_months(start, day, counted_until) if self.policy.minutes_each_month else [],
            day=day,
            assessed_on=self.history.assessed_on,
        )

    def _short_months(self, start: int, day: int, counted_until: int) -> list[str]:
        """Calendar months wholly inside (start, day] with too few minutes of supervision
        (months without practising work left out, under a policy that skips them)."""
        short = []
        first = dt.date.fromordinal(start + 1)
        month = first if first.day == 1 else _first_of_next_month(first)
        while True:
            following = _first_of_next_month(month)
            last = following.toordinal() - 1
            if last > day:
                break
            minutes = self.minutes.total(month.toordinal() - 1, min(last, counted_until))
            required = self.policy.minutes_each_month * 100
            if minutes < required and not self._skipped(month.toordinal(), min(last, counted_until)):
                short.append(month.strftime("%Y-%m"))
            month = following
        return short

    def _skipped(self, first: int, last: int) -> bool:
        """Whether the month from `first` to `last` is skipped for want of practising work:
        none dated in it, and no course the person teaches running in it (8 weeks from its start)."""
        if not self.policy.skip_months_without_practice:
            return False
        if self.practice.total(first - 1, last) > 0:
            return False
        return not ("teaching" in self.policy.practising_work and self.teaching.total(first - 1 - COURSE_DAYS, last))

    def lapses_on(self, as_of: dt.date) -> dt.date | None:
        """The first day after `as_of` on which the person would no longer be compliant."""
        today = as_of.toordinal()
        candidates = set()
        history = self.history
        for pairs in (history.cpd, history.events, history.retreat, history.sessions, history.teaching, history.practice):
            candidates.update(d + self.window for d, _ in pairs)
        if history.assessed_on is not None and self.policy.assessment_required_within_years:
            candidates.add(recent_until(history.assessed_on, self.policy.assessment_required_within_years))
        if self.policy.minutes_each_month:
            month = as_of.replace(day=1)
            while month.toordinal() <= today + self.window + 31:
                candidates.add(_first_of_next_month(month).toordinal() - 1)
                month = _first_of_next_month(month)
        for day in sorted(d for d in candidates if d > today):
            if self._standing(day, today).shortfalls:
                return dt.date.fromordinal(day)
        return None

    def leaving_next(self, as_of: dt.date, count: int = 5) -> list[dict]:
        """The records that leave the window next, soonest first."""
        today = as_of.toordinal()
        leaving = [
            {
                "leaves_on": dt.date.fromordinal(day + self.window),
                "dated": dt.date.fromordinal(day),
                "record": record,
                "amount": amount / divisor if divisor != 1 else amount,
                "unit": unit,
            }
            for record, name, unit, divisor in _LEAVING
            for day, amount in getattr(self.history, name)
            if day + self.window > today
        ]
        leaving.sort(key=lambda row: (row["leaves_on"], row["record"]))
        return leaving[:count]


def _first_of_next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _histories(session: Session, people, as_of: dt.date, policy: Policy) -> dict[int, History]:
    """The dated records in the window of `people` (a subquery of ids), by person id."""
    connection = session.connection()
    sums = DailySums(connection.dialect.name, as_of, policy, people)
    histories: dict[int, History] = defaultdict(History)

    def rows(query):
        return connection.execute(query.order_by(*query.selected_columns[:2])).all()

    # A course that began up to 8 weeks before the window still runs in its first month.
    longer = replace(policy, window_days=policy.window_days + COURSE_DAYS) if policy.skip_months_without_practice else policy
    courses = DailySums(connection.dialect.name, as_of, longer, people).teaching()
    queries = {"cpd": sums.cpd(), "retreat": sums.retreats(), "teaching": courses}
    if policy.cpd_event_hours:
        queries["events"] = sums.cpd(events=True)
    for name, query in queries.items():
        for person_id, day, amount in rows(query):
            getattr(histories[person_id], name).append((day, int(amount)))
    for person_id, day, count, minutes in rows(sums.sessions(minutes=True)):
        history = histories[person_id]
        history.sessions.append((day, count))
        history.minutes.append((day, int(minutes)))
    for person_id, day, amount, work in rows(sums.practice()):
        if work in policy.practising_work:
            histories[person_id].practice.append((day, int(amount)))
    for person_id, day in new_until(connection, policy, as_of, people).items():
        histories[person_id].new_until = day
    for person_id, day in last_assessed(connection, policy, as_of, people).items():
        histories[person_id].assessed_on = day
    return histories


def assess(session: Session, as_of: dt.date, policy: Policy, scope: Scope | None = None) -> list[tuple[dict, Assessor]]:
    """Each assessed person (sorted by ref) with their assessor."""
    people_query = assessed_people(as_of, policy, scope or Scope())
    people = session.execute(people_query).all()
    ids = people_query.with_only_columns(models.Person.id).scalar_subquery()
    histories = _histories(session, ids, as_of, policy)
    return [
        (person_info(ref, name, organisation, region), Assessor(policy, histories.get(person_id, History())))
        for person_id, ref, name, organisation, region in people
    ]
