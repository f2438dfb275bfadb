"""Each test gets its own empty, migrated registry database.

SQLite by default (a file in the test's tmp_path, copied from one migrated once per
test process). When MBP_REGISTRY_TEST_DB gives a PostgreSQL URL, each test process
(pytest-xdist runs two) migrates one fresh schema of its own and every test starts from
emptied tables; an unreachable server fails the run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from mbp_registry.cli.main import cli
from mbp_registry.registry.db import create_registry_engine, resolve_url
from mbp_registry.registry.models import Base
from mbp_registry.registry.schema import HEAD_REVISION, upgrade

PG_ENV = "MBP_REGISTRY_TEST_DB"


def pg_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def _schema_url(base: str, schema: str) -> str:
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def new_pg_schema(base: str) -> tuple[str, str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_registry_engine(resolve_url(base))
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return schema, _schema_url(base, schema)


def drop_pg_schema(base: str, schema: str) -> None:
    engine = create_registry_engine(resolve_url(base))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def backend() -> str:
    return "postgresql" if pg_base_url() else "sqlite"


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory):
    base = pg_base_url()
    if base:
        schema, url = new_pg_schema(base)
        engine = create_registry_engine(resolve_url(url))
        upgrade(engine)
        engine.dispose()
        yield url
        drop_pg_schema(base, schema)
    else:
        path = tmp_path_factory.mktemp("template") / "registry.db"
        engine = create_registry_engine(resolve_url(str(path)))
        upgrade(engine)
        engine.dispose()
        yield str(path)


_PG_ENGINES: dict = {}


def _pg_engine(url: str):
    if url not in _PG_ENGINES:
        _PG_ENGINES[url] = create_registry_engine(resolve_url(url))
    return _PG_ENGINES[url]


@pytest.fixture
def db_url(_migrated_template, tmp_path) -> str:
    """The URL of an empty registry database at the newest schema revision."""
    if pg_base_url():
        engine = _pg_engine(_migrated_template)
        # DELETE is much faster than TRUNCATE on tables this small. The transaction is
        # the application's own, so the audit triggers record none of it.
        with engine.begin() as connection:
            connection.execute(text("SELECT set_config('mbp.audited', 'on', true)"))
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
            for table in Base.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key:
                    connection.execute(text(f"ALTER SEQUENCE IF EXISTS {table.name}_id_seq RESTART WITH 1"))
            connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": HEAD_REVISION})
        return _migrated_template
    path = tmp_path / "registry.db"
    shutil.copy(_migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def empty_db_url(tmp_path):
    """The URL of a database with no schema at all."""
    base = pg_base_url()
    if base:
        schema, url = new_pg_schema(base)
        yield url
        drop_pg_schema(base, schema)
    else:
        yield f"sqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture
def engine(db_url) -> Engine:
    engine = create_registry_engine(resolve_url(db_url))
    yield engine
    engine.dispose()


@pytest.fixture
def run(db_url):
    """Run `mbp-registry --db <test db> ARGS...`; returns the click Result."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, actor: str = "tester"):
        return runner.invoke(cli, ["--db", db_url, "--actor", actor, *args], input=input)

    return invoke


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
