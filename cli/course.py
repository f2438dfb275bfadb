"""`course`: courses taught, with their lead and co-teachers."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import add, list_columns, list_command, reading, record_type
from .output import Output, output_options, record_text, render


@click.group()
def course() -> None:
    """Courses taught.

    \b
    Example:
      mbp-registry course add MBCT-2026-07 --programme MBCT --start-on 2026-09-01 \\
          --lead T004 --co-teacher T009 --participants 12 --supervised --setting "primary care"
      mbp-registry course outcome add MBCT-2026-07 --measure PHQ-9 --before 12.4 --after 7.9 --measured 9
    """


list_command(
    course,
    "course",
    ("person", "programme", "date_from", "date_to"),
    "List courses, newest first; --person finds courses they led or co-taught.",
)


@course.command("add")
@click.argument("code")
@click.option("--programme", required=True, metavar="CODE")
@click.option("--start-on", required=True, metavar="DATE")
@click.option("--lead", required=True, metavar="REF", help="The lead teacher.")
@click.option("--co-teacher", "co_teachers", multiple=True, metavar="REF", help="Repeat for each co-teacher.")
@click.option("--participants", metavar="N", help="Participants who started the course.")
@click.option("--completed", metavar="N", help="Participants who completed it (MBCT: attended at least 4 of 8 sessions).")
@click.option("--supervised/--not-supervised", default=None, help="Taught under supervision.")
@click.option("--setting", metavar="TEXT", help="e.g. primary care, staff wellbeing.")
@pass_state
def course_add(state: State, co_teachers, **raw) -> None:
    """Record a course taught."""
    add(state, "course", {**raw, "co_teachers": list(co_teachers)})
    click.echo(f"Added course {raw['code']} ({raw['programme']}, led by {raw['lead']}).")


@course.command("show")
@click.argument("code")
@output_options(("table", "json"))
@pass_state
def course_show(state: State, code: str, fmt: str) -> None:
    """Show one course."""
    from mbp_registry.registry.rows import find_row

    render(reading(state, lambda s: find_row(s, record_type("course"), code)), fmt, Output(text=record_text({})))


@course.group("outcome")
def outcome() -> None:
    """Outcome measures of courses: mean scores before and after.

    \b
    Known measures and their scales: PHQ-9 (0-27), GAD-7 (0-21), WEMWBS (14-70),
    FFMQ (39-195); any other measure may be recorded too.
    """


@outcome.command("add")
@click.argument("course")
@click.option("--measure", required=True, metavar="NAME", help="e.g. PHQ-9, GAD-7, WEMWBS, FFMQ.")
@click.option("--before", required=True, metavar="MEAN", help="Mean score before the course.")
@click.option("--after", required=True, metavar="MEAN", help="Mean score after it.")
@click.option("--measured", required=True, metavar="N", help="Participants with both scores; at most those who completed.")
@pass_state
def outcome_add(state: State, **raw) -> None:
    """Record the outcome of a course on one measure."""
    add(state, "course outcome", raw)
    click.echo(f"Added the {raw['measure']} outcome of course {raw['course']}: {raw['before']} -> {raw['after']} (n={raw['measured']}).")


@outcome.command("list")
@click.option("--course", metavar="CODE", help="Only the outcomes of this course.")
@output_options()
@pass_state
def outcome_list(state: State, course, fmt) -> None:
    """List the outcome measures of courses."""
    from mbp_registry.registry.quality import course_outcomes

    rows = reading(state, lambda s: course_outcomes(s, course=course))
    render(rows, fmt, Output(list_columns("course outcome"), empty=lambda _: "No course outcomes in the registry."))
