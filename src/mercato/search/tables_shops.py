"""search tables for shops, autocomplete and synonyms: one analysed document per store (`search_shops`), the log of
popular queries (`search_queries`) and the operator's synonym table with its version counter. Full-text structures
for shops live outside this metadata, made by migration 0010 like 0008's for products: on SQLite the FTS5 table
`search_fts_shops` kept in step by triggers, on PostgreSQL the generated `tsv` column with its GIN index."""

import sqlalchemy as sa

from mercato.kernel.db import id_column, metadata, timestamp

# `doc_id` is an INTEGER PRIMARY KEY so it is SQLite's stable rowid, which FTS5's external content needs.
search_shops = sa.Table(
    "search_shops", metadata,
    sa.Column("doc_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("store_id", sa.String(26), nullable=False, unique=True),
    sa.Column("slug", sa.String(48), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # flagship | independent
    sa.Column("active", sa.Boolean, nullable=False),  # False while the store is suspended: never served
    sa.Column("name_en", sa.String(80), nullable=False),
    sa.Column("name_zh", sa.String(80), nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),  # the store's tags as shown, a list of strings
    sa.Column("tokens", sa.Text, nullable=False),  # analysed names, descriptions, tags and the terms of its goods
    sa.Column("product_count", sa.Integer, nullable=False),  # active products when last refreshed
    timestamp("updated_at"),
)

# The normalised query (see suggest.query_key) is the key. Two indexes serve autocomplete on both databases: the
# prefix index (a range of SQLite's binary collation; text_pattern_ops for LIKE 'prefix%' on PostgreSQL), covering
# what the ranking reads, for narrow prefixes; and the popularity index of the queries that found something, walked
# from the most searched down, for broad prefixes (one letter) that match thousands of queries.
POPULAR_INDEX = "ix_search_queries_popular"
search_queries = sa.Table(
    "search_queries", metadata,
    sa.Column("query", sa.String(64), primary_key=True),
    sa.Column("searches", sa.Integer, nullable=False),
    sa.Column("results", sa.Integer, nullable=False),  # the result count of the last search
    timestamp("last_searched_at"),
    sa.Index("ix_search_queries_prefix", "query", "results", "searches",
             postgresql_ops={"query": "text_pattern_ops"}),
    sa.Index(POPULAR_INDEX, "searches", "query", sqlite_where=sa.text("results > 0"),
             postgresql_where=sa.text("results > 0")),
)

search_synonyms = sa.Table(
    "search_synonyms", metadata,
    id_column(),
    sa.Column("word", sa.String(40), nullable=False, unique=True),  # normalised (see synonyms.normalise_word)
    sa.Column("alternatives", sa.JSON, nullable=False),  # normalised words, a list of strings
    timestamp("updated_at"),
)

# One row, given a fresh version (a new opaque id) in the transaction of every synonym edit: each process compares
# it with the version its cache was built from, so an edit reaches every process on its next search. A new id
# rather than a counter: a rolled-back edit's number could otherwise come back with other contents.
search_synonyms_version = sa.Table(
    "search_synonyms_version", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.String(26), nullable=False),
)

SHOP_FTS_TABLE = "search_fts_shops"
SHOP_TSV_COLUMN = "tsv"
SHOP_TSV_INDEX = "ix_search_shops_tsv"
