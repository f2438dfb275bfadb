"""`reminders`: e-mail people before they lapse (copied to their supervisors), and the
record of what was sent."""

from __future__ import annotations

import click

from mbp_registry.registry.settings import FROM_ENV_VAR, SMTP_ENV_VAR, mail_for_sending

from .context import State, pass_state
from .options import as_of_option, in_scope, nothing_matches, parse_as_of, policy_option, scope_options, with_checked, writing
from .output import Column, Output, output_options, render
from .params import whole


@click.group()
def reminders() -> None:
    """E-mail reminders before people lapse, and what was sent.

    \b
    Example:
      mbp-registry reminders send --dry-run
      mbp-registry reminders send --smtp smtp+starttls://user:password@smtp.example.nhs.uk \\
          --from "Training lead <mbp.training@example.nhs.uk>"
      mbp-registry reminders list
    """


@reminders.command("send")
@click.option("--within", default=60, show_default=True, metavar="DAYS", type=whole(0, 3650),
              help="Remind those who lapse within this many days.")
@as_of_option
@scope_options
@click.option("--include-noncompliant", is_flag=True,
              help="Also write to those already short, with what they are short of (at most once in 14 days).")
@click.option("--dry-run", is_flag=True, help="Print each message that would be sent; send and record nothing.")
@click.option("--smtp", metavar="URL", envvar=SMTP_ENV_VAR, show_envvar=True,
              help="The mail server: smtp://, smtp+starttls:// or smtps://[user:password@]host[:port].")
@click.option("--from", "sender", metavar="ADDRESS", envvar=FROM_ENV_VAR, show_envvar=True,
              help='Who the reminders are from (and who answers): "Name <address>" or an address.')
@click.option("--template", "template_folder", metavar="DIR",
              help="A folder of templates replacing the shipped ones (subject.txt.j2, body.txt.j2, body.html.j2).")
@policy_option
@pass_state
def send(state: State, within, as_of, organisation, region, programme, include_noncompliant, dry_run, smtp, sender,
         template_folder, policy_file) -> None:
    """E-mail everyone assessed who lapses within DAYS, copied to their current
    supervisors, saying what to do by when. Nobody is reminded twice for the same
    lapse date within 14 days. The last line says how many were sent and skipped.

    \b
    Example:
      mbp-registry reminders send --dry-run --from mbp.training@example.nhs.uk
      mbp-registry reminders send --within 30 --region North
    """
    import datetime as dt

    from mbp_registry.registry import reminders as library
    from mbp_registry.registry.compliance import Scope
    from mbp_registry.registry.policy import load_policy
    from mbp_registry.registry.render import reminder as words
    from mbp_registry.registry.render.words import nobody_lapses

    server, from_address = mail_for_sending(smtp, sender, dry_run)
    environment = words.templates(template_folder)
    policy, day = load_policy(policy_file), parse_as_of(as_of)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    plan, scope = with_checked(
        state,
        Scope(organisation=organisation, region=region, programme=programme),
        lambda s, known: library.plan(s, as_of=day, within=within, policy=policy, now=now, scope=known,
                                      include_noncompliant=include_noncompliant, to_send=not dry_run),
    )
    letters = words.letters(environment, plan, sender=from_address)
    if dry_run:
        for number, letter in enumerate(letters, 1):
            click.echo(words.preview(number, len(letters), letter))
        sent = len(letters)
    else:
        sent = library.deliver(
            letters,
            server,
            record=lambda letter: writing(state, lambda s: library.record_sent(s, letter.due, actor=state.actor)),
            report=lambda letter, refused: click.echo(words.sent_line(letter, refused)),
        )
    if not plan.due and not plan.skipped:
        click.echo(nobody_lapses(in_scope(scope), within, day))
    for skipped in plan.skipped:
        click.echo(words.skipped_line(skipped))
    click.echo(words.summary_line(plan, sent=sent, dry_run=dry_run))


SENT_COLUMNS = (
    Column("id"),
    Column("sent_at", "Sent (UTC)", lambda row: f"{row['sent_at']:%Y-%m-%d %H:%M}"),
    Column("person", "Person"),
    Column("name", "Name"),
    Column("to", "To"),
    Column("copied", "Copied"),
    Column("cc", "Cc", formats=("csv",)),
    Column("lapses_on", "Lapses on"),
    Column("shortfalls", "About"),
)


@reminders.command("list")
@click.option("--person", metavar="REF", help="Only reminders to this person.")
@click.option("--from", "date_from", metavar="DATE", help="Only reminders sent on or after DATE.")
@click.option("--to", "date_to", metavar="DATE", help="Only reminders sent on or before DATE.")
@output_options()
@pass_state
def list_sent(state: State, person, date_from, date_to, fmt: str) -> None:
    """The reminders sent, newest first: when, to whom, for which lapse date, about what,
    and who was copied. Addresses are masked, except in JSON for an administrator.

    \b
    Example:
      mbp-registry reminders list --person T004 --from 2026-01-01
    """
    from mbp_registry.registry import fields
    from mbp_registry.registry import reminders as library
    from mbp_registry.registry.views import Filters

    scope = Filters(person=person, date_from=fields.date("from", date_from), date_to=fields.date("to", date_to))
    rows, known = with_checked(
        state,
        scope,
        lambda s, f: library.sent(s, person=f.person, since=f.date_from, until=f.date_to, full_addresses=fmt == "json"),
    )
    render(rows, fmt, Output(SENT_COLUMNS, empty=lambda _: nothing_matches("reminders", known)))
