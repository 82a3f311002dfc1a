"""reviews: reviewer risk, reports, folds and sanctions

Revision ID: 0017_review_abuse
Revises: 0016_reviews
Create Date: 2026-11-27 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = '0017_review_abuse'
down_revision: str | None = '0016_reviews'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
