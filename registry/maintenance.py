"""Looking after the database: its schema, backups, integrity checks, statistics."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from .db import display_url, is_sqlite, sqlite_path
from .errors import Invalid
from .files import in_place_when_done
from .schema import HEAD_REVISION, current_revision, upgrade


def initialise(engine: Engine) -> dict:
    """Create the schema, or upgrade it to the newest migration: the database (never its
    password) and its revision before and after."""
    before, after = upgrade(engine)
    return {"database": display_url(engine.url), "before": before, "after": after}


def describe(engine: Engine) -> dict:
    """Which database this is (never its password), its schema revision and the newest."""
    return {"database": display_url(engine.url), "revision": current_revision(engine), "newest": HEAD_REVISION}


def backup(engine: Engine, destination: str | Path, *, actor: str) -> Path:
    """Copy a SQLite database with SQLite's online backup (safe while others write).
    Audited in the database copied, once the copy is made (waiting, as any write does,
    for a writer that holds the database): the copy holds confidential notes."""
    if not is_sqlite(engine.url):
        raise Invalid(
            "backup: this is a PostgreSQL database; back it up with pg_dump, e.g. "
            "pg_dump --format=custom --file=registry.dump DBNAME"
        )
    source = sqlite_path(engine.url)
    destination = Path(destination)
    if destination.exists():
        raise Invalid(f"backup: {str(destination)!r} already exists; choose a new file")
    from . import audit
    from .session import writing

    # Copied into a new owner-only file beside it, renamed once whole and audited: a
    # backup stopped part way, or whose audit entry cannot be written, leaves no file
    # under the name given.
    with in_place_when_done(destination, exclusive=True, what="backup") as copy:
        src, dst = sqlite3.connect(source), sqlite3.connect(copy)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        with writing(engine) as session:
            audit.record_export(session, actor=actor, what="database", path=str(destination.resolve()), records=0)
    return destination


def after_bulk_write(engine: Engine) -> None:
    """After a large import: refresh the planner's statistics, and on SQLite fold the
    write-ahead log into the database file so that the next small write (a session
    logged) does not pay for copying it."""
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        if is_sqlite(engine.url):
            # Only an optimisation: when others are writing, leave it for another time.
            try:
                raw.execute("PRAGMA optimize")
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError:
                pass
        else:
            from .models import Base

            connection.execute(text("ANALYZE " + ", ".join(Base.metadata.tables)))
            connection.commit()


def check(engine: Engine, *, today: dt.date | None = None) -> list[dict]:
    """Integrity, foreign keys and schema revision; each check with its result. The last
    one lists the records that break a rule of the registry (under `records`) without
    failing: they were kept before the rule, and are corrected with `amend`."""
    results = []
    revision = current_revision(engine)
    results.append(
        {
            "check": "schema at the newest migration",
            "ok": revision == HEAD_REVISION,
            "detail": f"revision {revision or 'none'}, newest {HEAD_REVISION}",
        }
    )
    # Only reads: on SQLite, no waiting for the write lock while another process writes.
    bind = engine.execution_options(sqlite_begin="DEFERRED") if is_sqlite(engine.url) else engine
    with bind.connect() as connection:
        if is_sqlite(engine.url):
            integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
            results.append({"check": "integrity", "ok": integrity == ["ok"], "detail": "; ".join(integrity[:5])})
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            results.append(
                {
                    "check": "foreign keys",
                    "ok": not broken,
                    "detail": "all references resolve" if not broken else f"{len(broken)} rows refer to missing records",
                }
            )
        else:
            invalid = connection.execute(
                text("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated")
            ).scalar()
            results.append(
                {
                    "check": "foreign keys",
                    "ok": invalid == 0,
                    "detail": "enforced by PostgreSQL" if invalid == 0 else f"{invalid} constraints not validated",
                }
            )
            tables = inspect(connection).get_table_names()
            results.append({"check": "tables", "ok": bool(tables), "detail": f"{len(tables)} tables readable"})
        results.append(_rules_kept(connection, revision == HEAD_REVISION, today or dt.date.today()))
    for row in results:
        row["database"] = display_url(engine.url)
    return results


def _rules_kept(connection, schema_current: bool, today: dt.date) -> dict:
    """The check that every record keeps the registry's rules, listing those that do not."""
    if not schema_current:
        return {"check": "records keep the rules", "ok": True, "detail": "not checked: the schema is not at the newest migration", "records": []}
    from .rule_breaks import records_breaking_rules

    broken = records_breaking_rules(connection, today)
    if not broken:
        detail = "every record keeps the rules"
    else:
        records = len({(entry["type"], entry["id"]) for entry in broken})
        detail = f"{records} record{'s' if records != 1 else ''} to correct (amend TYPE ID), listed below"
    return {"check": "records keep the rules", "ok": True, "detail": detail, "records": broken}
