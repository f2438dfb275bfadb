"""The one validation layer: the rules of the bundle format, for commands and import alike.

Three kinds of rule:
- field rules: each value read by its field's parser (recordtypes);
- record rules: what a single record must satisfy on its own (dates in order,
  nobody supervising or training themselves, no logged event in the future);
- registry rules: what depends on other records: references exist, the trainer
  and supervisor hold the stage they need, the lineage has no cycle, an email
  belongs to one person. The queries behind them, for one record and for a staged
  bundle alike, are in bundle/checks.py.
The messages of these rules are written here; each names the field and the bad value.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from typing import Any, Iterable, Iterator, Mapping

from . import recordtypes as rt
from .errors import Invalid
from .vocab import STAGE_RANK, STAGES


def read_fields(record_type: rt.RecordType, raw: Mapping[str, Any]) -> tuple[dict, list[str]]:
    """Parse every field of a record; returns the values and the messages of bad fields."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    for spec in record_type.fields:
        try:
            value = spec.parse(spec.name, raw.get(spec.name))
            if spec.required and value is None:
                raise Invalid(f"{spec.name}: a value is required")
            values[spec.name] = value
        except Invalid as exc:
            values[spec.name] = None
            errors.append(str(exc))
    return values, errors


def record_errors(record_type: rt.RecordType, values: Mapping[str, Any], today: dt.date) -> Iterator[str]:
    """The record rules that a record breaks on its own."""
    for name in record_type.past_only:
        value = values.get(name)
        if value is not None and value > today:
            yield f"{name}: {value.isoformat()} is in the future"
    check = RECORD_RULES.get(record_type.name)
    if check:
        yield from check(values)


def _person_rules(v):
    yield from _order(v, "left_on", "joined_on")


def _training_rules(v):
    if v["trainer"] is not None and v["trainer"] == v["trainee"]:
        yield f"trainee: {v['trainee']!r} cannot be their own trainer"


def _supervision_rules(v):
    if v["supervisor"] is not None and v["supervisor"] == v["supervisee"]:
        yield f"supervisee: {v['supervisee']!r} cannot supervise themselves"
    if "ended_on" in v:
        yield from _order(v, "ended_on", "started_on")


def _course_rules(v):
    if v["lead"] is not None and v["lead"] in (v.get("co_teachers") or []):
        yield f"co_teachers: {v['lead']!r} is the lead teacher"


def _order(v, later: str, earlier: str):
    if v.get(later) is not None and v.get(earlier) is not None and v[later] < v[earlier]:
        yield f"{later}: {v[later].isoformat()} is before {earlier} {v[earlier].isoformat()}"


RECORD_RULES = {
    "person": _person_rules,
    "training": _training_rules,
    "supervision link": _supervision_rules,
    "session": _supervision_rules,
    "course": _course_rules,
}


def check_record(record_type: rt.RecordType, raw: Mapping[str, Any], today: dt.date) -> tuple[dict, list[str]]:
    """Read a record's fields, then (when they read cleanly) check its record rules;
    returns the values and every problem found."""
    values, errors = read_fields(record_type, raw)
    if not errors:
        errors = list(record_errors(record_type, values, today))
    return values, errors


def read_record(record_type: rt.RecordType, raw: Mapping[str, Any], today: dt.date) -> dict:
    """Read and check one record given by a command; raises Invalid naming every problem."""
    values, errors = check_record(record_type, raw, today)
    if errors:
        raise Invalid("; ".join(errors))
    return values


def missing_reference(field_name: str, kind: str, ref: str, where: str = "the registry") -> str:
    return f"{field_name}: no {kind} {ref!r} in {where}"


def email_taken(email: str, holder: str, where: str | None = None) -> str:
    message = f"email: {email!r} belongs to person {holder!r}"
    return f"{message} in {where}" if where else message


def email_repeated(email: str, first_line: int) -> str:
    return f"email: {email!r} is also on line {first_line}"


def duplicate_row(first_line: int, key_columns: Iterable[str]) -> str:
    return f"duplicate of line {first_line} (same {', '.join(key_columns)})"


def unknown_region(region: str) -> str:
    return f"region: {region!r} is not the region of any organisation"


def describe_key(record_type: rt.RecordType, values: Mapping[str, Any]) -> str:
    parts = []
    for name in record_type.key_columns:
        value = values.get(name)
        shown = value.isoformat() if isinstance(value, dt.date) else value
        parts.append(f"{name} {shown}" if shown not in (None, "") else f"{name} (empty)")
    return f"{record_type.name} with {', '.join(parts)}"


class StageBook:
    """Who held which stage in which programme from when, to answer stage(X, P, d)."""

    def __init__(self) -> None:
        self._attained: dict[tuple[str, str], list[tuple[dt.date, int]]] = defaultdict(list)

    def add(self, person: str, programme: str, stage: str, attained_on: dt.date) -> None:
        bisect.insort(self._attained[(person, programme)], (attained_on, STAGE_RANK[stage]))

    def stage_on(self, person: str, programme: str, day: dt.date) -> str | None:
        history = self._attained.get((person, programme))
        if not history:
            return None
        reached = [rank for attained_on, rank in history if attained_on <= day]
        return STAGES[max(reached) - 1] if reached else None

    def require(self, field_name: str, person: str, programme: str, day: dt.date, minimum: str) -> str | None:
        """The message when `person` does not hold `minimum` or higher on `day`, else None."""
        held = self.stage_on(person, programme, day)
        if held is not None and STAGE_RANK[held] >= STAGE_RANK[minimum]:
            return None
        holding = f"holds stage {held}" if held else "holds no stage"
        return (
            f"{field_name}: {person!r} {holding} in {programme} on {day.isoformat()}; "
            f"{minimum} or higher is needed"
        )


def registry_errors(record_type: rt.RecordType, values: Mapping[str, Any], book: StageBook) -> Iterator[str]:
    """The stage rules of training records and supervision links."""
    if record_type is rt.TRAINING and values["trainer"] and values["trained_on"]:
        message = book.require("trainer", values["trainer"], values["programme"], values["trained_on"], "trainer")
        if message:
            yield message
    if record_type is rt.SUPERVISION and values["supervisor"] and values["started_on"]:
        message = book.require(
            "supervisor", values["supervisor"], values["programme"], values["started_on"], "supervisor"
        )
        if message:
            yield message


def lineage_cycle(edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """A cycle in trainer -> trainee edges of one programme, as a list of people, or None."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_edges_from(edges)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [trainer for trainer, _ in cycle] + [cycle[0][0]]


def cycle_message(programme: str, cycle: list[str]) -> str:
    return f"trainee: the lineage of {programme} would have a cycle: {' -> '.join(cycle)}"

