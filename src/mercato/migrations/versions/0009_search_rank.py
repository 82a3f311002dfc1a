"""search ranking signals: the columns the sorts, facets and re-rank need

Revision ID: 0009_search_rank
Revises: 0008_search
Create Date: 2026-11-27 07:30:00
"""

from collections.abc import Sequence

revision: str = '0009_search_rank'
down_revision: str | None = '0008_search'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
