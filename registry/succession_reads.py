"""What a succession snapshot reads of the links, lineage and nominations, as of a date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from . import models
from .quality_summary import below_proficient
from .queries import training_edges


def current_links(session: Session, as_of: dt.date) -> list[tuple[str, str, str]]:
    """Supervision links current on the day: (supervisor, supervisee, programme)."""
    supervisor = models.Person.__table__.alias("supervisor")
    supervisee = models.Person.__table__.alias("supervisee")
    link, programme = models.SupervisionLink, models.Programme
    query = (
        select(supervisor.c.ref, supervisee.c.ref, programme.code)
        .select_from(link)
        .join(supervisor, supervisor.c.id == link.supervisor_id)
        .join(supervisee, supervisee.c.id == link.supervisee_id)
        .join(programme, programme.id == link.programme_id)
        .where(link.started_on <= as_of, or_(link.ended_on.is_(None), link.ended_on > as_of))
    )
    return [tuple(row) for row in session.execute(query)]


def trainer_training(session: Session, as_of: dt.date) -> list[tuple[str, str, str]]:
    """The training records towards trainer stages: (trainer, trainee, programme)."""
    edges = training_edges(as_of=as_of).subquery()
    query = select(edges.c.trainer, edges.c.trainee, edges.c.programme).where(
        edges.c.stage.in_(("trainer", "trainer_of_trainers"))
    )
    return [tuple(row) for row in session.execute(query)]


def nominations(session: Session, as_of: dt.date) -> list[dict]:
    """Nominations made by the day, each with the domains where the candidate's latest
    MBI:TAC assessment in the programme is below proficient (`below`; None when none)."""
    person, programme, nomination = models.Person, models.Programme, models.Nomination
    query = (
        select(
            person.ref.label("person"),
            programme.code.label("programme"),
            nomination.region,
            nomination.role,
            nomination.readiness,
            nomination.emergency,
            nomination.nominated_on,
        )
        .join(person, person.id == nomination.person_id)
        .join(programme, programme.id == nomination.programme_id)
        .where(nomination.nominated_on <= as_of)
        .order_by(programme.code, nomination.region, nomination.role, person.ref)
    )
    below = below_proficient(session, as_of)
    rows = session.execute(query).mappings()
    return [{**row, "emergency": bool(row["emergency"]), "below": below.get((row["person"], row["programme"]))} for row in rows]
