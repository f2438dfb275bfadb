"""Where an erased person's name, email and ref were stored as text, and taking them out.

Besides their own row, a person can be named as text in free-text fields (a retreat's
`led_by`, a CPD description, the notes of someone else's session, a course's setting),
and throughout the audit trail: the actor who typed `--actor "Their Name"`, record keys
(`supervisee=T012; ...`), the person an entry is about, its details, reason and notes,
and the record values before and after each change (JSON); and in the values of rows
that corrections retired (JSON). Each occurrence becomes the person's anonymous ref,
so that the text still reads, without naming them.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, bindparam, cast, or_, select, update
from sqlalchemy.orm import Session

from . import models

# The columns that hold text someone typed, or text made from people's refs.
FREE_TEXT = [
    models.Retreat.led_by,
    models.CpdActivity.description,
    models.SupervisionSession.notes,
    models.Course.setting,
    models.AuditEntry.actor,
    models.AuditEntry.record_key,
    models.AuditEntry.person_ref,
    models.AuditEntry.details,
    models.AuditEntry.reason,
    models.AuditEntry.notes_before,
    models.AuditEntry.notes_after,
]
# The columns that hold record values as JSON.
JSON_TEXT = [models.AuditEntry.before, models.AuditEntry.after, models.RetiredRow.values]

# Characters that continue a ref (refs are letters, digits, -, _, . and /), or a name.
_REF_GOES_ON = r"[\w/-]|\.\w"


@dataclass
class Identity:
    """What named a person as text: their ref, and every name and email they had."""

    ref: str
    names: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)

    def needles(self) -> list[str]:
        return sorted({self.ref, *self.names, *self.emails} - {""}, key=len, reverse=True)

    def pattern(self) -> re.Pattern:
        """One pattern for all of them: names and emails in any case, as whole words;
        the ref exactly, not as part of a longer ref."""
        words = [
            rf"(?<![\w@.+-]){re.escape(text)}(?!{_REF_GOES_ON})"
            for text in sorted(self.names | self.emails, key=len, reverse=True)
            if text
        ]
        ref = rf"(?-i:(?<![\w./-]){re.escape(self.ref)}(?!{_REF_GOES_ON}))"
        return re.compile("|".join([*words, ref]), re.IGNORECASE)


def scrub(session: Session, identity: Identity, anonymous: str) -> dict[str, set[int]]:
    """Replace every occurrence of the person as text by `anonymous`, in every column of
    FREE_TEXT and JSON_TEXT (one UPDATE per column); returns the ids of the rows changed,
    by table."""
    pattern = identity.pattern()
    changed: dict[str, set[int]] = defaultdict(set)
    for column in FREE_TEXT + JSON_TEXT:
        table = column.table
        updates = []
        for row_id, value in session.execute(select(table.c.id, column).where(_mentions(column, identity))).all():
            new = _replaced(value, pattern, anonymous)
            if new != value:
                updates.append({"row_id": row_id, "new": new})
                changed[table.name].add(row_id)
        if updates:
            statement = update(table).where(table.c.id == bindparam("row_id")).values({column.name: bindparam("new")})
            session.execute(statement, updates)
    return changed


def _mentions(column, identity: Identity):
    """SQL: the cell may name the person (the rows that `_replaced` then reads), in any
    case. SQLite's lower() and LIKE know ASCII letters only, so each other letter is
    looked for as any one character (`_like_pattern`); JSON cells also as JSON escapes it."""
    is_json = column in JSON_TEXT
    searched = cast(column, Text) if is_json else column
    patterns = set()
    for needle in identity.needles():
        patterns.add(_like_pattern(needle, escaped=False))
        if is_json:
            patterns.add(_like_pattern(needle, escaped=True))
    return or_(*[searched.ilike(pattern, escape="\\") for pattern in sorted(patterns)])


def _like_pattern(needle: str, *, escaped: bool) -> str:
    """A LIKE pattern for `needle` anywhere in a text: its ASCII characters as they are
    (LIKE's own `%`, `_` and `\\` escaped), any other letter as `_`, or with `escaped` as
    the `_`s of its JSON escape (`\\u00f3`)."""
    parts = []
    for char in needle:
        written = _json_escaped(char) if escaped else char
        if not char.isascii():
            parts.append("_" * len(written))
        else:
            parts.append("".join("\\" + c if c in "%_\\" else c for c in written))
    return f"%{''.join(parts)}%"


def _json_escaped(text: str) -> str:
    """`text` as JSON writes it inside a string (non-ASCII letters as \\u escapes)."""
    return json.dumps(text)[1:-1]


def _replaced(value: Any, pattern: re.Pattern, anonymous: str) -> Any:
    """A JSON value with every matching text inside it replaced."""
    if isinstance(value, str):
        return pattern.sub(anonymous, value)
    if isinstance(value, list):
        return [_replaced(item, pattern, anonymous) for item in value]
    if isinstance(value, dict):
        return {name: _replaced(item, pattern, anonymous) for name, item in value.items()}
    return value
