"""The assessment rule: under a policy that sets `assessment.required_within_years` (N),
an assessed person is compliant only with an MBI:TAC assessment of their teaching, in
any programme, that is recent: dated in the N years up to the day, as `assessment
summary` counts them (after the same day N years back, on or before the day).

Compliance is the person's, not a programme's, so an assessment in any programme
serves. Only their latest assessment dated on or before the as-of date matters: it stays
recent until the first day whose date N years back is on or after it (N years on; 1
March for an assessment of 29 February when that year has no such day), the day the
person lapses for want of one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from .. import models
from ..policy import Policy
from ..queries import years_after


def last_assessed(connection, policy: Policy, as_of: dt.date, people=None) -> dict[int, int]:
    """By person id (of `people`, a subquery of ids, or everyone): the day number of their
    latest assessment dated on or before `as_of`. Empty when the policy has no such rule."""
    if not policy.assessment_required_within_years:
        return {}
    assessment = models.Assessment.__table__
    query = (
        select(assessment.c.person_id, func.max(assessment.c.on))
        .where(assessment.c.on <= as_of)
        .group_by(assessment.c.person_id)
    )
    if people is not None:
        query = query.where(assessment.c.person_id.in_(people))
    return {person_id: dated.toordinal() for person_id, dated in connection.execute(query)}


def recent_until(assessed_on: int, years: int) -> int:
    """The day number on which an assessment dated on day `assessed_on` stops being recent."""
    dated = dt.date.fromordinal(assessed_on)
    day = years_after(dated, years)
    if years_after(day, -years) < dated:  # 29 February, N years on in a year without one
        day += dt.timedelta(days=1)
    return day.toordinal()


def short_of_assessment(assessed_on: int | None, day: int, years: int) -> bool:
    """Whether a person whose latest assessment is dated `assessed_on` (None: none) lacks a
    recent one on `day`, under a rule of `years` (0: no rule)."""
    return bool(years) and (assessed_on is None or day >= recent_until(assessed_on, years))
