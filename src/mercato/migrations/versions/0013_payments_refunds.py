"""payments: partial refunds, merchant debts, quick-refund advances

Revision ID: 0013_payments_refunds
Revises: 0012_orders_paid_at
Create Date: 2026-11-27 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mercato.kernel.db

revision: str = '0013_payments_refunds'
down_revision: str | None = '0012_orders_paid_at'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

PART_COLUMNS = ('refunded', 'escrow_refunded', 'refunded_commission', 'refunded_subsidy')


def upgrade() -> None:
    op.create_table('merchant_debts',
    sa.Column('store_id', sa.String(length=26), nullable=False),
    sa.Column('owed', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('owed >= 0', name=op.f('ck_merchant_debts_owed_non_negative')),
    sa.PrimaryKeyConstraint('store_id', name=op.f('pk_merchant_debts'))
    )
    op.create_table('refund_movements',
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('order_id', sa.String(length=26), nullable=True),
    sa.Column('store_id', sa.String(length=26), nullable=True),
    sa.Column('consumer_id', sa.String(length=26), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('from_escrow', sa.BigInteger(), nullable=False),
    sa.Column('from_merchant', sa.BigInteger(), nullable=False),
    sa.Column('merchant_debt', sa.BigInteger(), nullable=False),
    sa.Column('commission_share', sa.BigInteger(), nullable=False),
    sa.Column('platform_share', sa.BigInteger(), nullable=False),
    sa.Column('advance_repaid', sa.BigInteger(), nullable=False),
    sa.Column('advance_source', sa.String(length=120), nullable=True),
    sa.Column('created_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount >= 0 AND from_escrow >= 0 AND from_merchant >= 0 AND merchant_debt >= 0 AND '
                       'commission_share >= 0 AND platform_share >= 0 AND advance_repaid >= 0',
                       name=op.f('ck_refund_movements_figures_non_negative')),
    sa.PrimaryKeyConstraint('source', name=op.f('pk_refund_movements'))
    )
    with op.batch_alter_table('refund_movements', schema=None) as batch_op:
        for column in ('order_id', 'store_id', 'consumer_id', 'advance_source'):
            batch_op.create_index(batch_op.f(f'ix_refund_movements_{column}'), [column], unique=False)

    op.create_table('quick_refund_advances',
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('consumer_id', sa.String(length=26), nullable=False),
    sa.Column('order_id', sa.String(length=26), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('repaid', sa.BigInteger(), nullable=False),
    sa.Column('clawed_back', sa.BigInteger(), nullable=False),
    sa.Column('created_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_quick_refund_advances_amount_positive')),
    sa.CheckConstraint('repaid >= 0 AND clawed_back >= 0 AND repaid + clawed_back <= amount',
                       name=op.f('ck_quick_refund_advances_closed_within_amount')),
    sa.PrimaryKeyConstraint('source', name=op.f('pk_quick_refund_advances'))
    )
    with op.batch_alter_table('quick_refund_advances', schema=None) as batch_op:
        for column in ('consumer_id', 'order_id'):
            batch_op.create_index(batch_op.f(f'ix_quick_refund_advances_{column}'), [column], unique=False)

    with op.batch_alter_table('payment_parts', schema=None) as batch_op:
        for column in PART_COLUMNS:
            batch_op.add_column(sa.Column(column, sa.BigInteger(), server_default='0', nullable=False))
    # Parts refunded in full before this migration (a cancelled paid order) were refunded from escrow.
    op.execute("UPDATE payment_parts SET refunded = amount, escrow_refunded = amount WHERE status = 'refunded'")
    op.execute("INSERT INTO refund_movements (source, kind, order_id, store_id, consumer_id, amount, from_escrow, "
               "from_merchant, merchant_debt, commission_share, platform_share, advance_repaid, advance_source, "
               "created_at) SELECT 'refund:' || order_id, 'cancel', order_id, store_id, NULL, amount, amount, 0, 0, 0, "
               "0, 0, NULL, updated_at FROM payment_parts WHERE status = 'refunded'")


def downgrade() -> None:
    with op.batch_alter_table('payment_parts', schema=None) as batch_op:
        for column in reversed(PART_COLUMNS):
            batch_op.drop_column(column)
    with op.batch_alter_table('quick_refund_advances', schema=None) as batch_op:
        for column in ('order_id', 'consumer_id'):
            batch_op.drop_index(batch_op.f(f'ix_quick_refund_advances_{column}'))
    op.drop_table('quick_refund_advances')
    with op.batch_alter_table('refund_movements', schema=None) as batch_op:
        for column in ('advance_source', 'consumer_id', 'store_id', 'order_id'):
            batch_op.drop_index(batch_op.f(f'ix_refund_movements_{column}'))
    op.drop_table('refund_movements')
    op.drop_table('merchant_debts')
