"""recommend: behaviour events, dropped-event counts and trained models

Revision ID: 0011_recommend
Revises: 0010_search_shops
Create Date: 2026-11-27 07:30:00
"""

from collections.abc import Sequence

revision: str = '0011_recommend'
down_revision: str | None = '0010_search_shops'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
