import os
import stat

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from mbp_registry.cli.main import cli
from mbp_registry.registry import db
from mbp_registry.registry.redact import mask_password


def test_a_plain_path_is_a_sqlite_file(tmp_path):
    url = db.resolve_url(str(tmp_path / "my.db"))
    assert url.drivername == "sqlite"
    assert url.database == str(tmp_path / "my.db")


def test_a_relative_path_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert db.resolve_url("here.db").database == str(tmp_path / "here.db")


def test_postgresql_urls_use_psycopg_3():
    assert db.resolve_url("postgresql://u@h/d").drivername == "postgresql+psycopg"


def test_default_database_lives_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    expected = tmp_path / "data" / "mbp-registry" / "registry.db"
    assert db.default_database_path() == expected
    assert db.resolve_url(None).database == str(expected)


def test_default_database_is_created_on_first_use(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("MBP_REGISTRY_DB", raising=False)
    result = CliRunner().invoke(cli, ["db", "info"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "data" / "mbp-registry" / "registry.db"
    assert path.is_file()
    assert f"database: sqlite:///{path}" in result.output


def test_sqlite_files_are_readable_by_their_owner_only(tmp_path):
    path = tmp_path / "sub" / "private.db"
    engine = db.create_registry_engine(db.resolve_url(str(path)))
    engine.dispose()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700


def test_sqlite_connections_enforce_foreign_keys_with_wal_and_a_busy_timeout(tmp_path):
    engine = db.create_registry_engine(db.resolve_url(str(tmp_path / "p.db")))
    with engine.connect() as c:
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA busy_timeout")).scalar() == db.SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


@pytest.mark.parametrize(
    "raw, masked",
    [
        ("postgresql+psycopg://alice:s3cret@db.nhs.uk/reg", "postgresql+psycopg://alice:***@db.nhs.uk/reg"),
        ("error at postgresql://bob:p@ss:w0rd@host/x now", "error at postgresql://bob:***@host/x now"),
        ("postgresql://carol@host/x", "postgresql://carol@host/x"),
    ],
)
def test_passwords_in_urls_are_masked(raw, masked):
    assert mask_password(raw) == masked


def test_an_unreachable_server_is_a_one_line_error_without_the_password():
    result = CliRunner().invoke(
        cli, ["--db", "postgresql+psycopg://alice:s3cret@127.0.0.1:1/reg", "db", "info"]
    )
    assert result.exit_code == 1
    assert "s3cret" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: cannot open the database postgresql+psycopg://alice:***@127.0.0.1:1/reg")


def test_an_unknown_kind_of_database_is_refused():
    result = CliRunner().invoke(cli, ["--db", "mysql://u:pw@h/d", "db", "info"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: unsupported database mysql://u:***@h/d: use a SQLite file or postgresql+psycopg://"


def test_a_bad_option_value_is_a_usage_error_not_a_traceback(run):
    result = run("db", "info", "--nonsense")
    assert result.exit_code == 2
    assert result.stderr == "Error: No such option '--nonsense'. (see --help)\n"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "url, driver, use",
    [
        ("postgresql+psycopg2://u:pw@h/d", "psycopg2", "postgresql+psycopg://"),
        ("postgresql+pg8000://u:pw@h/d", "pg8000", "postgresql+psycopg://"),
        ("postgresql+nodriver://u:pw@h/d", "nodriver", "postgresql+psycopg://"),
        ("sqlite+pysqlcipher:///x.db", "pysqlcipher", "sqlite+pysqlite://"),
    ],
)
def test_another_driver_in_a_url_is_one_line_naming_the_one_to_use(url, driver, use, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--db", url, "person", "list"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    shown = url.replace(":pw@", ":***@")
    assert result.stderr == f"Error: unsupported database driver {driver!r} in {shown}: use {use}\n"
    assert list(tmp_path.iterdir()) == []


# --- no silent new databases --------------------------------------------------------------

NOT_CREATING = [
    ("person", "list"),
    ("db", "info"),
    ("db", "check"),
    ("cpd", "compliance"),
    ("org", "add", "NHS-N", "--name", "NHS North", "--region", "North"),
    ("export", "out"),
    ("db", "backup", "copy.db"),
    ("config", "show"),
]


@pytest.mark.parametrize("command", NOT_CREATING[:-1], ids=" ".join)
@pytest.mark.parametrize("given", ["option", "environment"])
def test_a_database_file_that_is_not_there_is_an_error_and_is_not_made(tmp_path, monkeypatch, command, given):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "no-such-folder" / "registry.db"
    if given == "option":
        result = CliRunner().invoke(cli, ["--db", str(path), *command])
    else:
        monkeypatch.setenv("MBP_REGISTRY_DB", str(path))
        result = CliRunner().invoke(cli, list(command))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == f"Error: no registry at {path}: run `mbp-registry init`\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [("init",), ("import", "BUNDLE")], ids=" ".join)
def test_init_and_import_make_a_new_database_file(tmp_path, monkeypatch, command):
    # (`demo` too: tests/test_schema.py loads it into a file that is not there yet.)
    from tests.bundle_helpers import SMALL, write_bundle

    monkeypatch.chdir(tmp_path)
    bundle = write_bundle(tmp_path / "bundle", SMALL)
    path = tmp_path / "new-folder" / "registry.db"
    result = CliRunner().invoke(cli, ["--db", str(path), *[str(bundle) if part == "BUNDLE" else part for part in command]])
    assert result.exit_code == 0, result.output
    assert path.is_file() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert CliRunner().invoke(cli, ["--db", str(path), "person", "list", "--format", "json"]).exit_code == 0


@pytest.mark.parametrize("command", [("person", "list"), ("config", "show"), ("init",)], ids=" ".join)
@pytest.mark.parametrize("given", ["option", "environment"])
def test_an_empty_database_value_is_an_error(tmp_path, monkeypatch, command, given):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if given == "option":
        monkeypatch.delenv("MBP_REGISTRY_DB", raising=False)
        result = CliRunner().invoke(cli, ["--db", "", *command])
    else:
        monkeypatch.setenv("MBP_REGISTRY_DB", "")
        result = CliRunner().invoke(cli, list(command))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == (
        "Error: db: the database given (--db or MBP_REGISTRY_DB) is empty: name one, or leave both out for the default\n"
    )
    assert not (tmp_path / "data").exists()


def test_version_is_shown():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "0.1.0" in result.output


def test_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "demo", "db"):
        assert f"  {command} " in result.output


def test_help_loads_no_database_library():
    import subprocess
    import sys

    code = (
        "import sys; from mbp_registry.cli.main import cli\n"
        "try: cli(['--help'], prog_name='mbp-registry')\n"
        "except SystemExit: pass\n"
        "assert 'sqlalchemy' not in sys.modules and 'networkx' not in sys.modules, 'heavy import'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
