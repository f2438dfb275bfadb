"""`assessment`: assessments of teaching on the six MBI:TAC domains."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import add, as_of_option, list_columns, nothing_matches, parse_as_of, policy_option, with_checked
from .output import Output, output_options, render
from .params import whole


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
    from mbp_registry.registry.quality import read_levels

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
    from mbp_registry.registry.quality import assessments, with_levels

    rows, known = with_checked(
        state,
        views.Filters(person=person, programme=programme),
        lambda s, f: assessments(s, person=f.person, programme=f.programme),
    )
    output = Output(list_columns("assessment"), empty=lambda _: nothing_matches("assessments", known))
    render([with_levels(row) for row in rows] if fmt == "json" else rows, fmt, output)


@assessment.command("summary")
@as_of_option
@click.option("--years", type=whole(1, 50), default=None, metavar="N",
              help="An assessment is recent when dated in the last N years. Default: the policy's (3).")
@policy_option
@click.option("--programme", metavar="CODE")
@click.option("--region", metavar="NAME")
@output_options(("table", "json"))
@pass_state
def assessment_summary(state: State, as_of, years, policy_file, programme, region, fmt) -> None:
    """Who has been assessed lately, by programme and region, and the levels reached."""
    from mbp_registry.registry import views
    from mbp_registry.registry.policy import load_policy
    from mbp_registry.registry.quality_summary import assessment_summary as summary

    day = parse_as_of(as_of)
    years = years or load_policy(policy_file).assessment_recent_years
    data, _ = with_checked(
        state,
        views.Filters(programme=programme, region=region),
        lambda s, f: summary(s, as_of=day, years=years, programme=f.programme, region=f.region),
    )
    render(data, fmt, Output(text=_summary_text))


def _summary_text(data: dict) -> str:
    from mbp_registry.registry.render.words import in_words
    from mbp_registry.registry.vocab import TAC_LEVELS

    from .output import table_text

    if not data["coverage"]:
        return f"No teachers to assess on {data['as_of'].isoformat()}."
    coverage = [{**row, "share": f"{row['share']:.0%}"} for row in data["coverage"]]
    keys = ["programme", "region", "teachers", "assessed", "share"]
    return "\n".join([
        f"Teachers assessed in the {_years(data['years'])} to {data['as_of'].isoformat()}",
        "",
        table_text(coverage, keys, ["Programme", "Region", "Teachers", "Assessed", "Share"]),
        "",
        "Levels on each domain (each teacher's latest recent assessment)",
        "",
        table_text(data["levels"], ["programme", "domain", *TAC_LEVELS],
                   ["Programme", "Domain", *[in_words(level) for level in TAC_LEVELS]]),
    ])


def _years(years: int) -> str:
    return "year" if years == 1 else f"{years} years"
