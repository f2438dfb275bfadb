"""Creating and upgrading the schema by driving Alembic from Python.

The newest revision is recorded here as a constant so that checking a database
is one small query, without loading Alembic on every command; a test keeps the
constant equal to the migrations' head.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError

from .db import display_url, held_by_another, is_sqlite
from .errors import DatabaseUnavailable, SchemaOutOfDate
from .redact import mask_password

HEAD_REVISION = "0009"
VERSION_TABLE = "alembic_version"
# The PostgreSQL advisory lock held while the schema is created or upgraded.
SCHEMA_LOCK = 0x6D6270  # "mbp"


def alembic_config(connection=None):
    from alembic.config import Config

    from mbp_registry import migrations

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.attributes["connection"] = connection
    return config


def script_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has no schema yet."""
    # A read: on SQLite it must not wait for the write lock (BEGIN IMMEDIATE), or every
    # command, `db backup` included, would wait while another process writes.
    bind = engine.execution_options(sqlite_begin="DEFERRED") if is_sqlite(engine.url) else engine
    try:
        with bind.connect() as connection:
            return _revision(connection)
    except OperationalError as exc:
        detail = _first_line(exc)
        raise DatabaseUnavailable(
            held_by_another(detail) or mask_password(f"cannot open the database {display_url(engine.url)}: {detail}")
        ) from None


def upgrade(engine: Engine, *, only_if_empty: bool = False) -> tuple[str | None, str | None]:
    """Bring the schema to the newest migration; returns the revision before and after.
    With `only_if_empty`, a database that holds any table is left as it is.

    The revision is read again once the transaction holds the write lock (SQLite: BEGIN
    IMMEDIATE; PostgreSQL: an advisory lock), so that several processes starting at once
    on a new database create its schema once, the others finding it made."""
    from alembic import command

    before = current_revision(engine)
    if before == HEAD_REVISION:
        return before, before
    sqlite = is_sqlite(engine.url)
    with engine.connect() as connection:
        if sqlite:
            # Batch migrations copy tables: foreign keys are checked after, not during.
            # The pragma only takes effect outside a transaction, hence the raw connection.
            _raw_sqlite(connection, "PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                if not sqlite:
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
                before = _revision(connection)
                if before == HEAD_REVISION or (only_if_empty and inspect(connection).get_table_names()):
                    return before, before
                command.upgrade(alembic_config(connection), "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise DatabaseUnavailable(f"the migration left {len(broken)} broken foreign keys")
        finally:
            if sqlite:
                _raw_sqlite(connection, "PRAGMA foreign_keys = ON")
    return before, HEAD_REVISION


def _revision(connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def _raw_sqlite(connection, statement: str) -> None:
    connection.connection.dbapi_connection.execute(statement)


def require_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is missing or behind.

    An empty SQLite file (the default database on first use) is given its schema.
    """
    revision = current_revision(engine)
    if revision is None and is_sqlite(engine.url):
        revision = upgrade(engine, only_if_empty=True)[1]
    if revision == HEAD_REVISION:
        return
    where = display_url(engine.url)
    if revision is None:
        raise SchemaOutOfDate(f"the database {where} has no registry schema: run `mbp-registry init`")
    if revision not in known_revisions():
        raise SchemaOutOfDate(
            f"the database {where} is at schema revision {revision}, which this version of "
            f"mbp-registry does not know: it was made by a newer version; upgrade mbp-registry"
        )
    raise SchemaOutOfDate(
        f"the database {where} is at schema revision {revision}, older than this version's "
        f"{HEAD_REVISION}: run `mbp-registry init` to upgrade it"
    )


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", exc)
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
