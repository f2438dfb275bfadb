"""`supervision`: supervision links and the sessions held."""

from __future__ import annotations

import click

from mbp_registry.registry.vocab import SESSION_KINDS, SESSION_MODES

from .context import State, pass_state
from .options import add, filter_options, list_columns, list_command, nothing_matches, recording, with_checked, writing
from .output import Output, output_options, render
from .params import choice


@click.group()
def supervision() -> None:
    """Supervision links (who supervises whom) and sessions held.

    \b
    Example:
      mbp-registry supervision log --supervisor S01 --supervisee T004 \\
          --date 2026-11-20 --minutes 60 --kind individual --mode video
      mbp-registry supervision log --supervisor S01 --supervisee T004 \\
          --supervisee T009 --date 2026-11-20 --minutes 90 --kind group
    """


@supervision.command("log")
@click.option("--supervisor", required=True, metavar="REF")
@click.option("--supervisee", "supervisees", required=True, multiple=True, metavar="REF", help="Repeat for a group session.")
@click.option("--date", "held_on", required=True, metavar="DATE", help="When it was held (not in the future).")
@click.option("--minutes", required=True, metavar="N", help="Length, 1 to 600 minutes.")
@click.option("--kind", required=True, type=choice(SESSION_KINDS))
@click.option("--mode", type=choice(SESSION_MODES))
@click.option("--programme", metavar="CODE")
@click.option("--notes", metavar="TEXT", help="Confidential notes: never shown by lists unless asked for.")
@pass_state
def log(state: State, supervisees, **given) -> None:
    """Record one supervision session (one row per supervisee).

    A session whose supervisor held no stage supervisor or higher in any programme on
    the day, or between two people with no supervision link current on the day, is
    recorded with a warning: the first does not count towards supervision."""
    from mbp_registry.registry.supervision_log import log_session

    logged = recording(state, lambda db: log_session(db, supervisees=list(supervisees), actor=state.actor, **given))
    first = logged.rows[0]
    click.echo(
        f"Logged a {first['minutes']}-minute {first['kind']} session on {first['held_on'].isoformat()}: "
        f"{given['supervisor']} with {', '.join(row['supervisee'] for row in logged.rows)}."
    )
    for warning in logged.warnings:
        click.echo(f"Warning: {warning}", err=True)


@supervision.command("sessions")
@filter_options("person", "organisation", "region", "programme", "kind", "date_from", "date_to")
@click.option("--show-notes", is_flag=True, help="Include the confidential notes (this reading is audited).")
@output_options()
@pass_state
def sessions(state: State, filters, show_notes: bool, fmt: str) -> None:
    """List sessions held, newest first. Notes are hidden unless --show-notes is given."""
    from mbp_registry.registry import views

    reader = state.actor if show_notes else None
    rows, known = with_checked(state, filters, lambda s, f: views.sessions(s, f, notes_read_by=reader), write=show_notes)
    shown = list_columns("session", without=() if show_notes else ("notes",))
    render(rows, fmt, Output(shown, empty=lambda _: nothing_matches("sessions", known)))


def link_options(func):
    """The options that name a supervision link: its supervisor, supervisee and programme."""
    for option in reversed(
        [
            click.option("--supervisor", required=True, metavar="REF"),
            click.option("--supervisee", required=True, metavar="REF"),
            click.option("--programme", required=True, metavar="CODE"),
        ]
    ):
        func = option(func)
    return func


@supervision.command("link")
@link_options
@click.option("--from", "started_on", required=True, metavar="DATE", help="When the supervision starts.")
@pass_state
def link(state: State, **raw) -> None:
    """Start a supervision link: SUPERVISOR supervises SUPERVISEE in a programme."""
    values = add(state, "supervision link", raw)
    click.echo(f"{raw['supervisor']} supervises {raw['supervisee']} in {raw['programme']} from {values['started_on'].isoformat()}.")


@supervision.command("end")
@link_options
@click.option("--on", "on", required=True, metavar="DATE", help="The day the link ends: from that day on it is no longer current.")
@pass_state
def end(state: State, **given) -> None:
    """End the current supervision link between two people (the history is kept)."""
    from mbp_registry.registry.endings import end_supervision

    values = writing(state, lambda s: end_supervision(s, actor=state.actor, **given))
    click.echo(
        f"{given['supervisor']} no longer supervises {given['supervisee']} in {given['programme']} "
        f"from {values['ended_on'].isoformat()}."
    )


list_command(
    supervision,
    "supervision link",
    ("person", "organisation", "region", "programme", "current"),
    "List supervision links, newest first; --current for those in force today.",
    name="links",
)
