"""The records of the registry that break a rule, for `db check`.

Records kept before a rule existed (or written around the registry) may break it. Each
record is checked as a new one would be, by the one validation layer: its fields and
record rules (validate.check_record), the stages its trainer or supervisor needs, and
the rules by which records agree (bundle/agreement.py, over the whole registry); and for
what only a change around the registry leaves (damage.py): references to records that
are gone, a loop in a lineage, an email held twice. Each
record that breaks one is named as `amend` names it: its TYPE and id (the ref or code
of a person, organisation, programme or course).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from sqlalchemy import Connection, func, select

from . import recordtypes as rt
from .bundle import agreement
from .bundle.checks import stage_book
from .bundle.scope import Scope
from .bundle.tables import TABLES
from .damage import KEYED, lineage_loops, orphans, shared_emails
from .rows import rows_where
from .validate import check_record, registry_errors

# Records read at a time, so that a large registry is checked in bounded memory.
CHUNK = 20_000


def records_breaking_rules(db: Connection, today: dt.date) -> list[dict]:
    """Each record that breaks a rule, with the rule's message: type, id, problem; by
    type in bundle order, then id. A record with a reference to a record that is gone is
    named for that alone (its other rules cannot be judged without it)."""
    gone = list(orphans(db))
    found = list(_own_rules(db, today))
    book = stage_book(db)
    for record_type in (rt.TRAINING, rt.SUPERVISION):
        for row in _every_row(db, record_type):
            found.extend((record_type, row, message) for message in registry_errors(record_type, row, book))
    across = list(agreement.errors(Scope.for_registry(db)))
    keys = _keys_of(db, {(record_type, line) for record_type, line, _ in across if record_type in KEYED})
    found.extend((record_type, {"id": line, **keys.get((record_type, line), {})}, message) for record_type, line, message in across)
    orphaned = {(record_type, row["id"]) for record_type, row, _ in gone}
    found = [entry for entry in found if (entry[0], entry[1]["id"]) not in orphaned] + gone
    found += [*lineage_loops(db), *shared_emails(db)]
    order = {record_type.name: index for index, record_type in enumerate(rt.ALL)}
    entries = [
        {"type": record_type.type_name, "id": _name_of(record_type, row), "problem": message, "_order": (order[record_type.name], row["id"])}
        for record_type, row, message in found
    ]
    entries.sort(key=lambda entry: entry.pop("_order"))
    return entries


def _own_rules(db: Connection, today: dt.date) -> Iterator[tuple[rt.RecordType, dict, str]]:
    """Records that break a rule of their own fields."""
    for record_type in rt.ALL:
        for row in _every_row(db, record_type):
            _, errors = check_record(record_type, row, today)
            for message in errors:
                yield record_type, row, message


def _every_row(db: Connection, record_type: rt.RecordType) -> Iterator[dict]:
    """Every record of a type as bundle values with its id, a chunk at a time."""
    table = TABLES[record_type.name]
    last = db.execute(select(func.max(table.c.id))).scalar() or 0
    for start in range(1, last + 1, CHUNK):
        yield from rows_where(db, record_type, table.c.id.between(start, start + CHUNK - 1))


def _keys_of(db: Connection, records: set[tuple[rt.RecordType, int]]) -> dict[tuple[rt.RecordType, int], dict]:
    """The ref or code of keyed records, by (type, id)."""
    keys = {}
    for record_type, record_id in records:
        table = TABLES[record_type.name]
        (key,) = record_type.key_columns
        keys[(record_type, record_id)] = {key: db.execute(select(table.c[key]).where(table.c.id == record_id)).scalar()}
    return keys


def _name_of(record_type: rt.RecordType, row: dict) -> str:
    if record_type in KEYED:
        (key,) = record_type.key_columns
        return str(row[key])
    return str(row["id"])
