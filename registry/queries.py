"""The questions many reports ask, each written once as SQL.

- a stage's rank as a number, and each person's highest stage as of a date;
- since when each person may supervise (a qualifying session's supervisor);
- who trained whom (the lineage's edges);
- a date as a day number, for sums over rolling windows;
- who was in post on a day.

Each returns a selectable for the caller to join or filter further; nothing here runs
a query or knows a report.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, and_, case, cast, func, literal, or_, select

from . import tables
from .vocab import STAGE_RANK


def stage_rank(column):
    """A stage column as its rank (trainee 1 ... trainer of trainers 5), in SQL."""
    return case({stage: rank for stage, rank in STAGE_RANK.items()}, value=column)


def programme_id(code: str):
    """The id of the programme with `code`, as a scalar subquery."""
    return select(tables.programmes.c.id).where(tables.programmes.c.code == code).scalar_subquery()


def highest_stages(as_of: dt.date, *, per_programme: bool = True, programme: str | None = None):
    """Each person's highest stage attained on or before `as_of`: a subquery with columns
    person_id, programme_id (when `per_programme`) and rank."""
    stage = tables.stages
    keys = [stage.c.person_id, stage.c.programme_id] if per_programme else [stage.c.person_id]
    query = (
        select(*keys, func.max(stage_rank(stage.c.stage)).label("rank"))
        .where(stage.c.attained_on <= as_of)
        .group_by(*keys)
    )
    if programme:
        query = query.where(stage.c.programme_id == programme_id(programme))
    return query.subquery("highest_stage")


def qualified_since(minimum_stage: str = "supervisor"):
    """The first day each person held `minimum_stage` or higher in any programme: a
    subquery with columns person_id and since. Stages are never lost, so a person holds
    it on day d exactly when since <= d (the contract's qualifying session: its
    supervisor holds stage supervisor or higher in at least one programme that day)."""
    stage = tables.stages
    return (
        select(stage.c.person_id, func.min(stage.c.attained_on).label("since"))
        .where(stage_rank(stage.c.stage) >= STAGE_RANK[minimum_stage])
        .group_by(stage.c.person_id)
        .subquery("qualified")
    )


def training_edges(*, as_of: dt.date | None = None, programme: str | None = None):
    """Who trained whom: trainer, trainee (refs), programme (code), stage, trained_on,
    ordered by programme, trainer, trainee and stage."""
    trainer = tables.people.alias("trainer")
    trainee = tables.people.alias("trainee")
    programmes, training = tables.programmes, tables.training
    query = (
        select(
            trainer.c.ref.label("trainer"),
            trainee.c.ref.label("trainee"),
            programmes.c.code.label("programme"),
            training.c.stage,
            training.c.trained_on,
        )
        .select_from(training)
        .join(trainer, trainer.c.id == training.c.trainer_id)
        .join(trainee, trainee.c.id == training.c.trainee_id)
        .join(programmes, programmes.c.id == training.c.programme_id)
        .order_by(programmes.c.code, trainer.c.ref, trainee.c.ref, training.c.stage)
    )
    if as_of is not None:
        query = query.where(training.c.trained_on <= as_of)
    if programme:
        query = query.where(programmes.c.code == programme)
    return query


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (or earlier, for a negative number); 28 February for a
    29 February that the year has not."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def day_number(column, dialect: str):
    """A date column as its proleptic Gregorian ordinal (Python's date.toordinal), in SQL."""
    if dialect == "sqlite":
        # Julian day numbers of midnights end in .5; day 1 is 0001-01-01.
        return cast(func.julianday(column) - 1721424.5, Integer)
    return column - literal(dt.date(1, 1, 1)) + 1


def in_post(day: dt.date):
    """People in post on `day`: joined by then, and active now or left after that day."""
    person = tables.people.c
    return and_(
        or_(person.joined_on.is_(None), person.joined_on <= day),
        or_(person.left_on.is_(None), person.left_on > day),
        or_(person.status == "active", person.left_on > day),
    )
