"""covering indexes for the compliance report

The report reads each person's CPD, retreats and sessions in a date window. Indexes
led by the person and holding the summed columns let it read the index alone, in the
order it groups by, instead of visiting half the table through a date index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("supervision_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_sessions_held_on")
        batch_op.drop_index("ix_supervision_sessions_supervisee_held_on")
        batch_op.create_index(
            "ix_supervision_sessions_supervisee_report", ["supervisee_id", "held_on", "kind", "minutes"], unique=False
        )
    with op.batch_alter_table("cpd_activities", schema=None) as batch_op:
        batch_op.drop_index("ix_cpd_activities_date")
        batch_op.create_index("ix_cpd_activities_person_report", ["person_id", "date", "hours"], unique=False)
    with op.batch_alter_table("retreats", schema=None) as batch_op:
        batch_op.drop_index("ix_retreats_start_on")
        batch_op.create_index("ix_retreats_person_report", ["person_id", "start_on", "days"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("retreats", schema=None) as batch_op:
        batch_op.drop_index("ix_retreats_person_report")
        batch_op.create_index("ix_retreats_start_on", ["start_on"], unique=False)
    with op.batch_alter_table("cpd_activities", schema=None) as batch_op:
        batch_op.drop_index("ix_cpd_activities_person_report")
        batch_op.create_index("ix_cpd_activities_date", ["date"], unique=False)
    with op.batch_alter_table("supervision_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_sessions_supervisee_report")
        batch_op.create_index("ix_supervision_sessions_supervisee_held_on", ["supervisee_id", "held_on"], unique=False)
        batch_op.create_index("ix_supervision_sessions_held_on", ["held_on"], unique=False)
