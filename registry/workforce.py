"""The workforce on past dates, read from each person's status history (history.py):
head counts by stage, programme and region on a day, and who joined and who left
between two days. For the annual report; the compliance and succession reports keep
today's status.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models
from .history import GONE, state_on
from .queries import highest_stages
from .vocab import STAGES

# The category of people with no stage, as the tables show it.
NO_STAGE = "no stage yet"


def _stage_name(rank: int | None) -> str:
    return STAGES[rank - 1] if rank else NO_STAGE


def headcounts(session: Session, day: dt.date) -> dict:
    """People active on `day` by highest stage, by programme and their highest stage in
    it, and by the region of their organisation on that day."""
    programme, org = models.Programme, models.Organisation
    state = state_on(day)
    active = state.c.status == "active"
    highest = highest_stages(day, per_programme=False)
    by_stage = session.execute(
        select(highest.c.rank, func.count())
        .select_from(state)
        .outerjoin(highest, highest.c.person_id == state.c.person_id)
        .where(active)
        .group_by(highest.c.rank)
    )
    per_programme = highest_stages(day)
    by_programme = session.execute(
        select(programme.code, per_programme.c.rank, func.count())
        .select_from(per_programme)
        .join(state, state.c.person_id == per_programme.c.person_id)
        .join(programme, programme.id == per_programme.c.programme_id)
        .where(active)
        .group_by(programme.code, per_programme.c.rank)
    )
    by_region = session.execute(
        select(org.region, func.count())
        .select_from(state)
        .join(org, org.id == state.c.organisation_id)
        .where(active)
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
    before, after = headcounts(session, start), headcounts(session, end)
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


def joiners_and_leavers(session: Session, start: dt.date, end: dt.date) -> dict[str, list[dict]]:
    """Who joined (their first row of history) and who left (a row of a leaving status
    after one that was not) between `start` and `end`, with the region they joined or left in."""
    history, person, org = models.StatusChange, models.Person, models.Organisation
    steps = select(
        history.person_id,
        history.on,
        history.status,
        history.organisation_id,
        func.lag(history.status).over(partition_by=history.person_id, order_by=history.on).label("before"),
    ).subquery("steps")

    def people(*conditions) -> list[dict]:
        query = (
            select(person.ref, person.name, org.region, steps.c.status, steps.c.on)
            .select_from(steps)
            .join(person, person.id == steps.c.person_id)
            .join(org, org.id == steps.c.organisation_id)
            .where(steps.c.on.between(start, end), *conditions)
            .order_by(steps.c.on, person.ref)
        )
        return [
            {"person": ref, "name": name, "region": region, "status": status, "on": on}
            for ref, name, region, status, on in session.execute(query)
        ]

    left = steps.c.status.in_(GONE) & (steps.c.before.is_(None) | steps.c.before.not_in(GONE))
    return {"joiners": people(steps.c.before.is_(None)), "leavers": people(left)}
