"""`init` and the `db` group: the schema and where the database is."""

from __future__ import annotations

import click

from .context import State, pass_state
from .output import output_options, render


@click.command()
@pass_state
def init(state: State) -> None:
    """Create the schema, or upgrade it to the newest migration. Safe to run again."""
    from mbp_registry.registry.db import display_url
    from mbp_registry.registry.schema import upgrade
    from mbp_registry.registry.session import open_engine

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
    from mbp_registry.registry.db import display_url
    from mbp_registry.registry.schema import HEAD_REVISION, current_revision
    from mbp_registry.registry.session import open_engine

    engine = open_engine(state.db, check_schema=False)
    revision = current_revision(engine)
    click.echo(f"database: {display_url(engine.url)}")
    click.echo(f"schema revision: {revision or 'none'} (newest: {HEAD_REVISION})")


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_state
def backup(state: State, file: str) -> None:
    """Copy a SQLite database to FILE while others keep working (PostgreSQL: use pg_dump)."""
    from mbp_registry.registry.maintenance import backup as backup_database

    path = backup_database(state.engine, file)
    click.echo(f"Backed up to {path} (readable by you only).")


@db.command("check")
@output_options()
@pass_state
def check(state: State, fmt: str) -> None:
    """Check integrity, foreign keys and that the schema is at the newest migration."""
    from mbp_registry.registry.maintenance import check as check_database
    from mbp_registry.registry.session import open_engine

    results = check_database(open_engine(state.db, check_schema=False))
    shown = results if fmt != "table" else [{**r, "ok": "ok" if r["ok"] else "FAILED"} for r in results]
    render(shown, fmt, ["check", "ok", "detail"], ["Check", "Result", "Detail"])
    if not all(r["ok"] for r in results):
        raise click.ClickException("the database failed a check")


@db.command("roles")
@click.option("--schema", default="public", show_default=True, help="The schema the registry lives in.")
@click.option("--prefix", default="mbp", show_default=True, help="Prefix of the role names.")
def roles(schema: str, prefix: str) -> None:
    """Print the SQL that sets up least-privilege PostgreSQL roles: supervisor, governance, admin."""
    from mbp_registry.registry.roles import roles_sql

    click.echo(roles_sql(schema=schema, prefix=prefix), nl=False)


@click.group()
def config() -> None:
    """The configuration in force.

    \b
    Example:
      mbp-registry config show
    """


@config.command("show")
@pass_state
def config_show(state: State) -> None:
    """Show the database (never its password), the policy file and the acting user."""
    import os

    from mbp_registry.registry.db import default_database_path, display_url, resolve_url
    from mbp_registry.registry.policy import ENV_VAR

    click.echo(f"database: {display_url(resolve_url(state.db))}")
    click.echo(f"default database file: {default_database_path()}")
    click.echo(f"policy: {os.environ.get(ENV_VAR) or 'built-in default'}")
    click.echo(f"actor: {state.actor}")
