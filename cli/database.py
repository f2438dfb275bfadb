"""`init` and the `db` group: the schema and where the database is."""

from __future__ import annotations

import click

from .context import State, pass_state


@click.command()
@pass_state
def init(state: State) -> None:
    """Create the schema, or upgrade it to the newest migration. Safe to run again."""
    from registry.db import display_url
    from registry.schema import upgrade
    from registry.session import open_engine

    engine = open_engine(state.db, check_schema=False)
    before, after = upgrade(engine)
    where = display_url(engine.url)
    if before == after:
        click.echo(f"{where}: schema already at the newest revision ({after}).")
    elif before is None:
        click.echo(f"{where}: schema created (revision {after}).")
    else:
        click.echo(f"{where}: schema upgraded from revision {before} to {after}.")


@click.group()
def db() -> None:
    """The database: where it is and what state it is in.

    \b
    Example:
      mbp-registry --db registry.db db info
    """


@db.command("info")
@pass_state
def info(state: State) -> None:
    """Show which database is used and its schema revision (never its password)."""
    from registry.db import display_url
    from registry.schema import HEAD_REVISION, current_revision
    from registry.session import open_engine

    engine = open_engine(state.db, check_schema=False)
    revision = current_revision(engine)
    click.echo(f"database: {display_url(engine.url)}")
    click.echo(f"schema revision: {revision or 'none'} (newest: {HEAD_REVISION})")
