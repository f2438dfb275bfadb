"""The annual report made fit to publish (`report annual --anonymise`).

No person's name, ref or email is left in the figures: lists of people become counts,
succession risks are counted by kind, and the lineage becomes counts of trainers per
programme and generation.

In the tables broken down by region or organisation (active people, joiners, leavers,
compliance), a count of 1 to N-1 people (N the threshold) becomes `Fewer(N)` ("fewer
than 3"), so that "1 trainer in North" cannot name someone. The people of a group not
compliant (assessed less compliant) are such a count too, though no table shows them.
Every figure from which such a count could be worked out by adding and subtracting the
figures published becomes `HIDDEN` ("not shown"): the other regions' counts beside the
total, a region's count beside its organisations', the people compliant beside the
people assessed (suppression.hide finds them); and so does a change or a rate beside a
count not shown. Two things remain: a count that is all of its total (everyone counted
is in one region) is the total, and a reader who knows that "fewer than N" is 1 to N-1
and that a count not shown is at least N can still narrow a small count down when few
people are counted in all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import fields
from .suppression import hide

DEFAULT_THRESHOLD = 3
# The smallest and largest thresholds: below 2 nothing would be hidden.
THRESHOLDS = (2, 1000)
HIDDEN = "not shown"
PEOPLE_COUNTS = ("assessed", "compliant", "short_of_cpd", "short_of_retreat", "short_of_supervision")
NOT_COMPLIANT = "not_compliant"
# In each row: assessed - compliant - not compliant = 0.
ASSESSED_SPLIT = {"assessed": 1, "compliant": -1, NOT_COMPLIANT: -1}


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


def for_publication(data: dict, below: int = DEFAULT_THRESHOLD) -> dict:
    """The annual report's figures (annual.annual_report) with nobody named and small
    counts by region or organisation suppressed."""
    succession = data["succession"]
    return {
        **data,
        "publication": {"suppress_below": below},
        "names": {},
        "workforce": _workforce(data["workforce"], below),
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


# A cell of a table broken down by region or organisation: (level, name, column); the
# whole registry's figure of a column is (TOTAL, "", column).
TOTAL = "total"


def _breakdown(levels: dict[str, list[dict]], columns: tuple[str, ...], totals: dict, within: dict | None = None):
    """The cells of counts broken down by each level ("region", "organisation": rows named
    by that key) and their relations: each level's rows add up to the total, and with
    `within` ({organisation: region}) each region's organisations add up to the region."""
    values = {(TOTAL, "", column): totals[column] for column in columns}
    relations = []
    for level, rows in levels.items():
        values.update({(level, row[level], column): row[column] for row in rows for column in columns})
        relations += [
            {(TOTAL, "", column): -1, **{(level, row[level], column): 1 for row in rows}} for column in columns
        ]
    regions: dict[str, list[str]] = {}
    for row in levels["organisation"] if within else ():
        regions.setdefault(within[row["organisation"]], []).append(row["organisation"])
    for region, organisations in sorted(regions.items()):
        relations += [
            {("region", region, column): -1, **{("organisation", name, column): 1 for name in organisations}}
            for column in columns
        ]
    return values, relations


def _hidden(values: dict, relations: list[dict], below: int, never_shown=frozenset()) -> tuple[set, set]:
    """The small counts (shown as "fewer than N") and every cell not to show."""
    small = {cell for cell, n in values.items() if cell[0] != TOTAL and 0 < n < below}
    totals = {cell for cell in values if cell[0] == TOTAL}
    return small, hide(values, relations, small, small | set(never_shown), totals, below)


def _shown(row: dict, level: str, columns: tuple[str, ...], below: int, small: set, hidden: set) -> dict:
    """A row as published: a small count as Fewer, a count that would give one away HIDDEN."""
    shown = dict(row)
    for column in columns:
        cell = (level, row[level], column)
        shown[column] = Fewer(below) if cell in small else HIDDEN if cell in hidden else row[column]
    return shown


def _workforce(workforce: dict, below: int) -> dict:
    """Active people by region at the start and end; the change shown only beside both."""
    columns, rows = ("start", "end"), workforce["by_region"]
    small, hidden = _hidden(*_breakdown({"region": rows}, columns, workforce["total"]), below)
    shown = []
    for row in rows:
        published = _shown(row, "region", columns, below, small, hidden)
        if any(("region", row["region"], column) in hidden for column in columns):
            published["change"] = HIDDEN
        shown.append(published)
    return {**workforce, "by_region": shown}


def _by_region(people: list[dict], below: int) -> list[dict]:
    counts = [{"region": region, "count": n} for region, n in sorted(Counter(p["region"] for p in people).items())]
    small, hidden = _hidden(*_breakdown({"region": counts}, ("count",), {"count": len(people)}), below)
    return [_shown(row, "region", ("count",), below, small, hidden) for row in counts]


def _movement(movement: dict, below: int) -> dict:
    return {
        **_without(_without(movement, "joiners"), "leavers"),
        "joiners": len(movement["joiners"]),
        "leavers": len(movement["leavers"]),
        "joiners_by_region": _by_region(movement["joiners"], below),
        "leavers_by_region": _by_region(movement["leavers"], below),
    }


def _compliance(compliance: dict, below: int) -> dict:
    """Compliance by region and organisation: a small count of people assessed, compliant,
    not compliant (assessed less compliant) or short of a requirement hidden, with every
    count that would give it away, and the rate unless both its counts are shown."""
    year_end = compliance["year_end"]
    levels = {
        level: [{**row, NOT_COMPLIANT: row["assessed"] - row["compliant"]} for row in year_end[f"by_{level}"]]
        for level in ("region", "organisation")
    }
    totals = {
        "assessed": year_end["assessed"],
        "compliant": year_end["compliant"],
        NOT_COMPLIANT: year_end["assessed"] - year_end["compliant"],
        **{f"short_of_{row['requirement']}": row["short"] for row in year_end["by_requirement"]},
    }
    values, relations = _breakdown(levels, tuple(totals), totals, compliance["organisation_regions"])
    relations += [
        {(level, row[level], column): sign for column, sign in ASSESSED_SPLIT.items()}
        for level, rows in levels.items()
        for row in rows
    ]
    never_shown = {cell for cell in values if cell[0] != TOTAL and cell[2] == NOT_COMPLIANT}
    small, hidden = _hidden(values, relations, below, never_shown)
    shown = {}
    for level, rows in levels.items():
        shown[f"by_{level}"] = []
        for row in rows:
            published = _without(_shown(row, level, PEOPLE_COUNTS, below, small, hidden), NOT_COMPLIANT)
            if any((level, row[level], column) in hidden for column in ("assessed", "compliant")):
                published["rate"] = HIDDEN
            shown[f"by_{level}"].append(published)
    return {**compliance, "year_end": {**year_end, **shown}}


def _kinds(changes: list[dict]) -> list[dict]:
    """New or resolved risks counted by kind, in place of the risks (which name people)."""
    counts = Counter(change["kind"] for change in changes)
    return [{"kind": kind, "count": n} for kind, n in counts.items()]
