"""payments: partial refunds, merchant debts, quick-refund advances

Revision ID: 0013_payments_refunds
Revises: 0012_orders_paid_at
Create Date: 2026-11-27 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = '0013_payments_refunds'
down_revision: str | None = '0012_orders_paid_at'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
