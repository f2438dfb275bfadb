"""`assessment`: assessments of teaching on the six MBI:TAC domains."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import add, list_columns, nothing_matches, with_checked
from .output import Output, output_options, render


@click.group()
def assessment() -> None:
    """Assessments of teaching on the six MBI:TAC domains.

    \b
    Domains, in the MBI:TAC's order: coverage, relational, embodiment, guiding,
    inquiry, holding. Levels: incompetent, beginner, advanced_beginner, competent,
    proficient, advanced.

    \b
    Example:
      mbp-registry assessment add --person T004 --programme MBCT --on 2026-10-14 \\
          --assessor S01 --course MBCT-2026-07 --level coverage=competent \\
          --level relational=proficient --level embodiment=competent \\
          --level guiding=competent --level inquiry=advanced_beginner --level holding=competent
    """


@assessment.command("add")
@click.option("--person", required=True, metavar="REF", help="The teacher assessed.")
@click.option("--programme", required=True, metavar="CODE")
@click.option("--on", "on", required=True, metavar="DATE", help="The day of the assessment.")
@click.option("--assessor", required=True, metavar="REF", help="Holds supervisor or higher in the programme.")
@click.option("--course", metavar="CODE", help="The course observed.")
@click.option("--level", "levels", multiple=True, metavar="DOMAIN=LEVEL", help="Repeat for each of the six domains.")
@pass_state
def assessment_add(state: State, levels, **raw) -> None:
    """Record one assessment of teaching."""
    from mbp_registry.registry.assessments import read_levels

    add(state, "assessment", {**raw, **read_levels(levels)})
    click.echo(f"Added the assessment of {raw['person']}'s {raw['programme']} teaching on {raw['on']} by {raw['assessor']}.")


@assessment.command("list")
@click.option("--person", metavar="REF", help="Only assessments of this teacher.")
@click.option("--programme", metavar="CODE")
@output_options()
@pass_state
def assessment_list(state: State, person, programme, fmt) -> None:
    """List assessments of teaching, newest first."""
    from mbp_registry.registry import views
    from mbp_registry.registry.assessments import assessments, with_levels

    rows, known = with_checked(
        state,
        views.Filters(person=person, programme=programme),
        lambda s, f: assessments(s, person=f.person, programme=f.programme),
    )
    output = Output(list_columns("assessment"), empty=lambda _: nothing_matches("assessments", known))
    render([with_levels(row) for row in rows] if fmt == "json" else rows, fmt, output)
