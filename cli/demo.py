"""`demo`: load the sample service and show what a newcomer should see first."""

from __future__ import annotations

import click

from .context import State, pass_state
from .cpd import REMINDER_COLUMNS, summary_text
from .options import writing
from .output import Column, Output, render

RULE = "\n" + "=" * 78 + "\n"
COUNTS = Output((Column("records", "Records"), Column("count", "Count")))
REMINDERS = Output(tuple(column for column in REMINDER_COLUMNS if column.key in ("lapses_on", "person", "name", "needs")))


@click.command()
@pass_state
def demo(state: State) -> None:
    """Load the sample service from fixtures/ into the database, print its succession
    report, its compliance summary and the next reminders due, and write this year's
    annual report next to the database.

    \b
    Example:
      mbp-registry --db demo.db demo
    """
    import datetime as dt

    from mbp_registry.registry.demo import REMINDER_DAYS
    from mbp_registry.registry.demo import demo as load_and_report
    from mbp_registry.registry.policy import load_policy
    from mbp_registry.registry.render.annual_files import write_report
    from mbp_registry.registry.render.words import succession_report_text

    from .report import default_name

    today, policy = dt.date.today(), load_policy()
    data = writing(state, lambda s: load_and_report(s, actor=state.actor, today=today, policy=policy))
    click.echo(f"The sample service is loaded into {data['database']}.\n")
    render(data["counts"], "table", COUNTS)
    click.echo(RULE)
    click.echo(succession_report_text(data["succession"], data["names"]))
    click.echo(RULE)
    click.echo(summary_text(data["compliance"]))
    click.echo(f"\nNext reminders (lapsing within {REMINDER_DAYS} days):")
    render(data["reminders"], "table", REMINDERS)
    out = data["report_folder"] / default_name(today.year, "html")
    report, _ = write_report(data["annual_report"], out, "html")
    click.echo(f"\nThe annual report for {today.year} is in {report}: open it in a browser (it prints to PDF).")
    click.echo("\nNext: `mbp-registry cpd compliance`, `mbp-registry succession what-if --without S03`, `mbp-registry --help`.")
