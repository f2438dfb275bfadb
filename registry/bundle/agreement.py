"""Rules by which records agree with each other, as SQL over a `Scope` (bundle/scope.py),
so that a command, a correction, an import and `db check` judge them the same way:

- nothing is dated after a person left, and work in the service (sessions, courses,
  links) not before they joined; a person's joined_on and left_on do not cut off
  records already kept;
- stages of a programme come in the pathway's order;
- supervision links of one pair in one programme do not overlap;
- a nomination is for a post the candidate does not hold, and a `ready_now` candidate
  holds the stage just below the post's role;
- and, as warnings only, sessions whose supervisor was not qualified to supervise, or
  that no supervision link covers.

Each rule yields (record type, line, message); the messages are the validation layer's.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from sqlalchemy import and_, func, or_, select

from .. import recordtypes as rt
from ..queries import stage_rank
from ..course_rules import course_below_outcomes, outcome_beyond_course
from ..validate import (
    DATED,
    Dated,
    joined_after_records,
    left_before_records,
    links_overlap,
    no_current_link,
    nomination_errors,
    outside_service,
    stage_out_of_order,
    unqualified_supervisor,
    warning_count,
)
from ..vocab import STAGE_RANK, STAGES
from .scope import Scope

Found = Iterator[tuple[rt.RecordType, int, str]]
# The sessions shown of each warning of an import; the others are counted.
EXAMPLES = 3


def errors(scope: Scope) -> Found:
    """Every rule of this module that the scope's given records break."""
    yield from dated_outside_service(scope)
    yield from records_outside_service(scope)
    yield from stages_out_of_order(scope)
    yield from overlapping_links(scope)
    yield from ineligible_nominations(scope)
    yield from outcomes_beyond_courses(scope)


def _taking_part(scope: Scope, dated: Dated, field_name: str, *, given: bool):
    """The records of a kind (given ones, or the registry's alone) with one of the people
    taking part: a query with line, ref and day, or None."""
    if field_name == "co_teachers":
        rows = scope.given_co_teachers() if given else scope.registry_co_teachers_only()
        ref_name, day_name = "person", "start_on"
    else:
        rows = scope.given(dated.record_type) if given else scope.registry_only(dated.record_type)
        ref_name, day_name = field_name, dated.date_field
    if rows is None:
        return None
    if not given:
        rows = rows.subquery()
    return select(rows.c.line, rows.c[ref_name].label("ref"), rows.c[day_name].label("day")).subquery()


def dated_outside_service(scope: Scope) -> Found:
    """Given records dated after one of their people left, or work in the service dated
    before one of them joined."""
    people = scope.others(rt.PERSON)
    for dated in DATED:
        for field_name in dated.people:
            rows = _taking_part(scope, dated, field_name, given=True)
            if rows is None:
                continue
            outside = rows.c.day > people.c.left_on
            if dated.in_service:
                outside = or_(outside, rows.c.day < people.c.joined_on)
            # A person whose dates contradict each other (left before joining) is refused
            # once, on their own record, and nothing is judged against those dates.
            dates_agree = or_(
                people.c.joined_on.is_(None), people.c.left_on.is_(None), people.c.left_on >= people.c.joined_on
            )
            query = (
                select(rows.c.line, rows.c.ref, rows.c.day, people.c.left_on, people.c.joined_on)
                .join(people, people.c.ref == rows.c.ref)
                .where(outside, dates_agree)
                .order_by(rows.c.line)
            )
            for line, ref, day, left_on, joined_on in scope.db.execute(query):
                message = outside_service(dated, field_name, ref, day, left_on=left_on, joined_on=joined_on)
                if message:
                    yield dated.record_type, line, message


def records_outside_service(scope: Scope) -> Found:
    """Given people whose left_on comes before a record the registry keeps of them, or
    whose joined_on comes after their first work in the service there."""
    people = scope.given(rt.PERSON)
    if people is None:
        return
    latest: dict[int, tuple] = {}
    earliest: dict[int, tuple] = {}
    for dated in DATED:
        for field_name in dated.people:
            rows = _taking_part(scope, dated, field_name, given=False)
            if rows is None:
                return
            for line, ref, left_on, day in _beyond(scope, people, rows, people.c.left_on, func.max, rows.c.day > people.c.left_on):
                if line not in latest or day > latest[line][3]:
                    latest[line] = (ref, left_on, dated.record_type, day)
            if dated.in_service:
                after = rows.c.day < people.c.joined_on
                for line, ref, joined_on, day in _beyond(scope, people, rows, people.c.joined_on, func.min, after):
                    if line not in earliest or day < earliest[line][3]:
                        earliest[line] = (ref, joined_on, dated.record_type, day)
    for line in sorted(set(latest) | set(earliest)):
        if line in earliest:
            yield rt.PERSON, line, joined_after_records(*earliest[line])
        if line in latest:
            yield rt.PERSON, line, left_before_records(*latest[line])


def _beyond(scope: Scope, people, rows, bound, extreme, condition):
    """For each given person with a record beyond `bound`: line, ref, bound, and the
    furthest such record's day (by `extreme`)."""
    query = (
        select(people.c.line, people.c.ref, bound, extreme(rows.c.day))
        .join(rows, rows.c.ref == people.c.ref)
        .where(condition)
        .group_by(people.c.line, people.c.ref, bound)
    )
    return scope.db.execute(query)


def stages_out_of_order(scope: Scope) -> Found:
    """Given stages attained out of the pathway's order with another of the same person
    and programme (between two given stages, reported on the lower one)."""
    given, other = scope.given(rt.STAGE), scope.others(rt.STAGE)
    if given is None:
        return
    lower = stage_rank(given.c.stage) < stage_rank(other.c.stage)
    higher = stage_rank(given.c.stage) > stage_rank(other.c.stage)
    query = (
        select(given.c.line, given.c.programme, given.c.stage, given.c.attained_on, other.c.stage, other.c.attained_on)
        .join(other, and_(other.c.person == given.c.person, other.c.programme == given.c.programme))
        .where(
            or_(
                and_(lower, given.c.attained_on > other.c.attained_on),
                and_(higher, given.c.attained_on < other.c.attained_on, other.c.line.is_(None)),
            )
        )
        .order_by(given.c.line, other.c.attained_on)
    )
    for line, programme, stage, day, other_stage, other_day in scope.db.execute(query):
        message = stage_out_of_order(programme, stage, day, other_stage, other_day)
        if message:
            yield rt.STAGE, line, message


def overlapping_links(scope: Scope) -> Found:
    """Given supervision links that overlap another link of the same pair in the same
    programme (between two given links, reported on the one that starts later)."""
    given, other = scope.given(rt.SUPERVISION), scope.others(rt.SUPERVISION)
    if given is None:
        return
    query = (
        select(given, other.c.started_on.label("other_started_on"), other.c.ended_on.label("other_ended_on"))
        .join(
            other,
            and_(
                other.c.supervisor == given.c.supervisor,
                other.c.supervisee == given.c.supervisee,
                other.c.programme == given.c.programme,
                other.c.started_on != given.c.started_on,
            ),
        )
        .where(
            or_(other.c.ended_on.is_(None), given.c.started_on < other.c.ended_on),
            or_(given.c.ended_on.is_(None), other.c.started_on < given.c.ended_on),
            or_(other.c.line.is_(None), other.c.started_on < given.c.started_on),
        )
        .order_by(given.c.line, other.c.started_on)
    )
    for row in scope.db.execute(query).mappings():
        yield rt.SUPERVISION, row["line"], links_overlap(row, row["other_started_on"], row["other_ended_on"])


def ineligible_nominations(scope: Scope) -> Found:
    """Given nominations of a candidate who holds the post already, or who is `ready_now`
    without the stage just below the post's role."""
    given = scope.given(rt.NOMINATION)
    if given is None:
        return
    people, organisations, stages = scope.others(rt.PERSON), scope.others(rt.ORGANISATION), scope.others(rt.STAGE)
    held = (
        select(func.max(stage_rank(stages.c.stage)))
        .where(
            stages.c.person == given.c.person,
            stages.c.programme == given.c.programme,
            stages.c.attained_on <= given.c.nominated_on,
        )
        .scalar_subquery()
    )
    candidate = given.outerjoin(people, people.c.ref == given.c.person).outerjoin(
        organisations, organisations.c.code == people.c.organisation
    )
    query = (
        select(given, organisations.c.region.label("candidate_region"), held.label("held"))
        .select_from(candidate)
        .order_by(given.c.line)
    )
    for row in scope.db.execute(query).mappings():
        stage = STAGES[row["held"] - 1] if row["held"] else None
        for message in nomination_errors(row, stage, row["candidate_region"]):
            yield rt.NOMINATION, row["line"], message


def outcomes_beyond_courses(scope: Scope) -> Found:
    """Given outcomes measured on more participants than completed their course (or took
    part, when completion is not recorded), and given courses whose completion falls below
    an outcome already measured."""
    outcomes = scope.given(rt.COURSE_OUTCOME)
    if outcomes is not None:
        courses = scope.others(rt.COURSE)
        query = select(outcomes.c.line, outcomes.c.course, outcomes.c.measured, courses.c.completed, courses.c.participants)
        query = query.join(courses, courses.c.code == outcomes.c.course).order_by(outcomes.c.line)
        for line, code, measured, completed, participants in scope.db.execute(query):
            message = outcome_beyond_course(measured, code, completed, participants)
            if message:
                yield rt.COURSE_OUTCOME, line, message
    given_courses = scope.given(rt.COURSE)
    if given_courses is not None and outcomes is None:
        measured = scope.others(rt.COURSE_OUTCOME)
        query = select(given_courses.c.line, given_courses.c.code, func.max(measured.c.measured), given_courses.c.completed,
                       given_courses.c.participants).join(measured, measured.c.course == given_courses.c.code)
        query = query.group_by(given_courses.c.line, given_courses.c.code, given_courses.c.completed, given_courses.c.participants)
        for line, code, most, completed, participants in scope.db.execute(query.order_by(given_courses.c.line)):
            message = course_below_outcomes(most, code, completed, participants)
            if message:
                yield rt.COURSE, line, message


def session_warnings(scope: Scope) -> Iterator[tuple[int, str, str]]:
    """Given sessions (not peer ones) whose supervisor held no stage supervisor or higher
    in any programme on the day, or with no supervision link of the two current on the
    day: line, which warning, message."""
    given = scope.given(rt.SESSION)
    if given is None:
        return
    stages, links = scope.others(rt.STAGE), scope.others(rt.SUPERVISION)
    qualified = (
        select(stages.c.person)
        .where(
            stages.c.person == given.c.supervisor,
            stage_rank(stages.c.stage) >= STAGE_RANK["supervisor"],
            stages.c.attained_on <= given.c.held_on,
        )
        .exists()
    )
    linked = (
        select(links.c.supervisor)
        .where(
            links.c.supervisor == given.c.supervisor,
            links.c.supervisee == given.c.supervisee,
            links.c.started_on <= given.c.held_on,
            or_(links.c.ended_on.is_(None), links.c.ended_on > given.c.held_on),
        )
        .exists()
    )
    query = (
        select(
            given.c.line,
            given.c.supervisor,
            given.c.supervisee,
            given.c.held_on,
            qualified.label("qualified"),
            linked.label("linked"),
        )
        .where(given.c.kind != "peer", or_(~qualified, ~linked))
        .order_by(given.c.line)
    )
    for line, supervisor, supervisee, held_on, is_qualified, is_linked in scope.db.execute(query):
        if not is_qualified:
            yield line, "unqualified", unqualified_supervisor(supervisor, held_on)
        if not is_linked:
            yield line, "unlinked", no_current_link(supervisor, supervisee, held_on)


# --- a staged bundle ----------------------------------------------------------------


def bundle_errors(staging) -> Found:
    """Every rule of this module that the staged bundle's rows break."""
    return errors(Scope.for_bundle(staging))


def bundle_warnings(staging) -> list[str]:
    """The warnings of the staged bundle's sessions: for each kind, how many, then the
    first few as FILE:LINE: message."""
    counts: dict[str, int] = defaultdict(int)
    examples: dict[str, list[str]] = defaultdict(list)
    for line, kind, message in session_warnings(Scope.for_bundle(staging)):
        counts[kind] += 1
        if len(examples[kind]) < EXAMPLES:
            examples[kind].append(f"{rt.SESSION.file}:{line}: {message}")
    lines = []
    for kind in counts:
        lines.append(warning_count(kind, counts[kind], len(examples[kind])))
        lines.extend(examples[kind])
    return lines
