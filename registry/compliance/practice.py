"""Why a person is practising: the work in the window that makes `supervision_required`
the higher number, in words a training lead can say to the person ("supervises 3
people", "taught MBCT course C12", "trained T04")."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import models
from ..policy import Policy
from .daily import DailySums, taught_courses

# Above this many rows the queries read everyone's work rather than a list of refs.
_FILTER_UP_TO = 500
# Courses and trainees named in one phrase before "and N more".
_NAMED = 3


def add_practising_as(session: Session, rows: list[dict], as_of: dt.date, policy: Policy) -> None:
    """Give each report row a `practising_as` list: the phrases of the policy's practising
    work in the window (empty for a person not practising)."""
    practising = [row["person"] for row in rows if row["practising"]]
    found = practising_as(session, as_of, policy, practising if len(practising) <= _FILTER_UP_TO else None) if practising else {}
    for row in rows:
        row["practising_as"] = found.get(row["person"], []) if row["practising"] else []


def practising_as(session: Session, as_of: dt.date, policy: Policy, refs: list[str] | None = None) -> dict[str, list[str]]:
    """By ref: the phrases of each person's practising work in the window."""
    connection = session.connection()
    sums = DailySums(connection.dialect.name, as_of, policy)
    person = models.Person.__table__
    only = (person.c.ref.in_(refs),) if refs is not None else ()
    phrases: dict[str, list[str]] = defaultdict(list)
    for work in policy.practising_work:
        for ref, phrase in _WORK[work](connection, sums, person, only):
            phrases[ref].append(phrase)
    return phrases


def _in_window(sums: DailySums, column):
    return (column > sums.start, column <= sums.as_of)


def _teaching(connection, sums, person, only):
    taught = taught_courses(*_in_window(sums, models.Course.__table__.c.start_on))
    course, programme = models.Course.__table__, models.Programme.__table__
    query = (
        select(person.c.ref, programme.c.code, course.c.code)
        .select_from(taught)
        .join(person, person.c.id == taught.c.person_id)
        .join(course, course.c.id == taught.c.course_id)
        .join(programme, programme.c.id == taught.c.programme_id)
        .where(*only)
        .order_by(person.c.ref, taught.c.start_on, course.c.code)
    )
    courses: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for ref, programme_code, course_code in connection.execute(query):
        courses[ref].setdefault(programme_code, []).append(course_code)
    for ref, by_programme in courses.items():
        taught = [
            f"{code} course{'s' if len(named) > 1 else ''} {_listed(named)}" for code, named in by_programme.items()
        ]
        yield ref, "taught " + " and ".join(taught)


def _supervising(connection, sums, person, only):
    held = models.SupervisionSession.__table__
    query = (
        select(person.c.ref, func.count(func.distinct(held.c.supervisee_id)))
        .join(person, person.c.id == held.c.supervisor_id)
        .where(*sums.qualifying(held), *_in_window(sums, held.c.held_on), *only)
        .group_by(person.c.ref)
    )
    for ref, count in connection.execute(query):
        yield ref, f"supervises {count} {'person' if count == 1 else 'people'}"


def _training(connection, sums, person, only):
    training = models.Training.__table__
    trainee = person.alias("trainee")
    query = (
        select(person.c.ref, trainee.c.ref)
        .select_from(training)
        .join(person, person.c.id == training.c.trainer_id)
        .join(trainee, trainee.c.id == training.c.trainee_id)
        .where(*_in_window(sums, training.c.trained_on), *only)
        .order_by(person.c.ref, trainee.c.ref)
        .distinct()
    )
    trained: dict[str, list[str]] = defaultdict(list)
    for ref, trainee_ref in connection.execute(query):
        trained[ref].append(trainee_ref)
    for ref, named in trained.items():
        yield ref, f"trained {_listed(named)}"


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:_NAMED])
    return shown if len(names) <= _NAMED else f"{shown} and {len(names) - _NAMED} more"


_WORK = {"teaching": _teaching, "supervising": _supervising, "training": _training}
