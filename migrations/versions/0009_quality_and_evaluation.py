"""quality of teaching and evaluation of courses

- assessments: one row per assessment of teaching on the six MBI:TAC domains: the
  teacher, the programme, the day, the assessor and optionally the course observed;
- courses.completed: the participants who completed a course, at most those who started;
- course_outcomes: the mean score of a measure before and after a course, and on how
  many participants.
On PostgreSQL the new tables get the triggers every record table has: the audit trigger
of revision 0004 (changes made outside the registry's own commands) and the guard of
revision 0006 (ids the database's own, no assessment dated in the future, for a role that
is not an administrator).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: Union[str, None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DOMAINS = ("coverage", "relational", "embodiment", "guiding", "inquiry", "holding")
LEVELS = ("incompetent", "beginner", "advanced_beginner", "competent", "proficient", "advanced")
TRIGGERS = {
    "assessments": "'assessments', 'person', 'person_id:person:people:ref', 'programme_id:programme:programmes:code', "
    "'assessor_id:assessor:people:ref', 'course_id:course:courses:code'",
    "course_outcomes": "'course_outcomes', '', 'course_id:course:courses:code'",
}
# table: the fields that may not be in the future (the guard of revision 0006)
GUARDED = {"assessments": "'on'", "course_outcomes": ""}
NOT_ADMINISTRATOR = "WHEN (NOT pg_catalog.has_table_privilege(session_user, 'audit_log'::regclass, 'INSERT'))"


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
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("completed", sa.Integer(), nullable=True))
        batch.create_check_constraint(
            "completed_range",
            "completed IS NULL OR (completed >= 0 AND (participants IS NULL OR completed <= participants))",
        )
    op.create_table(
        "course_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("before", sa.Numeric(precision=7, scale=2, asdecimal=False), nullable=False),
        sa.Column("after", sa.Numeric(precision=7, scale=2, asdecimal=False), nullable=False),
        sa.Column("measured", sa.Integer(), nullable=False),
        sa.CheckConstraint("measured >= 1", name=op.f("ck_course_outcomes_measured_range")),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], name=op.f("fk_course_outcomes_course_id_courses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_outcomes")),
        sa.UniqueConstraint("course_id", "measure", name=op.f("uq_course_outcomes_course_id")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, arguments in TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER mbp_audit_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION mbp_record_change({arguments})"
            )
            op.execute(
                f"CREATE TRIGGER mbp_guard_{table} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW {NOT_ADMINISTRATOR} "
                f"EXECUTE FUNCTION mbp_guard_row({GUARDED[table]})"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TRIGGERS:
            op.execute(f"DROP TRIGGER mbp_guard_{table} ON {table}")
            op.execute(f"DROP TRIGGER mbp_audit_{table} ON {table}")
    op.drop_table("course_outcomes")
    with op.batch_alter_table("courses") as batch:
        batch.drop_constraint("completed_range", type_="check")
        batch.drop_column("completed")
    op.drop_index(op.f("ix_assessments_course_id"), table_name="assessments")
    op.drop_index(op.f("ix_assessments_assessor_id"), table_name="assessments")
    op.drop_index("ix_assessments_programme_on", table_name="assessments")
    op.drop_table("assessments")
