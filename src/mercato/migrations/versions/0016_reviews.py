"""reviews: reviews, follow-ups, replies, helpful votes, store ratings

Revision ID: 0016_reviews
Revises: 0015_aftersales
Create Date: 2026-11-27 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mercato.kernel.db

revision: str = '0016_reviews'
down_revision: str | None = '0015_aftersales'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reviews',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('order_id', sa.String(length=26), nullable=False),
    sa.Column('order_line_id', sa.String(length=26), nullable=False),
    sa.Column('product_id', sa.String(length=26), nullable=False),
    sa.Column('store_id', sa.String(length=26), nullable=False),
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('rating', sa.SmallInteger(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('dsr_description', sa.SmallInteger(), nullable=True),
    sa.Column('dsr_service', sa.SmallInteger(), nullable=True),
    sa.Column('dsr_logistics', sa.SmallInteger(), nullable=True),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('folded', sa.Boolean(), nullable=False),
    sa.Column('helpful_count', sa.Integer(), nullable=False),
    sa.Column('created_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('dsr_description BETWEEN 1 AND 5 AND dsr_service BETWEEN 1 AND 5 '
                       'AND dsr_logistics BETWEEN 1 AND 5', name=op.f('ck_reviews_dsr_range')),
    sa.CheckConstraint('helpful_count >= 0', name=op.f('ck_reviews_helpful_non_negative')),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_reviews_rating_range')),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_reviews_consumer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('order_line_id', name=op.f('uq_reviews_order_line_id'))
    )
    op.create_index('ix_reviews_consumer', 'reviews', ['consumer_id', 'id'], unique=False)
    op.create_index(op.f('ix_reviews_order_id'), 'reviews', ['order_id'], unique=False)
    op.create_index('ix_reviews_product', 'reviews', ['product_id', 'id'], unique=False)
    op.create_index('ix_reviews_store', 'reviews', ['store_id', 'created_at'], unique=False)
    op.create_table('review_follow_ups',
    sa.Column('review_id', sa.String(length=26), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('created_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_follow_ups_review_id_reviews'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', name=op.f('pk_review_follow_ups'))
    )
    op.create_table('review_helpful_votes',
    sa.Column('review_id', sa.String(length=26), nullable=False),
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('created_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_review_helpful_votes_consumer_id_users'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_helpful_votes_review_id_reviews'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'consumer_id', name=op.f('pk_review_helpful_votes'))
    )
    op.create_table('review_replies',
    sa.Column('review_id', sa.String(length=26), nullable=False),
    sa.Column('author_id', sa.String(length=26), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('created_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_review_replies_author_id_users')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_replies_review_id_reviews'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', name=op.f('pk_review_replies'))
    )
    # Plain ADD COLUMN on both engines (as 0009 does): the scores reviews keeps on products and stores.
    op.add_column('products', sa.Column('rating', sa.Integer(), nullable=True))
    op.add_column('products', sa.Column('rating_count', sa.Integer(), server_default='0', nullable=False))
    op.add_column('stores', sa.Column('dsr_description', sa.Integer(), nullable=True))
    op.add_column('stores', sa.Column('dsr_service', sa.Integer(), nullable=True))
    op.add_column('stores', sa.Column('dsr_logistics', sa.Integer(), nullable=True))
    op.add_column('stores', sa.Column('dsr_updated_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('stores', 'dsr_updated_at')
    op.drop_column('stores', 'dsr_logistics')
    op.drop_column('stores', 'dsr_service')
    op.drop_column('stores', 'dsr_description')
    op.drop_column('products', 'rating_count')
    op.drop_column('products', 'rating')
    op.drop_table('review_replies')
    op.drop_table('review_helpful_votes')
    op.drop_table('review_follow_ups')
    op.drop_index('ix_reviews_store', table_name='reviews')
    op.drop_index('ix_reviews_product', table_name='reviews')
    op.drop_index(op.f('ix_reviews_order_id'), table_name='reviews')
    op.drop_index('ix_reviews_consumer', table_name='reviews')
    op.drop_table('reviews')
