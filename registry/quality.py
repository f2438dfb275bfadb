"""Quality of teaching and evaluation of courses.

Assessments of teaching on the six domains of the MBI:TAC (Crane et al. 2013) and the
outcome measures of courses are records like any other (recordtypes.ASSESSMENT and
COURSE_OUTCOME: added, amended, removed and imported through the one validation layer).
This module reads the levels given on the command line, shapes assessments as the
contract lists them (the six levels under `levels`), and lists outcomes.
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import recordtypes as rt
from . import models
from .bundle.tables import TABLES
from .errors import Invalid, NotFound
from .rows import rows_where
from .validate import missing_reference
from .views import Filters, list_records
from .vocab import TAC_DOMAINS, TAC_LEVELS


def read_levels(pairs: Iterable[str]) -> dict[str, str]:
    """`DOMAIN=LEVEL` pairs as {domain: level}: every domain once, each level one of the
    MBI:TAC's; Invalid naming the first bad pair or the missing domains."""
    levels: dict[str, str] = {}
    for pair in pairs:
        domain, equals, level = pair.partition("=")
        domain, level = domain.strip().lower(), level.strip().lower()
        if not equals:
            raise Invalid(f"level: {pair!r} is not DOMAIN=LEVEL, e.g. coverage=competent")
        if domain not in TAC_DOMAINS:
            raise Invalid(f"level: {domain!r} is not an MBI:TAC domain; use one of {', '.join(TAC_DOMAINS)}")
        if domain in levels:
            raise Invalid(f"level: {domain!r} is given twice")
        if level not in TAC_LEVELS:
            raise Invalid(f"level: {level!r} is not an MBI:TAC level; use one of {', '.join(TAC_LEVELS)}")
        levels[domain] = level
    missing = [domain for domain in TAC_DOMAINS if domain not in levels]
    if missing:
        raise Invalid(f"level: all six domains are assessed; missing {', '.join(missing)}")
    return levels


def with_levels(row: dict) -> dict:
    """A record of assessments.csv as the contract lists it: the six levels under `levels`."""
    shaped = {key: value for key, value in row.items() if key not in TAC_DOMAINS}
    shaped["levels"] = {domain: row[domain] for domain in TAC_DOMAINS}
    return shaped


def assessments(session: Session, *, person: str | None = None, programme: str | None = None) -> list[dict]:
    """Assessments of teaching, newest first, of one teacher or programme if given."""
    return list_records(session, rt.ASSESSMENT, Filters(person=person, programme=programme))


def course_outcomes(session: Session, *, course: str | None = None) -> list[dict]:
    """The outcome measures of every course (or of one: NotFound when there is no such
    course), by course and measure."""
    conditions = []
    if course:
        found = session.scalar(select(models.Course.id).where(models.Course.code == course))
        if found is None:
            raise NotFound(missing_reference("course", "course", course))
        conditions.append(TABLES[rt.COURSE_OUTCOME.name].c.course_id == found)
    return list(rows_where(session, rt.COURSE_OUTCOME, *conditions))
