"""search tables: one analysed document per product. The full-text structures live outside this metadata, made by
migration 0008: on SQLite the FTS5 table `search_fts` (external content, kept in step by triggers), on PostgreSQL
the generated `tsv` tsvector column with its GIN index. Migration 0009 adds the ranking signals: the product's creation
time (the "newest" sort) and the store's service score (the re-rank's quality)."""

import sqlalchemy as sa

from mercato.kernel.db import UTCDateTime, metadata, timestamp

# `doc_id` is an INTEGER PRIMARY KEY so it is SQLite's stable rowid, which FTS5's external content needs
# (an implicit rowid may be renumbered by VACUUM); products are found by the unique `product_id`.
search_documents = sa.Table(
    "search_documents", metadata,
    sa.Column("doc_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("product_id", sa.String(26), nullable=False, unique=True),
    sa.Column("store_id", sa.String(26), nullable=False, index=True),
    sa.Column("vertical_id", sa.String(26), nullable=False),
    sa.Column("brand_id", sa.String(26), nullable=True, index=True),
    sa.Column("store_kind", sa.String(16), nullable=False),
    sa.Column("title_en", sa.String(300), nullable=False),
    sa.Column("title_zh", sa.String(300), nullable=False),
    sa.Column("tokens", sa.Text, nullable=False),  # the analysed terms, space-separated (jieba-segmented Chinese)
    sa.Column("price_min", sa.BigInteger, nullable=False),  # fen
    sa.Column("rating", sa.Integer, nullable=True),  # stars x 100
    sa.Column("sales", sa.Integer, nullable=False),
    sa.Column("in_stock", sa.Boolean, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    timestamp("updated_at"),
    # Documents indexed before 0009 took 1970 and their update time (see the migration); every write sets it.
    sa.Column("created_at", UTCDateTime(), nullable=False, server_default=sa.text("'1970-01-01 00:00:00'")),
    sa.Column("service_score", sa.Integer, nullable=True),  # stars x 100; None until the store is rated
    sa.Index("ix_search_documents_vertical", "vertical_id", "active"),
)

# Names of the full-text objects made outside the metadata, which schema comparison must ignore.
FTS_TABLE = "search_fts"
TSV_COLUMN = "tsv"
TSV_INDEX = "ix_search_documents_tsv"
