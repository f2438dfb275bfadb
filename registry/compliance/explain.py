"""Which of one person's records in the window count towards their compliance, and why
the others do not: the figures of `person show` explained record by record.

A received session counts when it is a qualifying session (a kind the policy counts, and
a supervisor who held stage `supervisor` or higher in some programme on its date); a
retreat counts unless the policy asks for teacher-led retreats and it names no leader;
CPD always counts towards the total, and towards the events when the policy names its
category. Under a policy that counts group time fractionally, a session says what it
counts for.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import models
from ..policy import Policy
from ..queries import qualified_since
from .daily import counted_minutes, group_size


def explain(session: Session, person_id: int, as_of: dt.date, policy: Policy) -> list[dict]:
    """The person's sessions received, CPD and retreats dated in the window, oldest first:
    {"dated", "record", "what", "counts", "why"}."""
    start = as_of - dt.timedelta(days=policy.window_days)
    rows = _sessions(session, person_id, start, as_of, policy) + _cpd(session, person_id, start, as_of, policy)
    rows += _retreats(session, person_id, start, as_of, policy)
    rows.sort(key=lambda row: (row["dated"], row["record"]))
    return rows


def _sessions(session: Session, person_id: int, start: dt.date, as_of: dt.date, policy: Policy) -> list[dict]:
    held, person = models.SupervisionSession.__table__, models.Person.__table__
    qualified = qualified_since("supervisor")
    query = (
        select(held.c.held_on, person.c.ref, held.c.kind, held.c.minutes, counted_minutes(held, policy),
               group_size(held), qualified.c.since)
        .join(person, person.c.id == held.c.supervisor_id)
        .outerjoin(qualified, qualified.c.person_id == held.c.supervisor_id)
        .where(held.c.supervisee_id == person_id, held.c.held_on > start, held.c.held_on <= as_of)
    )
    rows = []
    for held_on, supervisor, kind, minutes, counted, size, since in session.execute(query):
        what = f"{kind} session with {supervisor}, {minutes} minutes"
        if kind not in policy.counted_kinds:
            counts, why = False, f"{kind} supervision does not count under this policy"
        elif since is None or held_on < since:
            counts, why = False, f"{supervisor} did not hold stage supervisor or higher on that day"
        else:
            counts, why = True, "a qualifying session"
            if counted != minutes * 100 and (policy.minutes_each_month or policy.new_teacher_years):
                why += f"; counts {counted / 100:g} minutes (a {kind} session of {size})"
        rows.append({"dated": held_on, "record": "session", "what": what, "counts": counts, "why": why})
    return rows


def _cpd(session: Session, person_id: int, start: dt.date, as_of: dt.date, policy: Policy) -> list[dict]:
    cpd = models.CpdActivity.__table__
    query = select(cpd.c.date, cpd.c.hours, cpd.c.category).where(
        cpd.c.person_id == person_id, cpd.c.date > start, cpd.c.date <= as_of
    )
    rows = []
    for dated, hours, category in session.execute(query):
        why = "CPD"
        if policy.cpd_event_hours:
            event = category in policy.cpd_event_categories
            why += f"; {'an event' if event else 'not an event'} ({category})"
        rows.append({"dated": dated, "record": "cpd", "what": f"{hours:g} hours, {category}", "counts": True, "why": why})
    return rows


def _retreats(session: Session, person_id: int, start: dt.date, as_of: dt.date, policy: Policy) -> list[dict]:
    retreat = models.Retreat.__table__
    query = select(retreat.c.start_on, retreat.c.days, retreat.c.led_by).where(
        retreat.c.person_id == person_id, retreat.c.start_on > start, retreat.c.start_on <= as_of
    )
    rows = []
    for dated, days, led_by in session.execute(query):
        led = bool(led_by and led_by.strip())
        counts = led or not policy.retreat_teacher_led
        why = f"led by {led_by}" if led else "no leader named"
        if not counts:
            why += ": this policy counts teacher-led retreats only"
        rows.append({"dated": dated, "record": "retreat", "what": f"{days:g} days", "counts": counts, "why": why})
    return rows
