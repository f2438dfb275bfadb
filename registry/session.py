"""Opening a registry database and owning transactions around service calls.

Services take a `Database`: an ORM Session, or a Core Connection where the ORM serves
nothing (the commands that record one event use `recording`, so that they need not load
the ORM at all)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import Connection, Engine, text

from .db import create_registry_engine, is_sqlite, require_existing, require_supported, resolve_url
from .schema import require_current

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    Database = Connection | Session


def open_engine(db: str | None, *, check_schema: bool = True, create: bool = False) -> Engine:
    """An engine for the `--db` value, its schema checked to be at the newest migration.

    A SQLite file that is not there is created only when `create` is asked for or it is
    the default database (`db` None); otherwise it is an error."""
    url = resolve_url(db)
    require_supported(url)
    if db is not None and not create:
        require_existing(url)
    engine = create_registry_engine(url)
    if check_schema:
        require_current(engine)
    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed when the block ends, rolled back on any error."""
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        _audited_here(session, engine)
        yield session


@contextmanager
def recording(engine: Engine) -> Iterator[Connection]:
    """One write transaction on a Core connection, as `writing`: for the commands that
    add one record, which need no ORM. Each of their statements runs once or a few
    times, so they skip SQLAlchemy's statement cache, whose keys cost more to build
    than compiling again."""
    with engine.connect() as connection:
        connection.execution_options(compiled_cache=None)
        with connection.begin():
            _audited_here(connection, engine)
            yield connection


def _audited_here(db: Database, engine: Engine) -> None:
    """On PostgreSQL the transaction says that the application writes its own audit
    entries (the triggers of migration 0004 then write none for a role that may)."""
    if engine.dialect.name == "postgresql":
        db.execute(text("SELECT set_config('mbp.audited', 'on', true)"))


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A read-only transaction; on SQLite it takes no write lock."""
    from sqlalchemy.orm import Session

    bind = engine.execution_options(sqlite_begin="DEFERRED") if is_sqlite(engine.url) else engine
    with Session(bind) as session, session.begin():
        yield session


def connection_of(db: Database) -> Connection:
    """The Core connection of a Session (its transaction's), or the Connection itself."""
    return db if isinstance(db, Connection) else db.connection()


def dialect_name(db: Database) -> str:
    return connection_of(db).dialect.name


def transaction_cache(db: Database, name: str) -> dict:
    """A dict kept under `name` for as long as the current transaction of `db` lasts:
    what a transaction has learnt once (a login's rights, the people it holds)."""
    transaction = db.get_transaction()
    cache = db.info.get(name)
    if cache is None or cache[0] is not transaction:
        cache = db.info[name] = (transaction, {})
    return cache[1]
