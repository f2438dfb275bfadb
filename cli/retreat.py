"""`retreat`: retreats attended."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import add, list_command


@click.group()
def retreat() -> None:
    """Retreats attended.

    \b
    Example:
      mbp-registry retreat log --person T004 --start 2026-10-01 --days 5 \\
          --led-by "Gaia House" --residential
    """


list_command(
    retreat,
    "retreat",
    ("person", "organisation", "region", "programme", "date_from", "date_to"),
    "List retreats, newest first.",
)


@retreat.command("log")
@click.option("--person", required=True, metavar="REF")
@click.option("--start", "start_on", required=True, metavar="DATE", help="First day (not in the future).")
@click.option("--days", required=True, metavar="D", help="Days, more than 0 and at most 60; halves allowed.")
@click.option("--led-by", metavar="TEXT")
@click.option("--residential/--not-residential", default=None)
@click.option("--online/--in-person", default=None)
@pass_state
def retreat_log(state: State, **raw) -> None:
    """Record one retreat."""
    values = add(state, "retreat", raw)
    click.echo(f"Logged a {values['days']:g}-day retreat for {raw['person']} from {values['start_on'].isoformat()}.")
