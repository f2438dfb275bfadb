"""Correcting the record: amend or remove any one record, keeping what it was.

A record is named by its TYPE (its bundle file's name without `.csv`) and its id: the
integer `id` of the record lists, or the ref or code of a person, organisation,
programme or course. An amended record is read and checked by the same validation layer
as a new one (records.replace_record). Each correction writes an audit entry with the
record's bundle values before and after and the reason, and retires the row it replaced,
so that importing the old spreadsheet again does not bring it back (see `retired_rows`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from sqlalchemy.orm import Session

from . import audit, records, retired
from . import recordtypes as rt
from .bundle.tables import TABLES
from .errors import Invalid, NotFound
from .rows import rows_where
from .vocab import ERASED

# The record types by the TYPE name commands and the audit trail use.
TYPES: dict[str, rt.RecordType] = {record_type.type_name: record_type for record_type in rt.ALL}
# Named by their ref or code rather than their integer id; not removed this way.
KEYED = {"people", "organisations", "programmes", "courses"}
NOT_REMOVABLE = {"people": "people leave (person leave) or are erased (person erase)",
                 "organisations": "organisations are kept for the record",
                 "programmes": "programmes are kept for the record"}


def record_type_named(name: str) -> rt.RecordType:
    """The record type called `name`, or Invalid listing the known ones."""
    if name in TYPES:
        return TYPES[name]
    raise Invalid(f"type: {name!r} is not a record type; use one of {', '.join(TYPES)}")


@dataclass
class Correction:
    """What a correction did: the record, and its bundle values before and after."""

    record_type: str
    key: str
    before: dict
    after: dict | None

    @property
    def changed(self) -> list[str]:
        """The fields whose values changed, in bundle order (all of them for a removal)."""
        if self.after is None:
            return list(self.before)
        return [name for name in self.before if self.before[name] != self.after.get(name)]


def locate(session: Session, record_type: rt.RecordType, key: str) -> dict:
    """The record of `record_type` named by `key` (id, or ref/code), with its `id`."""
    table, name = TABLES[record_type.name], record_type.type_name
    if name in KEYED:
        (key_name,) = record_type.key_columns
        condition, shown = table.c[key_name] == key, f"{key_name} {key!r}"
    else:
        record_id = _whole_number(key)
        if record_id is None:
            raise Invalid(f"id: {key!r} is not a record id (the whole number in the `id` column of the list)")
        condition, shown = table.c.id == record_id, f"id {key}"
    found = next(iter(rows_where(session, record_type, condition)), None)
    if found is None:
        raise NotFound(f"id: no {name} record with {shown}")
    return found


# Ids are 32-bit integers in the database: a larger number names no record.
LARGEST_ID = 2**31 - 1


def _whole_number(text: str) -> int | None:
    """`text` as an id when it is written in ASCII digits, else None; a number too large
    to be an id becomes 0, which names no record."""
    text = str(text)
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text) if len(text) <= 10 and int(text) <= LARGEST_ID else 0


def amend(
    session: Session,
    name: str,
    key: str,
    settings: Mapping[str, str],
    *,
    reason: str,
    actor: str,
    today: dt.date | None = None,
) -> Correction:
    """Change fields of one record; returns the correction (nothing written when no value changes)."""
    record_type = record_type_named(name)
    reason = _reason(reason)
    _check_settings(record_type, settings)
    current = locate(session, record_type, key)
    _check_erasure(record_type, current, settings)
    audit.give_reason(session, reason)
    values = records.replace_record(session, record_type, current, settings, today=today)
    correction = Correction(name, key, audit.snapshot(record_type, current), audit.snapshot(record_type, values))
    if correction.changed:
        retired.retire(session, record_type, correction.before)
        retired.unretire(session, record_type, correction.after)
        audit.record_change(
            session, actor=actor, action="amend", record_type=record_type, values=correction.before,
            before=correction.before, after=correction.after, reason=reason,
        )
    return correction


def remove(session: Session, name: str, key: str, *, reason: str, actor: str) -> Correction:
    """Remove one event record; refuses when other records depend on it."""
    record_type = record_type_named(name)
    if name in NOT_REMOVABLE:
        raise Invalid(f"type: {name} are not removed this way: {NOT_REMOVABLE[name]}")
    reason = _reason(reason)
    current = locate(session, record_type, key)
    audit.give_reason(session, reason)
    records.hold_people_of(session, record_type, current)
    records.delete_record(session, record_type, current["id"])
    correction = Correction(name, key, audit.snapshot(record_type, current), None)
    retired.retire(session, record_type, correction.before)
    audit.record_change(
        session, actor=actor, action="remove", record_type=record_type, values=correction.before,
        before=correction.before, after=None, reason=reason,
    )
    return correction


def restore(session: Session, entry_id: str, *, reason: str, actor: str) -> dict:
    """Add back the record that the audit entry `entry_id` removed, as it was (checked as
    a new record is); returns its values."""
    from .models import AuditEntry

    reason = _reason(reason)
    number = _whole_number(entry_id)
    entry = session.get(AuditEntry, number) if number is not None else None
    if entry is None:
        raise NotFound(f"entry: no audit entry {entry_id!r}")
    if entry.action != "remove" or not entry.before or entry.record_type not in TYPES:
        raise Invalid(
            f"entry: {entry_id} is not the removal of a record; to undo an amendment, amend the record "
            "back to the values its entry shows as before"
        )
    record_type = TYPES[entry.record_type]
    values = dict(entry.before)
    if audit.CONFIDENTIAL in values:
        values[audit.CONFIDENTIAL] = entry.notes_before
    audit.give_reason(session, reason)
    added = records.add_record(session, record_type, values, actor=actor, reason=reason)
    retired.unretire(session, record_type, audit.snapshot(record_type, added))
    return added


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise Invalid("reason: say why the record is corrected (--reason TEXT)")
    if len(text) > 500:
        raise Invalid(f"reason: {len(text)} characters is too long (at most 500)")
    return text


def _check_erasure(record_type: rt.RecordType, current: dict, settings: Mapping[str, str]) -> None:
    """Erasure is `person erase` alone: it is neither undone nor done by an amendment."""
    if record_type is not rt.PERSON:
        return
    if current.get("status") == ERASED:
        raise Invalid(f"id: {current['ref']} was erased; an erased person's record is not amended")
    status = str(settings.get("status", "")).strip().lower()
    if status == ERASED:
        raise Invalid("status: 'erased' is given by `person erase` alone, which also clears the person's data")


def _check_settings(record_type: rt.RecordType, settings: Mapping[str, str]) -> None:
    if not settings:
        raise Invalid("set: give at least one FIELD=VALUE to change")
    name = record_type.type_name
    for field_name in settings:
        if field_name not in record_type.by_name:
            raise Invalid(f"set: {field_name!r} is not a field of {name}; use one of {', '.join(record_type.columns)}")
        if name in KEYED and field_name in record_type.key_columns:
            raise Invalid(f"set: {field_name!r} names the record and cannot be amended")
