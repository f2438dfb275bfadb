"""Least-privilege PostgreSQL roles for the three kinds of user.

- supervisor: reads what logging needs, adds sessions they held (row-level security)
  and audit entries; never reads the notes column of the sessions table, only its own
  sessions' notes through the `my_session_notes` view; cannot change or delete audit
  entries.
- governance: reads everything except session notes.
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
GRANT SELECT ON {readable}, {schema}.audit_log, {schema}.alembic_version TO {governance};
GRANT SELECT ({session_columns}) ON {schema}.supervision_sessions TO {governance};

-- Supervisors: read what logging needs, add sessions, append to the audit trail.
GRANT SELECT ON {readable}, {schema}.alembic_version TO {supervisor};
GRANT SELECT ({session_columns}) ON {schema}.supervision_sessions TO {supervisor};
GRANT INSERT ON {schema}.supervision_sessions, {schema}.audit_log TO {supervisor};
GRANT USAGE ON SEQUENCE {schema}.supervision_sessions_id_seq, {schema}.audit_log_id_seq TO {supervisor};
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.audit_log FROM {supervisor}, {governance};

-- A supervisor logs sessions they held, not sessions in another supervisor's name.
ALTER TABLE {schema}.supervision_sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY sessions_admin ON {schema}.supervision_sessions TO {admin} USING (true) WITH CHECK (true);
CREATE POLICY sessions_read ON {schema}.supervision_sessions FOR SELECT TO {governance}, {supervisor} USING (true);
CREATE POLICY sessions_log_own ON {schema}.supervision_sessions FOR INSERT TO {supervisor}
  WITH CHECK (supervisor_id = (SELECT id FROM {schema}.people WHERE ref = session_user));

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
