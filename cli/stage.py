"""`stage`: the stages of the training pathway attained in each programme."""

from __future__ import annotations

import click

from mbp_registry.registry.vocab import STAGES, TAC_LEVELS

from .context import State, pass_state
from .options import add, list_command
from .params import choice


@click.group()
def stage() -> None:
    """Stages of the training pathway attained in each programme.

    \b
    Example:
      mbp-registry stage add --person T001 --programme MBCT --stage teacher \\
          --on 2024-06-01 --assessed-by R01 --tac-level competent
    """


list_command(
    stage,
    "stage",
    ("person", "organisation", "region", "programme", "stage", "date_from", "date_to"),
    "List stages attained, newest first.",
)


@stage.command("add")
@click.option("--person", required=True, metavar="REF")
@click.option("--programme", required=True, metavar="CODE")
@click.option("--stage", required=True, type=choice(STAGES))
@click.option("--on", "attained_on", required=True, metavar="DATE", help="When the stage was attained.")
@click.option("--assessed-by", metavar="REF", help="Who assessed it.")
@click.option("--tac-level", type=choice(TAC_LEVELS), help="The MBI:TAC overall level.")
@pass_state
def stage_add(state: State, **raw) -> None:
    """Record a stage a person has attained in a programme."""
    values = add(state, "stage", raw)
    click.echo(f"{raw['person']} attained {values['stage']} in {raw['programme']} on {values['attained_on'].isoformat()}.")
