"""`config`: the configuration in force."""

from __future__ import annotations

import click

from .context import State, pass_state


@click.group()
def config() -> None:
    """The configuration in force.

    \b
    Example:
      mbp-registry config show
    """


@config.command("show")
@pass_state
def config_show(state: State) -> None:
    """Show the database (never its password), the policy file, the acting user, and the
    mail server (never its password) and sender of reminders."""
    from mbp_registry.registry.db import configuration
    from mbp_registry.registry.settings import mail_configuration

    shown = {**configuration(state.db), "actor": state.actor, **mail_configuration()}  # all read before printing
    for name, value in shown.items():
        click.echo(f"{name.replace('_', ' ')}: {value}")
