"""`policy`: the compliance policy in force."""

from __future__ import annotations

import click

from .options import policy_option
from .output import Column, Output, output_options, render

SETTINGS = Output((Column("setting", "Setting"), Column("value", "Value"), Column("source", "Source")))


@click.group()
def policy() -> None:
    """The compliance policy in force.

    \b
    Example:
      mbp-registry policy show
      mbp-registry policy show --policy bacp-monthly
    """


@policy.command("show")
@policy_option
@output_options()
def policy_show(policy_file, fmt) -> None:
    """Print the policy in force, with the source of each default."""
    from mbp_registry.registry.policy import describe, load_policy

    render(describe(load_policy(policy_file)), fmt, SETTINGS)
