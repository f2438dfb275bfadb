"""erased people have a status of their own, so that erasure ends their assessment

`person erase` keeps a person's records under an anonymous ref; their status becomes
`erased` (and they leave on the day of erasure, unless they had left already) so that no
report counts them as active or assessed again. People erased before this revision (an
anonymous ref "ERASED-<id>" and the name "(erased)") are given that status too, leaving
on the day of their erasure's audit entry (or today, when there is none), never before
they joined.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
import datetime as dt
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: Union[str, None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD_STATUSES = ("active", "on_leave", "left", "retired")
NEW_STATUSES = (*OLD_STATUSES, "erased")
ERASED_NAME = "(erased)"

people = sa.table(
    "people",
    sa.column("id", sa.Integer),
    sa.column("ref", sa.String),
    sa.column("name", sa.String),
    sa.column("status", sa.String),
    sa.column("joined_on", sa.Date),
    sa.column("left_on", sa.Date),
)
audit_log = sa.table(
    "audit_log", sa.column("at", sa.DateTime), sa.column("action", sa.String), sa.column("record_key", sa.String)
)


def _status_check(statuses: tuple[str, ...]) -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_people_status"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_people_status"), f"status IN ({', '.join(repr(s) for s in statuses)})"
        )


def _mark_people_erased_before() -> None:
    bind = op.get_bind()
    erased = bind.execute(
        sa.select(people.c.id, people.c.ref, people.c.joined_on, people.c.left_on).where(
            people.c.name == ERASED_NAME, people.c.ref.like("ERASED-%"), people.c.status != "erased"
        )
    ).all()
    for person_id, ref, joined_on, left_on in erased:
        if ref != f"ERASED-{person_id:06d}":
            continue
        erased_at = bind.execute(
            sa.select(sa.func.min(audit_log.c.at)).where(
                audit_log.c.action == "erase", audit_log.c.record_key == f"ref={ref}"
            )
        ).scalar()
        on = erased_at.date() if erased_at else dt.date.today()
        bind.execute(
            people.update()
            .where(people.c.id == person_id)
            .values(status="erased", left_on=left_on or max(on, joined_on or on))
        )


def upgrade() -> None:
    _status_check(NEW_STATUSES)
    _mark_people_erased_before()


def downgrade() -> None:
    # Erased people keep their leaving date: they become people who left.
    op.execute(people.update().where(people.c.status == "erased").values(status="left"))
    _status_check(OLD_STATUSES)
