"""`audit`: the audit trail, read-only."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import reading
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
@click.option("--record-type", metavar="TYPE", help="Only this record type, e.g. session, cpd, person.")
@click.option("--from", "date_from", metavar="DATE")
@click.option("--to", "date_to", metavar="DATE")
@output_options()
@pass_state
def audit_list(state: State, person, record_type, date_from, date_to, fmt: str) -> None:
    """List audit entries, oldest first."""
    from mbp_registry.registry import audit as audit_trail
    from mbp_registry.registry import fields

    since, until = fields.date("from", date_from), fields.date("to", date_to)
    rows = reading(
        state, lambda s: audit_trail.entries(s, person=person, record_type=record_type, since=since, until=until)
    )
    render(rows, fmt, Output(columns("at", "actor", "action", "record_type", "record", "person")))
