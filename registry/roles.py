"""Least-privilege PostgreSQL roles for the three kinds of user.

- supervisor: reads what logging needs; adds, amends and removes only sessions they
  held (row-level security), never choosing a row's id; never reads the notes column of
  the sessions table, only its own sessions' notes through the `my_session_notes` view;
  cannot write the audit trail: the database's triggers record each change they make
  (migration 0004), and `mbp_audit_event` their readings of notes, always under their
  own login; the database keeps ids its own and refuses events dated in the future
  (migration 0006).
- governance: reads everything except session notes (in the sessions table and in the
  audit trail): every read command but those that show or export notes.
- admin: everything, including migrations.

A supervisor's database login is matched to their person record by the person's ref
(log in as the role named like the ref, e.g. S01, granted the supervisor role).
"""

from __future__ import annotations

import re

from .errors import Invalid
from .models import Base

SESSION_COLUMNS_WITHOUT_NOTES = [
    column.name for column in Base.metadata.tables["supervision_sessions"].columns if column.name != "notes"
]


def _written(table: str) -> list[str]:
    """What a supervisor may set in a row of `table`: every column but the id, which the
    database alone gives (and the triggers of migration 0006 keep)."""
    return [column.name for column in Base.metadata.tables[table].columns if column.name != "id"]


SESSION_COLUMNS_WRITTEN = _written("supervision_sessions")
RETIRED_COLUMNS_WRITTEN = _written("retired_rows")
AUDIT_COLUMNS_WITHOUT_NOTES = [
    column.name for column in Base.metadata.tables["audit_log"].columns if not column.name.startswith("notes_")
]


def _identifier(value: str, what: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,50}", value):
        raise Invalid(f"{what}: {value!r} is not a plain SQL name (letters, digits, _)")
    return value


def roles_sql(*, schema: str = "public", prefix: str = "mbp") -> str:
    """The SQL an administrator runs (as a superuser or the schema owner) to set up the roles."""
    schema = _identifier(schema, "schema")
    prefix = _identifier(prefix, "prefix")
    admin, governance, supervisor = f"{prefix}_admin", f"{prefix}_governance", f"{prefix}_supervisor"
    tables = sorted(t for t in Base.metadata.tables if t != "supervision_sessions")
    readable = ", ".join(f"{schema}.{t}" for t in tables if t != "audit_log")
    session_columns = ", ".join(SESSION_COLUMNS_WITHOUT_NOTES)
    written, audit_columns = ", ".join(SESSION_COLUMNS_WRITTEN), ", ".join(AUDIT_COLUMNS_WITHOUT_NOTES)
    retired = ", ".join(RETIRED_COLUMNS_WRITTEN)
    return f"""-- Roles for mbp-registry in schema {schema}. Run once as an administrator.
-- Give each person a login and one of these roles, e.g.:
--   CREATE ROLE "S01" LOGIN PASSWORD '...' IN ROLE {supervisor};
BEGIN;
CREATE ROLE {admin} NOLOGIN;
CREATE ROLE {governance} NOLOGIN;
CREATE ROLE {supervisor} NOLOGIN;

GRANT USAGE ON SCHEMA {schema} TO {admin}, {governance}, {supervisor};
GRANT ALL ON SCHEMA {schema} TO {admin};
GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO {admin};
GRANT ALL ON ALL SEQUENCES IN SCHEMA {schema} TO {admin};

-- Governance: read everything but the confidential notes.
GRANT SELECT ON {readable}, {schema}.alembic_version TO {governance};
GRANT SELECT ({session_columns}) ON {schema}.supervision_sessions TO {governance};
GRANT SELECT ({audit_columns}) ON {schema}.audit_log TO {governance};

-- Supervisors: read what logging needs; log and correct their own sessions. The
-- database's triggers write the audit entries of their changes.
GRANT SELECT ON {readable}, {schema}.alembic_version TO {supervisor};
GRANT SELECT ({session_columns}) ON {schema}.supervision_sessions TO {supervisor};
GRANT INSERT ({written}), UPDATE ({written}), DELETE ON {schema}.supervision_sessions TO {supervisor};
GRANT USAGE ON SEQUENCE {schema}.supervision_sessions_id_seq TO {supervisor};
GRANT INSERT ({retired}), DELETE ON {schema}.retired_rows TO {supervisor};
GRANT USAGE ON SEQUENCE {schema}.retired_rows_id_seq TO {supervisor};
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.audit_log FROM {supervisor}, {governance};
GRANT EXECUTE ON FUNCTION {schema}.mbp_audit_event(text, text, text, text, text) TO {supervisor};

{_row_security(schema, admin, governance, supervisor)}

-- A supervisor reads the notes of their own sessions only.
CREATE VIEW {schema}.my_session_notes WITH (security_barrier) AS
  SELECT s.id, supervisor.ref AS supervisor, supervisee.ref AS supervisee, s.held_on, s.kind, s.notes
  FROM {schema}.supervision_sessions s
  JOIN {schema}.people supervisor ON supervisor.id = s.supervisor_id
  JOIN {schema}.people supervisee ON supervisee.id = s.supervisee_id
  WHERE supervisor.ref = session_user;
GRANT SELECT ON {schema}.my_session_notes TO {supervisor};
COMMIT;
"""


def _row_security(schema: str, admin: str, governance: str, supervisor: str) -> str:
    """The row-level security policies: a supervisor's own sessions, and session rows only
    among those that corrections retired."""
    me = f"(SELECT id FROM {schema}.people WHERE ref = session_user)"
    return f"""-- A supervisor logs, amends and removes sessions they held, not another supervisor's.
ALTER TABLE {schema}.supervision_sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY sessions_admin ON {schema}.supervision_sessions TO {admin} USING (true) WITH CHECK (true);
CREATE POLICY sessions_read ON {schema}.supervision_sessions FOR SELECT TO {governance}, {supervisor} USING (true);
CREATE POLICY sessions_log_own ON {schema}.supervision_sessions FOR INSERT TO {supervisor}
  WITH CHECK (supervisor_id = {me});
CREATE POLICY sessions_amend_own ON {schema}.supervision_sessions FOR UPDATE TO {supervisor}
  USING (supervisor_id = {me}) WITH CHECK (supervisor_id = {me});
CREATE POLICY sessions_remove_own ON {schema}.supervision_sessions FOR DELETE TO {supervisor}
  USING (supervisor_id = {me});
-- A supervisor's corrections remember the session rows they replaced (retired rows), no other type.
ALTER TABLE {schema}.retired_rows ENABLE ROW LEVEL SECURITY;
CREATE POLICY retired_admin ON {schema}.retired_rows TO {admin} USING (true) WITH CHECK (true);
CREATE POLICY retired_read ON {schema}.retired_rows FOR SELECT TO {governance}, {supervisor} USING (true);
CREATE POLICY retired_sessions ON {schema}.retired_rows FOR INSERT TO {supervisor} WITH CHECK (record_type = 'sessions');
CREATE POLICY retired_sessions_back ON {schema}.retired_rows FOR DELETE TO {supervisor}
  USING (record_type = 'sessions');"""
