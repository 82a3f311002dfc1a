"""search ranking signals: the columns the sorts, facets and re-rank need

Revision ID: 0009_search_rank
Revises: 0008_search
Create Date: 2026-11-27 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mercato.kernel.db

revision: str = '0009_search_rank'
down_revision: str | None = '0008_search'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# Plain ADD COLUMN on both engines: a batch (copy-and-rename) migration on SQLite would drop the FTS5 triggers that
# 0008 put on search_documents. SQLite adds a NOT NULL column only with a constant default, hence 1970; the rows
# already indexed take their update time, and `mercato search reindex` sets the real creation time.


def upgrade() -> None:
    op.add_column('search_documents', sa.Column('created_at', mercato.kernel.db.UTCDateTime(timezone=True),
                                                nullable=False, server_default=sa.text("'1970-01-01 00:00:00'")))
    op.add_column('search_documents', sa.Column('service_score', sa.Integer(), nullable=True))
    op.execute('UPDATE search_documents SET created_at = updated_at')


def downgrade() -> None:
    op.drop_column('search_documents', 'service_score')
    op.drop_column('search_documents', 'created_at')
