"""search: shop documents, synonyms the operator edits and the popular-query log for autocomplete

Revision ID: 0010_search_shops
Revises: 0009_search_rank
Create Date: 2026-11-27 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mercato.kernel.db

revision: str = '0010_search_shops'
down_revision: str | None = '0009_search_rank'
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# As 0008 does for products: FTS5 over the pre-analysed tokens, kept in step by triggers in the same transaction.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts_shops USING fts5(tokens, content='search_shops', content_rowid='doc_id', "
    "tokenize=\"unicode61 remove_diacritics 0\", detail=full)",
    "CREATE TRIGGER search_shops_ai AFTER INSERT ON search_shops BEGIN "
    "INSERT INTO search_fts_shops(rowid, tokens) VALUES (new.doc_id, new.tokens); END",
    "CREATE TRIGGER search_shops_ad AFTER DELETE ON search_shops BEGIN "
    "INSERT INTO search_fts_shops(search_fts_shops, rowid, tokens) VALUES ('delete', old.doc_id, old.tokens); END",
    "CREATE TRIGGER search_shops_au AFTER UPDATE OF tokens ON search_shops BEGIN "
    "INSERT INTO search_fts_shops(search_fts_shops, rowid, tokens) VALUES ('delete', old.doc_id, old.tokens); "
    "INSERT INTO search_fts_shops(rowid, tokens) VALUES (new.doc_id, new.tokens); END",
]
POSTGRES_FTS = [
    "ALTER TABLE search_shops ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', tokens)) STORED",
    "CREATE INDEX ix_search_shops_tsv ON search_shops USING gin (tsv)",
]


def upgrade() -> None:
    op.create_table('search_shops',
    sa.Column('doc_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('store_id', sa.String(length=26), nullable=False),
    sa.Column('slug', sa.String(length=48), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('name_zh', sa.String(length=80), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('tokens', sa.Text(), nullable=False),
    sa.Column('product_count', sa.Integer(), nullable=False),
    sa.Column('updated_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('doc_id', name=op.f('pk_search_shops')),
    sa.UniqueConstraint('store_id', name=op.f('uq_search_shops_store_id'))
    )
    op.create_table('search_queries',
    sa.Column('query', sa.String(length=64), nullable=False),
    sa.Column('searches', sa.Integer(), nullable=False),
    sa.Column('results', sa.Integer(), nullable=False),
    sa.Column('last_searched_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('query', name=op.f('pk_search_queries'))
    )
    with op.batch_alter_table('search_queries', schema=None) as batch_op:
        batch_op.create_index('ix_search_queries_prefix', ['query', 'results', 'searches'], unique=False,
                              postgresql_ops={'query': 'text_pattern_ops'})
        batch_op.create_index('ix_search_queries_popular', ['searches', 'query'], unique=False,
                              sqlite_where=sa.text('results > 0'), postgresql_where=sa.text('results > 0'))
    op.create_table('search_synonyms',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('word', sa.String(length=40), nullable=False),
    sa.Column('alternatives', sa.JSON(), nullable=False),
    sa.Column('updated_at', mercato.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_synonyms')),
    sa.UniqueConstraint('word', name=op.f('uq_search_synonyms_word'))
    )
    version = op.create_table('search_synonyms_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.String(length=26), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_synonyms_version'))
    )
    op.bulk_insert(version, [{'id': 1, 'version': '0'}])

    statements = SQLITE_FTS if op.get_bind().dialect.name == 'sqlite' else POSTGRES_FTS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('search_shops_au', 'search_shops_ad', 'search_shops_ai'):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
        op.execute('DROP TABLE IF EXISTS search_fts_shops')
    op.drop_table('search_synonyms_version')
    op.drop_table('search_synonyms')
    with op.batch_alter_table('search_queries', schema=None) as batch_op:
        batch_op.drop_index('ix_search_queries_popular', sqlite_where=sa.text('results > 0'),
                            postgresql_where=sa.text('results > 0'))
        batch_op.drop_index('ix_search_queries_prefix', postgresql_ops={'query': 'text_pattern_ops'})
    op.drop_table('search_queries')
    op.drop_table('search_shops')
