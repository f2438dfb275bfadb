"""Writing and reading the audit trail. Entries are only ever added.

An entry about a record keeps the record's bundle values before and after the change
(`snapshot`), with its confidential notes only as "<changed>" or "<present>"; the notes
themselves go into columns of their own (`notes_before`, `notes_after`) that only those
who may read notes are granted, and `entries(show_notes=True)` puts them back.

On PostgreSQL a role that may not write the audit trail (a supervisor) has its record
changes written by the database's triggers (migration 0004), with the reason given
through the setting `mbp.reason`; its readings of notes go through `mbp_audit_event`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from sqlalchemy import func, insert, select, text

from . import recordtypes as rt
from .rows import require_notes_readable
from .session import dialect_name, transaction_cache
from .tables import audit_log

if TYPE_CHECKING:
    from .session import Database

CONFIDENTIAL = "notes"

# Which field of each record type names the person the record is about.
SUBJECT = {
    "person": "ref",
    "stage": "person",
    "training": "trainee",
    "supervision link": "supervisee",
    "session": "supervisee",
    "cpd": "person",
    "retreat": "person",
    "course": "lead",
    "nomination": "person",
    "assessment": "person",
}

# Record types as entries written before the TYPE names were used called them.
_OLD_NAMES = {record_type.name: record_type.type_name for record_type in rt.ALL}


def plain(value: Any) -> Any:
    """A bundle value as an entry keeps it: dates as ISO text, numbers as numbers, lists sorted."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (Decimal, float)) and not isinstance(value, bool):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, (list, tuple)):
        return sorted(value)
    return value


def snapshot(record_type: rt.RecordType, values: Mapping[str, Any]) -> dict:
    """A record's bundle fields and values as an entry keeps them, in bundle order."""
    return {name: plain(values.get(name)) for name in record_type.columns}


def masked(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """`before` and `after` with the notes shown only as "<changed>" (a side of a change)
    or "<present>" (there, unchanged)."""
    before, after = (dict(side) if side is not None else None for side in (before, after))
    old = before.get(CONFIDENTIAL) if before else None
    new = after.get(CONFIDENTIAL) if after else None
    mark = "<present>" if old == new or before is None or after is None else "<changed>"
    for side, value in ((before, old), (after, new)):
        if side is not None and CONFIDENTIAL in side and value:
            side[CONFIDENTIAL] = mark
    return before, after


def writes_directly(session: Database) -> bool:
    """Whether this connection may write the audit trail itself (on PostgreSQL, a role
    without that right has its record changes written by the database's triggers)."""
    rights = transaction_cache(session, "login_rights")
    if "audit_writes_directly" not in rights:
        allowed = dialect_name(session) != "postgresql" or session.execute(
            select(func.has_table_privilege(audit_log.name, "INSERT"))
        ).scalar()
        rights["audit_writes_directly"] = bool(allowed)
    return rights["audit_writes_directly"]


def give_reason(session: Database, reason: str) -> None:
    """The reason for the changes this transaction is about to make, for the entries the
    database's triggers write (PostgreSQL)."""
    if dialect_name(session) == "postgresql":
        session.execute(select(func.set_config("mbp.reason", reason, True)))


def record(
    session: Database,
    *,
    actor: str,
    action: str,
    record_type: str,
    record_key: str,
    person_ref: str | None = None,
    details: str | None = None,
) -> None:
    """An entry that is not about one record's values: a reading, an export, an import."""
    if not writes_directly(session):
        session.execute(
            text("SELECT mbp_audit_event(:action, :record_type, :record_key, :person_ref, :details)"),
            dict(action=action, record_type=record_type, record_key=record_key, person_ref=person_ref, details=details),
        )
        return
    _insert(session, [dict(actor=actor, action=action, record_type=record_type, record_key=record_key,
                           person_ref=person_ref, details=details)])


def record_change(
    session: Database,
    *,
    actor: str,
    action: str,
    record_type: rt.RecordType,
    values: Mapping[str, Any],
    before: dict | None = None,
    after: dict | None = None,
    reason: str | None = None,
    details: str | None = None,
) -> None:
    """An entry about one record (`values` name it): its key, the person it is about, and
    its bundle values `before` and `after` the change."""
    record_changes(
        session, actor=actor, action=action, record_type=record_type,
        changes=[(values, before, after)], reason=reason, details=details,
    )


def record_changes(
    session: Database,
    *,
    actor: str,
    action: str,
    record_type: rt.RecordType,
    changes: Iterable[tuple[Mapping[str, Any], dict | None, dict | None]],
    reason: str | None = None,
    details: str | None = None,
) -> None:
    """One entry for each (values, before, after) of `changes`, in one statement."""
    if not writes_directly(session):
        return  # the database's trigger has written them
    subject = SUBJECT.get(record_type.name)
    rows = []
    for values, before, after in changes:
        shown_before, shown_after = masked(before, after)
        rows.append(
            dict(
                actor=actor,
                action=action,
                record_type=record_type.type_name,
                record_key="; ".join(f"{name}={plain(values.get(name)) or ''}" for name in record_type.key_columns),
                person_ref=values.get(subject) if subject else None,
                details=details,
                reason=reason,
                before=shown_before,
                after=shown_after,
                notes_before=(before or {}).get(CONFIDENTIAL),
                notes_after=(after or {}).get(CONFIDENTIAL),
            )
        )
    if rows:
        _insert(session, rows)


def _insert(session: Database, rows: list[dict]) -> None:
    # inline(): no RETURNING id, which would need the right to read the audit log.
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    session.execute(insert(audit_log).inline(), [{"at": now, **row} for row in rows])


def record_export(session: Database, *, actor: str, what: str, path: str, records: int) -> None:
    """An entry for a file written with everything held, confidential notes included."""
    record(
        session, actor=actor, action="export", record_type=what, record_key=path,
        details=f'{{"records": {records}, "notes": true}}',
    )


def entries(
    session: Database,
    *,
    person: str | None = None,
    record_type: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    show_notes: bool = False,
) -> list[dict]:
    """Entries oldest first, with each record's values before and after (the notes put
    back only when `show_notes`: their columns are not read otherwise)."""
    entry = audit_log.c
    shown = [entry.id, entry.at, entry.actor, entry.action, entry.record_type, entry.record_key, entry.person_ref,
             entry.reason, entry.before, entry.after, entry.details]
    query = select(*shown, *([entry.notes_before, entry.notes_after] if show_notes else [])).order_by(entry.id)
    if person:
        query = query.where(entry.person_ref == person)
    if record_type:
        query = query.where(entry.record_type == _OLD_NAMES.get(record_type, record_type))
    if since:
        query = query.where(entry.at >= dt.datetime.combine(since, dt.time()))
    if until:
        query = query.where(entry.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    return [_entry(row, show_notes) for row in session.execute(query)]


def _entry(row, show_notes: bool) -> dict:
    before, after = row.before, row.after
    if show_notes:
        for side, notes in ((before, row.notes_before), (after, row.notes_after)):
            if side is not None and CONFIDENTIAL in side:
                side[CONFIDENTIAL] = notes
    return {
        "id": row.id,
        "at": row.at,
        "actor": row.actor,
        "action": row.action,
        "record_type": row.record_type,
        "record": row.record_key,
        "person": row.person_ref,
        "reason": row.reason,
        "before": before,
        "after": after,
        "details": row.details,
    }


def entries_with_notes(session: Database, *, actor: str, **chosen) -> list[dict]:
    """Entries with confidential notes shown; the reading is itself an entry."""
    require_notes_readable(session, "show-notes", "the audit trail's notes are read by an administrator")
    if chosen.get("person"):
        from .locks import hold_refs

        # The reading's entry names the person: not someone being erased meanwhile.
        hold_refs(session, [("person", chosen["person"])], kept=True, strict=True)
    rows = entries(session, show_notes=True, **chosen)
    given = {name: value for name, value in chosen.items() if value is not None}
    record(
        session,
        actor=actor,
        action="read_notes",
        record_type="audit",
        record_key="; ".join(f"{name}={plain(value)}" for name, value in given.items()) or "all",
        person_ref=chosen.get("person"),
        details=f'{{"entries": {len(rows)}}}',
    )
    return rows
