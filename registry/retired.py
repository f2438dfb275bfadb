"""Rows that corrections retired: a bundle row replaced by an amendment or removed, kept
by its values so that importing the old spreadsheet again skips it (unless restored).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from sqlalchemy import delete, insert, select, update

from . import recordtypes as rt
from .audit import plain
from .tables import retired_rows as retired

if TYPE_CHECKING:
    from .session import Database


def row_text(values: Mapping[str, Any], columns: Iterable[str]) -> str:
    """The canonical text of a row's values on `columns` (compared between a retired row
    and an imported one)."""
    return json.dumps([plain(values.get(name)) for name in columns], default=str)


def _fingerprint(record_type: rt.RecordType, values: Mapping[str, Any]) -> str:
    return hashlib.sha256(row_text(values, record_type.columns).encode()).hexdigest()


def retire(session: Database, record_type: rt.RecordType, before: dict) -> None:
    fingerprint = _fingerprint(record_type, before)
    name = record_type.type_name
    found = session.execute(
        select(retired.c.id).where(retired.c.record_type == name, retired.c.fingerprint == fingerprint)
    ).first()
    if found is None:
        session.execute(
            insert(retired).values(
                record_type=name,
                fingerprint=fingerprint,
                values=before,
                retired_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0),
            )
        )


def unretire(session: Database, record_type: rt.RecordType, after: dict) -> None:
    """A record amended back to values once retired makes them current again."""
    session.execute(
        delete(retired).where(
            retired.c.record_type == record_type.type_name, retired.c.fingerprint == _fingerprint(record_type, after)
        )
    )


def retired_rows(session: Database, record_type: rt.RecordType) -> list[dict]:
    """The bundle values of the rows of `record_type` that corrections retired."""
    return list(session.scalars(select(retired.c["values"]).where(retired.c.record_type == record_type.type_name)))


def restore_retired(session: Database, record_type: rt.RecordType, rows: Iterable[dict]) -> None:
    """Forget the retirement of `rows` (an import with --restore brought them back)."""
    for row in rows:
        unretire(session, record_type, row)


def rewrite(session: Database, row_id: int, record_type: rt.RecordType, values: dict) -> None:
    """Give a retired row new values (an erasure took a person out of them), under their
    fingerprint; dropped when the same values are retired already."""
    fingerprint = _fingerprint(record_type, values)
    same = select(retired.c.id).where(
        retired.c.record_type == record_type.type_name, retired.c.fingerprint == fingerprint, retired.c.id != row_id
    )
    if session.execute(same).first() is not None:
        session.execute(delete(retired).where(retired.c.id == row_id))
    else:
        session.execute(update(retired).where(retired.c.id == row_id).values(values=values, fingerprint=fingerprint))
