"""The queries of shop search, autocomplete and the synonym table, with a dialect-specific part for each full-text
engine (SQLite FTS5, PostgreSQL tsvector): the shop documents and their index, the per-store counts of matching goods
in the product index, the popular-query log with its prefix scans, and the synonym entries with their version
stamp. Terms arrive cleaned (letters and digits only)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from mercato.search.model import is_safe_term
from mercato.search.tables import FTS_TABLE, TSV_COLUMN, search_documents
from mercato.search.tables_shops import (
    POPULAR_INDEX,
    SHOP_FTS_TABLE,
    SHOP_TSV_COLUMN,
    search_queries,
    search_shops,
    search_synonyms,
    search_synonyms_version,
)

Groups = Sequence[Sequence[str]]
d = search_documents
s = search_shops
q = search_queries
_SHOP_UPDATABLE = [c.name for c in s.columns if c.name not in ("doc_id", "store_id")]
# The highest code point: every key starting with a prefix sorts below prefix + this under a binary collation.
_LAST = "\U0010ffff"
PREFIX_PROBE = 300


@dataclass(frozen=True, slots=True)
class ShopRow:
    store_id: str
    slug: str
    kind: str
    name_en: str
    name_zh: str
    tags: tuple[str, ...]
    product_count: int
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class GoodsRow:
    product_id: str
    store_id: str
    title_en: str
    title_zh: str
    price_min: int


def safe_groups(groups: Groups) -> list[list[str]]:
    """Defence in depth: only letters-and-digits terms reach full-text syntax; empty groups are dropped."""
    cleaned = [[t for t in group if is_safe_term(t)] for group in groups]
    return [group for group in cleaned if group]


def _is_pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def fts5_match(groups: Groups, prefix: str | None = None) -> str:
    """`("a" OR "b") AND "c"*`: every term is letters and digits only, so the quoting cannot be escaped."""
    parts = ["(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in groups]
    if prefix is not None:
        parts.append(f'"{prefix}"*')
    return " AND ".join(parts)


def ts_query(groups: Groups, prefix: str | None = None) -> sa.ColumnElement[Any]:
    """`(a || b) && c:*` from bound values: plainto_tsquery for whole terms; the prefix term (letters and digits,
    so no tsquery syntax) gets `:*`."""
    simple: sa.ColumnElement[Any] = sa.literal_column("'simple'")

    def one(term: str) -> sa.ColumnElement[Any]:
        return sa.func.plainto_tsquery(simple, sa.bindparam(None, term, sa.Text))

    parts = [reduce(lambda a, b: a.op("||")(b), [one(t) for t in group]) for group in groups]
    if prefix is not None:
        parts.append(sa.func.to_tsquery(simple, sa.bindparam(None, prefix + ":*", sa.Text)))
    return reduce(lambda a, b: a.op("&&")(b), parts)


def _goods_match(conn: Connection, groups: Groups, prefix: str | None = None) -> tuple[Any, sa.ColumnElement[bool]]:
    """The FROM clause and the condition that select active products matching the terms."""
    if _is_pg(conn):
        tsv = sa.literal_column(f"{d.name}.{TSV_COLUMN}", TSVECTOR)
        return d, sa.and_(tsv.op("@@")(ts_query(groups, prefix)), d.c.active.is_(True))
    fts = sa.table(FTS_TABLE, sa.column("rowid", sa.Integer), sa.column(FTS_TABLE, sa.Text))
    match = fts.c[FTS_TABLE].op("MATCH")(fts5_match(groups, prefix))
    return fts.join(d, d.c.doc_id == fts.c.rowid), sa.and_(match, d.c.active.is_(True))


class ShopIndexRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- shop documents ---------------------------------------------------------------------------------------

    def upsert(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        insert = (pg_insert if _is_pg(self.conn) else sqlite_insert)(s).values(list(rows))
        update = {name: insert.excluded[name] for name in _SHOP_UPDATABLE}
        self.conn.execute(insert.on_conflict_do_update(index_elements=[s.c.store_id], set_=update))

    def set_active(self, store_id: str, active: bool) -> bool:
        done = self.conn.execute(s.update().where(s.c.store_id == store_id).values(active=active))
        return done.rowcount == 1

    def indexed_store_ids(self) -> list[str]:
        """Stores with a shop document or an indexed product: what a full refresh walks."""
        union = sa.union(sa.select(s.c.store_id), sa.select(d.c.store_id).distinct())
        return sorted(self.conn.execute(sa.select(union.subquery().c.store_id)).scalars())

    def goods_tokens(self, store_ids: Sequence[str]) -> Iterator[tuple[str, str]]:
        """(store id, analysed terms) of each active product of the stores."""
        if not store_ids:
            return iter(())
        rows = self.conn.execute(sa.select(d.c.store_id, d.c.tokens).where(
            d.c.store_id.in_(list(store_ids)), d.c.active.is_(True)).order_by(d.c.store_id, d.c.doc_id))
        return ((row.store_id, row.tokens) for row in rows)

    def shops(self, store_ids: Sequence[str]) -> dict[str, ShopRow]:
        """The active stores among `store_ids` (a suspended store is never served)."""
        if not store_ids:
            return {}
        rows = self.conn.execute(sa.select(s).where(s.c.store_id.in_(list(store_ids)), s.c.active.is_(True)))
        return {row.store_id: _shop(row) for row in rows}

    # --- shop search ------------------------------------------------------------------------------------------

    def search(self, groups: Groups, kind: str | None, limit: int, offset: int) -> list[ShopRow]:
        safe = safe_groups(groups)
        if not safe:
            return []
        return [_shop(row, float(row.score)) for row in self.conn.execute(
            self._ranked(safe, kind).limit(limit).offset(offset))]

    def _ranked(self, groups: Groups, kind: str | None) -> sa.Select[Any]:
        conditions = [s.c.active.is_(True)] + ([s.c.kind == kind] if kind else [])
        if _is_pg(self.conn):
            tsv = sa.literal_column(f"{s.name}.{SHOP_TSV_COLUMN}", TSVECTOR)
            query = ts_query(groups)
            rank = sa.func.ts_rank_cd(tsv, query, 1)
            return (sa.select(s, rank.label("score")).where(tsv.op("@@")(query), *conditions)
                    .order_by(rank.desc(), s.c.store_id))
        fts = sa.table(SHOP_FTS_TABLE, sa.column("rowid", sa.Integer), sa.column(SHOP_FTS_TABLE, sa.Text))
        bm25 = sa.func.bm25(sa.literal_column(SHOP_FTS_TABLE))
        match = fts.c[SHOP_FTS_TABLE].op("MATCH")(fts5_match(groups))
        return (sa.select(s, (-bm25).label("score")).select_from(fts.join(s, s.c.doc_id == fts.c.rowid))
                .where(match, *conditions).order_by(bm25, s.c.store_id))

    # --- the product index, per store -------------------------------------------------------------------------

    def matching_counts(self, groups: Groups, limit: int) -> dict[str, int]:
        """Active products matching the terms, counted per store (the `limit` stores with most matches)."""
        safe = safe_groups(groups)
        if not safe:
            return {}
        source, condition = _goods_match(self.conn, safe)
        count = sa.func.count().label("n")
        stmt = (sa.select(d.c.store_id, count).select_from(source).where(condition).group_by(d.c.store_id)
                .order_by(count.desc(), d.c.store_id).limit(limit))
        return {row.store_id: int(row.n) for row in self.conn.execute(stmt)}

    def sample_goods(self, groups: Groups, store_ids: Sequence[str], per_store: int) -> dict[str, list[GoodsRow]]:
        """Each store's best-selling active products matching the terms, at most `per_store` each."""
        safe = safe_groups(groups)
        if not safe or not store_ids:
            return {}
        source, condition = _goods_match(self.conn, safe)
        place = sa.func.row_number().over(partition_by=d.c.store_id, order_by=(d.c.sales.desc(), d.c.product_id))
        inner = (sa.select(d.c.product_id, d.c.store_id, d.c.title_en, d.c.title_zh, d.c.price_min,
                           place.label("place"))
                 .select_from(source).where(condition, d.c.store_id.in_(list(store_ids))).subquery())
        rows = self.conn.execute(sa.select(inner).where(inner.c.place <= per_store)
                                 .order_by(inner.c.store_id, inner.c.place))
        found: dict[str, list[GoodsRow]] = {}
        for row in rows:
            found.setdefault(row.store_id, []).append(
                GoodsRow(row.product_id, row.store_id, row.title_en, row.title_zh, int(row.price_min)))
        return found

    def titles_with_prefix(self, whole: Sequence[str], prefix: str, limit: int) -> list[tuple[str, str, int]]:
        """(title_en, title_zh, sales) of up to `limit` active products with every whole term and a term starting
        with `prefix`; the first ones the index yields, unordered, so a short prefix stays cheap."""
        if not is_safe_term(prefix):
            return []
        source, condition = _goods_match(self.conn, safe_groups([[t] for t in whole]), prefix)
        stmt = sa.select(d.c.title_en, d.c.title_zh, d.c.sales).select_from(source).where(condition).limit(limit)
        return [(row.title_en, row.title_zh, int(row.sales)) for row in self.conn.execute(stmt)]


def _shop(row: Any, score: float = 0.0) -> ShopRow:
    return ShopRow(store_id=row.store_id, slug=row.slug, kind=row.kind, name_en=row.name_en, name_zh=row.name_zh,
                   tags=tuple(row.tags or ()), product_count=int(row.product_count), score=score)


class QueryLogRepo:
    """The popular-query log: one row per normalised query."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def record(self, key: str, results: int, now: datetime) -> None:
        """One more search of `key` (never more than one per call), with its latest result count."""
        insert = (pg_insert if _is_pg(self.conn) else sqlite_insert)(q).values(
            query=key, searches=1, results=results, last_searched_at=now)
        self.conn.execute(insert.on_conflict_do_update(index_elements=[q.c.query], set_={
            "searches": q.c.searches + 1, "results": insert.excluded.results,
            "last_searched_at": insert.excluded.last_searched_at}))

    def popular_with_prefix(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """The most searched queries starting with `prefix` whose last search found something (ties: the later key
        in code point order first). The prefix is a key (letters, digits, single spaces), so it holds no LIKE
        wildcard: PostgreSQL serves LIKE 'p%' from the text_pattern_ops index, SQLite a range of its binary
        collation. A narrow prefix is answered from its few matches (at most PREFIX_PROBE, read in key order); a
        broad one by walking the queries from the most searched down until `limit` of them start with it, so no
        prefix sorts thousands of rows."""
        starts: sa.ColumnElement[bool]
        if _is_pg(self.conn):
            starts = q.c.query.like(prefix + "%")
        else:
            starts = sa.and_(q.c.query >= prefix, q.c.query < prefix + _LAST)
        found = sa.select(q.c.query, q.c.searches).where(starts, q.c.results > 0)
        narrow = list(self.conn.execute(found.limit(PREFIX_PROBE + 1)))
        if len(narrow) <= PREFIX_PROBE:
            best = sorted(((row.searches, row.query) for row in narrow), reverse=True)[:limit]
            return [(query, int(searches)) for searches, query in best]
        broad = found.order_by(q.c.searches.desc(), q.c.query.desc()).limit(limit)
        if not _is_pg(self.conn):
            broad = broad.with_hint(q, f"INDEXED BY {POPULAR_INDEX}", "sqlite")
        return [(row.query, int(row.searches)) for row in self.conn.execute(broad)]

    def get(self, key: str) -> tuple[int, int] | None:
        row = self.conn.execute(sa.select(q.c.searches, q.c.results).where(q.c.query == key)).first()
        return (int(row.searches), int(row.results)) if row else None


SynonymRow = tuple[str, str, list[str], datetime]  # id, word, alternatives, updated_at
syn = search_synonyms
version = search_synonyms_version
VERSION_ROW = 1


class SynonymRepo:
    """The operator's synonym entries and the version stamp every edit renews."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def version(self) -> str:
        found = self.conn.execute(sa.select(version.c.version).where(version.c.id == VERSION_ROW)).scalar()
        return str(found) if found is not None else ""

    def renew_version(self, stamp: str) -> None:
        done = self.conn.execute(version.update().where(version.c.id == VERSION_ROW).values(version=stamp))
        if done.rowcount == 0:
            self.conn.execute(version.insert().values(id=VERSION_ROW, version=stamp))

    def all(self) -> list[SynonymRow]:
        return [_synonym(row) for row in self.conn.execute(sa.select(syn).order_by(syn.c.word))]

    def get(self, entry_id: str) -> SynonymRow | None:
        row = self.conn.execute(sa.select(syn).where(syn.c.id == entry_id)).first()
        return _synonym(row) if row is not None else None

    def id_of_word(self, word: str) -> str | None:
        found = self.conn.execute(sa.select(syn.c.id).where(syn.c.word == word)).scalar()
        return str(found) if found is not None else None

    def insert(self, entry_id: str, word: str, alternatives: Sequence[str], now: datetime) -> None:
        self.conn.execute(syn.insert().values(id=entry_id, word=word, alternatives=list(alternatives),
                                              updated_at=now))

    def update(self, entry_id: str, word: str, alternatives: Sequence[str], now: datetime) -> None:
        self.conn.execute(syn.update().where(syn.c.id == entry_id).values(
            word=word, alternatives=list(alternatives), updated_at=now))

    def delete(self, entry_id: str) -> None:
        self.conn.execute(syn.delete().where(syn.c.id == entry_id))


def _synonym(row: Any) -> SynonymRow:
    return (row.id, row.word, list(row.alternatives), row.updated_at)
