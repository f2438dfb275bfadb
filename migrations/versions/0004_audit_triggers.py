"""PostgreSQL records every change in the audit trail itself

A trigger on each record table writes an audit entry, with the record's bundle values
before and after, for every UPDATE and DELETE, and for every INSERT made by a role that
may not write the audit trail itself (a supervisor logging a session), so that a
correction made with any client (psql included) is recorded. The application, whose
own entries say more (the bundle entry of an import, the reason of a correction), marks
its transactions with the setting `mbp.audited`; that mark counts only for a role that
may write the audit trail. The reason of a correction reaches the trigger through the
setting `mbp.reason`.

`mbp_audit_event` lets a role that may not write the audit trail record that it read
confidential notes or exported them (actor: its own login), and nothing else.

SQLite has no roles: the application writes every entry itself, and this revision
changes nothing there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0004"
down_revision: Union[str, None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# table: (TYPE name, the field naming the person it is about, references as
# "column:field:table:key column")
RECORD_TABLES = {
    "organisations": ("organisations", "", []),
    "programmes": ("programmes", "", []),
    "people": ("people", "ref", ["organisation_id:organisation:organisations:code"]),
    "stages": ("stages", "person", [
        "person_id:person:people:ref", "programme_id:programme:programmes:code", "assessed_by_id:assessed_by:people:ref",
    ]),
    "training": ("training", "trainee", [
        "trainer_id:trainer:people:ref", "trainee_id:trainee:people:ref", "programme_id:programme:programmes:code",
    ]),
    "supervision_links": ("supervision", "supervisee", [
        "supervisor_id:supervisor:people:ref", "supervisee_id:supervisee:people:ref",
        "programme_id:programme:programmes:code",
    ]),
    "supervision_sessions": ("sessions", "supervisee", [
        "supervisor_id:supervisor:people:ref", "supervisee_id:supervisee:people:ref",
        "programme_id:programme:programmes:code",
    ]),
    "cpd_activities": ("cpd", "person", ["person_id:person:people:ref"]),
    "retreats": ("retreats", "person", ["person_id:person:people:ref"]),
    "courses": ("courses", "lead", ["programme_id:programme:programmes:code", "lead_id:lead:people:ref"]),
    "nominations": ("nominations", "person", ["person_id:person:people:ref", "programme_id:programme:programmes:code"]),
}

BUNDLE_VALUES = r"""
CREATE FUNCTION mbp_bundle_values(record_schema text, row_values jsonb, refs text[]) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  spec text[];
  found text;
  field text;
  result jsonb := row_values - 'id';
BEGIN
  FOR i IN coalesce(array_lower(refs, 1), 1) .. coalesce(array_upper(refs, 1), 0) LOOP
    spec := string_to_array(refs[i], ':');
    found := NULL;
    IF result ->> spec[1] IS NOT NULL THEN
      EXECUTE format('SELECT %I FROM %I.%I WHERE id = $1', spec[4], record_schema, spec[3])
        INTO found USING (result ->> spec[1])::bigint;
    END IF;
    result := (result - spec[1]) || jsonb_build_object(spec[2], found);
  END LOOP;
  FOR field IN SELECT jsonb_object_keys(result) LOOP
    IF jsonb_typeof(result -> field) = 'number' THEN
      result := jsonb_set(result, ARRAY[field], to_jsonb(trim_scale((result ->> field)::numeric)));
    END IF;
  END LOOP;
  RETURN result;
END $$;
"""

RECORD_CHANGE = r"""
CREATE FUNCTION mbp_record_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  audit_table text := format('%I.audit_log', TG_TABLE_SCHEMA);
  privileged boolean := has_table_privilege(session_user, audit_table, 'INSERT');
  refs text[] := TG_ARGV[2:];
  old_values jsonb;
  new_values jsonb;
  notes_old text;
  notes_new text;
  subject text;
  actor text := session_user;
BEGIN
  IF privileged AND (coalesce(current_setting('mbp.audited', true), '') = 'on' OR TG_OP = 'INSERT') THEN
    RETURN NULL;
  END IF;
  IF privileged THEN
    actor := coalesce(nullif(current_setting('mbp.actor', true), ''), session_user);
  END IF;
  IF TG_OP <> 'INSERT' THEN
    EXECUTE format('SELECT %I.mbp_bundle_values($1, $2, $3)', TG_TABLE_SCHEMA)
      INTO old_values USING TG_TABLE_SCHEMA::text, to_jsonb(OLD), refs;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    EXECUTE format('SELECT %I.mbp_bundle_values($1, $2, $3)', TG_TABLE_SCHEMA)
      INTO new_values USING TG_TABLE_SCHEMA::text, to_jsonb(NEW), refs;
  END IF;
  IF TG_OP = 'UPDATE' AND old_values = new_values THEN
    RETURN NULL;
  END IF;
  notes_old := old_values ->> 'notes';
  notes_new := new_values ->> 'notes';
  IF old_values ? 'notes' AND notes_old IS NOT NULL THEN
    old_values := old_values || jsonb_build_object('notes',
      CASE WHEN TG_OP = 'UPDATE' AND notes_old IS DISTINCT FROM notes_new THEN '<changed>' ELSE '<present>' END);
  END IF;
  IF new_values ? 'notes' AND notes_new IS NOT NULL THEN
    new_values := new_values || jsonb_build_object('notes',
      CASE WHEN TG_OP = 'UPDATE' AND notes_old IS DISTINCT FROM notes_new THEN '<changed>' ELSE '<present>' END);
  END IF;
  subject := coalesce(new_values, old_values) ->> TG_ARGV[1];
  EXECUTE format(
    'INSERT INTO %s (at, actor, action, record_type, record_key, person_ref, reason, before, after, '
    'notes_before, notes_after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)', audit_table)
  USING (now() AT TIME ZONE 'UTC')::timestamp(0), left(actor, 100),
    CASE TG_OP WHEN 'INSERT' THEN 'add' WHEN 'UPDATE' THEN 'amend' ELSE 'remove' END,
    TG_ARGV[0], 'id=' || (coalesce(to_jsonb(NEW), to_jsonb(OLD)) ->> 'id'), subject,
    nullif(current_setting('mbp.reason', true), ''), old_values::json, new_values::json, notes_old, notes_new;
  RETURN NULL;
END $$;
"""

AUDIT_EVENT = r"""
CREATE FUNCTION mbp_audit_event(event_action text, event_record_type text, event_record_key text,
                                event_person_ref text, event_details text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  audit_table text := format('%I.audit_log', '{schema}');
BEGIN
  IF event_action NOT IN ('read_notes', 'export') THEN
    RAISE EXCEPTION 'mbp_audit_event records readings and exports only, not %', event_action
      USING ERRCODE = '42501';
  END IF;
  EXECUTE format('INSERT INTO %s (at, actor, action, record_type, record_key, person_ref, details) '
                 'VALUES ($1, $2, $3, $4, $5, $6, $7)', audit_table)
  USING (now() AT TIME ZONE 'UTC')::timestamp(0), left(session_user, 100), event_action,
    left(event_record_type, 32), left(event_record_key, 300), left(event_person_ref, 64), event_details;
END $$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(BUNDLE_VALUES)
    op.execute(RECORD_CHANGE)
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    op.execute(AUDIT_EVENT.replace("{schema}", schema.replace("'", "''")))
    # Functions are executable by everyone unless revoked: only roles granted it may.
    op.execute("REVOKE EXECUTE ON FUNCTION mbp_audit_event(text, text, text, text, text) FROM PUBLIC")
    op.execute("REVOKE EXECUTE ON FUNCTION mbp_bundle_values(text, jsonb, text[]) FROM PUBLIC")
    for table, (type_name, subject, refs) in RECORD_TABLES.items():
        arguments = ", ".join(f"'{value}'" for value in (type_name, subject, *refs))
        op.execute(
            f"CREATE TRIGGER mbp_audit_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION mbp_record_change({arguments})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in RECORD_TABLES:
        op.execute(f"DROP TRIGGER mbp_audit_{table} ON {table}")
    op.execute("DROP FUNCTION mbp_audit_event(text, text, text, text, text)")
    op.execute("DROP FUNCTION mbp_record_change()")
    op.execute("DROP FUNCTION mbp_bundle_values(text, jsonb, text[])")
