"""`org` and `programme`: the organisations of the service and the programmes it delivers."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import reading, writing
from .output import output_options, render, render_record


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
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry.records import add_record

    values = writing(state, lambda s: add_record(s, rt.ORGANISATION, {"code": code, "name": name, "region": region}, actor=state.actor))
    click.echo(f"Added organisation {values['code']} ({values['name']}, {values['region']}).")


@org.command("list")
@click.option("--region", metavar="NAME", help="Only organisations in this region.")
@output_options()
@pass_state
def org_list(state: State, region: str | None, fmt: str) -> None:
    """List organisations with their number of people."""
    from mbp_registry.registry import views

    rows = reading(state, lambda s: views.organisations(s, region))
    render(rows, fmt, ["code", "name", "region", "people", "active"])


@org.command("show")
@click.argument("code")
@output_options(("table", "json"))
@pass_state
def org_show(state: State, code: str, fmt: str) -> None:
    """Show an organisation and its people."""
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry import views
    from mbp_registry.registry.rows import find_row

    def work(session):
        found = find_row(session, rt.ORGANISATION, code)
        return {**found, "people": views.people(session, views.Filters(organisation=code))}

    render_record(reading(state, work), fmt, {"people": ["ref", "name", "status", "stages"]})


@org.command("update")
@click.argument("code")
@click.option("--name", help="A new name.")
@click.option("--region", help="A new region.")
@pass_state
def org_update(state: State, code: str, name: str | None, region: str | None) -> None:
    """Change an organisation's name or region."""
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry.records import update_record

    values = writing(state, lambda s: update_record(s, rt.ORGANISATION, code, {"name": name, "region": region}, actor=state.actor))
    click.echo(f"Organisation {code} is now {values['name']}, {values['region']}.")


@click.group()
def programme() -> None:
    """The programmes the service delivers (MBCT, MBSR, ...).

    \b
    Example:
      mbp-registry programme add MBCT --name "Mindfulness-Based Cognitive Therapy"
    """


@programme.command("add")
@click.argument("code")
@click.option("--name", required=True, help="The programme's full name.")
@pass_state
def programme_add(state: State, code: str, name: str) -> None:
    """Add a programme."""
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry.records import add_record

    values = writing(state, lambda s: add_record(s, rt.PROGRAMME, {"code": code, "name": name}, actor=state.actor))
    click.echo(f"Added programme {values['code']} ({values['name']}).")


@programme.command("list")
@output_options()
@pass_state
def programme_list(state: State, fmt: str) -> None:
    """List programmes with the number of people holding a stage in each."""
    from mbp_registry.registry import views

    render(reading(state, views.programmes), fmt, ["code", "name", "people"])


@programme.command("update")
@click.argument("code")
@click.option("--name", required=True, help="The new name.")
@pass_state
def programme_update(state: State, code: str, name: str) -> None:
    """Rename a programme."""
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry.records import update_record

    writing(state, lambda s: update_record(s, rt.PROGRAMME, code, {"name": name}, actor=state.actor))
    click.echo(f"Programme {code} is now called {name}.")
