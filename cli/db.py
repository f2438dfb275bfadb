"""`init` and `db`: the schema, and the database's state, backups, checks and roles."""

from __future__ import annotations

import click

from .context import State, pass_state
from .output import Column, Output, output_options, render

CHECKS = Output(
    (
        Column("check", "Check"),
        Column("ok", "Result", lambda row: "FAILED" if not row["ok"] else "to correct" if row.get("records") else "ok"),
        Column("detail", "Detail"),
    )
)


@click.command()
@pass_state
def init(state: State) -> None:
    """Create the schema, or upgrade it to the newest migration. Safe to run again."""
    from mbp_registry.registry.maintenance import initialise

    done = initialise(state.engine_at_any_revision)
    where, before, after = done["database"], done["before"], done["after"]
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
    from mbp_registry.registry.maintenance import describe

    found = describe(state.engine_at_any_revision)
    click.echo(f"database: {found['database']}")
    click.echo(f"schema revision: {found['revision'] or 'none'} (newest: {found['newest']})")


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_state
def backup(state: State, file: str) -> None:
    """Copy a SQLite database to FILE while others keep working (PostgreSQL: use pg_dump)."""
    from mbp_registry.registry.maintenance import backup as backup_database

    path = backup_database(state.engine, file, actor=state.actor)
    click.echo(f"Backed up to {path} (readable by you only).")


@db.command("check")
@output_options()
@pass_state
def check(state: State, fmt: str) -> None:
    """Check integrity, foreign keys and that the schema is at the newest migration."""
    from mbp_registry.registry.maintenance import check as check_database

    results = check_database(state.engine_at_any_revision)
    render(results, fmt, CHECKS)
    if fmt == "table":
        for entry in (entry for row in results for entry in row.get("records", [])):
            click.echo(f"{entry['type']} {entry['id']}: {entry['problem']}")
    if not all(r["ok"] for r in results):
        raise click.ClickException("the database failed a check")


@db.command("roles")
@click.option("--schema", default="public", show_default=True, help="The schema the registry lives in.")
@click.option("--prefix", default="mbp", show_default=True, help="Prefix of the role names.")
def roles(schema: str, prefix: str) -> None:
    """Print the SQL that sets up least-privilege PostgreSQL roles: supervisor, governance, admin."""
    from mbp_registry.registry.roles import roles_sql

    click.echo(roles_sql(schema=schema, prefix=prefix), nl=False)
