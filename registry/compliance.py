"""Compliance with the policy: CPD hours, retreat days and supervision in the rolling window.

The report for everyone is four aggregate queries (CPD, retreats and counted sessions
per person and day in the window, and the days their courses started), then one pass
over each person's dated amounts. Amounts are kept as whole numbers (hundredths of an
hour, tenths of a day, sessions, minutes) so that sums are exact.

`lapses_on` looks ahead with nothing dated after the as-of date counting: a record
dated r leaves the window on r + window_days, so the totals only change on those days
(and, under a monthly rule, when a calendar month becomes whole). Each is checked in
order with prefix sums, and the first that fails is the lapse date.
"""

from __future__ import annotations

import bisect
from itertools import accumulate
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Integer, and_, cast, exists, func, literal, select, union_all
from sqlalchemy.orm import Session

from . import models
from .policy import Policy
from .views import stage_rank_expression
from .vocab import STAGE_RANK

REQUIREMENTS = ("cpd", "retreat", "supervision")


@dataclass
class Scope:
    organisation: str | None = None
    region: str | None = None
    programme: str | None = None
    person: str | None = None




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
class _History:
    """One person's dated records in the window."""

    # (day number, amount): day numbers are proleptic Gregorian ordinals (date.toordinal).
    cpd: list = field(default_factory=list)  # hundredths of an hour
    retreat: list = field(default_factory=list)  # tenths of a day
    sessions: list = field(default_factory=list)  # count
    minutes: list = field(default_factory=list)  # minutes
    teaching: list = field(default_factory=list)  # 1 per course start


@dataclass
class Standing:
    """Where a person stands on a day."""

    cpd: int
    retreat: int
    sessions: int
    teaching: bool
    required: int
    short_months: list[str]
    shortfalls: list[str]


class _Assessor:
    def __init__(self, policy: Policy, history: _History):
        self.policy = policy
        self.window = policy.window_days
        self.cpd = _Series(history.cpd)
        self.retreat = _Series(history.retreat)
        self.sessions = _Series(history.sessions)
        self.minutes = _Series(history.minutes)
        self.teaching = _Series(history.teaching)
        self.history = history
        self.cpd_needed = round(policy.cpd_hours * 100)
        self.retreat_needed = round(policy.retreat_days * 10)

    def standing(self, day: dt.date, counted_until: dt.date) -> Standing:
        return self._standing(day.toordinal(), counted_until.toordinal())

    def _standing(self, day: int, counted_until: int) -> Standing:
        start = day - self.window
        upto = min(day, counted_until)
        cpd = self.cpd.total(start, upto)
        retreat = self.retreat.total(start, upto)
        sessions = self.sessions.total(start, upto)
        teaching = self.teaching.total(start, upto) > 0
        policy = self.policy
        required = policy.sessions_when_teaching if teaching else policy.sessions_when_not_teaching
        short_months = self._short_months(start, day, counted_until) if policy.minutes_each_month else []
        shortfalls = []
        if cpd < self.cpd_needed:
            shortfalls.append("cpd")
        if retreat < self.retreat_needed:
            shortfalls.append("retreat")
        if sessions < required or short_months:
            shortfalls.append("supervision")
        return Standing(cpd, retreat, sessions, teaching, required, short_months, shortfalls)

    def _short_months(self, start: int, day: int, counted_until: int) -> list[str]:
        """Calendar months wholly inside (start, day] with too few minutes of supervision."""
        short = []
        first = dt.date.fromordinal(start + 1)
        month = first if first.day == 1 else _first_of_next_month(first)
        while True:
            following = _first_of_next_month(month)
            last = following.toordinal() - 1
            if last > day:
                break
            minutes = self.minutes.total(month.toordinal() - 1, min(last, counted_until))
            if minutes < self.policy.minutes_each_month:
                short.append(month.strftime("%Y-%m"))
            month = following
        return short

    def lapses_on(self, as_of: dt.date) -> dt.date | None:
        """The first day after `as_of` on which the person would no longer be compliant."""
        today = as_of.toordinal()
        candidates = set()
        for pairs in (self.history.cpd, self.history.retreat, self.history.sessions, self.history.teaching):
            candidates.update(d + self.window for d, _ in pairs)
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
        leaving = []
        for kind, pairs, unit in (
            ("cpd", self.history.cpd, "hours"),
            ("retreat", self.history.retreat, "days"),
            ("supervision", self.history.sessions, "sessions"),
            ("teaching", self.history.teaching, "courses"),
        ):
            for day, amount in pairs:
                if day + self.window > today:
                    leaving.append(
                        {
                            "leaves_on": dt.date.fromordinal(day + self.window),
                            "dated": dt.date.fromordinal(day),
                            "record": kind,
                            "amount": _amount(kind, amount),
                            "unit": unit,
                        }
                    )
        leaving.sort(key=lambda row: (row["leaves_on"], row["record"]))
        return leaving[:count]


def _amount(kind: str, amount: int):
    if kind == "cpd":
        return amount / 100
    if kind == "retreat":
        return amount / 10
    return amount


def _first_of_next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _assessed_people(session: Session, as_of: dt.date, policy: Policy, scope: Scope):
    person, org, stage = models.Person, models.Organisation, models.Stage
    qualifying = [
        stage.person_id == person.id,
        stage.attained_on <= as_of,
        stage_rank_expression(stage.stage) >= STAGE_RANK[policy.minimum_stage],
    ]
    if scope.programme:
        qualifying.append(stage.programme_id == _programme_id(scope.programme))
    query = (
        select(person.id, person.ref, person.name, org.code, org.region)
        .join(org, org.id == person.organisation_id)
        .where(person.status.in_(policy.assessed_statuses), exists().where(and_(*qualifying)))
        .order_by(person.ref)
    )
    if scope.organisation:
        query = query.where(org.code == scope.organisation)
    if scope.region:
        query = query.where(org.region == scope.region)
    if scope.person:
        query = query.where(person.ref == scope.person)
    return query


def _programme_id(code: str):
    return select(models.Programme.id).where(models.Programme.code == code).scalar_subquery()


def day_number(column, dialect: str):
    """A date column as its proleptic Gregorian ordinal (Python's date.toordinal), in SQL."""
    if dialect == "sqlite":
        # Julian day numbers of midnights end in .5; day 1 is 0001-01-01.
        return cast(func.julianday(column) - 1721424.5, Integer)
    return column - literal(dt.date(1, 1, 1)) + 1


def _histories(session: Session, people_ids, as_of: dt.date, policy: Policy) -> dict[int, _History]:
    start = as_of - dt.timedelta(days=policy.window_days)
    histories: dict[int, _History] = defaultdict(_History)
    cpd, retreat, sess = models.CpdActivity.__table__, models.Retreat.__table__, models.SupervisionSession.__table__
    course, co = models.Course.__table__, models.CourseCoTeacher.__table__
    connection = session.connection()
    dialect = connection.dialect.name

    def in_window(column):
        return and_(column > start, column <= as_of)

    def day(column):
        return day_number(column, dialect)

    cpd_rows = (
        select(cpd.c.person_id, day(cpd.c.date), func.sum(cpd.c.hours))
        .where(in_window(cpd.c.date), cpd.c.person_id.in_(people_ids))
        .group_by(cpd.c.person_id, cpd.c.date)
        .order_by(cpd.c.person_id, cpd.c.date)
    )
    for person_id, number, hours in connection.execute(cpd_rows).all():
        histories[person_id].cpd.append((number, round(float(hours) * 100)))
    retreat_rows = (
        select(retreat.c.person_id, day(retreat.c.start_on), func.sum(retreat.c.days))
        .where(in_window(retreat.c.start_on), retreat.c.person_id.in_(people_ids))
        .group_by(retreat.c.person_id, retreat.c.start_on)
        .order_by(retreat.c.person_id, retreat.c.start_on)
    )
    for person_id, number, days in connection.execute(retreat_rows).all():
        histories[person_id].retreat.append((number, round(float(days) * 10)))
    session_rows = (
        select(sess.c.supervisee_id, day(sess.c.held_on), func.count(), func.sum(sess.c.minutes))
        .where(in_window(sess.c.held_on), sess.c.kind.in_(policy.counted_kinds), sess.c.supervisee_id.in_(people_ids))
        .group_by(sess.c.supervisee_id, sess.c.held_on)
        .order_by(sess.c.supervisee_id, sess.c.held_on)
    )
    for person_id, number, count, minutes in connection.execute(session_rows).all():
        history = histories[person_id]
        history.sessions.append((number, count))
        history.minutes.append((number, int(minutes)))
    taught = union_all(
        select(course.c.lead_id.label("person_id"), course.c.start_on).where(in_window(course.c.start_on)),
        select(co.c.person_id, course.c.start_on)
        .join(course, course.c.id == co.c.course_id)
        .where(in_window(course.c.start_on)),
    ).subquery()
    teaching = (
        select(taught.c.person_id, day(taught.c.start_on))
        .where(taught.c.person_id.in_(people_ids))
        .group_by(taught.c.person_id, taught.c.start_on)
        .order_by(taught.c.person_id, taught.c.start_on)
    )
    for person_id, number in connection.execute(teaching).all():
        histories[person_id].teaching.append((number, 1))
    return histories


def assess(
    session: Session, as_of: dt.date, policy: Policy, scope: Scope | None = None
) -> list[tuple[dict, _Assessor]]:
    """Each assessed person (sorted by ref) with their assessor."""
    scope = scope or Scope()
    people_query = _assessed_people(session, as_of, policy, scope)
    people = session.execute(people_query).all()
    ids = people_query.with_only_columns(models.Person.id).scalar_subquery()
    histories = _histories(session, ids, as_of, policy)
    result = []
    for person_id, ref, name, organisation, region in people:
        info = {"person": ref, "name": name, "organisation": organisation, "region": region}
        result.append((info, _Assessor(policy, histories.get(person_id, _History()))))
    return result


def compliance_report(
    session: Session,
    *,
    as_of: dt.date,
    policy: Policy,
    scope: Scope | None = None,
    only_noncompliant: bool = False,
    in_database: bool = True,
) -> dict:
    """The contract's compliance report: {"as_of", "people": [...]}.

    The database computes it where the policy allows (compliance_sql); `in_database=False`
    asks for the same report from each person's dated records, one pass each."""
    rows = []
    for info, standing, lapses, _ in _evaluate(session, as_of, policy, scope or Scope(), in_database):
        compliant = not standing.shortfalls
        if only_noncompliant and compliant:
            continue
        row = {
            **info,
            "compliant": compliant,
            "cpd_hours": standing.cpd / 100,
            "retreat_days": standing.retreat / 10,
            "supervision_sessions": standing.sessions,
            "supervision_required": standing.required,
            "teaching": standing.teaching,
            "shortfalls": standing.shortfalls,
            "lapses_on": lapses if compliant else None,
        }
        if policy.minutes_each_month:
            row["supervision_months_short"] = standing.short_months
        rows.append(row)
    return {"as_of": as_of, "policy": policy.name, "people": rows}


def _evaluate(session: Session, as_of: dt.date, policy: Policy, scope: Scope, in_database: bool):
    """(person info, Standing now, lapses_on, Standing on the lapse day) for each assessed
    person, sorted by ref. The last is None for a person not compliant now."""
    from . import compliance_sql

    if not (in_database and compliance_sql.supports(policy)):
        for info, assessor in assess(session, as_of, policy, scope):
            standing = assessor.standing(as_of, as_of)
            lapses = None if standing.shortfalls else assessor.lapses_on(as_of)
            yield info, standing, lapses, (assessor.standing(lapses, as_of) if lapses else None)
        return
    people = session.execute(_assessed_people(session, as_of, policy, scope)).all()
    evaluated = compliance_sql.evaluate(session, {row[0] for row in people}, as_of, policy)
    nothing = (_Assessor(policy, _History()).standing(as_of, as_of), None, None)
    for person_id, ref, name, organisation, region in people:
        info = {"person": ref, "name": name, "organisation": organisation, "region": region}
        yield (info, *evaluated.get(person_id, nothing))


def needs(row: dict, policy: Policy) -> list[str]:
    """What a person must still do, in words a lead can act on."""
    said = []
    if "cpd" in row["shortfalls"]:
        said.append(f"needs {_number(policy.cpd_hours - row['cpd_hours'])} more CPD hours")
    if "retreat" in row["shortfalls"]:
        said.append(f"needs {_number(policy.retreat_days - row['retreat_days'])} more retreat days")
    if "supervision" in row["shortfalls"]:
        missing = row["supervision_required"] - row["supervision_sessions"]
        if missing > 0:
            said.append(f"needs {missing} more supervision session{'s' if missing != 1 else ''}")
        for month in row.get("supervision_months_short") or []:
            said.append(f"needs {policy.minutes_each_month} minutes of supervision in {month}")
    return said


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


def due(
    session: Session,
    *,
    as_of: dt.date,
    within: int,
    policy: Policy,
    scope: Scope | None = None,
    in_database: bool = True,
) -> list[dict]:
    """Compliant people who lapse within `within` days, soonest first, with what they must do."""
    limit = as_of + dt.timedelta(days=within)
    rows = []
    for info, _, lapse, then in _evaluate(session, as_of, policy, scope or Scope(), in_database):
        if lapse is None or lapse > limit:
            continue
        at_lapse = {
            "shortfalls": then.shortfalls,
            "cpd_hours": then.cpd / 100,
            "retreat_days": then.retreat / 10,
            "supervision_sessions": then.sessions,
            "supervision_required": then.required,
            "supervision_months_short": then.short_months,
        }
        rows.append(
            {
                **info,
                "lapses_on": lapse,
                "act_by": lapse - dt.timedelta(days=1),
                "shortfalls": then.shortfalls,
                "needs": needs(at_lapse, policy),
            }
        )
    rows.sort(key=lambda row: (row["lapses_on"], row["person"]))
    return rows


def summary(session: Session, *, as_of: dt.date, policy: Policy, scope: Scope | None = None) -> dict:
    """Compliance rates by region, by organisation, and how many are short of each requirement."""
    report = compliance_report(session, as_of=as_of, policy=policy, scope=scope)
    people = report["people"]

    def rates(key: str) -> list[dict]:
        groups: dict[str, list[dict]] = defaultdict(list)
        for row in people:
            groups[row[key]].append(row)
        return [
            {
                key: name,
                "assessed": len(rows),
                "compliant": sum(r["compliant"] for r in rows),
                "rate": _rate(sum(r["compliant"] for r in rows), len(rows)),
                **{f"short_of_{req}": sum(req in r["shortfalls"] for r in rows) for req in REQUIREMENTS},
            }
            for name, rows in sorted(groups.items())
        ]

    total = len(people)
    compliant = sum(r["compliant"] for r in people)
    return {
        "as_of": as_of,
        "assessed": total,
        "compliant": compliant,
        "rate": _rate(compliant, total),
        "by_requirement": [
            {"requirement": req, "short": sum(req in r["shortfalls"] for r in people)} for req in REQUIREMENTS
        ],
        "by_region": rates("region"),
        "by_organisation": rates("organisation"),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def listing_check(
    session: Session, *, as_of: dt.date, policy: Policy, person: str | None = None, minimum_courses: int = 2
) -> list[dict]:
    """BAMBA listing: for each teacher and programme, stage teacher or higher, at least
    `minimum_courses` supervised courses taught in that programme, and compliant now."""
    stage, person_model, programme = models.Stage, models.Person, models.Programme
    course, co = models.Course, models.CourseCoTeacher
    rank = func.max(stage_rank_expression(stage.stage))
    holders = (
        select(person_model.id, person_model.ref, person_model.name, programme.id, programme.code, rank)
        .join(person_model, person_model.id == stage.person_id)
        .join(programme, programme.id == stage.programme_id)
        .where(stage.attained_on <= as_of, person_model.status == "active")
        .group_by(person_model.id, person_model.ref, person_model.name, programme.id, programme.code)
        .having(rank >= STAGE_RANK["teacher"])
        .order_by(person_model.ref, programme.code)
    )
    if person:
        holders = holders.where(person_model.ref == person)
    taught = union_all(
        select(course.id, course.lead_id.label("person_id"), course.programme_id).where(
            course.supervised.is_(True), course.start_on <= as_of
        ),
        select(course.id, co.person_id, course.programme_id)
        .join(co, co.course_id == course.id)
        .where(course.supervised.is_(True), course.start_on <= as_of),
    ).subquery()
    counts = {
        (person_id, programme_id): n
        for person_id, programme_id, n in session.execute(
            select(taught.c.person_id, taught.c.programme_id, func.count(func.distinct(taught.c.id))).group_by(
                taught.c.person_id, taught.c.programme_id
            )
        )
    }
    compliance = {
        row["person"]: row
        for row in compliance_report(session, as_of=as_of, policy=policy, scope=Scope(person=person))["people"]
    }
    rows = []
    for person_id, ref, name, programme_id, code, _ in session.execute(holders):
        supervised = counts.get((person_id, programme_id), 0)
        standing = compliance.get(ref)
        missing = []
        if supervised < minimum_courses:
            missing.append(f"needs {minimum_courses - supervised} more supervised {code} course{'s' if minimum_courses - supervised != 1 else ''}")
        if standing is None or not standing["compliant"]:
            missing.extend(needs(standing, policy) if standing else ["not assessed"])
        rows.append(
            {
                "person": ref,
                "name": name,
                "programme": code,
                "supervised_courses": supervised,
                "compliant": bool(standing and standing["compliant"]),
                "eligible": not missing,
                "missing": missing,
            }
        )
    return rows


def person_compliance(session: Session, ref: str, *, as_of: dt.date, policy: Policy) -> dict | None:
    """One person's compliance and the records that leave the window next (None if not assessed)."""
    assessed = assess(session, as_of, policy, Scope(person=ref))
    if not assessed:
        return None
    info, assessor = assessed[0]
    row = compliance_report(session, as_of=as_of, policy=policy, scope=Scope(person=ref))["people"][0]
    return {**row, "needs": needs(row, policy), "leaving_window_next": assessor.leaving_next(as_of)}
