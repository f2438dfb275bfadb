"""Logging a supervision session: a record for each supervisee present, checked as any
record is, and the warnings the session calls for (returned as data, for the caller
to show)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from . import locks
from . import recordtypes as rt
from .bundle import agreement
from .bundle.scope import Scope
from .errors import Invalid
from .records import add_record

if TYPE_CHECKING:
    from .session import Database


@dataclass
class Logged:
    """A session logged: its rows (one per supervisee) and the warnings it calls for."""

    rows: list[dict]
    warnings: list[str]


def log_session(
    session: Database,
    *,
    supervisor: str,
    supervisees: list[str],
    held_on: Any,
    minutes: Any,
    kind: str,
    mode: str | None = None,
    programme: str | None = None,
    notes: str | None = None,
    actor: str,
    today: dt.date | None = None,
) -> Logged:
    """Record one supervision session: a row for each supervisee present, with the
    warnings the session calls for."""
    if not supervisees:
        raise Invalid("supervisee: at least one is needed")
    repeated = sorted({ref for ref in supervisees if supervisees.count(ref) > 1})
    if repeated:
        raise Invalid(f"supervisee: {repeated[0]!r} is given twice")
    if kind == "individual" and len(supervisees) > 1:
        raise Invalid(f"kind: an individual session has one supervisee, not {len(supervisees)}; use group")
    # Everyone present, locked at once in id order, before any of their rows is written.
    locks.hold_refs(session, [("supervisor", supervisor), *(("supervisee", ref) for ref in supervisees)])
    rows = [
        add_record(
            session,
            rt.SESSION,
            {
                "supervisor": supervisor,
                "supervisee": supervisee,
                "held_on": held_on,
                "minutes": minutes,
                "kind": kind,
                "mode": mode,
                "programme": programme,
                "notes": notes,
            },
            actor=actor,
            today=today,
        )
        for supervisee in supervisees
    ]
    warnings = [message for row in rows for message in session_warnings(session, row)]
    return Logged(rows, list(dict.fromkeys(warnings)))


def session_warnings(session: Database, values: Mapping[str, Any]) -> list[str]:
    """What a session's record does not say by itself: its supervisor was not qualified
    to supervise on the day, or no supervision link of the two was current."""
    return [message for _, _, message in agreement.session_warnings(Scope.for_record(session, rt.SESSION, values))]
