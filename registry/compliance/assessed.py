"""Who is assessed: people in an assessed status holding the policy's minimum stage (in
any programme, or in the programme asked for) on the as-of date. An erased person never
is, whatever statuses a policy lists: erasure ends assessment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, exists, select

from .. import models
from ..policy import Policy
from ..queries import programme_id, stage_rank
from ..vocab import ERASED, STAGE_RANK


@dataclass
class Scope:
    organisation: str | None = None
    region: str | None = None
    programme: str | None = None
    person: str | None = None


def assessed_people(as_of: dt.date, policy: Policy, scope: Scope):
    """A query of the assessed people, sorted by ref: id, ref, name, organisation code, region."""
    person, org, stage = models.Person, models.Organisation, models.Stage
    qualifying = [
        stage.person_id == person.id,
        stage.attained_on <= as_of,
        stage_rank(stage.stage) >= STAGE_RANK[policy.minimum_stage],
    ]
    if scope.programme:
        qualifying.append(stage.programme_id == programme_id(scope.programme))
    query = (
        select(person.id, person.ref, person.name, org.code, org.region)
        .join(org, org.id == person.organisation_id)
        .where(
            person.status.in_(policy.assessed_statuses), person.status != ERASED, exists().where(and_(*qualifying))
        )
        .order_by(person.ref)
    )
    if scope.organisation:
        query = query.where(org.code == scope.organisation)
    if scope.region:
        query = query.where(org.region == scope.region)
    if scope.person:
        query = query.where(person.ref == scope.person)
    return query


def person_info(ref: str, name: str, organisation: str, region: str) -> dict:
    """The columns that name a person in every compliance row."""
    return {"person": ref, "name": name, "organisation": organisation, "region": region}
