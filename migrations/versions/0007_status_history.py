"""status_history: each change of a person's status and organisation, with its date

A row holds a person's status and organisation from its date on. For the people already
in the registry the history is filled from today's data: their status from joining
(1 January 1900 when the joining date is not known) in their present organisation, and,
for those who have left, active until `left_on` and their leaving status from then. On
PostgreSQL the table gets the audit trigger of every record table (revision 0004).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""
import datetime as dt
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

STATUSES = ("active", "on_leave", "left", "retired", "erased")
GONE = ("left", "retired", "erased")
SINCE_RECORDS_BEGAN = dt.date(1900, 1, 1)
NOT_ADMINISTRATOR = "WHEN (NOT pg_catalog.has_table_privilege(session_user, 'audit_log'::regclass, 'INSERT'))"
TRIGGER_ARGUMENTS = "'status_history', 'person', 'person_id:person:people:ref', 'organisation_id:organisation:organisations:code'"

people = sa.table(
    "people",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("joined_on", sa.Date),
    sa.column("left_on", sa.Date),
)
history = sa.table(
    "status_history",
    sa.column("person_id", sa.Integer),
    sa.column("on", sa.Date),
    sa.column("status", sa.String),
    sa.column("organisation_id", sa.Integer),
)


def _fill_from_today() -> None:
    start = sa.func.coalesce(people.c.joined_on, SINCE_RECORDS_BEGAN)
    has_left = sa.and_(people.c.status.in_(GONE), people.c.left_on.is_not(None), people.c.left_on > start)
    columns = ["person_id", "on", "status", "organisation_id"]
    from_joining = sa.select(
        people.c.id, start, sa.case((has_left, "active"), else_=people.c.status), people.c.organisation_id
    )
    from_leaving = sa.select(people.c.id, people.c.left_on, people.c.status, people.c.organisation_id).where(has_left)
    op.execute(history.insert().from_select(columns, from_joining))
    op.execute(history.insert().from_select(columns, from_leaving))


def upgrade() -> None:
    op.create_table(
        "status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in STATUSES)})", name=op.f("ck_status_history_status")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_status_history_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_status_history_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_history")),
        sa.UniqueConstraint("person_id", "on", name=op.f("uq_status_history_person_id")),
    )
    with op.batch_alter_table("status_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_history_organisation_id"), ["organisation_id"], unique=False)
    _fill_from_today()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER mbp_audit_status_history AFTER INSERT OR UPDATE OR DELETE ON status_history "
            f"FOR EACH ROW EXECUTE FUNCTION mbp_record_change({TRIGGER_ARGUMENTS})"
        )
        # The guard of revision 0006: ids the database's own, no change dated in the future.
        op.execute(
            "CREATE TRIGGER mbp_guard_status_history BEFORE INSERT OR UPDATE ON status_history FOR EACH ROW "
            f"{NOT_ADMINISTRATOR} EXECUTE FUNCTION mbp_guard_row('on')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER mbp_guard_status_history ON status_history")
        op.execute("DROP TRIGGER mbp_audit_status_history ON status_history")
    with op.batch_alter_table("status_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_history_organisation_id"))
    op.drop_table("status_history")
