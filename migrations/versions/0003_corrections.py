"""corrections: the audit trail keeps what a record was; corrected rows stay retired

Each audit entry that created, changed or removed a record keeps the record's bundle
fields before and after, and the reason given. `retired_rows` holds the fingerprints
of bundle rows replaced or removed by a correction, so that importing an old
spreadsheet again does not bring them back.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


# Entries name record types as the commands do (the bundle file without .csv).
TYPE_NAMES = {
    "organisation": "organisations",
    "programme": "programmes",
    "person": "people",
    "stage": "stages",
    "supervision link": "supervision",
    "session": "sessions",
    "retreat": "retreats",
    "course": "courses",
    "nomination": "nominations",
}


def _rename_record_types(names: dict[str, str]) -> None:
    audit_log = sa.table("audit_log", sa.column("record_type", sa.String))
    for old, new in names.items():
        op.execute(audit_log.update().where(audit_log.c.record_type == old).values(record_type=new))


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("before", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("after", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("notes_before", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("notes_after", sa.Text(), nullable=True))
    op.create_table(
        "retired_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retired_rows")),
        sa.UniqueConstraint("record_type", "fingerprint", name=op.f("uq_retired_rows_record_type")),
    )
    _rename_record_types(TYPE_NAMES)


def downgrade() -> None:
    _rename_record_types({new: old for old, new in TYPE_NAMES.items()})
    op.drop_table("retired_rows")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("notes_after")
        batch_op.drop_column("notes_before")
        batch_op.drop_column("after")
        batch_op.drop_column("before")
        batch_op.drop_column("reason")
