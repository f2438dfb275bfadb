"""Passwords never printed: every form a password can take in a database setting (a
URL's user information, its query string, a percent-encoded key or value, a libpq
key/value string), in every place a database is named (`db info`, `config show`,
`init`, connection errors, refusals)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from mbp_registry.cli.main import cli
from mbp_registry.registry import db
from mbp_registry.registry.redact import mask_password


@pytest.mark.parametrize(
    "raw, masked",
    [
        ("postgresql://u@h/d?password=s3cret", "postgresql://u@h/d?password=***"),
        ("postgresql://u@h/d?sslmode=require&password=s3cret&connect_timeout=5",
         "postgresql://u@h/d?sslmode=require&password=***&connect_timeout=5"),
        ("postgresql://u@h/d?PassWord=s3%26cret#frag", "postgresql://u@h/d?PassWord=***#frag"),
        ("postgresql://u@h/d?pass%77ord=s3cret", "postgresql://u@h/d?pass%77ord=***"),
        ("postgresql://u@h/d?sslpassword=s3cret", "postgresql://u@h/d?sslpassword=***"),
        ("postgresql://u:s3%40cret@h/d", "postgresql://u:***@h/d"),
        ("postgresql://u:my s3cret@h/d", "postgresql://u:***@h/d"),
        ("postgresql://:s3cret@h/d", "postgresql://:***@h/d"),
        ("host=h port=5432 password=s3cret dbname=d", "host=h port=5432 password=*** dbname=d"),
        ("host=h password = 's3 c\\'ret' dbname=d", "host=h password = *** dbname=d"),
        ("'host=h password=s3cret'", "'host=h password=***"),
        ("no registry at /srv/host=h password=s3cret: run init", "no registry at /srv/host=h password=*** run init"),
        ("PASSWORD=s3cret", "PASSWORD=***"),
    ],
)
def test_every_form_of_password_is_masked(raw, masked):
    assert mask_password(raw) == masked


@pytest.mark.parametrize(
    "text",
    [
        "postgresql://carol@host/x?sslmode=require&application_name=reports",
        "host=h port=5432 user=carol dbname=d",
        "the people file has 12 rows where manifest.json lists 40",
        "passwords_total=3",
    ],
)
def test_text_without_a_password_is_left_as_it_is(text):
    assert mask_password(text) == (text if "passwords_total" not in text else "passwords_total=***")


def test_a_query_string_password_is_not_in_the_url_shown():
    url = db.resolve_url("postgresql://alice@db.example.org/reg?sslmode=require&password=s3cret")
    assert db.display_url(url) == "postgresql+psycopg://alice@db.example.org/reg?password=***&sslmode=require"


# Each form of password, with a server that cannot be reached (port 1).
SECRET_SETTINGS = {
    "query": "postgresql+psycopg://u@127.0.0.1:1/x?password=s3cret",
    "query after another": "postgresql+psycopg://u@127.0.0.1:1/x?connect_timeout=2&password=s3cret",
    "percent-encoded key": "postgresql+psycopg://u@127.0.0.1:1/x?pass%77ord=s3cret",
    "percent-encoded value": "postgresql+psycopg://u:s3%63ret@127.0.0.1:1/x",
    "query, bad port": "postgresql://u@127.0.0.1:notaport/x?password=s3cret",
    "query, other driver": "postgresql+pg8000://u@127.0.0.1:1/x?password=s3cret",
    "libpq key/value": "host=127.0.0.1 port=1 password=s3cret dbname=x",
}
PLACES = [("config", "show"), ("db", "info"), ("db", "check"), ("init",), ("person", "list")]


@pytest.mark.parametrize("setting", SECRET_SETTINGS.values(), ids=SECRET_SETTINGS.keys())
def test_no_place_prints_the_password(setting, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a key/value string is taken as a file name: created there by init
    for place in PLACES:
        for args in (["--db", setting, *place], list(place)):
            if args == list(place):
                monkeypatch.setenv("MBP_REGISTRY_DB", setting)
            result = CliRunner().invoke(cli, args)
            monkeypatch.delenv("MBP_REGISTRY_DB", raising=False)
            shown = f"{args}: exit {result.exit_code}: {result.output}"
            assert "s3cret" not in result.output and "s3%63ret" not in result.output, shown
            assert result.exception is None or isinstance(result.exception, SystemExit), shown
            if result.exit_code:
                assert result.exit_code == 1, shown
                assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1, shown
            if "://" in result.output or "password" in result.output:  # the database is named
                assert "***" in result.output, shown


def test_a_connection_error_from_the_driver_is_masked():
    from sqlalchemy.exc import OperationalError

    error = OperationalError("connect", {}, Exception('invalid connection option in "host=h password=s3cret"'))
    message = db.describe_database_error(error)
    assert message == 'database error: invalid connection option in "host=h password=***'


def test_a_connection_error_names_the_database_with_its_password_hidden():
    result = CliRunner().invoke(cli, ["--db", "postgresql://u@127.0.0.1:1/x?password=s3cret", "db", "info"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot open the database postgresql+psycopg://u@127.0.0.1:1/x?password=***: ")
    assert "s3cret" not in result.output


def test_a_url_without_a_login_keeps_the_message_after_it():
    from mbp_registry.registry.redact import mask_password

    said = "the mail server smtp://mail.example.org:587 refused every recipient: ann@nhs.example: 550 no mailbox"
    assert mask_password(said) == said
    assert mask_password("smtp://u:s3cret@host:25: refused") == "smtp://u:***@host:25: refused"
    # a password may hold ": " itself (and "@"): it runs to the last "@"
    assert mask_password("smtps://u:se: cret@mail.example.org") == "smtps://u:***@mail.example.org"
    assert mask_password("'smtps://u:p@ss: w@mail.example.org:notaport' is not") == (
        "'smtps://u:***@mail.example.org:notaport' is not"
    )
