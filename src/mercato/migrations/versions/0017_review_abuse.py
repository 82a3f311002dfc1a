"""reviews: reviewer risk, reports, folds and sanctions

Revision ID: 0017_review_abuse
Revises: 0016_reviews
Create Date: 2026-11-27 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mercato.kernel.db

revision: str = '0017_review_abuse'
down_revision: str | None = '0016_reviews'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reviewer_risks',
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('computed_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 1', name=op.f('ck_reviewer_risks_score_range')),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_reviewer_risks_consumer_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consumer_id', name=op.f('pk_reviewer_risks'))
    )
    op.create_index('ix_reviewer_risks_flagged', 'reviewer_risks', ['flagged', 'score'], unique=False)
    op.create_table('review_flags',
    sa.Column('review_id', sa.String(length=26), nullable=False),
    sa.Column('store_id', sa.String(length=26), nullable=False),
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('flagged_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_review_flags_consumer_id_users'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_flags_review_id_reviews'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', name=op.f('pk_review_flags'))
    )
    op.create_index('ix_review_flags_store', 'review_flags', ['store_id', 'flagged_at'], unique=False)
    op.create_table('review_reports',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('review_id', sa.String(length=26), nullable=False),
    sa.Column('store_id', sa.String(length=26), nullable=False),
    sa.Column('reporter_id', sa.String(length=26), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_review_reports_reporter_id_users')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_reports_review_id_reviews'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_reports')),
    sa.UniqueConstraint('review_id', 'store_id', name=op.f('uq_review_reports_review_id_store_id'))
    )
    op.create_index('ix_review_reports_store', 'review_reports', ['store_id', 'created_at'], unique=False)
    op.create_table('reviewer_sanctions',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('starts_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=26), nullable=False),
    sa.Column('lifted_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lifted_by', sa.String(length=26), nullable=True),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_reviewer_sanctions_window')),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_reviewer_sanctions_consumer_id_users')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_reviewer_sanctions_created_by_users')),
    sa.ForeignKeyConstraint(['lifted_by'], ['users.id'], name=op.f('fk_reviewer_sanctions_lifted_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewer_sanctions'))
    )
    op.create_index(op.f('ix_reviewer_sanctions_consumer_id'), 'reviewer_sanctions', ['consumer_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_reviewer_sanctions_consumer_id'), table_name='reviewer_sanctions')
    op.drop_table('reviewer_sanctions')
    op.drop_index('ix_review_reports_store', table_name='review_reports')
    op.drop_table('review_reports')
    op.drop_index('ix_review_flags_store', table_name='review_flags')
    op.drop_table('review_flags')
    op.drop_index('ix_reviewer_risks_flagged', table_name='reviewer_risks')
    op.drop_table('reviewer_risks')
