"""PostgreSQL guards every record row written by a role that is not an administrator

An administrator is a role that may write the audit trail itself (INSERT on
`audit_log`), as in revision 0004. For any other role (a supervisor's login) a trigger
before each INSERT and UPDATE of a record table:

- keeps ids the database's own: an INSERT with an id beyond the id sequence's last value
  is given the sequence's next value instead, and an UPDATE keeps the row's id, so that
  no explicit id can make later rows collide with it;
- refuses a logged event dated in the future: a session's `held_on`, a CPD activity's
  `date`, a retreat's `start_on`, a stage's `attained_on`, a training record's
  `trained_on` and a person's `left_on` after today in the time zone furthest ahead
  (UTC+14), so that no client's today is ever refused (a CHECK constraint cannot use
  the current date). An UPDATE that leaves the date as it was is not refused.

The application checks these rules itself for everyone; administrators are trusted
with corrections the triggers would refuse. SQLite has no roles: this revision changes
nothing there.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0006"
down_revision: Union[str, None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# table: the fields of its logged events that may not be in the future
GUARDED_TABLES = {
    "organisations": (),
    "programmes": (),
    "people": ("left_on",),
    "stages": ("attained_on",),
    "training": ("trained_on",),
    "supervision_links": (),
    "supervision_sessions": ("held_on",),
    "cpd_activities": ("date",),
    "retreats": ("start_on",),
    "courses": (),
    "nominations": (),
    "retired_rows": (),
}

GUARD_ROW = r"""
CREATE FUNCTION mbp_guard_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  id_sequence text;
  last_id bigint;
  field text;
  given text;
BEGIN
  IF has_table_privilege(session_user, format('%I.audit_log', TG_TABLE_SCHEMA), 'INSERT') THEN
    RETURN NEW;
  END IF;
  id_sequence := pg_get_serial_sequence(format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME), 'id');
  IF TG_OP = 'UPDATE' THEN
    NEW.id := OLD.id;
  ELSIF id_sequence IS NOT NULL THEN
    EXECUTE format('SELECT last_value FROM %s', id_sequence) INTO last_id;
    IF NEW.id IS NULL OR NEW.id > last_id THEN
      NEW.id := nextval(id_sequence);
    END IF;
  END IF;
  IF TG_NARGS > 0 THEN
    FOREACH field IN ARRAY TG_ARGV LOOP
      given := to_jsonb(NEW) ->> field;
      IF given IS NOT NULL AND given::date > (now() AT TIME ZONE 'Etc/GMT-14')::date
         AND (TG_OP = 'INSERT' OR given IS DISTINCT FROM to_jsonb(OLD) ->> field) THEN
        RAISE EXCEPTION '%: % is in the future', field, given
          USING ERRCODE = 'check_violation', TABLE = TG_TABLE_NAME, COLUMN = field;
      END IF;
    END LOOP;
  END IF;
  RETURN NEW;
END $$;
"""

# Checked before the function is called, so that an administrator's writes (an import of
# millions of rows) pay for no more than this test; the table is named by its oid, bound
# when the trigger is made, so no search_path can change which table it is.
NOT_ADMINISTRATOR = "WHEN (NOT pg_catalog.has_table_privilege(session_user, 'audit_log'::regclass, 'INSERT'))"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(GUARD_ROW)
    for table, dated in GUARDED_TABLES.items():
        arguments = ", ".join(f"'{field}'" for field in dated)
        op.execute(
            f"CREATE TRIGGER mbp_guard_{table} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW {NOT_ADMINISTRATOR} "
            f"EXECUTE FUNCTION mbp_guard_row({arguments})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in GUARDED_TABLES:
        op.execute(f"DROP TRIGGER mbp_guard_{table} ON {table}")
    op.execute("DROP FUNCTION mbp_guard_row()")
