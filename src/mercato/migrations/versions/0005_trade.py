"""trade: carts, address books, shipping settings, orders, order lines and order timelines

Revision ID: 0005_trade
Revises: 0004_payments
Create Date: 2026-11-26 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mercato.kernel.db

revision: str = '0005_trade'
down_revision: str | None = '0004_payments'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

UTC = mercato.kernel.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('cart_lines',
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('sku_id', sa.String(length=26), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('added_at', UTC, nullable=False),
    sa.CheckConstraint('quantity BETWEEN 1 AND 999', name=op.f('ck_cart_lines_quantity_range')),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_cart_lines_consumer_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consumer_id', 'sku_id', name=op.f('pk_cart_lines'))
    )
    op.create_table('addresses',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('recipient', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('region', sa.String(length=50), nullable=False),
    sa.Column('city', sa.String(length=50), nullable=False),
    sa.Column('line1', sa.String(length=200), nullable=False),
    sa.Column('postal_code', sa.String(length=12), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_addresses_consumer_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_addresses'))
    )
    op.create_index(op.f('ix_addresses_consumer_id'), 'addresses', ['consumer_id'], unique=False)
    op.create_table('store_shipping',
    sa.Column('store_id', sa.String(length=26), nullable=False),
    sa.Column('flat_fee', sa.BigInteger(), nullable=False),
    sa.Column('free_threshold', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', UTC, nullable=False),
    sa.CheckConstraint('flat_fee >= 0', name=op.f('ck_store_shipping_flat_fee_non_negative')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_store_shipping_store_id_stores'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('store_id', name=op.f('pk_store_shipping'))
    )
    op.create_table('orders',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('order_no', sa.String(length=20), nullable=False),
    sa.Column('payment_id', sa.String(length=26), nullable=False),
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('store_id', sa.String(length=26), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('goods_total', sa.BigInteger(), nullable=False),
    sa.Column('shipping_fee', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('commission', sa.BigInteger(), nullable=False),
    sa.Column('address', sa.JSON(), nullable=False),
    sa.Column('carrier', sa.String(length=50), nullable=True),
    sa.Column('tracking_no', sa.String(length=40), nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('paid_at', UTC, nullable=True),
    sa.Column('shipped_at', UTC, nullable=True),
    sa.Column('completed_at', UTC, nullable=True),
    sa.Column('cancelled_at', UTC, nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint('total = goods_total + shipping_fee', name=op.f('ck_orders_total_sums')),
    sa.ForeignKeyConstraint(['consumer_id'], ['users.id'], name=op.f('fk_orders_consumer_id_users')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_orders_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('order_no', name=op.f('uq_orders_order_no'))
    )
    op.create_index(op.f('ix_orders_payment_id'), 'orders', ['payment_id'], unique=False)
    op.create_index('ix_orders_consumer', 'orders', ['consumer_id', 'id'], unique=False)
    op.create_index('ix_orders_store', 'orders', ['store_id', 'id'], unique=False)
    op.create_index('ix_orders_store_status', 'orders', ['store_id', 'status', 'id'], unique=False)
    op.create_table('order_lines',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('order_id', sa.String(length=26), nullable=False),
    sa.Column('sku_id', sa.String(length=26), nullable=False),
    sa.Column('product_id', sa.String(length=26), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('sku_label', sa.String(length=300), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('line_total', sa.BigInteger(), nullable=False),
    sa.Column('vertical_id', sa.String(length=26), nullable=False),
    sa.Column('commission_bp', sa.Integer(), nullable=False),
    sa.Column('commission', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines'))
    )
    op.create_index(op.f('ix_order_lines_order_id'), 'order_lines', ['order_id'], unique=False)
    op.create_table('order_events',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('order_id', sa.String(length=26), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('at', UTC, nullable=False),
    sa.Column('actor_id', sa.String(length=26), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_events_order_id_orders'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_events'))
    )
    op.create_index(op.f('ix_order_events_order_id'), 'order_events', ['order_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_order_events_order_id'), table_name='order_events')
    op.drop_table('order_events')
    op.drop_index(op.f('ix_order_lines_order_id'), table_name='order_lines')
    op.drop_table('order_lines')
    op.drop_index('ix_orders_store_status', table_name='orders')
    op.drop_index('ix_orders_store', table_name='orders')
    op.drop_index('ix_orders_consumer', table_name='orders')
    op.drop_index(op.f('ix_orders_payment_id'), table_name='orders')
    op.drop_table('orders')
    op.drop_table('store_shipping')
    op.drop_index(op.f('ix_addresses_consumer_id'), table_name='addresses')
    op.drop_table('addresses')
    op.drop_table('cart_lines')
