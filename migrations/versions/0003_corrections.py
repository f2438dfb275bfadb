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


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("before", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("after", sa.JSON(), nullable=True))
    op.create_table(
        "retired_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retired_rows")),
        sa.UniqueConstraint("record_type", "fingerprint", name=op.f("uq_retired_rows_record_type")),
    )


def downgrade() -> None:
    op.drop_table("retired_rows")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("after")
        batch_op.drop_column("before")
        batch_op.drop_column("reason")
