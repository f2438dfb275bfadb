"""What assessments of teaching tell a lead: who has been assessed lately, the levels
reached on each MBI:TAC domain, and each teacher's latest level by domain with its trend.

Set-based queries returning plain data. A teacher is an active person holding stage
`teacher` or higher in the programme on the as-of date; an assessment is recent when it
is dated in the N years up to the as-of date (after as_of - N years, on or before as_of).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from . import models
from .queries import highest_stages, years_after
from .vocab import STAGE_RANK, TAC_DOMAINS, TAC_LEVELS

# Assessments of the last this many years count as recent, unless the policy says otherwise.
RECENT_YEARS = 3


def _teachers(as_of: dt.date):
    """(person id, ref, programme id, code, region) of each active teacher or higher."""
    stage = highest_stages(as_of)
    person, organisation, programme = models.Person, models.Organisation, models.Programme
    return (
        select(person.id.label("person_id"), person.ref, programme.id.label("programme_id"),
               programme.code.label("programme"), organisation.region)
        .join(stage, stage.c.person_id == person.id)
        .join(programme, programme.id == stage.c.programme_id)
        .join(organisation, organisation.id == person.organisation_id)
        .where(person.status == "active", stage.c.rank >= STAGE_RANK["teacher"])
    )


def _latest(as_of: dt.date, since: dt.date):
    """Each person's latest recent assessment in each programme (the highest id of the
    latest day), as a subquery of assessments columns."""
    assessment = models.Assessment.__table__
    ranked = select(
        assessment,
        func.row_number()
        .over(partition_by=[assessment.c.person_id, assessment.c.programme_id],
              order_by=[assessment.c.on.desc(), assessment.c.id.desc()])
        .label("newest"),
    ).where(assessment.c.on > since, assessment.c.on <= as_of).subquery()
    return select(ranked).where(ranked.c.newest == 1).subquery("latest")


def assessment_summary(
    session: Session, *, as_of: dt.date, years: int = RECENT_YEARS, programme: str | None = None,
    region: str | None = None,
) -> dict:
    """By programme and region: teachers, those assessed in the last `years` years and
    their share; by programme and domain: how many teachers' latest recent assessment
    reached each level."""
    since = years_after(as_of, -years)  # an assessment counts when dated after it
    teachers = _teachers(as_of).subquery("teachers")
    latest = _latest(as_of, since)
    query = select(teachers.c.programme, teachers.c.region, *[latest.c[d] for d in TAC_DOMAINS]).outerjoin(
        latest, and_(latest.c.person_id == teachers.c.person_id, latest.c.programme_id == teachers.c.programme_id)
    )
    if programme:
        query = query.where(teachers.c.programme == programme)
    if region:
        query = query.where(teachers.c.region == region)
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    levels: dict[str, dict[str, Counter]] = defaultdict(lambda: {d: Counter() for d in TAC_DOMAINS})
    for row in session.execute(query).mappings():
        key = (row["programme"], row["region"])
        counts[key][0] += 1
        if row["coverage"] is not None:
            counts[key][1] += 1
            for domain in TAC_DOMAINS:
                levels[row["programme"]][domain][row[domain]] += 1
    return {
        "as_of": as_of,
        "years": years,
        "coverage": [
            {"programme": p, "region": r, "teachers": t, "assessed": a, "share": round(a / t, 3)}
            for (p, r), (t, a) in sorted(counts.items())
        ],
        "levels": [
            {"programme": p, "domain": domain, **{level: levels[p][domain][level] for level in TAC_LEVELS}}
            for p in sorted(levels)
            for domain in TAC_DOMAINS
        ],
    }


def latest_levels(session: Session, ref: str, *, as_of: dt.date) -> list[dict]:
    """For each programme a person was assessed in (on or before `as_of`): their latest
    level on each domain, the level before it, and the trend (`up`, `down`, `same`, or
    None for a first assessment)."""
    assessment, person, programme = models.Assessment.__table__, models.Person, models.Programme
    query = (
        select(programme.code.label("programme"), assessment.c.on, *[assessment.c[d] for d in TAC_DOMAINS])
        .join(person, person.id == assessment.c.person_id)
        .join(programme, programme.id == assessment.c.programme_id)
        .where(person.ref == ref, assessment.c.on <= as_of)
        .order_by(programme.code, assessment.c.on.desc(), assessment.c.id.desc())
    )
    newest: dict[str, list] = defaultdict(list)
    for row in session.execute(query).mappings():
        if len(newest[row["programme"]]) < 2:
            newest[row["programme"]].append(row)
    shown = []
    for code, rows in newest.items():
        latest, earlier = rows[0], rows[1] if len(rows) > 1 else None
        for domain in TAC_DOMAINS:
            before = earlier[domain] if earlier else None
            shown.append({"programme": code, "domain": domain, "level": latest[domain], "on": latest["on"],
                          "previous": before, "trend": _trend(before, latest[domain])})
    return shown


def _trend(before: str | None, now: str) -> str | None:
    if before is None:
        return None
    change = TAC_LEVELS.index(now) - TAC_LEVELS.index(before)
    return "up" if change > 0 else "down" if change < 0 else "same"


def below_proficient(session: Session, as_of: dt.date) -> dict[tuple[str, str], list[str]]:
    """(ref, programme) -> the domains where the person's latest assessment in the
    programme (on or before `as_of`) is below `proficient`, for those with any: the
    supervisor guidelines expect proficiency of a supervisor, so such a candidate is not
    ready now for a supervisor post."""
    latest = _latest(as_of, dt.date.min)
    person, programme = models.Person, models.Programme
    query = (
        select(person.ref, programme.code, *[latest.c[d] for d in TAC_DOMAINS])
        .join(person, person.id == latest.c.person_id)
        .join(programme, programme.id == latest.c.programme_id)
    )
    bar = TAC_LEVELS.index("proficient")
    found = {}
    for ref, code, *levels in session.execute(query):
        below = [domain for domain, level in zip(TAC_DOMAINS, levels) if TAC_LEVELS.index(level) < bar]
        if below:
            found[(ref, code)] = below
    return found
