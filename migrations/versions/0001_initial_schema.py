"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0001'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('record_type', sa.String(length=32), nullable=False),
    sa.Column('record_key', sa.String(length=300), nullable=False),
    sa.Column('person_ref', sa.String(length=64), nullable=True),
    sa.Column('details', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_person_ref'), ['person_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_record_type'), ['record_type'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('code', name=op.f('uq_organisations_code'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_region'), ['region'], unique=False)

    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('code', name=op.f('uq_programmes_code'))
    )
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('planned_leaving_on', sa.Date(), nullable=True),
    sa.CheckConstraint("status IN ('active', 'on_leave', 'left', 'retired')", name=op.f('ck_people_status')),
    sa.CheckConstraint('left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on', name=op.f('ck_people_left_after_joined')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_people_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('email', name=op.f('uq_people_email')),
    sa.UniqueConstraint('ref', name=op.f('uq_people_ref'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=True),
    sa.Column('supervised', sa.Boolean(), nullable=True),
    sa.Column('setting', sa.String(length=200), nullable=True),
    sa.CheckConstraint('participants IS NULL OR participants >= 0', name=op.f('ck_courses_participants_range')),
    sa.ForeignKeyConstraint(['lead_id'], ['people.id'], name=op.f('fk_courses_lead_id_people')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_courses_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_courses')),
    sa.UniqueConstraint('code', name=op.f('uq_courses_code'))
    )
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.create_index('ix_courses_lead_start_on', ['lead_id', 'start_on'], unique=False)
        batch_op.create_index('ix_courses_start_on', ['start_on'], unique=False)

    op.create_table('cpd_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('description', sa.String(length=500), server_default='', nullable=False),
    sa.CheckConstraint("category IN ('course', 'workshop', 'conference', 'reading', 'teaching_observation', 'other')", name=op.f('ck_cpd_activities_category')),
    sa.CheckConstraint('hours > 0 AND hours <= 100', name=op.f('ck_cpd_activities_hours_range')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_cpd_activities_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cpd_activities')),
    sa.UniqueConstraint('person_id', 'date', 'category', 'description', name=op.f('uq_cpd_activities_person_id'))
    )
    with op.batch_alter_table('cpd_activities', schema=None) as batch_op:
        batch_op.create_index('ix_cpd_activities_date', ['date'], unique=False)

    op.create_table('nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('readiness', sa.String(length=16), nullable=False),
    sa.Column('emergency', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('nominated_on', sa.Date(), nullable=False),
    sa.CheckConstraint("readiness IN ('ready_now', '1_2_years', '3_plus_years')", name=op.f('ck_nominations_readiness')),
    sa.CheckConstraint("role IN ('supervisor', 'trainer', 'trainer_of_trainers')", name=op.f('ck_nominations_role')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_nominations_person_id_people')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_nominations_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominations')),
    sa.UniqueConstraint('person_id', 'programme_id', 'region', 'role', name=op.f('uq_nominations_person_id'))
    )
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.create_index('ix_nominations_programme_region_role', ['programme_id', 'region', 'role'], unique=False)

    op.create_table('retreats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('days', sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=False),
    sa.Column('led_by', sa.String(length=200), nullable=True),
    sa.Column('residential', sa.Boolean(), nullable=True),
    sa.Column('online', sa.Boolean(), nullable=True),
    sa.CheckConstraint('days > 0 AND days <= 60', name=op.f('ck_retreats_days_range')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_retreats_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retreats')),
    sa.UniqueConstraint('person_id', 'start_on', name=op.f('uq_retreats_person_id'))
    )
    with op.batch_alter_table('retreats', schema=None) as batch_op:
        batch_op.create_index('ix_retreats_start_on', ['start_on'], unique=False)

    op.create_table('stages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('attained_on', sa.Date(), nullable=False),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.Column('tac_level', sa.String(length=32), nullable=True),
    sa.CheckConstraint("stage IN ('trainee', 'teacher', 'supervisor', 'trainer', 'trainer_of_trainers')", name=op.f('ck_stages_stage')),
    sa.CheckConstraint("tac_level IN ('incompetent', 'beginner', 'advanced_beginner', 'competent', 'proficient', 'advanced')", name=op.f('ck_stages_tac_level')),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['people.id'], name=op.f('fk_stages_assessed_by_id_people')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_stages_person_id_people')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_stages_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stages')),
    sa.UniqueConstraint('person_id', 'programme_id', 'stage', name=op.f('uq_stages_person_id'))
    )
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.create_index('ix_stages_programme_stage', ['programme_id', 'stage'], unique=False)

    op.create_table('supervision_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('supervisee_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= started_on', name=op.f('ck_supervision_links_end_after_start')),
    sa.CheckConstraint('supervisor_id <> supervisee_id', name=op.f('ck_supervision_links_not_self')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_supervision_links_programme_id_programmes')),
    sa.ForeignKeyConstraint(['supervisee_id'], ['people.id'], name=op.f('fk_supervision_links_supervisee_id_people')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['people.id'], name=op.f('fk_supervision_links_supervisor_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_links')),
    sa.UniqueConstraint('supervisor_id', 'supervisee_id', 'programme_id', 'started_on', name=op.f('uq_supervision_links_supervisor_id'))
    )
    with op.batch_alter_table('supervision_links', schema=None) as batch_op:
        batch_op.create_index('ix_supervision_links_programme_id', ['programme_id'], unique=False)
        batch_op.create_index('ix_supervision_links_supervisee_id', ['supervisee_id'], unique=False)

    op.create_table('supervision_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('supervisee_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('individual', 'group', 'peer')", name=op.f('ck_supervision_sessions_kind')),
    sa.CheckConstraint("mode IN ('in_person', 'video', 'phone')", name=op.f('ck_supervision_sessions_mode')),
    sa.CheckConstraint('minutes BETWEEN 1 AND 600', name=op.f('ck_supervision_sessions_minutes_range')),
    sa.CheckConstraint('supervisor_id <> supervisee_id', name=op.f('ck_supervision_sessions_not_self')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_supervision_sessions_programme_id_programmes')),
    sa.ForeignKeyConstraint(['supervisee_id'], ['people.id'], name=op.f('fk_supervision_sessions_supervisee_id_people')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['people.id'], name=op.f('fk_supervision_sessions_supervisor_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_sessions')),
    sa.UniqueConstraint('supervisor_id', 'supervisee_id', 'held_on', 'kind', name=op.f('uq_supervision_sessions_supervisor_id'))
    )
    with op.batch_alter_table('supervision_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_supervision_sessions_held_on', ['held_on'], unique=False)
        batch_op.create_index('ix_supervision_sessions_supervisee_held_on', ['supervisee_id', 'held_on'], unique=False)

    op.create_table('training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('trained_on', sa.Date(), nullable=False),
    sa.CheckConstraint("stage IN ('trainee', 'teacher', 'supervisor', 'trainer', 'trainer_of_trainers')", name=op.f('ck_training_stage')),
    sa.CheckConstraint('trainer_id <> trainee_id', name=op.f('ck_training_not_self')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_training_programme_id_programmes')),
    sa.ForeignKeyConstraint(['trainee_id'], ['people.id'], name=op.f('fk_training_trainee_id_people')),
    sa.ForeignKeyConstraint(['trainer_id'], ['people.id'], name=op.f('fk_training_trainer_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training')),
    sa.UniqueConstraint('trainer_id', 'trainee_id', 'programme_id', 'stage', name=op.f('uq_training_trainer_id'))
    )
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.create_index('ix_training_programme_stage', ['programme_id', 'stage'], unique=False)
        batch_op.create_index('ix_training_trainee_id', ['trainee_id'], unique=False)

    op.create_table('course_co_teachers',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_co_teachers_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_course_co_teachers_person_id_people')),
    sa.PrimaryKeyConstraint('course_id', 'person_id', name=op.f('pk_course_co_teachers'))
    )
    with op.batch_alter_table('course_co_teachers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_co_teachers_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('course_co_teachers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_co_teachers_person_id'))

    op.drop_table('course_co_teachers')
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_index('ix_training_trainee_id')
        batch_op.drop_index('ix_training_programme_stage')

    op.drop_table('training')
    with op.batch_alter_table('supervision_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_supervision_sessions_supervisee_held_on')
        batch_op.drop_index('ix_supervision_sessions_held_on')

    op.drop_table('supervision_sessions')
    with op.batch_alter_table('supervision_links', schema=None) as batch_op:
        batch_op.drop_index('ix_supervision_links_supervisee_id')
        batch_op.drop_index('ix_supervision_links_programme_id')

    op.drop_table('supervision_links')
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.drop_index('ix_stages_programme_stage')

    op.drop_table('stages')
    with op.batch_alter_table('retreats', schema=None) as batch_op:
        batch_op.drop_index('ix_retreats_start_on')

    op.drop_table('retreats')
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.drop_index('ix_nominations_programme_region_role')

    op.drop_table('nominations')
    with op.batch_alter_table('cpd_activities', schema=None) as batch_op:
        batch_op.drop_index('ix_cpd_activities_date')

    op.drop_table('cpd_activities')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_index('ix_courses_start_on')
        batch_op.drop_index('ix_courses_lead_start_on')

    op.drop_table('courses')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_organisation_id'))

    op.drop_table('people')
    op.drop_table('programmes')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_region'))

    op.drop_table('organisations')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_record_type'))
        batch_op.drop_index(batch_op.f('ix_audit_log_person_ref'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
