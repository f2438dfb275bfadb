"""Each person's history in the service: their status and organisation from each date on.

A row of `status_history` holds a person's status and organisation from its date until
the next row's. The first row is when they joined (1 January 1900 when the registry does
not know). `person leave` and `person update` of status or organisation add a row;
`amend` corrects a person without adding one; import adds the rows of its bundle and
then, for each person whose latest row differs from the record, a row that brings the
history up to date (`reconcile`). The annual report reads past head counts, joiners and
leavers from here (`state_on`); the compliance and succession reports keep today's status.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterable

from sqlalchemy import Row, and_, delete, func, insert, select

from .errors import Invalid
from .tables import people, status_history
from .vocab import ERASED, LEAVING_STATUSES

if TYPE_CHECKING:
    from .session import Database

# The first day of a person whose joining date the registry does not know.
SINCE_RECORDS_BEGAN = dt.date(1900, 1, 1)
# Statuses of people who have left the service.
GONE = (*LEAVING_STATUSES, ERASED)

_HISTORY = status_history.c


def state_on(day: dt.date):
    """A subquery of each person's row on `day` (person_id, on, status, organisation_id):
    their latest change on or before it. People who had not joined by then have none."""
    later = status_history.alias("later")
    return (
        select(_HISTORY.person_id, _HISTORY.on, _HISTORY.status, _HISTORY.organisation_id)
        .where(_HISTORY.on <= day)
        .where(
            ~select(later.c.id)
            .where(later.c.person_id == _HISTORY.person_id, later.c.on > _HISTORY.on, later.c.on <= day)
            .exists()
        )
        .subquery(f"state_on_{day:%Y%m%d}")
    )


def latest(session: Database, person_id: int) -> Row | None:
    """A person's latest change (its id and on), or None."""
    query = select(_HISTORY.id, _HISTORY.on).where(_HISTORY.person_id == person_id)
    return session.execute(query.order_by(_HISTORY.on.desc()).limit(1)).first()


def record_change(
    session: Database, person_id: int, on: dt.date, status: str, organisation_id: int, *, ref: str, today: dt.date
) -> None:
    """Add the change of a person's status or organisation on `on` (replacing a row of that
    day). Refused when `on` is in the future or before their last change."""
    if on > today:
        raise Invalid(f"on: {on.isoformat()} is in the future")
    last = latest(session, person_id)
    if last is not None and on < last.on:
        raise Invalid(
            f"on: {on.isoformat()} is before {ref}'s last change of status or organisation, on "
            f"{last.on.isoformat()}; correct that with `amend status_history {last.id}` (`person show {ref}` lists them)"
        )
    row = {"person_id": person_id, "on": on, "status": status, "organisation_id": organisation_id}
    _write(session, [row], [last.id] if last is not None and last.on == on else [])


def _write(session: Database, rows: list[dict], replaced: list[int]) -> None:
    """Store rows, after deleting the rows of ids `replaced` (of the same person and day)."""
    table = status_history
    for start in range(0, len(replaced), 1000):
        session.execute(delete(table).where(table.c.id.in_(replaced[start : start + 1000])))
    if rows:
        session.execute(insert(table), rows)


def first_rows(person, today: dt.date) -> list[dict]:
    """The history of a person that has none, from the record as it is: their status from
    joining (active until left_on when they have left) and, when they have left, their
    leaving status from left_on. A change never takes effect in the future: someone
    recorded before the day they join starts their history on `today`."""
    start = min(person.joined_on or SINCE_RECORDS_BEGAN, today)
    base = {"person_id": person.id, "organisation_id": person.organisation_id}
    if person.status in GONE and person.left_on is not None and person.left_on > start:
        return [{**base, "on": start, "status": "active"}, {**base, "on": person.left_on, "status": person.status}]
    return [{**base, "on": start, "status": person.status}]


def reconcile(session: Database, *, today: dt.date | None = None, person_ids: Iterable[int] | None = None) -> int:
    """Bring the history up to date with the people's records: a first history for
    people with none, and a row for each person whose latest row differs from the record
    (dated left_on for a leaver, else today, never before that latest row). Returns the
    number of rows written."""
    today = today or dt.date.today()
    person = people.c
    last_on = (
        select(_HISTORY.person_id, func.max(_HISTORY.on).label("on")).group_by(_HISTORY.person_id).subquery("last_on")
    )
    last = [_HISTORY.id.label("last_id"), _HISTORY.on.label("last_on"), _HISTORY.status.label("last_status"),
            _HISTORY.organisation_id.label("last_organisation_id")]
    query = (
        select(person.id, person.status, person.organisation_id, person.joined_on, person.left_on, *last)
        .select_from(people)
        .outerjoin(last_on, last_on.c.person_id == person.id)
        .outerjoin(status_history, and_(_HISTORY.person_id == person.id, _HISTORY.on == last_on.c.on))
    )
    if person_ids is not None:
        query = query.where(person.id.in_(list(person_ids)))
    rows: list[dict] = []
    replaced: list[int] = []
    for record in session.execute(query):
        if record.last_id is None:
            rows += first_rows(record, today)
        elif (record.last_status, record.last_organisation_id) != (record.status, record.organisation_id):
            on = max(record.left_on if record.status in GONE and record.left_on else today, record.last_on)
            rows.append(
                {"person_id": record.id, "on": on, "status": record.status, "organisation_id": record.organisation_id}
            )
            if on == record.last_on:
                replaced.append(record.last_id)
    _write(session, rows, replaced)
    return len(rows)
