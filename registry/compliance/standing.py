"""Where a person stands on a day: the thresholds, the shortfalls rule and the report's figures.

Both engines (`rolling` and `closed_form`) build every Standing here, so each rule is
written once. Amounts are whole numbers so that sums are exact: hundredths of an hour
of CPD, tenths of a retreat day, counted sessions.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..policy import Policy

REQUIREMENTS = ("cpd", "retreat", "supervision")


@dataclass(frozen=True)
class Thresholds:
    """The policy's thresholds in whole units."""

    cpd: int  # hundredths of an hour
    retreat: int  # tenths of a day
    sessions_when_teaching: int
    sessions_when_not_teaching: int

    @classmethod
    def of(cls, policy: Policy) -> Thresholds:
        return cls(
            round(policy.cpd_hours * 100),
            round(policy.retreat_days * 10),
            policy.sessions_when_teaching,
            policy.sessions_when_not_teaching,
        )

    def sessions_required(self, teaching: bool) -> int:
        return self.sessions_when_teaching if teaching else self.sessions_when_not_teaching


@dataclass
class Standing:
    """Where a person stands on a day."""

    cpd: int
    retreat: int
    sessions: int
    teaching: bool
    required: int
    short_months: list[str]
    shortfalls: list[str]


def standing_of(
    thresholds: Thresholds, *, cpd: int, retreat: int, sessions: int, teaching: bool, short_months: list[str] = ()
) -> Standing:
    """The standing with these amounts: the sessions required and the requirements not met."""
    required = thresholds.sessions_required(teaching)
    shortfalls = []
    if cpd < thresholds.cpd:
        shortfalls.append("cpd")
    if retreat < thresholds.retreat:
        shortfalls.append("retreat")
    if sessions < required or short_months:
        shortfalls.append("supervision")
    return Standing(int(cpd), int(retreat), int(sessions), teaching, required, list(short_months), shortfalls)


def figures(standing: Standing) -> dict:
    """A standing as the report shows it: hours and days, sessions done and required."""
    return {
        "cpd_hours": standing.cpd / 100,
        "retreat_days": standing.retreat / 10,
        "supervision_sessions": standing.sessions,
        "supervision_required": standing.required,
        "teaching": standing.teaching,
        "shortfalls": standing.shortfalls,
    }
