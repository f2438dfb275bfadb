"""`org`: the organisations of the service and their regions."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import add, nothing_matches, reading, update, with_checked
from .output import Output, columns, output_options, record_text, render


@click.group()
def org() -> None:
    """Organisations and their regions.

    \b
    Example:
      mbp-registry org add NHS-HIGHLAND --name "NHS Highland" --region North
      mbp-registry org list --region North
    """


@org.command("add")
@click.argument("code")
@click.option("--name", required=True, help="The organisation's name.")
@click.option("--region", required=True, help="The region used for coverage and succession, e.g. North.")
@pass_state
def org_add(state: State, code: str, name: str, region: str) -> None:
    """Add an organisation."""
    values = add(state, "organisation", {"code": code, "name": name, "region": region})
    click.echo(f"Added organisation {values['code']} ({values['name']}, {values['region']}).")


@org.command("list")
@click.option("--region", metavar="NAME", help="Only organisations in this region.")
@output_options()
@pass_state
def org_list(state: State, region: str | None, fmt: str) -> None:
    """List organisations with their number of people."""
    from mbp_registry.registry import views
    from mbp_registry.registry.views import Filters

    rows, known = with_checked(state, Filters(region=region), lambda s, f: views.organisations(s, f.region))
    shown = columns("code", "name", "region", "people", "active")
    render(rows, fmt, Output(shown, empty=lambda _: nothing_matches("organisations", known)))


@org.command("show")
@click.argument("code")
@output_options(("table", "json"))
@pass_state
def org_show(state: State, code: str, fmt: str) -> None:
    """Show an organisation and its people."""
    from mbp_registry.registry import views

    data = reading(state, lambda s: views.show_organisation(s, code))
    render(data, fmt, Output(text=record_text({"people": ["ref", "name", "status", "stages"]})))


@org.command("update")
@click.argument("code")
@click.option("--name", help="A new name.")
@click.option("--region", help="A new region.")
@pass_state
def org_update(state: State, code: str, name: str | None, region: str | None) -> None:
    """Change an organisation's name or region."""
    values = update(state, "organisation", code, {"name": name, "region": region})
    if values is None:
        click.echo(f"No change: organisation {code} already has this name and region.")
    else:
        click.echo(f"Organisation {code} is now {values['name']}, {values['region']}.")
