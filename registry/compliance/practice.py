"""Practising work in the window, read once: the last day of each kind (which the
closed form needs for when practising ends) and why a person is practising, in words a
training lead can say to the person ("supervises 3 people", "taught MBCT course C12",
"trained T04")."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from .. import models
from ..policy import Policy
from ..queries import day_number
from .daily import DailySums, taught_courses

# Courses and trainees named in one phrase before "and N more".
_NAMED = 3


@dataclass
class Work:
    """One person's practising work in the window."""

    ref: str
    last: dict[str, int] = field(default_factory=dict)  # work -> last day number
    courses: dict[str, list[str]] = field(default_factory=dict)  # programme -> course codes
    supervisees: int = 0
    trainees: list[str] = field(default_factory=list)

    def phrases(self, policy: Policy) -> list[str]:
        said = {
            "teaching": "taught "
            + " and ".join(
                f"{code} course{'s' if len(named) > 1 else ''} {_listed(named)}" for code, named in self.courses.items()
            ),
            "supervising": f"supervises {self.supervisees} {'person' if self.supervisees == 1 else 'people'}",
            "training": f"trained {_listed(self.trainees)}",
        }
        return [said[work] for work in policy.practising_work if work in self.last]


def work_in_window(connection, sums: DailySums, ref: str | None = None) -> dict[int, Work]:
    """By person id: everyone's (or one person's) practising work in the window of `sums`."""
    person = models.Person.__table__
    only = (person.c.ref == ref,) if ref else ()
    found: dict[int, Work] = {}

    def work(person_id: int, ref: str) -> Work:
        return found.setdefault(person_id, Work(ref))

    def seen(entry: Work, kind: str, day: int) -> None:
        entry.last[kind] = max(day, entry.last.get(kind, day))

    for person_id, ref, day, programme, course in connection.execute(_teaching(sums, person).where(*only)):
        entry = work(person_id, ref)
        seen(entry, "teaching", day)
        entry.courses.setdefault(programme, []).append(course)
    for person_id, ref, day, supervisees in connection.execute(_supervising(sums, person).where(*only)):
        entry = work(person_id, ref)
        seen(entry, "supervising", day)
        entry.supervisees = supervisees
    for person_id, ref, day, trainee in connection.execute(_training(sums, person).where(*only)):
        entry = work(person_id, ref)
        seen(entry, "training", day)
        if trainee not in entry.trainees:
            entry.trainees.append(trainee)
    return found


def add_practising_as(rows: list[dict], work: dict[str, Work], policy: Policy) -> None:
    """Give each report row a `practising_as` list (empty for a person not practising);
    `work` is by ref."""
    for row in rows:
        entry = work.get(row["person"]) if row["practising"] else None
        row["practising_as"] = entry.phrases(policy) if entry else []


def _in_window(sums: DailySums, column):
    return (column > sums.start, column <= sums.as_of)


def _teaching(sums: DailySums, person):
    course, programme = models.Course.__table__, models.Programme.__table__
    taught = taught_courses(*_in_window(sums, course.c.start_on))
    return (
        select(taught.c.person_id, person.c.ref, day_number(taught.c.start_on, sums.dialect), programme.c.code, course.c.code)
        .select_from(taught)
        .join(person, person.c.id == taught.c.person_id)
        .join(course, course.c.id == taught.c.course_id)
        .join(programme, programme.c.id == taught.c.programme_id)
        .order_by(taught.c.person_id, programme.c.code, course.c.code)
    )


def _supervising(sums: DailySums, person):
    held = models.SupervisionSession.__table__
    return (
        select(
            held.c.supervisor_id,
            person.c.ref,
            func.max(day_number(held.c.held_on, sums.dialect)),
            func.count(func.distinct(held.c.supervisee_id)),
        )
        .join(person, person.c.id == held.c.supervisor_id)
        .where(*sums.qualifying(held), *_in_window(sums, held.c.held_on))
        .group_by(held.c.supervisor_id, person.c.ref)
    )


def _training(sums: DailySums, person):
    training = models.Training.__table__
    trainee = person.alias("trainee")
    return (
        select(training.c.trainer_id, person.c.ref, day_number(training.c.trained_on, sums.dialect), trainee.c.ref)
        .select_from(training)
        .join(person, person.c.id == training.c.trainer_id)
        .join(trainee, trainee.c.id == training.c.trainee_id)
        .where(*_in_window(sums, training.c.trained_on))
        .order_by(training.c.trainer_id, trainee.c.ref)
    )


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:_NAMED])
    return shown if len(names) <= _NAMED else f"{shown} and {len(names) - _NAMED} more"
