"""The annual governance report as plain data, for `report annual` and the demo.

The year runs from 1 January to 31 December, or to today for the current year. Its
start is read as at 31 December of the year before, so that the workforce at the end
is the workforce at the start plus the joiners less the leavers. Every count is a
set-based aggregate; compliance and succession reuse their own reports, read as of
the year end, each quarter end and the previous year end.

The registry keeps people's current status only: on a past date, someone is counted
as in post when they joined by then and are active now or left after that date.

The figures are plain data (risks as the succession report gives them, the lineage as
its graph); render/annual.py says them in words, tables and charts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models
from .compliance import summary
from .errors import Invalid
from .lineage import lineage_graph
from .policy import Policy
from .queries import highest_stages, in_post
from .succession import succession_report
from .views import names as all_names
from .vocab import STAGES

# The categories of people with no stage and courses with no setting, as the tables show them.
NO_STAGE = "no stage yet"
NOT_RECORDED = "not recorded"


def period(year: int, today: dt.date | None = None) -> dict:
    """The dates the report covers; the current year ends today, a future year is refused."""
    today = today or dt.date.today()
    if year > today.year:
        raise Invalid(f"year: {year} has not started yet")
    if year < 1900:
        raise Invalid(f"year: {year} is before 1900")
    complete = year < today.year
    return {
        "year": year,
        "start": dt.date(year, 1, 1),
        "end": dt.date(year, 12, 31) if complete else today,
        "complete": complete,
        "previous_end": dt.date(year - 1, 12, 31),
    }


def annual_report(session: Session, year: int, policy: Policy, *, today: dt.date | None = None) -> dict:
    """Everything the annual report shows, as plain data."""
    when = period(year, today)
    start, end = when["start"], when["end"]
    return {
        "period": when,
        "generated_on": today or dt.date.today(),
        "policy": policy.name,
        "workforce": workforce(session, when["previous_end"], end),
        "movement": movement(session, start, end),
        "courses": courses(session, start, end),
        "supervision": supervision(session, start, end),
        "development": development(session, start, end),
        "compliance": compliance(session, start, end, policy),
        "succession": succession(session, when["previous_end"], end, policy),
        "lineage": lineage(session, end),
        "names": all_names(session),
    }


# ---------------------------------------------------------------- workforce


def _stage_name(rank: int | None) -> str:
    return STAGES[rank - 1] if rank else NO_STAGE


def _headcounts(session: Session, day: dt.date) -> dict:
    """People in post on `day` by highest stage, by programme and their highest stage in it, and by region."""
    person, programme, org = models.Person, models.Programme, models.Organisation
    highest = highest_stages(day, per_programme=False)
    by_stage = session.execute(
        select(highest.c.rank, func.count())
        .select_from(person)
        .outerjoin(highest, highest.c.person_id == person.id)
        .where(in_post(day))
        .group_by(highest.c.rank)
    )
    per_programme = highest_stages(day)
    by_programme = session.execute(
        select(programme.code, per_programme.c.rank, func.count())
        .select_from(per_programme)
        .join(person, person.id == per_programme.c.person_id)
        .join(programme, programme.id == per_programme.c.programme_id)
        .where(in_post(day))
        .group_by(programme.code, per_programme.c.rank)
    )
    by_region = session.execute(
        select(org.region, func.count())
        .select_from(person)
        .join(org, org.id == person.organisation_id)
        .where(in_post(day))
        .group_by(org.region)
    )
    return {
        "stage": {_stage_name(r): n for r, n in by_stage},
        "programme": {(code, _stage_name(r)): n for code, r, n in by_programme},
        "region": dict(by_region.all()),
    }


def _compare(before: dict, after: dict, keys, label) -> list[dict]:
    """One row per key: `label(key)` with the count at the start, at the end, and the change."""
    rows = []
    for key in keys:
        start, end = before.get(key, 0), after.get(key, 0)
        rows.append({**label(key), "start": start, "end": end, "change": end - start})
    return rows


def workforce(session: Session, start: dt.date, end: dt.date) -> dict:
    """Active people at the start and end of the year by highest stage, programme and stage, and region."""
    before, after = _headcounts(session, start), _headcounts(session, end)
    stages = [s for s in (*STAGES, NO_STAGE) if s in before["stage"] or s in after["stage"]]
    pairs = sorted(set(before["programme"]) | set(after["programme"]), key=lambda k: (k[0], STAGES.index(k[1])))
    regions = sorted(set(before["region"]) | set(after["region"]))
    total_start, total_end = sum(before["stage"].values()), sum(after["stage"].values())
    return {
        "start": start,
        "end": end,
        "total": {"start": total_start, "end": total_end, "change": total_end - total_start},
        "by_stage": _compare(before["stage"], after["stage"], stages, lambda k: {"stage": k}),
        "by_programme": _compare(
            before["programme"], after["programme"], pairs, lambda k: {"programme": k[0], "stage": k[1]}
        ),
        "by_region": _compare(before["region"], after["region"], regions, lambda k: {"region": k}),
    }


# ---------------------------------------------------------------- joiners, leavers, progressions


def movement(session: Session, start: dt.date, end: dt.date) -> dict:
    person, org, stage, programme = models.Person, models.Organisation, models.Stage, models.Programme

    def people(column):
        query = (
            select(person.ref, person.name, org.region, person.status, column)
            .join(org, org.id == person.organisation_id)
            .where(column.between(start, end))
            .order_by(column, person.ref)
        )
        return [
            {"person": ref, "name": name, "region": region, "status": status, "on": on}
            for ref, name, region, status, on in session.execute(query)
        ]

    counts = session.execute(
        select(programme.code, stage.stage, func.count())
        .join(programme, programme.id == stage.programme_id)
        .where(stage.attained_on.between(start, end))
        .group_by(programme.code, stage.stage)
    ).all()
    progressions = sorted(
        ({"programme": code, "stage": name, "count": n} for code, name, n in counts),
        key=lambda r: (r["programme"], STAGES.index(r["stage"])),
    )
    by_stage = {name: 0 for name in STAGES}
    for row in progressions:
        by_stage[row["stage"]] += row["count"]
    return {
        "joiners": people(person.joined_on),
        "leavers": people(person.left_on),
        "progressions": progressions,
        "progressions_by_stage": [{"stage": name, "count": n} for name, n in by_stage.items() if n],
        "progressions_total": sum(by_stage.values()),
    }


# ---------------------------------------------------------------- delivery and development


def courses(session: Session, start: dt.date, end: dt.date) -> dict:
    course, programme = models.Course, models.Programme
    in_year = course.start_on.between(start, end)
    participants = func.coalesce(func.sum(course.participants), 0)
    by_setting = sorted(
        (
            {"setting": name or NOT_RECORDED, "courses": n, "participants": int(p)}
            for name, n, p in session.execute(
                select(course.setting, func.count(), participants).where(in_year).group_by(course.setting)
            )
        ),
        key=lambda r: (r["setting"] == NOT_RECORDED, r["setting"]),
    )
    by_programme = [
        {"programme": code, "courses": n, "participants": int(p)}
        for code, n, p in session.execute(
            select(programme.code, func.count(), participants)
            .join(programme, programme.id == course.programme_id)
            .where(in_year)
            .group_by(programme.code)
            .order_by(programme.code)
        )
    ]
    return {
        "courses": sum(r["courses"] for r in by_setting),
        "participants": sum(r["participants"] for r in by_setting),
        "by_setting": by_setting,
        "by_programme": by_programme,
    }


def supervision(session: Session, start: dt.date, end: dt.date) -> dict:
    """Attendances (one row per supervisee), distinct sessions (supervisor, day, kind) and hours by month."""
    row = models.SupervisionSession
    in_year = row.held_on.between(start, end)
    month = func.extract("month", row.held_on)
    attended = {
        int(m): (n, int(minutes))
        for m, n, minutes in session.execute(
            select(month, func.count(), func.sum(row.minutes)).where(in_year).group_by(month)
        )
    }
    held = (
        select(row.supervisor_id, row.held_on, row.kind)
        .where(in_year)
        .group_by(row.supervisor_id, row.held_on, row.kind)
        .subquery()
    )
    held_month = func.extract("month", held.c.held_on)
    sessions = {int(m): n for m, n in session.execute(select(held_month, func.count()).group_by(held_month))}
    by_month = []
    for m in range(1, end.month + 1):
        rows, minutes = attended.get(m, (0, 0))
        by_month.append(
            {
                "month": f"{start.year}-{m:02d}",
                "rows": rows,
                "sessions": sessions.get(m, 0),
                "minutes": minutes,
                "hours": round(minutes / 60, 1),
            }
        )
    by_kind = [
        {"kind": kind, "rows": n, "hours": round(int(minutes) / 60, 1)}
        for kind, n, minutes in session.execute(
            select(row.kind, func.count(), func.sum(row.minutes)).where(in_year).group_by(row.kind).order_by(row.kind)
        )
    ]
    supervisees, supervisors = session.execute(
        select(func.count(func.distinct(row.supervisee_id)), func.count(func.distinct(row.supervisor_id))).where(
            in_year
        )
    ).one()
    minutes = sum(r["minutes"] for r in by_month)
    return {
        "rows": sum(r["rows"] for r in by_month),
        "sessions": sum(r["sessions"] for r in by_month),
        "minutes": minutes,
        "hours": round(minutes / 60, 1),
        "supervisees": supervisees,
        "supervisors": supervisors,
        "by_month": by_month,
        "by_kind": by_kind,
    }


def development(session: Session, start: dt.date, end: dt.date) -> dict:
    """CPD hours (by category) and retreat days in the year."""
    cpd, retreat = models.CpdActivity, models.Retreat
    by_category = [
        {"category": category, "activities": n, "hours": round(float(hours), 2)}
        for category, n, hours in session.execute(
            select(cpd.category, func.count(), func.sum(cpd.hours))
            .where(cpd.date.between(start, end))
            .group_by(cpd.category)
            .order_by(cpd.category)
        )
    ]
    cpd_people = session.scalar(select(func.count(func.distinct(cpd.person_id))).where(cpd.date.between(start, end)))
    retreats, days, retreat_people = session.execute(
        select(
            func.count(), func.coalesce(func.sum(retreat.days), 0), func.count(func.distinct(retreat.person_id))
        ).where(retreat.start_on.between(start, end))
    ).one()
    return {
        "cpd_hours": round(sum(r["hours"] for r in by_category), 2),
        "cpd_activities": sum(r["activities"] for r in by_category),
        "cpd_people": cpd_people,
        "cpd_by_category": by_category,
        "retreats": retreats,
        "retreat_days": round(float(days), 1),
        "retreat_people": retreat_people,
    }


# ---------------------------------------------------------------- compliance


def quarter_ends(start: dt.date, end: dt.date) -> list[tuple[str, dt.date]]:
    """Each quarter begun by `end`, with its last day (or `end` for the quarter in progress)."""
    result = []
    for q, (month, day) in enumerate(((3, 31), (6, 30), (9, 30), (12, 31)), start=1):
        first = dt.date(start.year, 3 * q - 2, 1)
        if first > end:
            break
        result.append((f"Q{q}", min(dt.date(start.year, month, day), end)))
    return result


def compliance(session: Session, start: dt.date, end: dt.date, policy: Policy) -> dict:
    """The compliance summary at the year end, and the rates at each quarter end."""
    summaries = {
        day: summary(session, as_of=day, policy=policy) for day in {end, *dict(quarter_ends(start, end)).values()}
    }
    quarters = [
        {"quarter": label, "as_of": day, **{key: summaries[day][key] for key in ("assessed", "compliant", "rate")}}
        for label, day in quarter_ends(start, end)
    ]
    return {"year_end": summaries[end], "by_quarter": quarters}


# ---------------------------------------------------------------- succession


# How each kind of risk is told apart from another of its kind, to compare two dates.
RISK_KEYS = {
    "single_points_of_failure": ("kind", "person", "programme", "region"),
    "missing_generations": ("programme", "generation"),
    "posts_at_risk": ("role", "programme", "region"),
    "no_successor": ("person", "programme"),
    "leaving_soon": ("person",),
    "unsupervised": ("person", "programme"),
}


def risks(report: dict) -> dict[str, list[dict]]:
    """The risks of a succession report by kind (the kinds of RISK_KEYS, in order)."""
    at_risk = [post for post in report["posts"] if post["at_risk"]]
    return {kind: at_risk if kind == "posts_at_risk" else report[kind] for kind in RISK_KEYS}


def _by_key(kind: str, found: list[dict]) -> dict[tuple, dict]:
    return {tuple(risk[field] for field in RISK_KEYS[kind]): risk for risk in found}


def _generations(report: dict) -> list[dict]:
    rows = []
    for programme, people in sorted(report["trainer_generations"].items()):
        for generation in sorted(set(people.values())):
            refs = sorted(ref for ref, g in people.items() if g == generation)
            rows.append({"programme": programme, "generation": generation, "count": len(refs), "trainers": refs})
    return rows


def _count(kind: str, previous: int, current: int) -> dict:
    return {"kind": kind, "previous": previous, "current": current, "change": current - previous}


def succession(session: Session, previous_end: dt.date, end: dt.date, policy: Policy) -> dict:
    """Risks at the year end against the previous year end: counts, lists, new and resolved."""
    now = succession_report(session, as_of=end, max_supervisees=policy.max_supervisees)
    before = succession_report(session, as_of=previous_end, max_supervisees=policy.max_supervisees)
    now_risks, before_risks = risks(now), risks(before)
    counts, new, resolved = [], [], []
    for kind in RISK_KEYS:
        current, previous = _by_key(kind, now_risks[kind]), _by_key(kind, before_risks[kind])
        counts.append(_count(kind, len(previous), len(current)))
        new += [{"kind": kind, "risk": risk} for key, risk in current.items() if key not in previous]
        resolved += [{"kind": kind, "risk": risk} for key, risk in previous.items() if key not in current]
    trainers_now = sum(len(p) for p in now["trainer_generations"].values())
    trainers_before = sum(len(p) for p in before["trainer_generations"].values())
    counts.append(_count("active_trainers", trainers_before, trainers_now))
    return {
        "as_of": end,
        "previous_as_of": previous_end,
        "counts": counts,
        "current": now_risks,
        "generations": _generations(now),
        "previous_generations": _generations(before),
        "new": new,
        "resolved": resolved,
    }


# ---------------------------------------------------------------- lineage


def lineage(session: Session, end: dt.date) -> dict:
    """The lineage graph as of the year end (see registry/lineage.py)."""
    return {"as_of": end, "graph": lineage_graph(session, as_of=end)}
