"""Where the database is and how to connect to it.

A `--db` value is a SQLAlchemy URL or a plain file path (a SQLite file). Without
one, the registry keeps a SQLite file in the user's data folder. SQLAlchemy is
imported only when a database is used, so that the command line can read ENV_VAR
and still answer `--help` quickly.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DatabaseUnavailable
from .files import touch_private
from .redact import mask_password

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL

ENV_VAR = "MBP_REGISTRY_DB"
APP_NAME = "mbp-registry"
DEFAULT_FILENAME = "registry.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# How long a SQLite command waits for another process that holds the database, in seconds.
BUSY_TIMEOUT_ENV_VAR = "MBP_REGISTRY_BUSY_TIMEOUT"
# The one driver of each database the registry runs on (psycopg is psycopg 3).
DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}


def configuration(db: str | None) -> dict:
    """The configuration in force: the database (never its password), the default
    database file, and the policy file named by the environment."""
    from .policy import ENV_VAR as POLICY_ENV_VAR

    return {
        "database": display_url(resolve_url(db)),
        "default_database_file": default_database_path(),
        "policy": os.environ.get(POLICY_ENV_VAR) or "built-in default",
    }


def default_database_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / DEFAULT_FILENAME


def resolve_url(value: str | None) -> URL:
    """Turn a `--db` value (or None for the default) into a SQLAlchemy URL."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if value is None:
        return _sqlite_url(default_database_path())
    if not value.strip():
        raise DatabaseUnavailable(
            f"db: the database given (--db or {ENV_VAR}) is empty: name one, or leave both out for the default"
        )
    if re.search(r"[\ud800-\udfff]", value):  # bytes of the argument that were not UTF-8
        raise DatabaseUnavailable(f"not a database URL or file name: {mask_password(value)!a}")
    if "://" not in value:
        return _sqlite_url(Path(value))
    try:
        url = make_url(_quote_at_signs(value))
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise DatabaseUnavailable(f"not a database URL: {mask_password(value)}") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _quote_at_signs(value: str) -> str:
    """The URL with any "@" in its password percent-encoded: the host follows the last "@"
    (SQLAlchemy would end the password at the first, and take the rest for the host)."""
    scheme, separator, rest = value.partition("://")
    before_query, question, query = rest.partition("?")
    credentials, at, host = before_query.rpartition("@")
    user, colon, password = credentials.partition(":")
    if not (separator and at and colon and "@" in password):
        return value
    return f"{scheme}://{user}:{password.replace('@', '%40')}@{host}{question}{query}"


def _sqlite_url(path: Path) -> URL:
    from sqlalchemy.engine import URL

    return URL.create("sqlite", database=str(path.expanduser().resolve()))


def display_url(url: URL) -> str:
    """The URL as it may be printed: no password, neither in it nor in its query string."""
    return mask_password(url.render_as_string(hide_password=True))


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: URL) -> Path | None:
    if not is_sqlite(url) or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def require_existing(url: URL) -> None:
    """Refuse a SQLite file that is not there: only `init`, `demo` and `import` (and the
    default database) create one, so that a mistyped path is not a new, empty registry."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseUnavailable(f"no registry at {path}: run `mbp-registry init`")


def require_supported(url: URL) -> None:
    """Refuse a database the registry does not run on, or a driver other than its own."""
    backend, driver = url.get_backend_name(), url.get_driver_name()
    if backend not in DRIVERS:
        raise DatabaseUnavailable(
            f"unsupported database {display_url(url)}: use a SQLite file or postgresql+psycopg://"
        )
    if driver != DRIVERS[backend]:
        raise DatabaseUnavailable(
            f"unsupported database driver {driver!r} in {display_url(url)}: use {backend}+{DRIVERS[backend]}://"
        )


def create_registry_engine(url: URL) -> Engine:
    """An engine for the registry; SQLite files are created owner-only on first use."""
    from sqlalchemy import create_engine

    require_supported(url)
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            touch_private(path, what="database")
        seconds = busy_timeout()
        engine = create_engine(url, connect_args={"timeout": seconds})
        _configure_sqlite(engine, round(seconds * 1000))
        return engine
    return create_engine(url, pool_pre_ping=True)


def busy_timeout() -> float:
    """Seconds a SQLite command waits for another that holds the database: the
    environment's MBP_REGISTRY_BUSY_TIMEOUT, or 30."""
    value = os.environ.get(BUSY_TIMEOUT_ENV_VAR, "").strip()
    if not value:
        return SQLITE_BUSY_TIMEOUT_MS / 1000
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:  # also refuses nan
        raise DatabaseUnavailable(
            f"{BUSY_TIMEOUT_ENV_VAR}: {value!r} is not a number of seconds from 0 to 86400"
        )
    return seconds


def _write_ahead_logging(cursor, attempts: int = 40) -> None:
    """Turn on write-ahead logging. On a new file the switch needs the file to itself, and
    SQLite answers "locked" at once rather than through the busy timeout when several
    connections make it together: each tries again for a moment (at most about 4 s)."""
    import sqlite3
    import time

    for attempt in range(attempts):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.005 * (attempt + 1))


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    from sqlalchemy import event

    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT and
    # transactional DDL; the SQLAlchemy docs' recipe hands it back to SQLAlchemy.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        _write_ahead_logging(cursor)
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # 64 MiB of page cache: large imports and reports touch big indexes.
        cursor.execute("PRAGMA cache_size = -65536")
        # Deleted and overwritten values are zeroed, not left in free pages (whatever
        # the platform's SQLite does by default): an erased email leaves the file.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock at the start, so two writers wait for each
        # other (busy timeout) instead of failing when a reader upgrades to a writer.
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


def describe_database_error(exc: BaseException) -> str | None:
    """A one-line message for an error raised by the database driver, or None."""
    from sqlalchemy.exc import DBAPIError, IntegrityError

    if not isinstance(exc, DBAPIError):
        return None
    detail = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
    if isinstance(exc, IntegrityError):
        return mask_password(f"the database refused the change: {detail}")
    return held_by_another(detail) or mask_password(f"database error: {detail}")


def held_by_another(detail: str) -> str | None:
    """The message for SQLite's "database is locked" once the busy timeout has passed:
    in write-ahead logging only a writer holds the database from others, so another
    process is writing (a long import, a large correction); None for any other error."""
    if "database is locked" not in detail and "database is busy" not in detail:
        return None
    return (
        f"the database is busy: another process has been writing to it for longer than the busy timeout "
        f"({busy_timeout():g} seconds, {BUSY_TIMEOUT_ENV_VAR}); nothing was changed: try again when it has finished"
    )
