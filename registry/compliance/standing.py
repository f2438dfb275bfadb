"""Where a person stands on a day: the thresholds, the shortfalls rule and the report's figures.

Both engines (`rolling` and `closed_form`) build every Standing here, so each rule is
written once. Amounts are whole numbers so that sums are exact: hundredths of an hour
of CPD, tenths of a retreat day, counted sessions, hundredths of a minute of supervision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..policy import Policy
from .recent_assessment import short_of_assessment

REQUIREMENTS = ("cpd", "retreat", "supervision")


def requirements(policy: Policy) -> tuple[str, ...]:
    """The requirements a person may fall short of under the policy, in the order of `shortfalls`."""
    return (*REQUIREMENTS, "assessment") if policy.assessment_required_within_years else REQUIREMENTS


@dataclass(frozen=True)
class Thresholds:
    """The policy's thresholds in whole units."""

    cpd: int  # hundredths of an hour
    events: int  # hundredths of an hour of CPD events
    retreat: int  # tenths of a day
    sessions_when_practising: int
    sessions_when_not_practising: int
    per_course: int  # hundredths of a minute of supervision per course, for a new teacher
    assessment_years: int  # an assessment is required within this many years (0: not required)

    @classmethod
    def of(cls, policy: Policy) -> Thresholds:
        return cls(
            round(policy.cpd_hours * 100),
            round(policy.cpd_event_hours * 100),
            round(policy.retreat_days * 10),
            policy.sessions_when_practising,
            policy.sessions_when_not_practising,
            round(policy.new_teacher_hours_per_course * 6000),
            policy.assessment_required_within_years,
        )

    def sessions_required(self, practising: bool) -> int:
        return self.sessions_when_practising if practising else self.sessions_when_not_practising


@dataclass
class Standing:
    """Where a person stands on a day. `minutes_required` is None for a person the new
    teachers' rule does not apply to; `assessed_on` is the day number of the person's
    latest assessment of teaching (None: none, or no assessment rule)."""

    cpd: int
    events: int
    retreat: int
    sessions: int
    teaching: bool
    practising: bool
    required: int
    minutes: int
    minutes_required: int | None
    short_months: list[str]
    shortfalls: list[str]
    assessed_on: int | None = None


def standing_of(
    thresholds: Thresholds,
    *,
    cpd: int,
    events: int,
    retreat: int,
    sessions: int,
    teaching: bool,
    practising: bool,
    minutes: int = 0,
    minutes_required: int | None = None,
    short_months: list[str] = (),
    day: int,
    assessed_on: int | None = None,
) -> Standing:
    """The standing on day number `day` with these amounts: the sessions required and the
    requirements not met."""
    required = thresholds.sessions_required(practising)
    shortfalls = []
    if cpd < thresholds.cpd or events < thresholds.events:
        shortfalls.append("cpd")
    if retreat < thresholds.retreat:
        shortfalls.append("retreat")
    if sessions < required or short_months or (minutes_required is not None and minutes < minutes_required):
        shortfalls.append("supervision")
    if short_of_assessment(assessed_on, day, thresholds.assessment_years):
        shortfalls.append("assessment")
    return Standing(
        int(cpd), int(events), int(retreat), int(sessions), teaching, practising, required,
        int(minutes), minutes_required, list(short_months), shortfalls, assessed_on,
    )


def figures(standing: Standing, policy: Policy) -> dict:
    """A standing as the report shows it: hours and days, sessions done and required, and
    the figures of the policy's optional rules when it sets them."""
    shown = {
        "cpd_hours": standing.cpd / 100,
        "retreat_days": standing.retreat / 10,
        "supervision_sessions": standing.sessions,
        "supervision_required": standing.required,
        "teaching": standing.teaching,
        "practising": standing.practising,
        "shortfalls": standing.shortfalls,
    }
    if policy.cpd_event_hours:
        shown["cpd_event_hours"] = standing.events / 100
    if policy.new_teacher_years:
        shown["supervision_hours"] = round(standing.minutes / 6000, 2)
        required = standing.minutes_required
        shown["supervision_hours_required"] = None if required is None else round(required / 6000, 2)
    if policy.assessment_required_within_years:
        assessed_on = standing.assessed_on
        shown["last_assessed_on"] = None if assessed_on is None else dt.date.fromordinal(assessed_on)
    return shown
