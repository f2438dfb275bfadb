"""`demo`: load the sample service and show what a newcomer should see first."""

from __future__ import annotations

import click

from .context import State, pass_state
from .output import table_text


@click.command()
@pass_state
def demo(state: State) -> None:
    """Load the sample service from fixtures/ into the database and summarise it.

    \b
    Example:
      mbp-registry --db demo.db demo
    """
    from registry.db import display_url
    from registry.demo import load_demo, record_counts
    from registry.session import reading, writing

    with writing(state.engine) as session:
        load_demo(session, actor=state.actor)
    with reading(state.engine) as session:
        counts = record_counts(session)
    click.echo(f"The sample service is loaded into {display_url(state.engine.url)}.\n")
    click.echo(table_text(counts, ["records", "count"], ["Records", "Count"]))
