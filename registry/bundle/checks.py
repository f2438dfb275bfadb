"""Rules across records: references, duplicates, unique emails, nomination regions, the
stages trainers and supervisors need, and a lineage without cycles.

The first functions hold the rules that a single record (a command, through records.py)
and a staged bundle (an import) must both keep; `cross_record_errors` applies every rule
to a staged bundle, mostly as SQL, against staging and the registry together, with
those of bundle/agreement.py (dates within a person's time in the service, the
pathway's order, links that do not overlap, nominations that mean something). Every
message comes from the validation layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from sqlalchemy import Connection, Table, and_, exists, func, select

from .. import recordtypes as rt
from .. import tables
from ..lineage_guard import Lineage, hold_lineages, loop_refused, registry_lineage, stored_loops
from ..validate import (
    STAGE_NEEDED,
    StageBook,
    cycle_message,
    duplicate_row,
    email_repeated,
    email_taken,
    missing_reference,
    registry_errors,
    unknown_region,
)
from .agreement import bundle_errors
from .tables import REFERENCED, stored_fields

if TYPE_CHECKING:
    # Only an import reads and stages bundle files: a command checking one record loads neither.
    from ..session import Database
    from .reader import Problems
    from .staging import Staged, Staging

# --- rules shared by commands and import ----------------------------------------------


def stage_book(
    db: Database, *, people: list[str] | None = None, programme: str | None = None, bundle_stages: Table | None = None
) -> StageBook:
    """The stage histories of the registry (of some `people` in one `programme`), with a
    bundle's staged stages, which replace the registry's record of the same stage."""
    person, programmes, stages = tables.people, tables.programmes, tables.stages
    query = (
        select(person.c.ref, programmes.c.code, stages.c.stage, stages.c.attained_on)
        .join(person, person.c.id == stages.c.person_id)
        .join(programmes, programmes.c.id == stages.c.programme_id)
    )
    if people is not None:
        query = query.where(person.c.ref.in_(people))
    if programme is not None:
        query = query.where(programmes.c.code == programme)
    book = StageBook()
    if bundle_stages is not None:
        staged = bundle_stages.c
        same_stage = and_(staged.person == person.c.ref, staged.programme == programmes.c.code, staged.stage == stages.c.stage)
        query = query.where(~exists().where(same_stage))
        for row in db.execute(select(staged.person, staged.programme, staged.stage, staged.attained_on)):
            book.add(*row)
    for row in db.execute(query):
        book.add(*row)
    return book


def lineage_cycles(edges: Lineage) -> Iterator[tuple[int, str]]:
    """For each programme whose lineage has a cycle: the latest bundle line among the
    cycle's edges, and the message; when none is from a bundle the loop is stored
    already: the latest bundle line of the programme (1 when none), and a message that
    says so."""
    for code, cycle in stored_loops(edges):
        lines = [edges[code][pair] for pair in zip(cycle, cycle[1:]) if edges[code].get(pair)]
        if lines:
            yield max(lines), cycle_message(code, cycle)
        else:
            yield max(edges[code].values(), default=0) or 1, loop_refused(code, cycle)


def region_unknown(region, bundle_organisations: Table | None = None):
    """SQL: no organisation of the registry (nor of the bundle) is in `region`."""
    organisations = tables.organisations
    condition = ~exists().where(organisations.c.region == region)
    if bundle_organisations is not None:
        condition = and_(condition, ~exists().where(bundle_organisations.c.region == region))
    return condition


def registry_emails():
    """The registry's people who have an email, with the email in lower case as `key`;
    materialised, so that matching many emails is one indexed join, not a scan each."""
    people = tables.people
    lowered = select(people.c.ref, people.c.email, func.lower(people.c.email).label("key"))
    return lowered.where(people.c.email.is_not(None)).cte("registry_emails").prefix_with("MATERIALIZED")


def email_held_by_another(email, ref, bundle_people: Table | None = None, holders=None):
    """SQL, on the registry's people (or `holders`, from registry_emails()): holds `email`,
    ignoring case, but is not `ref` (and, when the bundle's people are given, is not
    given another email there)."""
    people = tables.people if holders is None else holders
    held = func.lower(people.c.email) if holders is None else holders.c.key
    condition = and_(held == func.lower(email), people.c.ref != ref)
    if bundle_people is not None:
        changed = and_(bundle_people.c.ref == people.c.ref, bundle_people.c.email.is_distinct_from(people.c.email))
        condition = and_(condition, ~exists().where(changed))
    return condition


# --- a staged bundle --------------------------------------------------------------------


def cross_record_errors(staging: Staging, problems: Problems) -> None:
    """Add to `problems` every rule across records that the staged bundle breaks.
    References, keys, emails and regions are checked on every row, with the values that
    could be read; the other rules judge only the rows read without a problem."""

    def note(record_type: rt.RecordType, line: int, message: str) -> None:
        problems.add(record_type.file, line, message)

    for staged in staging.files.values():
        rows = staging.readable(staged.record_type)
        for line, message in _duplicates(staging.connection, rows, staged.record_type.key_columns):
            note(staged.record_type, line, message)
        for line, message in _dangling_references(staging, staged, problems):
            note(staged.record_type, line, message)
    # A region is unknown only when every organisation's region could be read.
    if "organisation" not in problems.unreadable_files and staging.column_read(rt.ORGANISATION, "region"):
        for line, message in _unknown_regions(staging):
            note(rt.NOMINATION, line, message)
    for line, message in _duplicate_emails(staging):
        note(rt.PERSON, line, message)
    for record_type, line, message in _stage_rules(staging):
        note(record_type, line, message)
    for record_type, line, message in bundle_errors(staging):
        note(record_type, line, message)


def _duplicates(connection: Connection, table, keys: list[str]) -> Iterator[tuple[int, str]]:
    from .staging import BATCH

    first = table.alias("first")
    same_key = and_(*[first.c[k] == table.c[k] for k in keys])
    query = (
        select(table.c.line, func.min(first.c.line))
        .join(first, and_(same_key, first.c.line < table.c.line))
        .group_by(table.c.line)
        .order_by(table.c.line)
    )
    for line, first_line in connection.execute(query.execution_options(yield_per=BATCH)):
        yield line, duplicate_row(first_line, keys)


def _dangling_references(staging: Staging, staged: Staged, problems: Problems) -> Iterator[tuple[int, str]]:
    if staged.record_type is rt.COURSE and staging.co_teachers is not None:
        yield from _dangling(staging, problems, staging.readable_co_teachers(), "person", "co_teachers", "person")
    rows = staging.readable(staged.record_type)
    for spec in stored_fields(staged.record_type):
        if spec.refers_to:
            yield from _dangling(staging, problems, rows, spec.name, spec.name, spec.refers_to)


def _dangling(
    staging: Staging, problems: Problems, table: Table, column: str, field_name: str, kind: str
) -> Iterator[tuple[int, str]]:
    from .staging import BATCH

    if kind in problems.unreadable_files:
        return
    target, key = REFERENCED[kind]
    ref = table.c[column]
    conditions = [ref.is_not(None), ~exists().where(target.c[key] == ref), *staging.not_in_bundle(kind, ref)]
    query = select(table.c.line, ref).where(*conditions).order_by(table.c.line)
    for line, value in staging.connection.execute(query.execution_options(yield_per=BATCH)):
        yield line, missing_reference(field_name, kind, value, where="the bundle or the registry")


def _unknown_regions(staging: Staging) -> Iterator[tuple[int, str]]:
    table = staging.readable(rt.NOMINATION)
    if table is None:
        return
    unknown = region_unknown(table.c.region, staging.readable(rt.ORGANISATION))
    query = select(table.c.line, table.c.region).where(table.c.region.is_not(None), unknown).order_by(table.c.line)
    for line, region in staging.connection.execute(query):
        yield line, unknown_region(region)


def _duplicate_emails(staging: Staging) -> Iterator[tuple[int, str]]:
    table = staging.readable(rt.PERSON)
    if table is None:
        return
    other = table.alias("other")
    first_line = func.min(table.c.line).over(partition_by=func.lower(table.c.email))
    lines = select(table.c.line, table.c.email, first_line.label("first")).where(table.c.email.is_not(None)).subquery()
    within = select(lines.c.line, lines.c.email, lines.c.first).where(lines.c.line > lines.c.first)
    for line, email, first in staging.connection.execute(within):
        yield line, email_repeated(email, first)
    holders = registry_emails()
    in_registry = (
        select(table.c.line, table.c.email, holders.c.ref)
        .select_from(table)
        .join(holders, email_held_by_another(table.c.email, table.c.ref, other, holders))
    )
    for line, email, ref in staging.connection.execute(in_registry):
        yield line, email_taken(email, ref, where="the registry")


def _stage_rules(staging: Staging) -> Iterator[tuple[rt.RecordType, int, str]]:
    checked = [record_type for record_type in STAGE_NEEDED if staging.table(record_type) is not None]
    if checked:
        stages_read = staging.readable(rt.STAGE, "person", "programme", "stage", "attained_on")
        book = stage_book(staging.connection, bundle_stages=stages_read)
    for record_type in checked:
        table = staging.table(record_type)
        holder = table.c[STAGE_NEEDED[record_type][0]]
        query = select(table).where(*staging.stages_readable(holder, table.c.programme))
        for row in staging.connection.execute(query).mappings():
            for message in registry_errors(record_type, row, book):
                yield record_type, row["line"], message
    training = staging.table(rt.TRAINING)
    if training is not None:
        query = select(training.c.line, training.c.programme, training.c.trainer, training.c.trainee)
        staged = staging.connection.execute(query).all()
        # The lineages of the programmes the bundle trains in, held until the import ends.
        hold_lineages(staging.connection, {code for _, code, _, _ in staged})
        registry = registry_lineage(staging.connection)
        edges = {code: dict(registry[code]) for _, code, _, _ in staged}
        for line, code, trainer, trainee in staged:
            edges[code][(trainer, trainee)] = max(line, edges[code].get((trainer, trainee), 0))
        for line, message in lineage_cycles(edges):
            yield rt.TRAINING, line, message
