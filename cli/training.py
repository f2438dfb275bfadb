"""`training`: who trained whom, the lineage of teachers and trainers."""

from __future__ import annotations

import click

from mbp_registry.registry.vocab import STAGES

from .context import State, pass_state
from .options import add, list_command
from .params import choice


@click.group()
def training() -> None:
    """Who trained whom: the lineage of teachers and trainers.

    \b
    Example:
      mbp-registry training add --trainer R01 --trainee T001 --programme MBCT \\
          --stage teacher --on 2024-06-01
    """


list_command(
    training,
    "training",
    ("person", "programme", "date_from", "date_to"),
    "List training records, newest first.",
)


@training.command("add")
@click.option("--trainer", required=True, metavar="REF")
@click.option("--trainee", required=True, metavar="REF")
@click.option("--programme", required=True, metavar="CODE")
@click.option("--stage", required=True, type=choice(STAGES), help="The stage the trainee was trained towards.")
@click.option("--on", "trained_on", required=True, metavar="DATE", help="When the training was given.")
@pass_state
def training_add(state: State, **raw) -> None:
    """Record that a trainer trained a trainee towards a stage."""
    add(state, "training", raw)
    click.echo(f"{raw['trainer']} trained {raw['trainee']} towards {raw['stage']} in {raw['programme']}.")
