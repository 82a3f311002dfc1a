"""search: shop documents, synonyms the operator edits and the popular-query log for autocomplete

Revision ID: 0010_search_shops
Revises: 0009_search_rank
Create Date: 2026-11-27 07:30:00
"""

from collections.abc import Sequence

revision: str = '0010_search_shops'
down_revision: str | None = '0009_search_rank'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
