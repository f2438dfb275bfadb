"""The database itself refuses bad rows, whatever client writes them."""

import datetime as dt

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from mbp_registry.registry import models

D = dt.date(2025, 1, 10)


@pytest.fixture
def base(engine):
    """One organisation, one programme and two people: ids 1 and 2."""
    with engine.begin() as c:
        c.execute(insert(models.Organisation), [{"id": 1, "code": "ORG", "name": "Org", "region": "North"}])
        c.execute(insert(models.Programme), [{"id": 1, "code": "MBCT", "name": "MBCT"}])
        c.execute(
            insert(models.Person),
            [
                {"id": 1, "ref": "A", "name": "A", "organisation_id": 1, "status": "active", "email": "a@x.org"},
                {"id": 2, "ref": "B", "name": "B", "organisation_id": 1, "status": "active", "email": None},
            ],
        )
    return engine


def session_row(**changes):
    row = {"supervisor_id": 1, "supervisee_id": 2, "held_on": D, "minutes": 60, "kind": "individual"}
    return {**row, **changes}


def cpd_row(**changes):
    return {**{"person_id": 1, "date": D, "hours": 2.5, "category": "course", "description": ""}, **changes}


def retreat_row(**changes):
    return {**{"person_id": 1, "start_on": D, "days": 5}, **changes}


def link_row(**changes):
    return {**{"supervisor_id": 1, "supervisee_id": 2, "programme_id": 1, "started_on": D}, **changes}


def person_row(**changes):
    return {**{"ref": "C", "name": "C", "organisation_id": 1, "status": "active"}, **changes}


def stage_row(**changes):
    return {**{"person_id": 1, "programme_id": 1, "stage": "teacher", "attained_on": D}, **changes}


def training_row(**changes):
    return {**{"trainer_id": 1, "trainee_id": 2, "programme_id": 1, "stage": "teacher", "trained_on": D}, **changes}


def course_row(**changes):
    return {**{"code": "C1", "programme_id": 1, "start_on": D, "lead_id": 1}, **changes}


def nomination_row(**changes):
    row = {"person_id": 1, "programme_id": 1, "region": "North", "role": "trainer", "readiness": "ready_now", "nominated_on": D}
    return {**row, **changes}


BAD_ROWS = {
    "minutes below 1": (models.SupervisionSession, session_row(minutes=0)),
    "minutes above 600": (models.SupervisionSession, session_row(minutes=601)),
    "unknown session kind": (models.SupervisionSession, session_row(kind="chat")),
    "unknown session mode": (models.SupervisionSession, session_row(mode="pigeon")),
    "self-supervision session": (models.SupervisionSession, session_row(supervisee_id=1)),
    "session of nobody": (models.SupervisionSession, session_row(supervisee_id=99)),
    "zero CPD hours": (models.CpdActivity, cpd_row(hours=0)),
    "CPD hours above 100": (models.CpdActivity, cpd_row(hours=100.5)),
    "unknown CPD category": (models.CpdActivity, cpd_row(category="napping")),
    "zero retreat days": (models.Retreat, retreat_row(days=0)),
    "retreat days above 60": (models.Retreat, retreat_row(days=61)),
    "link ending before it starts": (models.SupervisionLink, link_row(ended_on=D - dt.timedelta(days=1))),
    "self-supervision link": (models.SupervisionLink, link_row(supervisee_id=1)),
    "unknown status": (models.Person, person_row(status="asleep")),
    "leaving before joining": (models.Person, person_row(joined_on=D, left_on=D - dt.timedelta(days=1))),
    "person of no organisation": (models.Person, person_row(organisation_id=42)),
    "duplicate person ref": (models.Person, person_row(ref="A")),
    "duplicate email": (models.Person, person_row(email="a@x.org")),
    "unknown stage": (models.Stage, stage_row(stage="guru")),
    "unknown MBI:TAC level": (models.Stage, stage_row(tac_level="superb")),
    "self-training": (models.Training, training_row(trainee_id=1)),
    "negative participants": (models.Course, course_row(participants=-1)),
    "unknown post role": (models.Nomination, nomination_row(role="boss")),
    "unknown readiness": (models.Nomination, nomination_row(readiness="soon")),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_database_refuses_bad_row(base, case):
    model, row = BAD_ROWS[case]
    with pytest.raises(IntegrityError):
        with base.begin() as c:
            c.execute(insert(model), [row])


DUPLICATES = {
    "session": (models.SupervisionSession, session_row()),
    "cpd": (models.CpdActivity, cpd_row()),
    "retreat": (models.Retreat, retreat_row()),
    "supervision link": (models.SupervisionLink, link_row()),
    "stage": (models.Stage, stage_row()),
    "training": (models.Training, training_row()),
    "course": (models.Course, course_row()),
    "nomination": (models.Nomination, nomination_row()),
}


@pytest.mark.parametrize("case", sorted(DUPLICATES))
def test_database_refuses_the_same_identity_twice(base, case):
    model, row = DUPLICATES[case]
    with base.begin() as c:
        c.execute(insert(model), [row])
    with pytest.raises(IntegrityError):
        with base.begin() as c:
            c.execute(insert(model), [row])


def test_good_rows_are_accepted(base):
    with base.begin() as c:
        c.execute(insert(models.SupervisionSession), [session_row(minutes=600, mode="video")])
        c.execute(insert(models.CpdActivity), [cpd_row(hours=100)])
        c.execute(insert(models.Retreat), [retreat_row(days=0.5)])
        c.execute(insert(models.SupervisionLink), [link_row(ended_on=D)])
