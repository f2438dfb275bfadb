"""reminders: what was e-mailed to whom, so that nobody is reminded twice in 14 days

`reminders` holds one row for each reminder sent: the person, the lapse date it was
for (null for a person already short) and when it was sent; `reminder_copies` the
supervisors copied. People are held by reference, never by address.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: Union[str, None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("lapses_on", sa.Date(), nullable=True),
        sa.Column("shortfalls", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_reminders_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    op.create_index("ix_reminders_person_sent", "reminders", ["person_id", "sent_at"], unique=False)
    op.create_index(op.f("ix_reminders_sent_at"), "reminders", ["sent_at"], unique=False)
    op.create_table(
        "reminder_copies",
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reminder_id"], ["reminders.id"], name=op.f("fk_reminder_copies_reminder_id_reminders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_reminder_copies_person_id_people")),
        sa.PrimaryKeyConstraint("reminder_id", "person_id", name=op.f("pk_reminder_copies")),
    )
    op.create_index(op.f("ix_reminder_copies_person_id"), "reminder_copies", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_reminder_copies_person_id"), table_name="reminder_copies")
    op.drop_table("reminder_copies")
    op.drop_index(op.f("ix_reminders_sent_at"), table_name="reminders")
    op.drop_index("ix_reminders_person_sent", table_name="reminders")
    op.drop_table("reminders")
