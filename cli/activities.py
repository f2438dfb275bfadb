"""`cpd` and `retreat`: continuing professional development and retreats."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import filter_options, list_records, writing
from .output import output_options

CATEGORIES = click.Choice(["course", "workshop", "conference", "reading", "teaching_observation", "other"])


@click.group()
def cpd() -> None:
    """Continuing professional development.

    \b
    Example:
      mbp-registry cpd log --person T004 --date 2026-11-14 --hours 6 \\
          --category workshop --description "Inquiry skills day"
    """


@cpd.command("log")
@click.option("--person", required=True, metavar="REF")
@click.option("--date", "date_", required=True, metavar="DATE", help="When it took place (not in the future).")
@click.option("--hours", required=True, metavar="H", help="Hours, more than 0 and at most 100; decimals allowed.")
@click.option("--category", required=True, type=CATEGORIES)
@click.option("--description", metavar="TEXT")
@pass_state
def cpd_log(state: State, person, date_, hours, category, description) -> None:
    """Record one CPD activity."""
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry.records import add_record

    raw = {"person": person, "date": date_, "hours": hours, "category": category, "description": description}
    values = writing(state, lambda s: add_record(s, rt.CPD, raw, actor=state.actor))
    click.echo(f"Logged {values['hours']:g} hours of CPD ({category}) for {person} on {values['date'].isoformat()}.")


@cpd.command("list")
@filter_options("person", "organisation", "region", "programme", "category", "date_from", "date_to")
@output_options()
@pass_state
def cpd_list(state: State, filters, fmt: str) -> None:
    """List CPD activities, newest first."""
    list_records(state, "cpd", filters, fmt)


@click.group()
def retreat() -> None:
    """Retreats attended.

    \b
    Example:
      mbp-registry retreat log --person T004 --start 2026-10-01 --days 5 \\
          --led-by "Gaia House" --residential
    """


@retreat.command("log")
@click.option("--person", required=True, metavar="REF")
@click.option("--start", "start_on", required=True, metavar="DATE", help="First day (not in the future).")
@click.option("--days", required=True, metavar="D", help="Days, more than 0 and at most 60; halves allowed.")
@click.option("--led-by", metavar="TEXT")
@click.option("--residential/--not-residential", default=None)
@click.option("--online/--in-person", default=None)
@pass_state
def retreat_log(state: State, person, start_on, days, led_by, residential, online) -> None:
    """Record one retreat."""
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry.records import add_record

    raw = {
        "person": person,
        "start_on": start_on,
        "days": days,
        "led_by": led_by,
        "residential": residential,
        "online": online,
    }
    values = writing(state, lambda s: add_record(s, rt.RETREAT, raw, actor=state.actor))
    click.echo(f"Logged a {values['days']:g}-day retreat for {person} from {values['start_on'].isoformat()}.")


@retreat.command("list")
@filter_options("person", "organisation", "region", "programme", "date_from", "date_to")
@output_options()
@pass_state
def retreat_list(state: State, filters, fmt: str) -> None:
    """List retreats, newest first."""
    list_records(state, "retreat", filters, fmt)
