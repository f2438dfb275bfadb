"""`stage` and `training`: the training pathway and the lineage of who trained whom."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import filter_options, list_records, writing
from .output import output_options

STAGES = click.Choice(["trainee", "teacher", "supervisor", "trainer", "trainer_of_trainers"])
TAC_LEVELS = click.Choice(["incompetent", "beginner", "advanced_beginner", "competent", "proficient", "advanced"])


@click.group()
def stage() -> None:
    """Stages of the training pathway attained in each programme.

    \b
    Example:
      mbp-registry stage add --person T001 --programme MBCT --stage teacher \\
          --on 2024-06-01 --assessed-by R01 --tac-level competent
    """


@stage.command("add")
@click.option("--person", required=True, metavar="REF")
@click.option("--programme", required=True, metavar="CODE")
@click.option("--stage", "stage_", required=True, type=STAGES)
@click.option("--on", "on", required=True, metavar="DATE", help="When the stage was attained.")
@click.option("--assessed-by", metavar="REF", help="Who assessed it.")
@click.option("--tac-level", type=TAC_LEVELS, help="The MBI:TAC overall level.")
@pass_state
def stage_add(state: State, person, programme, stage_, on, assessed_by, tac_level) -> None:
    """Record a stage a person has attained in a programme."""
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry.records import add_record

    raw = {
        "person": person,
        "programme": programme,
        "stage": stage_,
        "attained_on": on,
        "assessed_by": assessed_by,
        "tac_level": tac_level,
    }
    values = writing(state, lambda s: add_record(s, rt.STAGE, raw, actor=state.actor))
    click.echo(f"{person} attained {values['stage']} in {programme} on {values['attained_on'].isoformat()}.")


@stage.command("list")
@filter_options("person", "organisation", "region", "programme", "stage", "date_from", "date_to")
@output_options()
@pass_state
def stage_list(state: State, filters, fmt: str) -> None:
    """List stages attained, newest first."""
    list_records(state, "stage", filters, fmt)


@click.group()
def training() -> None:
    """Who trained whom: the lineage of teachers and trainers.

    \b
    Example:
      mbp-registry training add --trainer R01 --trainee T001 --programme MBCT \\
          --stage teacher --on 2024-06-01
    """


@training.command("add")
@click.option("--trainer", required=True, metavar="REF")
@click.option("--trainee", required=True, metavar="REF")
@click.option("--programme", required=True, metavar="CODE")
@click.option("--stage", "stage_", required=True, type=STAGES, help="The stage the trainee was trained towards.")
@click.option("--on", "on", required=True, metavar="DATE", help="When the training was given.")
@pass_state
def training_add(state: State, trainer, trainee, programme, stage_, on) -> None:
    """Record that a trainer trained a trainee towards a stage."""
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry.records import add_record

    raw = {"trainer": trainer, "trainee": trainee, "programme": programme, "stage": stage_, "trained_on": on}
    writing(state, lambda s: add_record(s, rt.TRAINING, raw, actor=state.actor))
    click.echo(f"{trainer} trained {trainee} towards {stage_} in {programme}.")


@training.command("list")
@filter_options("person", "programme", "date_from", "date_to")
@output_options()
@pass_state
def training_list(state: State, filters, fmt: str) -> None:
    """List training records, newest first."""
    list_records(state, "training", filters, fmt)
