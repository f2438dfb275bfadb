"""Opening a registry database and owning transactions around service calls."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from .db import create_registry_engine, is_sqlite, require_existing, require_supported, resolve_url
from .schema import require_current


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
    """One write transaction: committed when the block ends, rolled back on any error.

    On PostgreSQL the transaction says that the application writes its own audit
    entries (the triggers of migration 0004 then write none for a role that may)."""
    with Session(engine) as session, session.begin():
        if engine.dialect.name == "postgresql":
            session.execute(text("SELECT set_config('mbp.audited', 'on', true)"))
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A read-only transaction; on SQLite it takes no write lock."""
    bind = engine.execution_options(sqlite_begin="DEFERRED") if is_sqlite(engine.url) else engine
    with Session(bind) as session, session.begin():
        yield session
