"""The one validation layer: the rules of the bundle format, for commands and import alike.

Three kinds of rule:
- field rules: each value read by its field's parser (recordtypes);
- record rules: what a single record must satisfy on its own (dates in order,
  nobody supervising or training themselves, no logged event in the future, a
  status that agrees with left_on, a retreat that has ended);
- registry rules: what depends on other records: references exist, the trainer
  and supervisor hold the stage they need, the lineage has no cycle, an email
  belongs to one person, nothing is dated outside a person's time in the service,
  stages come in the pathway's order, links of a pair do not overlap, a nomination
  is for a post the candidate could fill. The queries behind them, for one record, a
  staged bundle and the whole registry alike, are in bundle/checks.py and
  bundle/agreement.py.
The messages of these rules are written here; each names the field and the bad value.
docs/rules.md gives every rule with its reason.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from . import recordtypes as rt
from .errors import Invalid
from .course_rules import course_rules, outcome_rules
from .vocab import READY_NOW_STAGE, STAGE_RANK, STAGES

# The statuses of a person still in the service; any other status has a left_on.
IN_SERVICE_STATUSES = ("active", "on_leave")


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
        yield from check(values, today)


def _person_rules(v, today: dt.date):
    yield from _order(v, "left_on", "joined_on")
    yield from _order(v, "planned_leaving_on", "joined_on")
    left_on, status = v.get("left_on"), v.get("status")
    if left_on is not None and left_on > today:
        yield f"left_on: {left_on.isoformat()} is in the future; a leaving date to come is planned_leaving_on"
    if status is not None and status not in IN_SERVICE_STATUSES and left_on is None:
        yield f"status: {status!r} needs left_on, the day they left"
    if status in IN_SERVICE_STATUSES and left_on is not None:
        yield f"left_on: {left_on.isoformat()} is given, but a person whose status is {status} has not left"


def _retreat_rules(v, today: dt.date):
    if v.get("residential") and v.get("online"):
        yield "online: a retreat is online or residential, not both"
    start_on, days = v.get("start_on"), v.get("days")
    if start_on is not None and start_on <= today and days is not None and days > 0:
        ends_on = start_on + dt.timedelta(days=math.ceil(days) - 1)
        if ends_on > today:
            yield (
                f"days: the {days:g}-day retreat from {start_on.isoformat()} ends on {ends_on.isoformat()}, "
                "after today; log it once it has ended"
            )


def _training_rules(v, today: dt.date):
    if v["trainer"] is not None and v["trainer"] == v["trainee"]:
        yield f"trainee: {v['trainee']!r} cannot be their own trainer"


def _assessment_rules(v, today: dt.date):
    if v["assessor"] is not None and v["assessor"] == v["person"]:
        yield f"assessor: {v['assessor']!r} cannot assess their own teaching"


def _supervision_rules(v, today: dt.date):
    if v["supervisor"] is not None and v["supervisor"] == v["supervisee"]:
        yield f"supervisee: {v['supervisee']!r} cannot supervise themselves"
    if "ended_on" in v:
        yield from _order(v, "ended_on", "started_on")


def _order(v, later: str, earlier: str):
    if v.get(later) is not None and v.get(earlier) is not None and v[later] < v[earlier]:
        yield f"{later}: {v[later].isoformat()} is before {earlier} {v[earlier].isoformat()}"


RECORD_RULES = {
    "person": _person_rules,
    "training": _training_rules,
    "supervision link": _supervision_rules,
    "session": _supervision_rules,
    "course": course_rules,
    "assessment": _assessment_rules,
    "course outcome": outcome_rules,
    "retreat": _retreat_rules,
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


# Who must hold a stage for a record of each type: their field, the record's date field
# and the lowest stage that will do.
STAGE_NEEDED = {
    rt.TRAINING: ("trainer", "trained_on", "trainer"),
    rt.SUPERVISION: ("supervisor", "started_on", "supervisor"),
    rt.ASSESSMENT: ("assessor", "on", "supervisor"),
}


def registry_errors(record_type: rt.RecordType, values: Mapping[str, Any], book: StageBook) -> Iterator[str]:
    """The stage rules: a trainer trains, a supervisor supervises and an assessor assesses
    teaching only when holding the stage for it in the programme on the day."""
    if record_type not in STAGE_NEEDED:
        return
    holder, date_field, minimum = STAGE_NEEDED[record_type]
    if values[holder] and values[date_field]:
        message = book.require(holder, values[holder], values["programme"], values[date_field], minimum)
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


def orphaned_reference(field_name: str, kind: str, record_id: int) -> str:
    """A stored reference to a record that is gone (foreign keys off, or edited by hand)."""
    return f"{field_name}: refers to {kind} id {record_id}, which is not in the registry"


def lineage_loop(programme: str, cycle: list[str]) -> str:
    """A loop stored in a programme's lineage, [A, B, A]: "A trains B trains A"."""
    return f"the {programme} lineage has a loop: {' trains '.join(cycle)}"



# --- a person's time in the service ---------------------------------------------------


@dataclass(frozen=True)
class Dated:
    """When a kind of record happened and who took part in it. Nothing is dated after
    one of them left; work in the service (`in_service`: sessions, courses taught,
    supervision links) is not dated before they joined either, while stages, training,
    CPD and retreats may be (people arrive qualified, with CPD done elsewhere)."""

    record_type: rt.RecordType
    date_field: str
    people: tuple[str, ...]
    in_service: bool = False


DATED = (
    Dated(rt.SESSION, "held_on", ("supervisor", "supervisee"), in_service=True),
    Dated(rt.COURSE, "start_on", ("lead", "co_teachers"), in_service=True),
    Dated(rt.SUPERVISION, "started_on", ("supervisor", "supervisee"), in_service=True),
    Dated(rt.STAGE, "attained_on", ("person", "assessed_by")),
    Dated(rt.TRAINING, "trained_on", ("trainer", "trainee")),
    Dated(rt.CPD, "date", ("person",)),
    Dated(rt.RETREAT, "start_on", ("person",)),
    Dated(rt.NOMINATION, "nominated_on", ("person",)),
    Dated(rt.ASSESSMENT, "on", ("person", "assessor")),
    Dated(rt.STATUS_CHANGE, "on", ("person",)),
)
# How a person taking part in a record is named in a message.
_ROLE_WORDS = {"person": "", "co_teachers": "co-teacher ", "assessed_by": "assessor "}


def outside_service(
    dated: Dated, field_name: str, ref: str, day: dt.date, *, left_on: dt.date | None, joined_on: dt.date | None
) -> str | None:
    """The message when `ref`, taking part as `field_name` in a record dated `day`, had
    left by then (or, for work in the service, had not yet joined); else None."""
    who = f"{_ROLE_WORDS.get(field_name, field_name + ' ')}{ref!r}"
    if left_on is not None and day > left_on:
        return f"{dated.date_field}: {day.isoformat()} is after {who} left on {left_on.isoformat()}"
    if dated.in_service and joined_on is not None and day < joined_on:
        return f"{dated.date_field}: {day.isoformat()} is before {who} joined on {joined_on.isoformat()}"
    return None


def left_before_records(ref: str, left_on: dt.date, record_type: rt.RecordType, day: dt.date) -> str:
    return f"left_on: {left_on.isoformat()} is before the last record of {ref!r} ({record_type.name} on {day.isoformat()})"


def joined_after_records(ref: str, joined_on: dt.date, record_type: rt.RecordType, day: dt.date) -> str:
    return (
        f"joined_on: {joined_on.isoformat()} is after the first session, course or link of {ref!r} "
        f"({record_type.name} on {day.isoformat()})"
    )


# --- stages, links and nominations that agree ------------------------------------------


def stage_out_of_order(programme: str, stage: str, day: dt.date, other_stage: str, other_day: dt.date) -> str | None:
    """The message when `stage`, attained on `day`, and `other_stage`, attained on
    `other_day` in the same programme, are out of the pathway's order; else None."""
    lower = STAGE_RANK[stage] < STAGE_RANK[other_stage]
    if (lower and day > other_day) or (not lower and day < other_day):
        when = "after" if lower else "before"
        return (
            f"attained_on: {stage} in {programme} on {day.isoformat()} is {when} {other_stage} on "
            f"{other_day.isoformat()}; a lower stage of the pathway is attained first"
        )
    return None


def links_overlap(values: Mapping[str, Any], other_started_on: dt.date, other_ended_on: dt.date | None) -> str:
    until = f"ended {other_ended_on.isoformat()}" if other_ended_on else "not ended"
    return (
        f"started_on: the link overlaps the {values['programme']} link of {values['supervisor']!r} with "
        f"{values['supervisee']!r} from {other_started_on.isoformat()} ({until}); links of one pair in one "
        "programme do not overlap"
    )


def nomination_errors(values: Mapping[str, Any], held: str | None, candidate_region: str | None) -> Iterator[str]:
    """What makes a nomination mean nothing: the candidate holds the post already (its
    role's stage or higher in its programme, in its region), or is `ready_now` without
    the stage just below the post's role. `held` is their stage in the programme on the
    nomination's date."""
    role, day = values["role"], values["nominated_on"].isoformat()
    post = f"{role}/{values['programme']}/{values['region']}"
    rank = STAGE_RANK[held] if held else 0
    if rank >= STAGE_RANK[role] and candidate_region == values["region"]:
        yield f"person: {values['person']!r} already holds the post {post} (stage {held} on {day}); nominate a successor"
    needed = READY_NOW_STAGE[role]
    if values["readiness"] == "ready_now" and rank < STAGE_RANK[needed]:
        holding = f"holds stage {held}" if held else "holds no stage"
        yield (
            f"readiness: {values['person']!r} {holding} in {values['programme']} on {day}; "
            f"ready_now for the post {post} needs {needed} or higher"
        )


# --- warnings: recorded, but not what it seems -----------------------------------------


def unqualified_supervisor(supervisor: str, day: dt.date) -> str:
    return (
        f"supervisor: {supervisor!r} held no stage supervisor or higher in any programme on {day.isoformat()}: "
        "the session is recorded but does not count towards supervision"
    )


def no_current_link(supervisor: str, supervisee: str, day: dt.date) -> str:
    return f"supervisee: {supervisee!r} had no supervision link with {supervisor!r} current on {day.isoformat()}"


# What the sessions of each warning have in common, for a count of them.
SESSION_WARNINGS = {
    "unqualified": "with a supervisor who held no stage supervisor or higher in any programme on the day "
    "(recorded, but not counted towards supervision)",
    "unlinked": "between two people with no supervision link current on the day",
}


def warning_count(kind: str, count: int, shown: int) -> str:
    sessions = "session" if count == 1 else "sessions"
    more = f"; the first {shown}:" if count > shown else ":"
    return f"{count} {sessions} {SESSION_WARNINGS[kind]}{more}"
