"""`audit`: the audit trail, read-only."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import nothing_matches, with_checked, writing
from .output import Output, columns, output_options, render


@click.group()
def audit() -> None:
    """The audit trail of every change (and every reading of session notes).

    The trail cannot be edited through this tool.

    \b
    Example:
      mbp-registry audit list --person T004 --from 2026-01-01
    """


@audit.command("list")
@click.option("--person", metavar="REF", help="Only entries about this person.")
@click.option("--record-type", metavar="TYPE", help="Only this record type, e.g. sessions, cpd, people.")
@click.option("--from", "date_from", metavar="DATE")
@click.option("--to", "date_to", metavar="DATE")
@click.option("--show-notes", is_flag=True, help="Show confidential notes in what changed (this reading is audited).")
@output_options()
@pass_state
def audit_list(state: State, person, record_type, date_from, date_to, show_notes: bool, fmt: str) -> None:
    """List audit entries, oldest first, with what each changed and why."""
    from mbp_registry.registry import audit as audit_trail
    from mbp_registry.registry import fields
    from mbp_registry.registry.render.words import changes
    from mbp_registry.registry.views import Filters

    scope = Filters(person=person, date_from=fields.date("from", date_from), date_to=fields.date("to", date_to))

    def chosen_entries(session, known: Filters) -> list[dict]:
        chosen = dict(person=known.person, record_type=record_type, since=known.date_from, until=known.date_to)
        if show_notes:
            return audit_trail.entries_with_notes(session, actor=state.actor, **chosen)
        return audit_trail.entries(session, **chosen)

    rows, known = with_checked(state, scope, chosen_entries, write=show_notes, audit_trail=True)
    for row in rows:
        row["changes"] = changes(row["before"], row["after"])
    shown = columns("id", "at", "actor", "action", "record_type", "record", "person", "changes", "reason")
    what = f"audit entries of {record_type}" if record_type else "audit entries"
    render(rows, fmt, Output(shown, empty=lambda _: nothing_matches(what, known)))


@audit.command("restore")
@click.argument("entry", metavar="ENTRY")
@click.option("--reason", metavar="TEXT", help="Why the record comes back (required; kept in the audit trail).")
@pass_state
def restore(state: State, entry: str, reason: str | None) -> None:
    """Add back a removed record as its audit entry ENTRY (the `id` of `audit list`) shows
    it, checked as a new record is.

    \b
    Example:
      mbp-registry audit list --record-type sessions
      mbp-registry audit restore 812 --reason "removed by mistake"
    """
    from mbp_registry.registry.corrections import restore as restore_record

    writing(state, lambda s: restore_record(s, entry, reason=reason or "", actor=state.actor))
    click.echo(f"Restored the record that audit entry {entry} removed.")
