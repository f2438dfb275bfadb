"""The compliance reports: everyone's standing, who lapses soon, the rates, the BAMBA
listing check and one person's standing.

Each report asks one engine: the closed form (`closed_form`, computed by the database)
where the policy allows it and `in_database` is left on, else the per-person engine
(`rolling`). One person's standing always comes from `rolling`, which also gives the
records that leave the window next.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import models
from ..policy import Policy
from ..queries import highest_stages
from ..vocab import STAGE_RANK
from . import closed_form, rolling
from .assessed import Scope, assessed_people, person_info
from .daily import DailySums, taught_courses
from .explain import explain
from .practice import Work, add_practising_as, work_in_window
from .standing import Standing, figures, requirements


def _outlooks(
    session: Session, as_of: dt.date, policy: Policy, scope: Scope, in_database: bool, work: dict[str, Work]
) -> Iterator[tuple[dict, Standing, dt.date | None, Standing | None]]:
    """(person info, Standing now, lapses_on, Standing on the lapse day) for each assessed
    person, sorted by ref. The last two are None for a person not compliant now. Fills
    `work` (by ref) with everyone's practising work in the window."""
    connection = session.connection()
    by_id = work_in_window(connection, DailySums(connection.dialect.name, as_of, policy))
    work.update((entry.ref, entry) for entry in by_id.values())
    if not (in_database and closed_form.supports(policy)):
        for info, assessor in rolling.assess(session, as_of, policy, scope):
            yield (info, *assessor.outlook(as_of))
        return
    people = session.execute(assessed_people(as_of, policy, scope)).all()
    evaluated = closed_form.evaluate(session, {row[0] for row in people}, as_of, policy, by_id)
    for person_id, ref, name, organisation, region in people:
        yield (person_info(ref, name, organisation, region), *evaluated[person_id])


def _report_row(info: dict, standing: Standing, lapses: dt.date | None, policy: Policy) -> dict:
    """One person's row of the compliance report."""
    compliant = not standing.shortfalls
    row = {**info, "compliant": compliant, **figures(standing, policy), "lapses_on": lapses if compliant else None}
    if policy.minutes_each_month:
        row["supervision_months_short"] = standing.short_months
    return row


def compliance_report(
    session: Session,
    *,
    as_of: dt.date,
    policy: Policy,
    scope: Scope | None = None,
    only_noncompliant: bool = False,
    in_database: bool = True,
) -> dict:
    """The contract's compliance report: {"as_of", "policy", "people": [...]}.

    The database computes it where the policy allows (closed_form); `in_database=False`
    asks for the same report from each person's dated records, one pass each."""
    rows, work = [], {}
    for info, standing, lapses, _ in _outlooks(session, as_of, policy, scope or Scope(), in_database, work):
        if only_noncompliant and not standing.shortfalls:
            continue
        rows.append(_report_row(info, standing, lapses, policy))
    add_practising_as(rows, work, policy)
    return {"as_of": as_of, "policy": policy.name, "people": rows}


def needs(row: dict, policy: Policy) -> list[str]:
    """What a person must still do, in words a lead can act on."""
    said = []
    if "cpd" in row["shortfalls"] and row["cpd_hours"] < policy.cpd_hours:
        said.append(f"needs {_number(policy.cpd_hours - row['cpd_hours'])} more CPD hours")
    if "cpd" in row["shortfalls"] and row.get("cpd_event_hours", policy.cpd_event_hours) < policy.cpd_event_hours:
        said.append(f"needs {_hours(policy.cpd_event_hours - row['cpd_event_hours'])} of CPD events")
    if "retreat" in row["shortfalls"]:
        said.append(f"needs {_number(policy.retreat_days - row['retreat_days'])} more retreat days")
    if "supervision" in row["shortfalls"]:
        missing = row["supervision_required"] - row["supervision_sessions"]
        if missing > 0:
            said.append(f"needs {missing} more supervision session{'s' if missing != 1 else ''}")
        hours, hours_required = row.get("supervision_hours"), row.get("supervision_hours_required")
        if hours_required is not None and hours < hours_required:
            said.append(f"needs {_hours(hours_required - hours)} of supervision as a new teacher")
        for month in row.get("supervision_months_short") or []:
            said.append(f"needs {policy.minutes_each_month} minutes of supervision in {month}")
    if "assessment" in row["shortfalls"]:
        years, last = policy.assessment_required_within_years, row.get("last_assessed_on")
        said.append(
            f"needs an MBI:TAC assessment of teaching (one within {years} year{'s' if years != 1 else ''}; "
            + (f"the last was on {last.isoformat()})" if last else "none on record)")
        )
    return said


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


def _hours(value: float) -> str:
    return f"{_number(value)} more hour{'' if _number(value) == '1' else 's'}"


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
    for info, _, lapse, then in _outlooks(session, as_of, policy, scope or Scope(), in_database, {}):
        if lapse is None or lapse > limit:
            continue
        at_lapse = {**figures(then, policy), "supervision_months_short": then.short_months}
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
    people = compliance_report(session, as_of=as_of, policy=policy, scope=scope)["people"]
    required = requirements(policy)
    total = len(people)
    compliant = sum(r["compliant"] for r in people)
    return {
        "as_of": as_of,
        "assessed": total,
        "compliant": compliant,
        "rate": _rate(compliant, total),
        "by_requirement": [
            {"requirement": req, "short": sum(req in r["shortfalls"] for r in people)} for req in required
        ],
        "by_region": _rates(people, "region", required),
        "by_organisation": _rates(people, "organisation", required),
    }


def _rates(people: list[dict], key: str, required: tuple[str, ...]) -> list[dict]:
    """Compliance rates and shortfalls of the report's rows grouped by `key`, in its order."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in people:
        groups[row[key]].append(row)
    return [
        {
            key: name,
            "assessed": len(rows),
            "compliant": sum(r["compliant"] for r in rows),
            "rate": _rate(sum(r["compliant"] for r in rows), len(rows)),
            **{f"short_of_{req}": sum(req in r["shortfalls"] for r in rows) for req in required},
        }
        for name, rows in sorted(groups.items())
    ]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def listing_check(
    session: Session, *, as_of: dt.date, policy: Policy, person: str | None = None, minimum_courses: int = 2
) -> list[dict]:
    """BAMBA listing: for each teacher and programme, stage teacher or higher, at least
    `minimum_courses` supervised courses taught in that programme, and compliant now."""
    supervised = _supervised_courses(session, as_of)
    report = compliance_report(session, as_of=as_of, policy=policy, scope=Scope(person=person))
    compliance = {row["person"]: row for row in report["people"]}
    rows = []
    for person_id, ref, name, programme_id, code in session.execute(_listed_stages(as_of, person)):
        courses = supervised.get((person_id, programme_id), 0)
        standing = compliance.get(ref)
        missing = []
        if courses < minimum_courses:
            more = minimum_courses - courses
            missing.append(f"needs {more} more supervised {code} course{'s' if more != 1 else ''}")
        if standing is None or not standing["compliant"]:
            missing.extend(needs(standing, policy) if standing else ["not assessed"])
        rows.append(
            {
                "person": ref,
                "name": name,
                "programme": code,
                "supervised_courses": courses,
                "compliant": bool(standing and standing["compliant"]),
                "eligible": not missing,
                "missing": missing,
            }
        )
    return rows


def _listed_stages(as_of: dt.date, ref: str | None):
    """Active people holding stage teacher or higher in a programme on `as_of`: person id,
    ref, name, programme id and code, by ref and programme."""
    person, programme = models.Person, models.Programme
    highest = highest_stages(as_of)
    query = (
        select(person.id, person.ref, person.name, programme.id, programme.code)
        .join(highest, highest.c.person_id == person.id)
        .join(programme, programme.id == highest.c.programme_id)
        .where(highest.c.rank >= STAGE_RANK["teacher"], person.status == "active")
        .order_by(person.ref, programme.code)
    )
    return query.where(person.ref == ref) if ref else query


def _supervised_courses(session: Session, as_of: dt.date) -> dict[tuple[int, int], int]:
    """How many supervised courses started by `as_of` each person taught, by (person id, programme id)."""
    course = models.Course.__table__
    taught = taught_courses(course.c.supervised.is_(True), course.c.start_on <= as_of)
    query = select(taught.c.person_id, taught.c.programme_id, func.count(func.distinct(taught.c.course_id))).group_by(
        taught.c.person_id, taught.c.programme_id
    )
    return {(person_id, programme_id): count for person_id, programme_id, count in session.execute(query)}


def person_compliance(session: Session, ref: str, *, as_of: dt.date, policy: Policy) -> dict | None:
    """One person's compliance and the records that leave the window next (None if not assessed)."""
    assessed = rolling.assess(session, as_of, policy, Scope(person=ref))
    if not assessed:
        return None
    info, assessor = assessed[0]
    now, lapses, _ = assessor.outlook(as_of)
    row = _report_row(info, now, lapses, policy)
    connection = session.connection()
    work = work_in_window(connection, DailySums(connection.dialect.name, as_of, policy), ref)
    add_practising_as([row], {entry.ref: entry for entry in work.values()}, policy)
    person_id = session.execute(select(models.Person.id).where(models.Person.ref == ref)).scalar_one()
    return {
        **row,
        "needs": needs(row, policy),
        "records": explain(session, person_id, as_of, policy),
        "leaving_window_next": assessor.leaving_next(as_of),
    }
