"""Reminders written: the e-mail from its templates (Jinja2), and the lines `reminders
send` prints about what it sent and skipped.

The shipped templates are in templates/reminder/: `subject.txt.j2`, `body.txt.j2` (the
plain text) and `body.html.j2` (its HTML alternative, autoescaped). A service replaces
any of them with a file of the same name in its own folder (`--template DIR`); the
others stay as shipped. Each template sees:

- person: ref, name, email; supervisors: the people copied (ref, name, email)
- lapses_on, act_by: dates (None for a person already short); as_of: the day assessed
- needs: what to do, in the words of `cpd due`; shortfalls: cpd, retreat, supervision
  (and assessment, under a policy that asks for one), and short_of: the same in words
  ("CPD hours", "retreat days", "supervision", "an assessment of teaching")
- sender: name and address of the sender (--from), who answers replies
- the filter `long_date`: a date as "9 January 2027"
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Invalid
from ..reminders import NO_EMAIL, NOT_VALID, QUIET_DAYS, REMINDED, Due, Letter, Plan, Skipped
from .words import long_date, who

if TYPE_CHECKING:
    from jinja2 import Environment

SHIPPED = Path(__file__).resolve().parent / "templates" / "reminder"
TEMPLATES = ("subject.txt.j2", "body.txt.j2", "body.html.j2")
SHORTFALL_WORDS = {
    "cpd": "CPD hours", "retreat": "retreat days", "supervision": "supervision", "assessment": "an assessment of teaching",
}


def templates(folder: str | None = None) -> Environment:
    """The reminder templates, those of `folder` first; each is read now, so that a
    missing folder or a template that does not parse is an error before anything is sent."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

    paths = [SHIPPED]
    if folder is not None:
        chosen = Path(folder).expanduser()
        if not chosen.is_dir():
            raise Invalid(f"template: {folder!r} is not a folder")
        if not any((chosen / name).is_file() for name in TEMPLATES):
            raise Invalid(f"template: {folder!r} holds none of {', '.join(TEMPLATES)}")
        paths.insert(0, chosen)
    environment = Environment(
        loader=FileSystemLoader(paths),
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["long_date"] = long_date
    for name in TEMPLATES:
        try:
            environment.get_template(name)
        except TemplateError as exc:
            raise _template_error(name, exc) from None
    return environment


def _template_error(name: str, exc: Exception) -> Invalid:
    line = getattr(exc, "lineno", None)
    where = f"{getattr(exc, 'name', None) or name}{f' line {line}' if line else ''}"
    return Invalid(f"template: {where}: {getattr(exc, 'message', None) or exc}")


def _render(environment: Environment, name: str, context: dict) -> str:
    from jinja2 import TemplateError

    try:
        return environment.get_template(name).render(context)
    except TemplateError as exc:
        raise _template_error(name, exc) from None
    except Exception as exc:  # a service's template may do what fails on some values
        raise Invalid(f"template: {name}: {type(exc).__name__}: {exc}") from None


def _contact(contact) -> dict:
    return {"ref": contact.ref, "name": contact.name, "email": contact.email}


def letter(environment: Environment, item: Due, *, sender: tuple[str, str], as_of: dt.date) -> Letter:
    """The reminder `item` as an e-mail from `sender` (name, address): plain text with an
    HTML alternative, to the person, copied to their supervisors."""
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    context = {
        "person": _contact(item.person),
        "supervisors": [_contact(copy) for copy in item.copies],
        "lapses_on": item.lapses_on,
        "act_by": item.act_by,
        "as_of": as_of,
        "needs": item.needs,
        "shortfalls": item.shortfalls,
        "short_of": [SHORTFALL_WORDS.get(shortfall, shortfall) for shortfall in item.shortfalls],
        "sender": {"name": sender[0], "address": sender[1]},
    }
    subject = " ".join(_render(environment, "subject.txt.j2", context).split())
    if not subject:
        raise Invalid("template: subject.txt.j2 gives an empty subject")
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = Address(display_name=sender[0], addr_spec=sender[1])
    message["To"] = Address(display_name=item.person.name, addr_spec=item.person.email)
    if item.copies:
        message["Cc"] = [Address(display_name=copy.name, addr_spec=copy.email) for copy in item.copies]
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender[1].rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(_render(environment, "body.txt.j2", context))
    message.add_alternative(_render(environment, "body.html.j2", context), subtype="html")
    return Letter(item, message, sender[1])


def letters(environment: Environment, plan: Plan, *, sender: tuple[str, str]) -> list[Letter]:
    """Every reminder of the plan written, before any is sent."""
    return [letter(environment, item, sender=sender, as_of=plan.as_of) for item in plan.due]


# ---------------------------------------------------------------- what `reminders send` prints


def preview(number: int, total: int, written: Letter) -> str:
    """A letter as a dry run shows it: its headers and its plain text."""
    message = written.message
    lines = [f"--- Reminder {number} of {total} ---"]
    lines += [f"{name}: {message[name]}" for name in ("From", "To", "Cc", "Subject") if message[name]]
    lines += [f"Not copied: {_not_copied(supervisor)}" for supervisor in written.due.not_copied]
    body = message.get_body(("plain",))
    return "\n".join([*lines, "", body.get_content().rstrip("\n")]) + "\n"


def sent_line(written: Letter, refused: dict[str, str]) -> str:
    """"Sent to T001 (Aileen Munro), copied to S01: lapses on 2027-01-10." and what went wrong."""
    item = written.due
    said = f"Sent to {who(item.person.ref, item.person.name)}"
    if item.copies:
        said += f", copied to {', '.join(copy.ref for copy in item.copies)}"
    said += f": {_about(item)}."
    for supervisor in item.not_copied:
        said += f" Not copied: {_not_copied(supervisor)}."
    for address, reply in refused.items():
        said += f" The server refused {address}: {reply}."
    return said


def _not_copied(supervisor) -> str:
    return f"{who(supervisor.ref, supervisor.name)}, {supervisor.email!r} is not a valid email address"


def _about(item: Due) -> str:
    if item.lapses_on is None:
        return f"short of {', '.join(item.shortfalls)}"
    return f"lapses on {item.lapses_on.isoformat()}"


def skipped_line(skipped: Skipped) -> str:
    person = who(skipped.person.ref, skipped.person.name)
    if skipped.reason == NO_EMAIL:
        why = "no email address"
    elif skipped.reason == NOT_VALID:
        why = f"{skipped.person.email!r} is not a valid email address"
    else:
        why = f"already reminded on {skipped.reminded_at:%Y-%m-%d %H:%M} UTC (at most once in {QUIET_DAYS} days)"
    return f"Skipped {person}: {why}."


SKIPPED_WORDS = {
    NO_EMAIL: "with no email address",
    NOT_VALID: "with an email address that is not valid",
    REMINDED: f"reminded in the last {QUIET_DAYS} days",
}


def summary_line(plan: Plan, *, sent: int, dry_run: bool = False) -> str:
    """The last line: how many were sent and how many skipped, and why."""
    counts = {reason: sum(1 for s in plan.skipped if s.reason == reason) for reason in SKIPPED_WORDS}
    why = ", ".join(f"{count} {SKIPPED_WORDS[reason]}" for reason, count in counts.items() if count)
    skipped = f"skipped {len(plan.skipped)}: {why}" if plan.skipped else "skipped none"
    reminders = f"{sent} reminder{'s' if sent != 1 else ''}"
    if dry_run:
        return f"Dry run: would send {reminders}; {skipped}. Nothing was sent or recorded."
    return f"Sent {reminders}; {skipped}."
