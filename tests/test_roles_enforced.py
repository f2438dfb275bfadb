"""What the database enforces per role on PostgreSQL, shown by logging in as each role:
governance runs every read command (and sees what an administrator sees, notes
aside), while what would read or export notes is one error line that writes nothing; a
supervisor, working with SQL as with psql, can neither forge, flood nor block the audit
trail, choose an id, date an event in the future, nor record a change under another name.

All on one service (the sample service, imported once, with the roles and logins
applied); SQLite has no roles, so these run in the PostgreSQL pass only."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from mbp_registry.cli.main import cli
from mbp_registry.registry.models import Base
from mbp_registry.registry.roles import roles_sql
from tests.conftest import FIXTURES, drop_pg_schema, new_pg_schema, pg_base_url

PERMISSION_DENIED, CHECK_VIOLATION = "42501", "23514"
# The latest date that is today anywhere on earth (UTC+14): what the database allows.
LATEST_TODAY = "(now() AT TIME ZONE 'Etc/GMT-14')::date"


class Service:
    """The sample service in a schema of its own, with the roles and three logins: a
    supervisor (a person of that ref, supervising T001), a second one, and governance."""

    def __init__(self, base: str):
        self.base = base
        self.schema, self.url = new_pg_schema(base)
        tag = uuid.uuid4().hex[:8]
        self.prefix, self.s1, self.s2, self.gov = f"q{tag}", f"s1_{tag}", f"s2_{tag}", f"gov_{tag}"
        url = make_url(base)
        self.conninfo = f"host={url.host} port={url.port or 5432} dbname={url.database} user={url.username}"
        self.engines = []

    def admin(self, *args: str):
        result = CliRunner().invoke(cli, ["--db", self.url, "--actor", "admin", *args])
        assert result.exit_code == 0, result.output
        return result

    def as_login(self, login: str, *args: str, actor: str = "someone else"):
        return CliRunner().invoke(cli, ["--db", self.role_url(login), "--actor", actor, *args])

    def role_url(self, role: str) -> str:
        url = make_url(self.base).set(username=role, password=None)
        return url.update_query_dict({"options": f"-csearch_path={self.schema}"}).render_as_string(hide_password=False)

    def connect_as(self, role: str):
        engine = create_engine(self.role_url(role))
        self.engines.append(engine)
        return engine

    def query(self, sql: str) -> list[tuple]:
        """`sql` run by the superuser that owns the schema (an administrator)."""
        with psycopg.connect(self.conninfo) as connection:
            connection.execute(f'SET search_path TO "{self.schema}"')
            return connection.execute(sql).fetchall()

    def contents(self) -> dict[str, str]:
        """Every table's rows, as one digest per table: equal when nothing changed."""
        return {
            table.name: self.query(f"SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {table.name} t")[0]
            for table in Base.metadata.sorted_tables
        }

    def build(self) -> None:
        self.admin("init")
        self.admin("import", str(FIXTURES / "demo"))
        for login in (self.s1, self.s2):
            self.admin("person", "add", login, "--name", f"Supervisor {login}", "--organisation", "NHS-HIGHLAND")
            self.admin("stage", "add", "--person", login, "--programme", "MBCT", "--stage", "supervisor", "--on", "2020-01-01")
        self.admin("supervision", "link", "--supervisor", self.s1, "--supervisee", "T001", "--programme", "MBCT", "--from", "2024-01-01")
        self.admin("supervision", "log", "--supervisor", self.s1, "--supervisee", "T001", "--date", "2024-03-01",
                   "--minutes", "60", "--kind", "individual", "--notes", "confidential about T001")  # fmt: skip
        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            connection.execute(roles_sql(schema=self.schema, prefix=self.prefix))
            for login in (self.s1, self.s2):
                connection.execute(f'CREATE ROLE "{login}" LOGIN IN ROLE {self.prefix}_supervisor')
            connection.execute(f'CREATE ROLE "{self.gov}" LOGIN IN ROLE {self.prefix}_governance')

    def close(self) -> None:
        for engine in self.engines:
            engine.dispose()
        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            for role in (self.s1, self.s2, self.gov, *(f"{self.prefix}_{r}" for r in ("admin", "governance", "supervisor"))):
                if connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                    connection.execute(f'DROP OWNED BY "{role}"')
                    connection.execute(f'DROP ROLE "{role}"')
        drop_pg_schema(self.base, self.schema)


@pytest.fixture(scope="module")
def service(backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL")
    built = Service(pg_base_url())
    try:
        built.build()
        yield built
    finally:
        built.close()


# --- governance runs every read command


# Read commands whose output governance sees exactly as an administrator does.
SAME_AS_ADMIN = [
    "org list", "org show NHS-HIGHLAND", "programme list", "person list", "person show T001",
    "person list --format json", "stage list", "training list", "supervision links --current",
    "supervision sessions", "supervision sessions --person T001 --format json", "cpd list", "retreat list",
    "course list", "course show MBCT-2005-01", "cpd compliance", "cpd due", "cpd summary", "listing check",
    "policy show", "audit list", "audit list --person T001 --format json", "succession report",
    "succession what-if --without S01", "succession nominations", "lineage show T001",
    "lineage export --format json", "db check",
]  # fmt: skip


@pytest.mark.parametrize("command", SAME_AS_ADMIN)
def test_governance_runs_every_read_command_as_an_administrator_sees_it(service, command):
    as_admin = service.admin(*command.split())
    as_governance = service.as_login(service.gov, *command.split())
    assert as_governance.exit_code == 0, as_governance.output
    assert as_governance.stdout == as_admin.stdout
    assert as_governance.stdout.strip()


@pytest.mark.parametrize(
    "command, written",
    [
        ("db info", None),
        ("config show", None),
        ("lineage draw --programme MBCT --out {dir}/lineage.svg", "lineage.svg"),
        ("report annual --out {dir}/annual.html", "annual.html"),
    ],
)
def test_governance_runs_the_read_commands_that_name_the_login_or_write_a_file(service, tmp_path, command, written):
    before = service.contents()
    result = service.as_login(service.gov, *command.format(dir=tmp_path).split())
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    if written:
        assert (tmp_path / written).stat().st_size > 0
    assert service.contents() == before


NOTES_REFUSED = "this database login may not read session notes"
EXPORT_WHY = "(an export holds them: an administrator exports)"
NOTES_COMMANDS = [
    ("supervision sessions --show-notes",
     f"show-notes: {NOTES_REFUSED} (a supervisor reads their own sessions' notes in the my_session_notes view)"),
    ("audit list --show-notes", f"show-notes: {NOTES_REFUSED} (the audit trail's notes are read by an administrator)"),
    ("export {dir}/bundle", f"export: {NOTES_REFUSED} {EXPORT_WHY}"),
    ("export --xlsx {dir}/registry.xlsx", f"xlsx: {NOTES_REFUSED} {EXPORT_WHY}"),
    ("export {dir}/bundle --xlsx {dir}/registry.xlsx", f"export: {NOTES_REFUSED} {EXPORT_WHY}"),
    ("person export-data T001 --out {dir}/T001.json",
     f"export-data: {NOTES_REFUSED} (a subject access export holds them: an administrator exports)"),
]  # fmt: skip
# Governance and a supervisor (who reads no audit trail at all).
REFUSED = [("gov", *case) for case in NOTES_COMMANDS] + [("s1", *case) for case in NOTES_COMMANDS if "audit" not in case[0]]


@pytest.mark.parametrize("login, command, error", REFUSED)
def test_what_reads_or_exports_notes_is_refused_for_a_login_that_may_not_read_them(service, tmp_path, login, command, error):
    before = service.contents()
    result = service.as_login(getattr(service, login), *command.format(dir=tmp_path).split())
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Error: {error}\n"
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []
    assert service.contents() == before


# --- a supervisor cannot forge, flood or block


ME = "(SELECT id FROM people WHERE ref = session_user)"
T001 = "(SELECT id FROM people WHERE ref = 'T001')"
ATTACKS = {
    "a forged audit entry": (
        "INSERT INTO audit_log (at, actor, action, record_type, record_key) "
        "VALUES (now(), 'admin', 'erase', 'people', 'ref=T001')", PERMISSION_DENIED),
    "a forged entry through the event function": (
        "SELECT mbp_audit_event('erase', 'people', 'ref=T001', 'T001', NULL)", PERMISSION_DENIED),
    "100,000 audit entries with explicit ids": (
        "INSERT INTO audit_log (id, at, actor, action, record_type, record_key) "
        "SELECT g, now(), 'x', 'add', 'sessions', 'x' FROM generate_series(100000, 199999) g", PERMISSION_DENIED),
    "the audit trail's actor changed": ("UPDATE audit_log SET actor = 'admin'", PERMISSION_DENIED),
    "the audit trail emptied": ("DELETE FROM audit_log", PERMISSION_DENIED),
    "the audit id sequence moved": ("SELECT setval('audit_log_id_seq', 100000)", PERMISSION_DENIED),
    "a session with an explicit id": (
        "INSERT INTO supervision_sessions (id, supervisor_id, supervisee_id, held_on, minutes, kind) "
        f"VALUES (100000, {ME}, {T001}, '2024-05-01', 30, 'individual')", PERMISSION_DENIED),
    "an own session's id changed": (
        f"UPDATE supervision_sessions SET id = 100000 WHERE supervisor_id = {ME}", PERMISSION_DENIED),
    "the session id sequence moved": ("SELECT setval('supervision_sessions_id_seq', 100000)", PERMISSION_DENIED),
    "a retired row with an explicit id": (
        "INSERT INTO retired_rows (id, record_type, fingerprint, \"values\", retired_at) "
        "VALUES (100000, 'sessions', 'x', '{}', now())", PERMISSION_DENIED),
    "a retired row of another record type": (
        "INSERT INTO retired_rows (record_type, fingerprint, \"values\", retired_at) "
        "VALUES ('people', 'x', '{}', now())", PERMISSION_DENIED),
    "a future-dated 600-minute session": (
        "INSERT INTO supervision_sessions (supervisor_id, supervisee_id, held_on, minutes, kind) "
        f"VALUES ({ME}, {T001}, {LATEST_TODAY} + 1, 600, 'individual')", CHECK_VIOLATION),
    "an own session moved into the future": (
        f"UPDATE supervision_sessions SET held_on = {LATEST_TODAY} + 30 WHERE supervisor_id = {ME}", CHECK_VIOLATION),
    "a CPD activity": (
        f"INSERT INTO cpd_activities (person_id, date, hours, category) VALUES ({ME}, '2024-01-01', 100, 'workshop')",
        PERMISSION_DENIED),
}  # fmt: skip


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_supervisor_working_with_sql_is_refused_and_nothing_changes(service, attack):
    sql, sqlstate = ATTACKS[attack]
    before = service.contents()
    with service.connect_as(service.s1).connect() as connection:
        assert connection.execute(text("SELECT session_user")).scalar() == service.s1
        with pytest.raises(DBAPIError) as raised:
            connection.execute(text(sql))
        assert raised.value.orig.sqlstate == sqlstate, raised.value
    assert service.contents() == before
    # Nothing is blocked: the next session logged, by anyone, is stored.
    service.admin("supervision", "log", "--supervisor", "S01", "--supervisee", "T001", "--date", "2024-06-03",
                  "--minutes", "30", "--kind", "peer", "--programme", "MBCT")  # fmt: skip
    service.admin("remove", "sessions", str(service.query("SELECT max(id) FROM supervision_sessions")[0][0]),
                  "--reason", "a test session")  # fmt: skip


def test_a_supervisors_changes_are_recorded_under_their_login_whatever_actor_they_give(service):
    last = service.query("SELECT max(id) FROM audit_log")[0][0]
    logged = service.as_login(
        service.s1, "supervision", "log", "--supervisor", service.s1, "--supervisee", "T001", "--date",
        "2024-04-01", "--minutes", "45", "--kind", "individual", "--notes", "mine", actor=service.s2,
    )  # fmt: skip
    assert logged.exit_code == 0, logged.output
    (session_id,) = service.query("SELECT id FROM supervision_sessions WHERE held_on = '2024-04-01'")[0]
    for args in (("amend", "sessions", str(session_id), "--set", "minutes=50", "--reason", "ran short"),
                 ("remove", "sessions", str(session_id), "--reason", "logged twice")):  # fmt: skip
        result = service.as_login(service.s1, *args, actor=service.s2)
        assert result.exit_code == 0, result.output
    entries = service.query(f"SELECT actor, action, reason FROM audit_log WHERE id > {last} ORDER BY id")
    assert entries == [(service.s1, "add", None), (service.s1, "amend", "ran short"), (service.s1, "remove", "logged twice")]


def test_a_session_of_today_is_accepted_from_a_supervisor_and_recorded(service):
    last = service.query("SELECT max(id) FROM audit_log")[0][0]
    with service.connect_as(service.s1).begin() as connection:
        connection.execute(text(
            "INSERT INTO supervision_sessions (supervisor_id, supervisee_id, held_on, minutes, kind) "
            f"VALUES ({ME}, {T001}, (now() AT TIME ZONE 'UTC')::date, 20, 'individual')"))  # fmt: skip
    assert service.query(f"SELECT actor, action, record_type FROM audit_log WHERE id > {last}") == [(service.s1, "add", "sessions")]
    service.admin("remove", "sessions", str(service.query("SELECT max(id) FROM supervision_sessions")[0][0]),
                  "--reason", "a test session")  # fmt: skip


def test_a_login_granted_too_much_still_cannot_choose_an_id_nor_log_the_future(service):
    """The triggers hold without the roles' column privileges: a login granted all of a
    table gets the database's id, and its events dated in the future are refused."""
    with psycopg.connect(service.conninfo, autocommit=True) as connection:
        connection.execute(f'GRANT INSERT, UPDATE ON "{service.schema}".cpd_activities TO "{service.s2}"')
        connection.execute(f'GRANT USAGE ON SEQUENCE "{service.schema}".cpd_activities_id_seq TO "{service.s2}"')
    last_id = service.query("SELECT max(id) FROM cpd_activities")[0][0]
    insert = "INSERT INTO cpd_activities (id, person_id, date, hours, category) VALUES (1000000, {me}, {on}, 1, 'reading')"
    with service.connect_as(service.s2).begin() as connection:
        connection.execute(text(insert.format(me=ME, on="'2024-02-02'")))
        connection.execute(text("UPDATE cpd_activities SET id = 2000000 WHERE id > 0"))
    assert service.query(f"SELECT id FROM cpd_activities WHERE id > {last_id}") == [(last_id + 1,)]
    before = service.contents()
    with service.connect_as(service.s2).connect() as connection:
        with pytest.raises(DBAPIError) as raised:
            connection.execute(text(insert.format(me=ME, on=f"{LATEST_TODAY} + 1")))
    assert raised.value.orig.sqlstate == CHECK_VIOLATION
    assert "date: " in str(raised.value.orig) and "is in the future" in str(raised.value.orig)
    assert service.contents() == before
    service.admin("cpd", "log", "--person", "T001", "--date", "2024-02-03", "--hours", "1", "--category", "reading")
    for (added,) in service.query(f"SELECT id FROM cpd_activities WHERE id > {last_id}"):
        service.admin("remove", "cpd", str(added), "--reason", "a test activity")


def test_revision_0006_adds_and_removes_its_guards(service):
    from alembic import command

    from mbp_registry.registry import schema
    from mbp_registry.registry.db import create_registry_engine, resolve_url

    guards = "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'mbp_guard_%%' AND tgrelid::regclass::text NOT LIKE '%%.%%'"
    # 0006 guards the 11 record tables and retired_rows; 0007 and 0009 guard the record
    # tables they add (status_history, assessments, course_outcomes).
    assert service.query(guards) == [(15,)]
    engine = create_registry_engine(resolve_url(service.url))
    try:
        for target, count in (("0005", 0), (schema.HEAD_REVISION, 15)):
            with engine.begin() as connection:
                command.downgrade(schema.alembic_config(connection), target) if count == 0 else command.upgrade(
                    schema.alembic_config(connection), target
                )
            assert service.query(guards) == [(count,)]
    finally:
        engine.dispose()
