"""reviews: reviews, follow-ups, replies, helpful votes, store ratings

Revision ID: 0016_reviews
Revises: 0015_aftersales
Create Date: 2026-11-27 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = '0016_reviews'
down_revision: str | None = '0015_aftersales'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
