"""`supervision`: supervision links and the sessions held."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import columns_of, filter_options, list_records, reading, writing
from .output import output_options, render


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
@click.option("--kind", required=True, type=click.Choice(["individual", "group", "peer"]))
@click.option("--mode", type=click.Choice(["in_person", "video", "phone"]))
@click.option("--programme", metavar="CODE")
@click.option("--notes", metavar="TEXT", help="Confidential notes: never shown by lists unless asked for.")
@pass_state
def log(state: State, supervisor, supervisees, held_on, minutes, kind, mode, programme, notes) -> None:
    """Record one supervision session (one row per supervisee)."""
    from mbp_registry.registry.records import log_session

    rows = writing(
        state,
        lambda s: log_session(
            s,
            supervisor=supervisor,
            supervisees=list(supervisees),
            held_on=held_on,
            minutes=minutes,
            kind=kind,
            mode=mode,
            programme=programme,
            notes=notes,
            actor=state.actor,
        ),
    )
    first = rows[0]
    click.echo(
        f"Logged a {first['minutes']}-minute {kind} session on {first['held_on'].isoformat()}: "
        f"{supervisor} with {', '.join(row['supervisee'] for row in rows)}."
    )


@supervision.command("sessions")
@filter_options("person", "organisation", "region", "programme", "kind", "date_from", "date_to")
@click.option("--show-notes", is_flag=True, help="Include the confidential notes (this reading is audited).")
@output_options()
@pass_state
def sessions(state: State, filters, show_notes: bool, fmt: str) -> None:
    """List sessions held, newest first. Notes are hidden unless --show-notes is given."""
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry import views

    if show_notes:
        rows = writing(state, lambda s: views.sessions_with_notes(s, filters, actor=state.actor))
        columns = columns_of("session")
    else:
        rows = reading(state, lambda s: views.list_records(s, rt.SESSION, filters))
        columns = columns_of("session", without=("notes",))
        for row in rows:
            row.pop("notes", None)
    render(rows, fmt, columns)


@supervision.command("link")
@click.option("--supervisor", required=True, metavar="REF")
@click.option("--supervisee", required=True, metavar="REF")
@click.option("--programme", required=True, metavar="CODE")
@click.option("--from", "started_on", required=True, metavar="DATE", help="When the supervision starts.")
@pass_state
def link(state: State, supervisor, supervisee, programme, started_on) -> None:
    """Start a supervision link: SUPERVISOR supervises SUPERVISEE in a programme."""
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry.records import add_record

    raw = {"supervisor": supervisor, "supervisee": supervisee, "programme": programme, "started_on": started_on}
    values = writing(state, lambda s: add_record(s, rt.SUPERVISION, raw, actor=state.actor))
    click.echo(f"{supervisor} supervises {supervisee} in {programme} from {values['started_on'].isoformat()}.")


@supervision.command("end")
@click.option("--supervisor", required=True, metavar="REF")
@click.option("--supervisee", required=True, metavar="REF")
@click.option("--programme", required=True, metavar="CODE")
@click.option("--on", "on", required=True, metavar="DATE", help="The day the link ends: from that day on it is no longer current.")
@pass_state
def end(state: State, supervisor, supervisee, programme, on) -> None:
    """End the current supervision link between two people (the history is kept)."""
    from mbp_registry.registry.records import end_supervision

    values = writing(
        state,
        lambda s: end_supervision(
            s, supervisor=supervisor, supervisee=supervisee, programme=programme, on=on, actor=state.actor
        ),
    )
    click.echo(f"{supervisor} no longer supervises {supervisee} in {programme} from {values['ended_on'].isoformat()}.")


@supervision.command("links")
@filter_options("person", "organisation", "region", "programme", "current")
@output_options()
@pass_state
def links(state: State, filters, fmt: str) -> None:
    """List supervision links, newest first; --current for those in force today."""
    list_records(state, "supervision link", filters, fmt)
