"""`course`: courses taught, with their lead and co-teachers."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import add, list_command, reading, record_type
from .output import Output, output_options, record_text, render


@click.group()
def course() -> None:
    """Courses taught.

    \b
    Example:
      mbp-registry course add MBCT-2026-07 --programme MBCT --start-on 2026-09-01 \\
          --lead T004 --co-teacher T009 --participants 12 --supervised --setting "primary care"
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
@click.option("--participants", metavar="N")
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
