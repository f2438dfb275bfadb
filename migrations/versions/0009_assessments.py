"""assessments of teaching on the six MBI:TAC domains

One row per assessment: the teacher, the programme, the day, the assessor and
optionally the course observed, with a level on each domain. On PostgreSQL the audit
trigger of revision 0004 records changes made outside the registry's own commands, as it
does for every other record table.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-03
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: Union[str, None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DOMAINS = ("coverage", "relational", "embodiment", "guiding", "inquiry", "holding")
LEVELS = ("incompetent", "beginner", "advanced_beginner", "competent", "proficient", "advanced")
TRIGGER_ARGUMENTS = (
    "'assessments', 'person', 'person_id:person:people:ref', 'programme_id:programme:programmes:code', "
    "'assessor_id:assessor:people:ref', 'course_id:course:courses:code'"
)


def _one_of(column: str) -> str:
    return f"{column} IN ({', '.join(repr(level) for level in LEVELS)})"


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        *(sa.Column(domain, sa.String(length=32), nullable=False) for domain in DOMAINS),
        sa.CheckConstraint("assessor_id <> person_id", name=op.f("ck_assessments_not_self")),
        *(sa.CheckConstraint(_one_of(domain), name=op.f(f"ck_assessments_{domain}")) for domain in DOMAINS),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_assessments_person_id_people")),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"], name=op.f("fk_assessments_programme_id_programmes")),
        sa.ForeignKeyConstraint(["assessor_id"], ["people.id"], name=op.f("fk_assessments_assessor_id_people")),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], name=op.f("fk_assessments_course_id_courses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("person_id", "programme_id", "on", "assessor_id", name=op.f("uq_assessments_person_id")),
    )
    op.create_index("ix_assessments_programme_on", "assessments", ["programme_id", "on"])
    op.create_index(op.f("ix_assessments_assessor_id"), "assessments", ["assessor_id"])
    op.create_index(op.f("ix_assessments_course_id"), "assessments", ["course_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER mbp_audit_assessments AFTER INSERT OR UPDATE OR DELETE ON assessments "
            f"FOR EACH ROW EXECUTE FUNCTION mbp_record_change({TRIGGER_ARGUMENTS})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER mbp_audit_assessments ON assessments")
    op.drop_index(op.f("ix_assessments_course_id"), table_name="assessments")
    op.drop_index(op.f("ix_assessments_assessor_id"), table_name="assessments")
    op.drop_index("ix_assessments_programme_on", table_name="assessments")
    op.drop_table("assessments")
