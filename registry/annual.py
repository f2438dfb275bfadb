"""The annual governance report as plain data, for `report annual` and the demo.

The year runs from 1 January to 31 December, or to today for the current year. Its
start is read as at 31 December of the year before, so that the change in the workforce
over the year is the people who became active in it less those who stopped being active:
the joiners less the leavers, except for people going on leave, coming back or returning
after leaving, joiners on leave at the end and leavers on leave at the start (the
report's notes say so). Every count is a set-based aggregate; compliance and succession reuse their own reports, read as of
the year end, each quarter end and the previous year end.

Head counts on past dates, joiners and leavers come from each person's status history
(workforce.py, history.py).

The figures are plain data (risks as the succession report gives them, the lineage as
its graph); render/annual.py says them in words, tables and charts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models
from .compliance import summary
from .errors import Invalid
from .annual_quality import course_evaluation, teaching_quality
from .lineage import lineage_graph, lineage_picture_data
from .policy import Policy
from .succession import succession_report
from .views import names as all_names
from .vocab import NOT_RECORDED, STAGES
from .workforce import joiners_and_leavers, workforce

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


# The parts of the report in the order they are worked out, for a progress callback.
STEPS = (
    "workforce", "movement", "courses", "supervision", "development", "compliance", "succession", "lineage", "names",
    "teaching", "evaluation",
)


def annual_report(
    session: Session,
    year: int,
    policy: Policy,
    *,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Everything the annual report shows, as plain data; `progress` is told each part
    (of STEPS) as it is done."""
    when = period(year, today)
    start, end, previous_end = when["start"], when["end"], when["previous_end"]
    work = {
        "workforce": lambda: workforce(session, previous_end, end),
        "movement": lambda: movement(session, start, end),
        "courses": lambda: courses(session, start, end),
        "supervision": lambda: supervision(session, start, end),
        "development": lambda: development(session, start, end),
        "compliance": lambda: compliance(session, start, end, policy),
        "succession": lambda: succession(session, previous_end, end, policy),
        "lineage": lambda: lineage(session, end),
        "names": lambda: all_names(session),
        "teaching": lambda: teaching_quality(session, start, end, dt.date(start.year - 1, 1, 1)),
        "evaluation": lambda: course_evaluation(session, start, end),
    }
    data = {"period": when, "generated_on": today or dt.date.today(), "policy": policy.name}
    for step in STEPS:
        data[step] = work[step]()
        if progress:
            progress(step)
    return data


# ---------------------------------------------------------------- joiners, leavers, progressions


def movement(session: Session, start: dt.date, end: dt.date) -> dict:
    stage, programme = models.Stage, models.Programme
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
        **joiners_and_leavers(session, start, end),
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
                # A month the period ends in before its last day.
                "partial": m == end.month and (end + dt.timedelta(days=1)).month == m,
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
    """The compliance summary at the year end, the rates at each quarter end, and the
    region of each organisation (whose counts add up to their region's)."""
    summaries = {
        day: summary(session, as_of=day, policy=policy) for day in {end, *dict(quarter_ends(start, end)).values()}
    }
    quarters = [
        {"quarter": label, "as_of": day, **{key: summaries[day][key] for key in ("assessed", "compliant", "rate")}}
        for label, day in quarter_ends(start, end)
    ]
    org = models.Organisation
    regions = dict(session.execute(select(org.code, org.region)).all())
    return {"year_end": summaries[end], "by_quarter": quarters, "organisation_regions": regions}


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
    """The lineage graph as of the year end (see registry/lineage.py), its programmes, and
    its trainers counted per programme and generation, active and not."""
    graph = lineage_graph(session, as_of=end)
    counts: Counter = Counter()
    for _, node in graph.nodes(data=True):
        for code, generation in node["generation"].items():
            counts[(code, generation, node["status"] == "active")] += 1
    generations = [
        {"programme": code, "generation": g, "active": counts[(code, g, True)], "not_active": counts[(code, g, False)]}
        for code, g in sorted({(code, g) for code, g, _ in counts})
    ]
    programmes = sorted({edge["programme"] for _, _, edge in graph.edges(data=True)})
    pictures = lineage_picture_data(session, as_of=end)
    return {"as_of": end, "graph": graph, "programmes": programmes, "generations": generations, "pictures": pictures}
