"""The annual report made fit to publish (`report annual --anonymise`).

No person's name, ref or email is left in the figures: lists of people become counts,
succession risks are counted by kind, and the lineage becomes counts of trainers per
programme and generation. A count of people below the threshold in a table broken down
by region or organisation becomes `Fewer(threshold)` ("fewer than 3"), so that "1 trainer
in North" cannot name someone; a figure that would give such a count away (a change
beside a hidden count, a compliance rate of a group with few compliant or few not
compliant) is `HIDDEN`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import fields

DEFAULT_THRESHOLD = 3
# The smallest and largest thresholds: below 2 nothing would be hidden.
THRESHOLDS = (2, 1000)
HIDDEN = "not shown"
PEOPLE_COUNTS = ("assessed", "compliant", "short_of_cpd", "short_of_retreat", "short_of_supervision")


@dataclass(frozen=True)
class Fewer:
    """A count of people too small to publish."""

    than: int

    def __str__(self) -> str:
        return f"fewer than {self.than}"


def threshold(value) -> int:
    """The --suppress-below value, checked."""
    low, high = THRESHOLDS
    given = fields.integer("suppress-below", value, low=low, high=high)
    return DEFAULT_THRESHOLD if given is None else given


def suppress(count: int, below: int):
    """A count of people as it may be published: 0 and counts of at least `below` as they are."""
    return Fewer(below) if 0 < count < below else count


def for_publication(data: dict, below: int = DEFAULT_THRESHOLD) -> dict:
    """The annual report's figures (annual.annual_report) with nobody named and small
    counts by region or organisation suppressed."""
    succession = data["succession"]
    return {
        **data,
        "publication": {"suppress_below": below},
        "names": {},
        "workforce": {**data["workforce"], "by_region": [_change_row(r, below) for r in data["workforce"]["by_region"]]},
        "movement": _movement(data["movement"], below),
        "compliance": _compliance(data["compliance"], below),
        "succession": {
            **succession,
            "current": {},
            "generations": [_without(row, "trainers") for row in succession["generations"]],
            "previous_generations": [_without(row, "trainers") for row in succession["previous_generations"]],
            "new": _kinds(succession["new"]),
            "resolved": _kinds(succession["resolved"]),
        },
        "lineage": _without(_without(data["lineage"], "graph"), "pictures"),
    }


def _without(row: dict, key: str) -> dict:
    return {name: value for name, value in row.items() if name != key}


def _change_row(row: dict, below: int) -> dict:
    start, end = suppress(row["start"], below), suppress(row["end"], below)
    hidden = isinstance(start, Fewer) or isinstance(end, Fewer)
    return {**row, "start": start, "end": end, "change": HIDDEN if hidden else row["change"]}


def _by_region(people: list[dict], below: int) -> list[dict]:
    counts = Counter(person["region"] for person in people)
    return [{"region": region, "count": suppress(n, below)} for region, n in sorted(counts.items())]


def _movement(movement: dict, below: int) -> dict:
    return {
        **_without(_without(movement, "joiners"), "leavers"),
        "joiners": len(movement["joiners"]),
        "leavers": len(movement["leavers"]),
        "joiners_by_region": _by_region(movement["joiners"], below),
        "leavers_by_region": _by_region(movement["leavers"], below),
    }


def _group(row: dict, below: int) -> dict:
    """A compliance row of a region or organisation: small counts suppressed, and the rate
    hidden when it would give one away."""
    shown = {**row, **{key: suppress(row[key], below) for key in PEOPLE_COUNTS if key in row}}
    not_compliant = row["assessed"] - row["compliant"]
    if any(0 < n < below for n in (row["assessed"], row["compliant"], not_compliant)):
        shown["rate"] = HIDDEN
    return shown


def _compliance(compliance: dict, below: int) -> dict:
    year_end = compliance["year_end"]
    return {
        **compliance,
        "year_end": {
            **year_end,
            "by_region": [_group(row, below) for row in year_end["by_region"]],
            "by_organisation": [_group(row, below) for row in year_end["by_organisation"]],
        },
    }


def _kinds(changes: list[dict]) -> list[dict]:
    """New or resolved risks counted by kind, in place of the risks (which name people)."""
    counts = Counter(change["kind"] for change in changes)
    return [{"kind": kind, "count": n} for kind, n in counts.items()]
