"""Reminders before people lapse: who is due one, who is skipped and why, and the record
of what was sent.

Who is due comes from the compliance reports themselves (`compliance.due`, and with
`include_noncompliant` the non-compliant rows of `compliance_report`), so that a change
of the rule reaches the reminders too; what each must do is said in the words of `cpd
due`. A person reminded for the same lapse date in the 14 days before the moment of
sending is not reminded again. A reminder sent writes a row of `reminders` (the
supervisors copied in `reminder_copies`) and an audit entry (action `remind`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from . import audit, models
from .compliance import Scope, compliance_report, due, needs
from .errors import Invalid, MailFailed
from .mail import MailServer, connection, valid_address
from .policy import Policy

if TYPE_CHECKING:
    from email.message import EmailMessage

# A person reminded for the same lapse date within this many days before the moment of
# sending is not reminded again.
QUIET_DAYS = 14
NO_EMAIL, NOT_VALID, REMINDED = "no_email", "address_not_valid", "reminded"


@dataclass(frozen=True)
class Contact:
    ref: str
    name: str
    email: str | None


@dataclass
class Due:
    """One reminder to send: to `person`, copied to `copies` (their current supervisors
    with a valid address); `lapses_on` None for a person already short."""

    person_id: int
    person: Contact
    lapses_on: dt.date | None
    act_by: dt.date | None
    shortfalls: list[str]
    needs: list[str]
    copies: list[Contact] = field(default_factory=list)
    copy_ids: list[int] = field(default_factory=list)
    not_copied: list[Contact] = field(default_factory=list)  # supervisors whose address is not valid


@dataclass(frozen=True)
class Skipped:
    person: Contact
    reason: str  # NO_EMAIL, NOT_VALID or REMINDED
    reminded_at: dt.datetime | None = None


@dataclass
class Plan:
    as_of: dt.date
    within: int
    due: list[Due]
    skipped: list[Skipped]


def plan(
    session: Session,
    *,
    as_of: dt.date,
    within: int,
    policy: Policy,
    now: dt.datetime,
    scope: Scope | None = None,
    include_noncompliant: bool = False,
    to_send: bool = False,
) -> Plan:
    """Who is to be reminded as of `as_of` (lapsing within `within` days, and with
    `include_noncompliant` those already short), and who is skipped: no email, an
    address mail cannot go to, or reminded for the same lapse date since `now` - 14 days.
    `to_send`: refuse first a login that could not record what it sends."""
    if to_send and not audit.writes_directly(session):
        raise Invalid("reminders: only an administrator sends reminders (this login may not write the audit trail)")
    rows = due(session, as_of=as_of, within=within, policy=policy, scope=scope)
    if include_noncompliant:
        report = compliance_report(session, as_of=as_of, policy=policy, scope=scope, only_noncompliant=True)
        rows += [{**row, "act_by": None, "needs": needs(row, policy)} for row in report["people"]]
    people = _people(session)
    recent = _recently_reminded(session, now - dt.timedelta(days=QUIET_DAYS))
    supervisors = _current_supervisors(session, as_of)
    found = Plan(as_of, within, [], [])
    for row in rows:
        person_id, email = people[row["person"]]
        contact = Contact(row["person"], row["name"], email)
        reminded = recent.get((person_id, row["lapses_on"]))
        if not email or not valid_address(email) or reminded:
            reason = REMINDED if reminded else NOT_VALID if email else NO_EMAIL
            found.skipped.append(Skipped(contact, reason, reminded))
            continue
        item = Due(person_id, contact, row["lapses_on"], row["act_by"], list(row["shortfalls"]), row["needs"])
        for supervisor_id, supervisor in supervisors.get(person_id, []):
            if not supervisor.email:
                continue
            if valid_address(supervisor.email):
                item.copies.append(supervisor)
                item.copy_ids.append(supervisor_id)
            else:
                item.not_copied.append(supervisor)
        found.due.append(item)
    return found


def _people(session: Session) -> dict[str, tuple[int, str | None]]:
    """Every person's id and email by ref."""
    person = models.Person
    return {ref: (person_id, email) for person_id, ref, email in session.execute(select(person.id, person.ref, person.email))}


def _recently_reminded(session: Session, since: dt.datetime) -> dict[tuple[int, dt.date | None], dt.datetime]:
    """When each (person id, lapse date) was last reminded after `since`."""
    reminder = models.Reminder
    query = (
        select(reminder.person_id, reminder.lapses_on, func.max(reminder.sent_at))
        .where(reminder.sent_at > since)
        .group_by(reminder.person_id, reminder.lapses_on)
    )
    return {(person_id, lapses_on): at for person_id, lapses_on, at in session.execute(query)}


def _current_supervisors(session: Session, as_of: dt.date) -> dict[int, list[tuple[int, Contact]]]:
    """Each supervisee's current supervisors (a link current on `as_of`, in any programme)
    who are active, by ref: (person id, contact) by supervisee id."""
    link, supervisor = models.SupervisionLink, aliased(models.Person)
    query = (
        select(link.supervisee_id, supervisor.id, supervisor.ref, supervisor.name, supervisor.email)
        .join(supervisor, supervisor.id == link.supervisor_id)
        .where(link.started_on <= as_of, or_(link.ended_on.is_(None), link.ended_on > as_of))
        .where(supervisor.status == "active")
        .distinct()
        .order_by(link.supervisee_id, supervisor.ref)
    )
    found: dict[int, list[tuple[int, Contact]]] = {}
    for supervisee_id, supervisor_id, ref, name, email in session.execute(query):
        found.setdefault(supervisee_id, []).append((supervisor_id, Contact(ref, name, email)))
    return found


def record_sent(session: Session, item: Due, *, actor: str, sent_at: dt.datetime | None = None) -> int:
    """Record that the reminder `item` was sent: its row, the supervisors copied, and an
    audit entry (action `remind`). Returns the reminder's id."""
    sent_at = sent_at or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    reminder = models.Reminder(
        person_id=item.person_id, lapses_on=item.lapses_on, shortfalls=" ".join(item.shortfalls), sent_at=sent_at
    )
    session.add(reminder)
    session.flush()
    session.add_all(models.ReminderCopy(reminder_id=reminder.id, person_id=copied) for copied in item.copy_ids)
    lapses_on = item.lapses_on.isoformat() if item.lapses_on else None
    audit.record(
        session,
        actor=actor,
        action="remind",
        record_type="reminders",
        record_key=f"person={item.person.ref}; lapses_on={lapses_on or ''}",
        person_ref=item.person.ref,
        details=json.dumps(
            {"reminder": reminder.id, "lapses_on": lapses_on, "shortfalls": item.shortfalls, "copied": len(item.copy_ids)}
        ),
    )
    return reminder.id


@dataclass
class Letter:
    """A reminder written: the message, and the address it is sent from."""

    due: Due
    message: EmailMessage
    sender: str

    @property
    def recipients(self) -> list[str]:
        return [self.due.person.email or "", *(copy.email or "" for copy in self.due.copies)]


def deliver(
    letters: list[Letter],
    server: MailServer,
    *,
    record: Callable[[Letter], None],
    report: Callable[[Letter, dict[str, str]], None],
) -> int:
    """Send each letter over one connection to `server` (none is opened when there is no
    letter), calling `record(letter)` once the server has taken it for the person (a letter
    not taken is never recorded, and the supervisors it refused are not recorded as
    copied), then `report(letter, refused)` with the recipients the server refused, if any.
    A failure part way stops the run, and its message says how many were sent and recorded."""
    if not letters:
        return 0  # nothing to send: the mail server is not needed
    sent = 0
    try:
        with connection(server) as open_connection:
            for letter in letters:
                refused = open_connection.send(letter.message, letter.sender, letter.recipients)
                if (letter.due.person.email or "") not in refused:
                    _record(record, _as_taken(letter, refused))
                    sent += 1
                report(letter, refused)  # a person refused is said so, neither recorded nor counted
    except MailFailed as exc:
        unsent = len(letters) - sent - (1 if isinstance(exc, NotRecorded) else 0)
        raise MailFailed(f"{exc}: {_so_far(sent, unsent)}") from None
    return sent


def _as_taken(letter: Letter, refused: dict[str, str]) -> Letter:
    """The letter as the server took it: only the supervisors it accepted are copied."""
    if not refused:
        return letter
    kept = [(copy, copy_id) for copy, copy_id in zip(letter.due.copies, letter.due.copy_ids) if copy.email not in refused]
    due = replace(letter.due, copies=[copy for copy, _ in kept], copy_ids=[copy_id for _, copy_id in kept])
    return replace(letter, due=due)


class NotRecorded(MailFailed):
    """A letter the mail server took, which the database then refused to record."""


def _record(record: Callable[[Letter], None], letter: Letter) -> None:
    """Record a letter sent; a database that refuses is a MailFailed that says the
    letter went but is not recorded."""
    from .db import describe_database_error

    try:
        record(letter)
    except Exception as exc:
        described = describe_database_error(exc)
        if described is None:
            raise
        raise NotRecorded(f"the reminder to {letter.due.person.ref} was sent but not recorded ({described})") from None


def _so_far(sent: int, unsent: int) -> str:
    if not sent and unsent:
        return "no reminder was sent"
    return f"{sent} reminder{'s' if sent != 1 else ''} sent and recorded, {unsent} not sent"


def due_with_emails(session: Session, **chosen) -> list[dict]:
    """`cpd due`'s rows, each with the person's email (for a mail merge)."""
    people = _people(session)
    return [{**row, "email": people[row["person"]][1]} for row in due(session, **chosen)]


def sent(
    session: Session,
    *,
    person: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    full_addresses: bool = False,
) -> list[dict]:
    """The reminders sent, newest first: when, to whom (and their address), for which
    lapse date and about what, and who was copied. Addresses are masked unless
    `full_addresses` is asked for by an administrator (one who may write the audit trail)."""
    from .mail import mask_address

    shown = (lambda address: address) if full_addresses and audit.writes_directly(session) else mask_address
    reminder, person_ = models.Reminder, models.Person
    query = (
        select(reminder.id, reminder.sent_at, person_.ref, person_.name, person_.email, reminder.lapses_on, reminder.shortfalls)
        .join(person_, person_.id == reminder.person_id)
        .order_by(reminder.sent_at.desc(), reminder.id.desc())
    )
    if person:
        query = query.where(person_.ref == person)
    if since:
        query = query.where(reminder.sent_at >= dt.datetime.combine(since, dt.time()))
    if until:
        query = query.where(reminder.sent_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    copies = _copies(session)
    return [
        {
            "id": reminder_id,
            "sent_at": sent_at,
            "person": ref,
            "name": name,
            "to": shown(email),
            "lapses_on": lapses_on,
            "shortfalls": shortfalls.split(),
            "copied": [copied for copied, _ in copies.get(reminder_id, [])],
            "cc": [shown(address) for _, address in copies.get(reminder_id, []) if address],
        }
        for reminder_id, sent_at, ref, name, email, lapses_on, shortfalls in session.execute(query)
    ]


def _copies(session: Session) -> dict[int, list[tuple[str, str | None]]]:
    """The supervisors copied on each reminder: (ref, email) by reminder id, by ref."""
    copy, person = models.ReminderCopy, models.Person
    query = (
        select(copy.reminder_id, person.ref, person.email)
        .join(person, person.id == copy.person_id)
        .order_by(copy.reminder_id, person.ref)
    )
    found: dict[int, list[tuple[str, str | None]]] = {}
    for reminder_id, ref, email in session.execute(query):
        found.setdefault(reminder_id, []).append((ref, email))
    return found
