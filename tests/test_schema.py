from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from mbp_registry.registry import schema
from mbp_registry.registry.db import create_registry_engine, resolve_url
from mbp_registry.registry.models import Base


def test_head_revision_constant_matches_the_migrations():
    assert schema.script_head() == schema.HEAD_REVISION


def test_migrations_produce_exactly_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_init_creates_the_schema_from_migrations_and_is_safe_to_repeat(empty_db_url, run):
    from click.testing import CliRunner

    from mbp_registry.cli.main import cli

    runner = CliRunner()
    first = runner.invoke(cli, ["--db", empty_db_url, "init"])
    assert first.exit_code == 0, first.output
    assert f"schema created (revision {schema.HEAD_REVISION})" in first.output
    second = runner.invoke(cli, ["--db", empty_db_url, "init"])
    assert second.exit_code == 0, second.output
    assert f"schema already at the newest revision ({schema.HEAD_REVISION})" in second.output
    engine = create_registry_engine(resolve_url(empty_db_url))
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) | {"alembic_version"} == tables


def test_a_database_behind_the_newest_migration_asks_for_init(db_url, monkeypatch):
    from click.testing import CliRunner

    from mbp_registry.cli.main import cli

    current = schema.HEAD_REVISION
    newer = f"{int(current) + 1:04d}"
    monkeypatch.setattr(schema, "HEAD_REVISION", newer)
    result = CliRunner().invoke(cli, ["--db", db_url, "demo"])
    assert result.exit_code == 1
    assert f"is at schema revision {current}, older than this version's {newer}: run `mbp-registry init`" in result.output
    assert "Traceback" not in result.output


def test_a_database_made_by_a_newer_version_is_refused(db_url, engine):
    from click.testing import CliRunner

    from mbp_registry.cli.main import cli

    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    result = CliRunner().invoke(cli, ["--db", db_url, "demo"])
    assert result.exit_code == 1
    assert "at schema revision 9999, which this version of mbp-registry does not know" in result.output


def test_a_database_with_other_tables_but_no_registry_schema_asks_for_init(empty_db_url):
    from click.testing import CliRunner

    from mbp_registry.cli.main import cli

    engine = create_registry_engine(resolve_url(empty_db_url))
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE unrelated (id integer)")
    engine.dispose()
    result = CliRunner().invoke(cli, ["--db", empty_db_url, "demo"])
    assert result.exit_code == 1
    assert "has no registry schema: run `mbp-registry init`" in result.output


def test_an_empty_sqlite_file_gets_its_schema_on_first_use(tmp_path):
    from click.testing import CliRunner

    from mbp_registry.cli.main import cli

    path = tmp_path / "fresh.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "demo"])
    assert result.exit_code == 0, result.output
    engine = create_registry_engine(resolve_url(str(path)))
    assert schema.current_revision(engine) == schema.HEAD_REVISION
    engine.dispose()


def test_init_upgrades_a_database_made_by_the_first_release(empty_db_url):
    from alembic import command
    from click.testing import CliRunner

    from mbp_registry.cli.main import cli

    engine = create_registry_engine(resolve_url(empty_db_url))
    with engine.begin() as connection:
        command.upgrade(schema.alembic_config(connection), "0001")
    assert schema.current_revision(engine) == "0001"
    refused = CliRunner().invoke(cli, ["--db", empty_db_url, "cpd", "summary"])
    assert refused.exit_code == 1
    assert f"older than this version's {schema.HEAD_REVISION}: run `mbp-registry init`" in refused.output
    result = CliRunner().invoke(cli, ["--db", empty_db_url, "init"])
    assert result.exit_code == 0, result.output
    assert f"schema upgraded from revision 0001 to {schema.HEAD_REVISION}" in result.output
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()
