"""The rules of a course as taught and evaluated: its lead is not a co-teacher, no more
completed it than took part, the means of known outcome measures stay within their
scales, and no more were measured than completed. Part of the one validation layer
(validate.py names them in RECORD_RULES; bundle/agreement.py holds the rules across a
course and its outcomes, with the messages written here)."""

from __future__ import annotations

import datetime as dt

from .vocab import MEASURE_RANGES


def course_rules(v, today: dt.date):
    if v["lead"] is not None and v["lead"] in (v.get("co_teachers") or []):
        yield f"co_teachers: {v['lead']!r} is the lead teacher"
    completed, participants = v.get("completed"), v.get("participants")
    if completed is not None and participants is not None and completed > participants:
        yield f"completed: {completed} is more than the {participants} participants"


def outcome_rules(v, today: dt.date):
    known = MEASURE_RANGES.get(v["measure"] or "")
    for name in ("before", "after"):
        if known and v[name] is not None and not known[0] <= v[name] <= known[1]:
            yield f"{name}: {v[name]:g} is outside the {v['measure']} scale ({known[0]} to {known[1]})"


def outcome_beyond_course(measured: int, code: str, completed: int | None, participants: int | None) -> str | None:
    """The message when more participants were measured than completed the course (or,
    when completion is not recorded, than took part); else None."""
    for count, what in ((completed, "completed"), (participants, "took part in")):
        if count is not None:
            if measured > count:
                return f"measured: {measured} is more than the {count} participants who {what} course {code}"
            return None
    return None


def course_below_outcomes(most: int, code: str, completed: int | None, participants: int | None) -> str | None:
    """The message when a course's completion (or participants) is below the number
    measured for one of its outcomes; else None."""
    for count, name in ((completed, "completed"), (participants, "participants")):
        if count is not None:
            if most > count:
                return f"{name}: {count} is fewer than the {most} participants measured for an outcome of course {code}"
            return None
    return None
