"""`demo`: load the sample service and show what a newcomer should see first."""

from __future__ import annotations

import click

from .context import State, pass_state
from .options import reading, writing
from .output import table_text


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

    from mbp_registry.registry.compliance import due, summary
    from mbp_registry.registry.db import display_url
    from mbp_registry.registry.demo import load_demo, record_counts
    from mbp_registry.registry.policy import load_policy
    from mbp_registry.registry.succession import succession_report
    from mbp_registry.registry.render.words import succession_report_text
    from mbp_registry.registry.views import names

    from .compliance import summary_text

    today = dt.date.today()
    policy = load_policy()
    writing(state, lambda s: load_demo(s, actor=state.actor))

    def reports(session):
        return (
            record_counts(session),
            succession_report(session, as_of=today, max_supervisees=policy.max_supervisees),
            names(session),
            summary(session, as_of=today, policy=policy),
            due(session, as_of=today, within=60, policy=policy),
        )

    counts, succession, people, compliance, reminders = reading(state, reports)
    click.echo(f"The sample service is loaded into {display_url(state.engine.url)}.\n")
    click.echo(table_text(counts, ["records", "count"], ["Records", "Count"]))
    click.echo("\n" + "=" * 78 + "\n")
    click.echo(succession_report_text(succession, people))
    click.echo("\n" + "=" * 78 + "\n")
    click.echo(summary_text(compliance))
    click.echo("\nNext reminders (lapsing within 60 days):")
    click.echo(table_text(reminders, ["lapses_on", "person", "name", "needs"], ["Lapses on", "Person", "Name", "What to do"]))
    report = _write_annual_report(state, today.year, policy)
    click.echo(f"\nThe annual report for {today.year} is in {report}: open it in a browser (it prints to PDF).")
    click.echo("\nNext: `mbp-registry cpd compliance`, `mbp-registry succession what-if --without S03`, `mbp-registry --help`.")


def _write_annual_report(state: State, year: int, policy):
    """The annual report next to the SQLite database file, else in the current directory."""
    from pathlib import Path

    from mbp_registry.registry.db import sqlite_path

    from .report import default_name, write_annual_report

    database = sqlite_path(state.engine.url)
    folder = database.resolve().parent if database else Path.cwd()
    return write_annual_report(state, year=year, policy=policy, out=folder / default_name(year, "html"))
