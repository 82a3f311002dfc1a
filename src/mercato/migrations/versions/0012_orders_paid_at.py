"""trade: an index on orders.paid_at for the recent-sales signal search ranks by

Revision ID: 0012_orders_paid_at
Revises: 0011_recommend
Create Date: 2026-11-27 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0012_orders_paid_at'
down_revision: str | None = '0011_recommend'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_orders_paid_at', 'orders', ['paid_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_orders_paid_at', table_name='orders')
