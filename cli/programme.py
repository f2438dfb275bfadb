"""`programme`: the programmes the service delivers."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import add, reading, update
from .output import Output, columns, output_options, render


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
    values = add(state, "programme", {"code": code, "name": name})
    click.echo(f"Added programme {values['code']} ({values['name']}).")


@programme.command("list")
@output_options()
@pass_state
def programme_list(state: State, fmt: str) -> None:
    """List programmes with the number of people holding a stage in each."""
    from mbp_registry.registry import views

    render(reading(state, views.programmes), fmt, Output(columns("code", "name", "people")))


@programme.command("update")
@click.argument("code")
@click.option("--name", required=True, help="The new name.")
@pass_state
def programme_update(state: State, code: str, name: str) -> None:
    """Rename a programme."""
    if update(state, "programme", code, {"name": name}) is None:
        click.echo(f"No change: programme {code} is already called {name}.")
    else:
        click.echo(f"Programme {code} is now called {name}.")
