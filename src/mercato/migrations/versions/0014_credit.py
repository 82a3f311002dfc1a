"""credit: consumer credit scores

Revision ID: 0014_credit
Revises: 0013_payments_refunds
Create Date: 2026-11-27 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = '0014_credit'
down_revision: str | None = '0013_payments_refunds'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
