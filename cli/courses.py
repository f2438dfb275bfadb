"""`course`: courses taught, with their lead and co-teachers."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import filter_options, list_records, reading, writing
from .output import output_options, render_record


@click.group()
def course() -> None:
    """Courses taught.

    \b
    Example:
      mbp-registry course add MBCT-2026-07 --programme MBCT --start-on 2026-09-01 \\
          --lead T004 --co-teacher T009 --participants 12 --supervised --setting "primary care"
    """


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
def course_add(state: State, code, programme, start_on, lead, co_teachers, participants, supervised, setting) -> None:
    """Record a course taught."""
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry.records import add_record

    raw = {
        "code": code,
        "programme": programme,
        "start_on": start_on,
        "lead": lead,
        "co_teachers": list(co_teachers),
        "participants": participants,
        "supervised": supervised,
        "setting": setting,
    }
    writing(state, lambda s: add_record(s, rt.COURSE, raw, actor=state.actor))
    click.echo(f"Added course {code} ({programme}, led by {lead}).")


@course.command("list")
@filter_options("person", "programme", "date_from", "date_to")
@output_options()
@pass_state
def course_list(state: State, filters, fmt: str) -> None:
    """List courses, newest first; --person finds courses they led or co-taught."""
    list_records(state, "course", filters, fmt)


@course.command("show")
@click.argument("code")
@output_options(("table", "json"))
@pass_state
def course_show(state: State, code: str, fmt: str) -> None:
    """Show one course."""
    from mbp_registry.registry import recordtypes as rt
    from mbp_registry.registry.rows import find_row

    render_record(reading(state, lambda s: find_row(s, rt.COURSE, code)), fmt, {})
