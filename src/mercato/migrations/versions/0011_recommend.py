"""recommend: behaviour events, dropped-event counts and trained models

Revision ID: 0011_recommend
Revises: 0010_search_shops
Create Date: 2026-11-27 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mercato.kernel.db

revision: str = '0011_recommend'
down_revision: str | None = '0010_search_shops'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('recommend_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('actor_id', sa.String(length=40), nullable=False),
    sa.Column('product_id', sa.String(length=26), nullable=False),
    sa.Column('store_id', sa.String(length=26), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('query', sa.String(length=200), nullable=True),
    sa.Column('at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommend_events'))
    )
    with op.batch_alter_table('recommend_events', schema=None) as batch_op:
        batch_op.create_index('ix_recommend_events_actor_at', ['actor_id', 'at', 'id'], unique=False)
        batch_op.create_index('ix_recommend_events_at', ['at'], unique=False)

    op.create_table('recommend_event_drops',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('dropped', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'reason', name=op.f('pk_recommend_event_drops'))
    )
    op.create_table('recommend_models',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('trained_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('events_used', sa.BigInteger(), nullable=False),
    sa.Column('last_event_id', sa.BigInteger(), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('blob', sa.LargeBinary(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommend_models'))
    )


def downgrade() -> None:
    op.drop_table('recommend_models')
    op.drop_table('recommend_event_drops')
    with op.batch_alter_table('recommend_events', schema=None) as batch_op:
        batch_op.drop_index('ix_recommend_events_at')
        batch_op.drop_index('ix_recommend_events_actor_at')
    op.drop_table('recommend_events')
