"""credit: consumer credit scores

Revision ID: 0014_credit
Revises: 0013_payments_refunds
Create Date: 2026-11-27 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mercato.kernel.db

revision: str = '0014_credit'
down_revision: str | None = '0013_payments_refunds'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('credit_scores',
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=12), nullable=False),
    sa.Column('factors', sa.JSON(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('computed_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 350 AND 950', name=op.f('ck_credit_scores_score_range')),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_credit_scores_consumer_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consumer_id', name=op.f('pk_credit_scores'))
    )


def downgrade() -> None:
    op.drop_table('credit_scores')
