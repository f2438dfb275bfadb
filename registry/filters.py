"""Filters as people type them, checked against the registry before a list or report is
made, so that a mistyped filter is never read as "nobody matches".

A person, organisation, region or programme that is not in the registry is an error
naming the closest known values (a value that differs only in case is taken as the
registry spells it, when only one matches); a status or stage must be one of its fixed
values. `scope_words` says what a checked scope covers, for the sentence a report
prints when nobody is in it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import fields, models
from .errors import Invalid, NotFound
from .validate import missing_reference
from .vocab import STAGES, STATUSES

T = TypeVar("T")

# The filters whose values are looked up in the registry: what each names, and its column.
LOOKED_UP = {
    "person": ("person", models.Person.ref),
    "organisation": ("organisation", models.Organisation.code),
    "region": ("region", models.Organisation.region),
    "programme": ("programme", models.Programme.code),
}
FIXED = {"status": STATUSES, "stage": STAGES}
# How many close values an error names, and how alike they must be (difflib's ratio).
CLOSEST, LIKENESS = 3, 0.6
# Below this many known values, an error with none close lists them all.
LIST_ALL_UP_TO = 12


def checked(session: Session, scope: T, *, audit_trail: bool = False) -> T:
    """`scope` (a dataclass with some of the fields person, organisation, region,
    programme, status, stage) with every value given matched to the registry: spelled as
    the registry spells it, or an error. With `audit_trail`, a person is also known when
    the audit trail names them."""
    given = {
        name: getattr(scope, name)
        for name in (*LOOKED_UP, *FIXED)
        if getattr(scope, name, None) is not None
    }
    return dataclasses.replace(scope, **known_values(session, given, audit_trail=audit_trail))


def known_values(session: Session, given: dict[str, str], *, audit_trail: bool = False) -> dict[str, str]:
    """Each filter value in `given` (by filter name) as the registry spells it."""
    found = {}
    for name, value in given.items():
        if name in FIXED:
            found[name] = fields.choice(name, value, FIXED[name])
            if found[name] is None:  # blank: names no status or stage
                raise Invalid(f"{name}: {str(value)!r} is not one of {', '.join(FIXED[name])}")
        else:
            found[name] = known_value(session, name, value, audit_trail=audit_trail)
    return found


def known_value(session: Session, name: str, value: str, *, label: str | None = None, audit_trail: bool = False) -> str:
    """The value of the filter `name` ("person", "organisation", "region", "programme") as
    the registry spells it; an error naming `label` (default: `name`) and the closest
    known values when nothing matches."""
    kind, column = LOOKED_UP[name]
    columns = [column, models.AuditEntry.person_ref] if name == "person" and audit_trail else [column]
    # Read as any text is (control characters and bytes that were not UTF-8 refused).
    typed = (fields.text(label or name, value, max_length=200) or "").strip()
    if any(session.execute(select(c).where(c == typed).limit(1)).first() for c in columns):
        return typed
    same_but_case = sorted({v for c in columns for v in session.scalars(select(c).where(func.lower(c) == typed.lower()))})
    if len(same_but_case) == 1:
        return same_but_case[0]
    known = same_but_case or sorted({v for c in columns for v in session.scalars(select(c).distinct()) if v is not None})
    raise NotFound(missing_reference(label or name, kind, typed) + _suggestions(typed, known))


def _suggestions(typed: str, known: list[str]) -> str:
    """"; closest: A, B" (or every known value when few and none is close), or ""."""
    by_lower: dict[str, list[str]] = {}
    for value in known:
        by_lower.setdefault(value.lower(), []).append(value)
    close = _closest(typed.lower(), list(by_lower))
    if close:
        return "; closest: " + ", ".join(value for lower in close for value in by_lower[lower])
    if not known:
        return " (it has none yet)"
    if len(known) <= LIST_ALL_UP_TO:
        return "; known: " + ", ".join(known)
    return ""


def _closest(typed: str, candidates: list[str]) -> list[str]:
    """The CLOSEST candidates at least LIKENESS alike (difflib's ratio), most alike first,
    then in alphabetical order."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(typed)
    scored = []
    for candidate in candidates:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= LIKENESS and matcher.quick_ratio() >= LIKENESS and matcher.ratio() >= LIKENESS:
            scored.append((-matcher.ratio(), candidate))
    return [candidate for _, candidate in sorted(scored)[:CLOSEST]]


# The filters a scope may have, in the order a sentence names them, and the words of those
# not named by their own name.
SCOPE_ORDER = ("person", "organisation", "region", "programme", "status", "stage", "kind", "category", "date_from", "date_to")
WORDS = {"date_from": "from", "date_to": "to"}


def scope_words(scope) -> str:
    """What a scope covers, e.g. "region North, programme MBCT" ("" when it is everything)."""
    parts = []
    for name in SCOPE_ORDER:
        value = getattr(scope, name, None)
        if value not in (None, ""):
            parts.append(f"{WORDS.get(name, name)} {value.isoformat() if isinstance(value, dt.date) else value}")
    if getattr(scope, "current", False):
        parts.append("current")
    return ", ".join(parts)
