"""Writes about the same person, one after the other: an erasure never overlaps them.

An erasure and any write about the person it erases must not interleave: a session
logged while the person is erased would otherwise keep their notes and an audit entry
with their old ref. Every write about a person locks the people it names until its
transaction ends (`lock_people`), then checks that none of them was erased meanwhile
(`hold_people`); the erasure takes the same lock alone, for its person.

- PostgreSQL: transaction-level advisory locks, one per person, keyed by the people
  table and the person's id, taken in id order so that two writers never wait for each
  other in a cycle. Writes share the lock (they do not wait for each other), an erasure
  takes it alone. Not `SELECT ... FOR UPDATE`: PostgreSQL locks a row only for a login
  that may update its table, and a supervisor's login only reads `people`.
- SQLite: nothing to do. Every write transaction takes the database's one write lock
  when it begins (BEGIN IMMEDIATE), so writers are already one after the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from sqlalchemy import Integer, cast, func, select, text

from . import recordtypes as rt
from .errors import Conflict, NotFound
from .session import dialect_name, transaction_cache
from .tables import people
from .validate import missing_reference
from .vocab import ERASED

if TYPE_CHECKING:
    from .session import Database

# The first key of the people's advisory locks: the people table's own oid, so that
# registries in several schemas of one database never wait for each other.
_PEOPLE_TABLE_KEY = text(f"'{people.name}'::regclass::oid::int")


def lock_people(session: Database, ids: Iterable[int], *, alone: bool = False) -> None:
    """Lock the people with these ids until the transaction ends, in id order: shared
    with other writers, or `alone` (an erasure). A no-op on SQLite."""
    if dialect_name(session) != "postgresql":
        return
    take = func.pg_advisory_xact_lock if alone else func.pg_advisory_xact_lock_shared
    for person_id in sorted(set(ids)):
        session.execute(select(take(_PEOPLE_TABLE_KEY, cast(int(person_id), Integer))))


# A key that names no person (ids start at 1): a write about anyone at all, as a bundle
# import is, shares it; an erasure takes it alone, before its person's, so that the two
# never overlap either.
EVERYONE = 0


def lock_everyone(session: Database, *, alone: bool = False) -> None:
    lock_people(session, [EVERYONE], alone=alone)


def erased_message(field_name: str, ref: str) -> str:
    return f"{field_name}: {ref!r} has been erased; nothing more is recorded about them"


def hold_people(
    session: Database,
    named: Iterable[tuple[str, str, int]],
    *,
    alone: bool = False,
    kept: Iterable[int] = (),
) -> set[int]:
    """Lock the people `named` (field, ref, id), then refuse the write when one of them
    has been erased: before, or while this write waited for the erasure to end. People
    in `kept` (already named by a record being corrected or removed) may stay named
    although erased, as long as their ref is the one the write read. Returns the ids of
    the erased people among them."""
    named = list(named)
    # The people this transaction has locked, as they were once locked (nobody erases
    # them before it ends): a second write about them need not lock or read them again.
    held = transaction_cache(session, "people_held")
    ids = {person_id for _, _, person_id in named}
    fresh = ids if alone else ids - held.keys()
    lock_people(session, fresh, alone=alone)
    if fresh:
        query = select(people.c.id, people.c.ref, people.c.status).where(people.c.id.in_(fresh))
        held.update({row.id: row for row in session.execute(query)})
    kept = set(kept)
    for field_name, ref, person_id in named:
        row = held.get(person_id)
        if row is None or row.ref != ref or (row.status == ERASED and person_id not in kept):
            raise Conflict(erased_message(field_name, ref))
    return {person_id for person_id in ids if held[person_id].status == ERASED}


def people_named(record_type: rt.RecordType, values: Mapping[str, Any], ids: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    """(field, ref, id) of each person a record's `values` name; `ids` gives each person
    field's id (a list of ids for a list of refs, like a course's co-teachers)."""
    named = []
    for spec in record_type.fields:
        if spec.refers_to != "person" or values.get(spec.name) is None:
            continue
        refs, found = values[spec.name], ids[spec.name]
        if isinstance(refs, (list, tuple)):
            named += [(spec.name, ref, person_id) for ref, person_id in zip(refs, found)]
        else:
            named.append((spec.name, refs, found))
    return named


def hold_refs(
    session: Database, named: Iterable[tuple[str, str]], *, kept: bool = False, strict: bool = False
) -> set[int]:
    """`hold_people` for people given as (field, ref). A ref naming nobody is left to the
    write's own checks, or refused when `strict`. `kept`: erased people may stay named."""
    named = list(named)
    refs = {ref for _, ref in named}
    ids = dict(session.execute(select(people.c.ref, people.c.id).where(people.c.ref.in_(refs))).all()) if refs else {}
    found = [(field_name, ref, ids[ref]) for field_name, ref in named if ref in ids]
    missing = [missing_reference(field_name, "person", ref) for field_name, ref in named if ref not in ids]
    if strict and missing:
        raise NotFound("; ".join(missing))
    return hold_people(session, found, kept=[person_id for _, _, person_id in found] if kept else ())
