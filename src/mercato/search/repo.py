"""The search index's queries behind one interface, with a backend per dialect: SQLite FTS5 ranked by bm25() and
PostgreSQL full text ranked by ts_rank_cd(). Terms arrive already cleaned (letters and digits only), grouped as
OR-groups of synonyms that must all match; inactive documents are never returned."""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from mercato.search.model import SearchFilters, SearchHit, is_safe_term
from mercato.search.tables import FTS_TABLE, TSV_COLUMN, search_documents

Groups = Sequence[Sequence[str]]
# ts_rank_cd's normalisation 1 divides by 1 + log(document length), so long documents do not win by size alone
# (as BM25's length term does on SQLite); the re-rank stage will tune this by measurement.
LENGTH_NORMALISATION = 1
d = search_documents
_UPDATABLE = [c.name for c in d.columns if c.name not in ("doc_id", "product_id")]


class SearchBackend(Protocol):
    def upsert(self, rows: Sequence[dict[str, Any]]) -> None: ...
    def delete(self, product_ids: Sequence[str]) -> None: ...
    def search(self, groups: Groups, filters: SearchFilters, limit: int, offset: int) -> list[SearchHit]: ...
    def count(self, groups: Groups, filters: SearchFilters) -> int: ...


def backend_for(conn: Connection) -> SearchBackend:
    return PostgresFtsBackend(conn) if conn.dialect.name == "postgresql" else SqliteFtsBackend(conn)


def _filters(f: SearchFilters) -> list[sa.ColumnElement[bool]]:
    """Every filter as a condition on search_documents; the first one keeps delisted goods out, always."""
    conditions: list[sa.ColumnElement[bool]] = [d.c.active.is_(True)]
    for column, value in ((d.c.vertical_id, f.vertical_id), (d.c.store_kind, f.store_kind),
                          (d.c.brand_id, f.brand_id), (d.c.store_id, f.store_id)):
        if value is not None:
            conditions.append(column == value)
    if f.price_min is not None:
        conditions.append(d.c.price_min >= f.price_min)
    if f.price_max is not None:
        conditions.append(d.c.price_min <= f.price_max)
    if f.min_rating is not None:
        conditions.append(d.c.rating >= f.min_rating)
    if f.in_stock:
        conditions.append(d.c.in_stock.is_(True))
    return conditions


def _safe(groups: Groups) -> list[list[str]]:
    """Defence in depth: only safe terms reach the full-text syntax, and empty groups are dropped."""
    cleaned = [[t for t in group if is_safe_term(t)] for group in groups]
    return [group for group in cleaned if group]


class _Backend:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def upsert(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        insert = (pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert)(d).values(list(rows))
        update = {name: insert.excluded[name] for name in _UPDATABLE}
        self.conn.execute(insert.on_conflict_do_update(index_elements=[d.c.product_id], set_=update))

    def delete(self, product_ids: Sequence[str]) -> None:
        if product_ids:
            self.conn.execute(d.delete().where(d.c.product_id.in_(list(product_ids))))

    def search(self, groups: Groups, filters: SearchFilters, limit: int, offset: int) -> list[SearchHit]:
        safe = _safe(groups)
        if not safe:
            return []
        rows = self.conn.execute(self._ranked(safe, filters).limit(limit).offset(offset))
        return [SearchHit(product_id=row.product_id, score=float(row.score)) for row in rows]

    def count(self, groups: Groups, filters: SearchFilters) -> int:
        safe = _safe(groups)
        if not safe:
            return 0
        inner = self._ranked(safe, filters).order_by(None).subquery()
        return int(self.conn.execute(sa.select(sa.func.count()).select_from(inner)).scalar_one())

    def _ranked(self, groups: list[list[str]], filters: SearchFilters) -> sa.Select[Any]:
        raise NotImplementedError


class SqliteFtsBackend(_Backend):
    """FTS5 external-content table over search_documents.tokens; score = -bm25() so higher is better."""

    fts = sa.table(FTS_TABLE, sa.column("rowid", sa.Integer), sa.column(FTS_TABLE, sa.Text))

    @staticmethod
    def match_expression(groups: list[list[str]]) -> str:
        """`("a" OR "b") AND "c"`: every term is letters and digits only, so quoting cannot be escaped."""
        return " AND ".join("(" + " OR ".join(f'"{term}"' for term in group) + ")" for group in groups)

    def _ranked(self, groups: list[list[str]], filters: SearchFilters) -> sa.Select[Any]:
        bm25 = sa.func.bm25(sa.literal_column(FTS_TABLE))
        match = self.fts.c[FTS_TABLE].op("MATCH")(self.match_expression(groups))
        return (sa.select(d.c.product_id, (-bm25).label("score"))
                .select_from(self.fts.join(d, d.c.doc_id == self.fts.c.rowid))
                .where(match, *_filters(filters)).order_by(bm25, d.c.product_id))


class PostgresFtsBackend(_Backend):
    """The generated tsvector column (config 'simple' over the analysed terms), GIN-indexed; ts_rank_cd scores."""

    tsv = sa.literal_column(f"{d.name}.{TSV_COLUMN}", TSVECTOR)

    @staticmethod
    def ts_query(groups: list[list[str]]) -> sa.ColumnElement[Any]:
        """`(a || b) && c` of plainto_tsquery('simple', term): bound values, so no term can be tsquery syntax."""
        def one(term: str) -> sa.ColumnElement[Any]:
            return sa.func.plainto_tsquery(sa.literal_column("'simple'"), sa.bindparam(None, term, sa.Text))

        ors = [reduce(lambda a, b: a.op("||")(b), [one(t) for t in group]) for group in groups]
        return reduce(lambda a, b: a.op("&&")(b), ors)

    def _ranked(self, groups: list[list[str]], filters: SearchFilters) -> sa.Select[Any]:
        query = self.ts_query(groups)
        rank = sa.func.ts_rank_cd(self.tsv, query, LENGTH_NORMALISATION)
        return (sa.select(d.c.product_id, rank.label("score"))
                .where(self.tsv.op("@@")(query), *_filters(filters)).order_by(rank.desc(), d.c.product_id))
