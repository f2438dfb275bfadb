"""Least-privilege PostgreSQL roles: `db roles` prints their SQL; applied to a real
schema, a supervisor reads only their own sessions' notes and cannot change the audit
log, and governance reads everything but notes and writes nothing."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from mbp_registry.cli.main import cli
from mbp_registry.registry.roles import (
    AUDIT_COLUMNS_WITHOUT_NOTES,
    SESSION_COLUMNS_WITHOUT_NOTES,
    SESSION_COLUMNS_WRITTEN,
    roles_sql,
)
from tests.conftest import pg_base_url

PERMISSION_DENIED = "42501"


def test_db_roles_prints_the_three_roles_with_their_grants_and_revokes():
    result = CliRunner().invoke(cli, ["db", "roles", "--schema", "registry", "--prefix", "svc"])
    assert result.exit_code == 0, result.output
    sql = result.stdout
    assert result.stdout == roles_sql(schema="registry", prefix="svc")
    for role in ("svc_admin", "svc_governance", "svc_supervisor"):
        assert f"CREATE ROLE {role} NOLOGIN;" in sql
    lines = sql.splitlines()
    columns = ", ".join(SESSION_COLUMNS_WITHOUT_NOTES)
    assert "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON registry.audit_log FROM svc_supervisor, svc_governance;" in lines
    written = ", ".join(SESSION_COLUMNS_WRITTEN)
    assert "id" not in SESSION_COLUMNS_WRITTEN
    assert f"GRANT INSERT ({written}), UPDATE ({written}), DELETE ON registry.supervision_sessions TO svc_supervisor;" in lines
    # No role but the administrator is granted an id column: the database gives ids.
    assert "GRANT INSERT (record_type, fingerprint, values, retired_at), DELETE ON registry.retired_rows TO svc_supervisor;" in lines
    assert "CREATE POLICY retired_sessions ON registry.retired_rows FOR INSERT TO svc_supervisor WITH CHECK (record_type = 'sessions');" in lines
    assert not [line for line in lines if re.match(r"GRANT (INSERT|UPDATE|ALL).*\bid\b.* TO svc_(supervisor|governance)", line)]
    assert not [line for line in lines if line.startswith("GRANT") and "audit_log TO svc_supervisor" in line]
    audit_columns = ", ".join(AUDIT_COLUMNS_WITHOUT_NOTES)
    assert "notes_before" not in audit_columns and "reason" in audit_columns
    assert f"GRANT SELECT ({audit_columns}) ON registry.audit_log TO svc_governance;" in lines
    # Supervisors and governance read the sessions table only column by column, never its notes.
    reads = [line for line in lines if line.startswith("GRANT SELECT") and re.search(r"registry\.supervision_sessions\b(?!_)", line)]
    assert reads == [
        f"GRANT SELECT ({columns}) ON registry.supervision_sessions TO svc_governance;",
        f"GRANT SELECT ({columns}) ON registry.supervision_sessions TO svc_supervisor;",
    ]
    assert "notes" not in columns
    assert sql.splitlines()[3] == "BEGIN;" and sql.rstrip().endswith("COMMIT;")


def test_db_roles_defaults_to_the_public_schema_and_the_mbp_prefix():
    result = CliRunner().invoke(cli, ["db", "roles"])
    assert result.exit_code == 0
    assert "CREATE ROLE mbp_supervisor NOLOGIN;" in result.stdout
    assert "GRANT USAGE ON SCHEMA public TO mbp_admin, mbp_governance, mbp_supervisor;" in result.stdout


@pytest.mark.parametrize(
    "option, value",
    [
        ("--schema", "x; drop"),
        ("--schema", 'reg"; DROP TABLE people; --'),
        ("--schema", ""),
        ("--prefix", "a b"),
        ("--prefix", "1abc"),
        ("--prefix", "x" * 51 + "y"),
    ],
)
def test_db_roles_refuses_a_name_that_is_not_a_plain_sql_name(option, value):
    result = CliRunner().invoke(cli, ["db", "roles", option, value])
    assert result.exit_code == 1
    assert result.stdout == ""
    what = option.removeprefix("--")
    assert result.stderr == f"Error: {what}: {value!r} is not a plain SQL name (letters, digits, _)\n"


# --- on PostgreSQL, the roles applied to a real schema


@pytest.fixture
def pg_roles(backend, empty_db_url):
    """A migrated schema of its own, the roles applied to it, and logins; all dropped after."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL")
    schema = make_url(empty_db_url).query["options"].removeprefix("-csearch_path=")
    tag = uuid.uuid4().hex[:8]
    names = {
        "prefix": f"r{tag}",
        "s1": f"s1_{tag}",
        "s2": f"s2_{tag}",
        "gov": f"gov_{tag}",
    }
    base = make_url(pg_base_url())
    conninfo = f"host={base.host} port={base.port or 5432} dbname={base.database} user={base.username}"
    roles = [names["s1"], names["s2"], names["gov"], *(f"{names['prefix']}_{r}" for r in ("admin", "governance", "supervisor"))]
    engines = []

    def role_url(role: str) -> str:
        return base.set(username=role, password=None).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)

    def connect_as(role: str):
        engine = create_engine(role_url(role))
        engines.append(engine)
        return engine

    try:
        yield {**names, "schema": schema, "url": empty_db_url, "conninfo": conninfo, "role_url": role_url, "connect_as": connect_as}
    finally:
        for engine in engines:
            engine.dispose()
        with psycopg.connect(conninfo, autocommit=True) as admin:
            for role in roles:
                if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                    admin.execute(f'DROP OWNED BY "{role}"')
                    admin.execute(f'DROP ROLE "{role}"')


def _ok(*args: str, db: str, actor: str = "admin"):
    result = CliRunner().invoke(cli, ["--db", db, "--actor", actor, *args])
    assert result.exit_code == 0, result.output
    return result


def _denied(connection, sql: str) -> None:
    with pytest.raises(DBAPIError) as raised:
        with connection.begin_nested() if connection.in_transaction() else connection.begin():
            connection.execute(text(sql))
    assert raised.value.orig.sqlstate == PERMISSION_DENIED, raised.value


def _setup_service(r) -> None:
    """Sessions with notes by two supervisors, then the roles and logins applied as the superuser."""
    db = r["url"]
    _ok("init", db=db)
    _ok("org", "add", "ORG", "--name", "Org", "--region", "North", db=db)
    _ok("programme", "add", "MBCT", "--name", "MBCT", db=db)
    for ref in (r["s1"], r["s2"], "T1", "T2"):
        _ok("person", "add", ref, "--name", f"Person {ref}", "--org", "ORG", db=db)
    for supervisor, supervisee, day in ((r["s1"], "T1", "2024-03-01"), (r["s1"], "T2", "2024-03-02"), (r["s2"], "T2", "2024-03-03")):
        _ok(
            "supervision", "log", "--supervisor", supervisor, "--supervisee", supervisee, "--date", day,
            "--minutes", "60", "--kind", "individual", "--notes", f"note by {supervisor} on {day}", db=db,
        )  # fmt: skip
    with psycopg.connect(r["conninfo"], autocommit=True) as admin:
        admin.execute(roles_sql(schema=r["schema"], prefix=r["prefix"]))
        for login in (r["s1"], r["s2"]):
            admin.execute(f'CREATE ROLE "{login}" LOGIN IN ROLE {r["prefix"]}_supervisor')
        admin.execute(f'CREATE ROLE "{r["gov"]}" LOGIN IN ROLE {r["prefix"]}_governance')


def test_a_supervisor_reads_only_their_own_notes_and_cannot_change_the_audit_log(pg_roles):
    r = pg_roles
    _setup_service(r)
    supervisor = r["connect_as"](r["s1"])
    with supervisor.connect() as connection:
        assert connection.execute(text("SELECT session_user")).scalar() == r["s1"]
        _denied(connection, "SELECT notes FROM supervision_sessions")
        _denied(connection, "SELECT * FROM supervision_sessions")
        rows = connection.execute(text("SELECT supervisor, supervisee, held_on, notes FROM my_session_notes ORDER BY held_on")).all()
        assert rows == [
            (r["s1"], "T1", dt.date(2024, 3, 1), f"note by {r['s1']} on 2024-03-01"),
            (r["s1"], "T2", dt.date(2024, 3, 2), f"note by {r['s1']} on 2024-03-02"),
        ]
        # What logging needs is readable: sessions without their notes, people.
        assert connection.execute(text("SELECT count(*) FROM supervision_sessions WHERE minutes = 60")).scalar() == 3
        assert connection.execute(text("SELECT count(*) FROM people")).scalar() == 4
        _denied(connection, "UPDATE audit_log SET actor = 'someone else'")
        _denied(connection, "DELETE FROM audit_log")
        _denied(connection, "TRUNCATE audit_log")
        _denied(connection, "INSERT INTO audit_log (at, actor, action, record_type, record_key) "
                            "VALUES (now(), 'x', 'add', 'sessions', 'x')")
        _denied(connection, "SELECT mbp_bundle_values('public', '{}'::jsonb, ARRAY[]::text[])")
        _denied(connection, "UPDATE people SET name = 'x'")
    # Another supervisor's sessions are out of reach: no row of theirs changes.
    with supervisor.connect() as connection:
        others = f"supervisor_id = (SELECT id FROM people WHERE ref = '{r['s2']}')"
        assert connection.execute(text(f"UPDATE supervision_sessions SET minutes = 1 WHERE {others}")).rowcount == 0
        assert connection.execute(text(f"DELETE FROM supervision_sessions WHERE {others}")).rowcount == 0
        connection.rollback()
    with supervisor.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM my_session_notes")).scalar() == 2

    # The other supervisor sees only theirs.
    with r["connect_as"](r["s2"]).connect() as connection:
        assert connection.execute(text("SELECT supervisor, notes FROM my_session_notes")).all() == [
            (r["s2"], f"note by {r['s2']} on 2024-03-03")
        ]


def test_a_supervisor_logs_a_session_through_the_cli_but_cannot_list_notes(pg_roles):
    r = pg_roles
    _setup_service(r)
    as_supervisor = r["role_url"](r["s1"])
    result = CliRunner().invoke(
        cli,
        ["--db", as_supervisor, "--actor", r["s1"], "supervision", "log", "--supervisor", r["s1"], "--supervisee", "T1",
         "--date", "2024-04-01", "--minutes", "45", "--kind", "individual", "--mode", "video", "--notes", "logged by myself"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Logged a 45-minute individual session on 2024-04-01: {r['s1']} with T1.\n"
    listed = CliRunner().invoke(cli, ["--db", as_supervisor, "supervision", "sessions", "--show-notes"])
    assert listed.exit_code == 1
    assert listed.stderr == (
        "Error: show-notes: this database login may not read session notes "
        "(a supervisor reads their own sessions' notes in the my_session_notes view)\n"
    )
    assert "Traceback" not in listed.output
    with r["connect_as"](r["s1"]).connect() as connection:
        assert connection.execute(text("SELECT notes FROM my_session_notes WHERE held_on = '2024-04-01'")).scalar() == "logged by myself"
    with psycopg.connect(r["conninfo"]) as admin:
        admin.execute(f'SET search_path TO "{r["schema"]}"')
        actions = admin.execute("SELECT actor, action, record_type FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    # The supervisor may not write the audit trail: the database's trigger recorded the session.
    assert actions == (r["s1"], "add", "sessions")


def test_a_supervisor_cannot_log_a_session_in_another_supervisors_name(pg_roles):
    r = pg_roles
    _setup_service(r)
    result = CliRunner().invoke(
        cli,
        ["--db", r["role_url"](r["s1"]), "--actor", r["s1"], "supervision", "log", "--supervisor", r["s2"],
         "--supervisee", "T1", "--date", "2024-04-02", "--minutes", "45", "--kind", "individual"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: database error: new row violates row-level security policy")
    with psycopg.connect(r["conninfo"]) as admin:
        admin.execute(f'SET search_path TO "{r["schema"]}"')
        assert admin.execute("SELECT count(*) FROM supervision_sessions").fetchone() == (3,)


def test_governance_reads_everything_but_notes_and_writes_nothing(pg_roles):
    r = pg_roles
    _setup_service(r)
    with r["connect_as"](r["gov"]).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM people")).scalar() == 4
        assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar() > 0
        assert connection.execute(text("SELECT count(held_on) FROM supervision_sessions")).scalar() == 3
        _denied(connection, "SELECT notes FROM supervision_sessions")
        _denied(connection, "SELECT * FROM my_session_notes")
        _denied(connection, "INSERT INTO programmes (code, name) VALUES ('X', 'x')")
        _denied(connection, "UPDATE people SET name = 'x'")
        _denied(connection, "DELETE FROM people")
        _denied(connection, "UPDATE audit_log SET actor = 'x'")
        _denied(connection, "DELETE FROM audit_log")
    listed = CliRunner().invoke(cli, ["--db", r["role_url"](r["gov"]), "person", "list", "--format", "csv"])
    assert listed.exit_code == 0, listed.output
    assert len(listed.stdout.splitlines()) == 5
    refused = CliRunner().invoke(cli, ["--db", r["role_url"](r["gov"]), "programme", "add", "NEW", "--name", "New"])
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: database error: permission denied for table programmes")


def _admin_query(r, sql: str):
    with psycopg.connect(r["conninfo"]) as admin:
        admin.execute(f'SET search_path TO "{r["schema"]}"')
        return admin.execute(sql).fetchall()


def test_a_supervisor_corrects_their_own_session_and_the_database_records_it(pg_roles):
    r = pg_roles
    _setup_service(r)
    as_supervisor = r["role_url"](r["s1"])
    ids = dict(_admin_query(r, "SELECT held_on::text, id FROM supervision_sessions"))
    mine, theirs = ids["2024-03-01"], ids["2024-03-03"]

    def correct(*args):
        return CliRunner().invoke(cli, ["--db", as_supervisor, "--actor", "someone else", *args])

    amended = correct("amend", "sessions", str(mine), "--set", "minutes=50", "--reason", "it ran short")
    assert amended.exit_code == 0, amended.output
    assert amended.stdout == f"Amended sessions {mine}:\n  minutes: 60 -> 50\n"
    # The notes this login cannot read are kept as they were.
    assert _admin_query(r, f"SELECT minutes, notes FROM supervision_sessions WHERE id = {mine}") == [
        (50, f"note by {r['s1']} on 2024-03-01")
    ]
    entry = _admin_query(
        r, "SELECT actor, action, record_type, reason, before, after, notes_before FROM audit_log ORDER BY id DESC LIMIT 1"
    )[0]
    # Written by the trigger: the login, never the --actor the command was given.
    assert entry[:4] == (r["s1"], "amend", "sessions", "it ran short")
    assert (entry[4]["minutes"], entry[5]["minutes"], entry[4]["supervisee"], entry[4]["notes"]) == (60, 50, "T1", "<present>")
    assert entry[6] == f"note by {r['s1']} on 2024-03-01"

    refused = correct("amend", "sessions", str(theirs), "--set", "minutes=50", "--reason", "not mine")
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: id: sessions record {theirs} cannot be changed by this database login "
        "(a supervisor may correct only the sessions they held)\n"
    )
    removed = correct("remove", "sessions", str(theirs), "--reason", "not mine")
    assert removed.exit_code == 1 and "cannot be changed by this database login" in removed.stderr
    assert _admin_query(r, f"SELECT minutes FROM supervision_sessions WHERE id = {theirs}") == [(60,)]

    removed = correct("remove", "sessions", str(mine), "--reason", "logged twice")
    assert removed.exit_code == 0, removed.output
    assert _admin_query(r, "SELECT actor, action, reason FROM audit_log ORDER BY id DESC LIMIT 1") == [
        (r["s1"], "remove", "logged twice")
    ]
    with r["connect_as"](r["s1"]).connect() as connection:
        _denied(connection, "INSERT INTO audit_log (at, actor, action, record_type, record_key) "
                            "VALUES (now(), 'x', 'amend', 'sessions', 'x')")
        _denied(connection, "INSERT INTO supervision_sessions (id, supervisor_id, supervisee_id, held_on, minutes, kind) "
                            f"SELECT 9999, id, id, '2024-05-01', 30, 'individual' FROM people WHERE ref = '{r['s1']}'")


def test_a_change_made_outside_the_application_is_recorded_with_before_and_after(pg_roles):
    r = pg_roles
    _setup_service(r)
    with psycopg.connect(r["conninfo"]) as admin:
        admin.execute(f'SET search_path TO "{r["schema"]}"')
        admin.execute("UPDATE supervision_sessions SET minutes = 75 WHERE held_on = '2024-03-02'")
        admin.execute("DELETE FROM cpd_activities")  # none: no entry
        admin.commit()
    entry = _admin_query(r, "SELECT action, record_type, person_ref, before, after FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert entry[:3] == ("amend", "sessions", "T2")
    assert (entry[3]["minutes"], entry[4]["minutes"], entry[3]["supervisor"], entry[3]["held_on"]) == (
        60, 75, r["s1"], "2024-03-02")
