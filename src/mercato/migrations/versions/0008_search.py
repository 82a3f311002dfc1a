"""search: search_documents, with SQLite's FTS5 table and triggers or PostgreSQL's generated tsvector and GIN index

Revision ID: 0008_search
Revises: 0007_membership
Create Date: 2026-11-27 05:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mercato.kernel.db

revision: str = '0008_search'
down_revision: str | None = '0007_membership'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# FTS5 over the pre-analysed `tokens` (terms separated by spaces; unicode61 keeps each Han word whole), kept in
# step with search_documents by triggers so every write is indexed in the same transaction.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(tokens, content='search_documents', content_rowid='doc_id', "
    "tokenize=\"unicode61 remove_diacritics 0\", detail=full)",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.doc_id, new.tokens); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.doc_id, old.tokens); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE OF tokens ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.doc_id, old.tokens); "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.doc_id, new.tokens); END",
]
# The 'simple' configuration only lower-cases and splits on spaces, so jieba's segmentation is kept.
POSTGRES_FTS = [
    "ALTER TABLE search_documents ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', tokens)) STORED",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)",
]


def upgrade() -> None:
    op.create_table('search_documents',
    sa.Column('doc_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('product_id', sa.String(length=26), nullable=False),
    sa.Column('store_id', sa.String(length=26), nullable=False),
    sa.Column('vertical_id', sa.String(length=26), nullable=False),
    sa.Column('brand_id', sa.String(length=26), nullable=True),
    sa.Column('store_kind', sa.String(length=16), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('title_zh', sa.String(length=300), nullable=False),
    sa.Column('tokens', sa.Text(), nullable=False),
    sa.Column('price_min', sa.BigInteger(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('sales', sa.Integer(), nullable=False),
    sa.Column('in_stock', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('doc_id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('product_id', name=op.f('uq_search_documents_product_id'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_documents_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_store_id'), ['store_id'], unique=False)
        batch_op.create_index('ix_search_documents_vertical', ['vertical_id', 'active'], unique=False)

    statements = SQLITE_FTS if op.get_bind().dialect.name == 'sqlite' else POSTGRES_FTS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('search_documents_au', 'search_documents_ad', 'search_documents_ai'):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
        op.execute('DROP TABLE IF EXISTS search_fts')
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_vertical')
        batch_op.drop_index(batch_op.f('ix_search_documents_store_id'))
        batch_op.drop_index(batch_op.f('ix_search_documents_brand_id'))

    op.drop_table('search_documents')
