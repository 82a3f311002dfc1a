"""aftersales: refund requests, returns and disputes

Revision ID: 0015_aftersales
Revises: 0014_credit
Create Date: 2026-11-27 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = '0015_aftersales'
down_revision: str | None = '0014_credit'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
