"""The search index's queries behind one interface, with a backend per dialect: SQLite FTS5 ranked by bm25() and
PostgreSQL full text ranked by ts_rank_cd() (full matches) and ts_rank() (partial matches). Terms arrive already
cleaned (letters and digits only), grouped as OR-groups of synonyms; a `Match` asks for the documents matching every
group, or (`rest_of`) those matching some term of the query but not every used group: the second tier of
relevance. Inactive documents are never returned."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from mercato.search.model import SearchFilters, SearchHit, SearchSort, is_safe_term
from mercato.search.model.facets import FacetRow
from mercato.search.tables import FTS_TABLE, TSV_COLUMN, search_documents

Groups = Sequence[Sequence[str]]
# ts_rank_cd's normalisation 1 divides by 1 + log(document length), so long documents do not win by size alone
# (as BM25's length term does on SQLite).
LENGTH_NORMALISATION = 1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
d = search_documents
_UPDATABLE = [c.name for c in d.columns if c.name not in ("doc_id", "product_id")]
_ALL: sa.ColumnClause[Any] = sa.literal_column("*")
_SCORE: sa.ColumnClause[Any] = sa.literal_column("score")
_HIT_COLUMNS = (d.c.doc_id, d.c.product_id, d.c.store_id, d.c.store_kind, d.c.vertical_id, d.c.brand_id, d.c.title_en,
                d.c.title_zh, d.c.price_min, d.c.in_stock, d.c.sales, d.c.rating, d.c.service_score)


@dataclass(frozen=True, slots=True)
class Match:
    """Documents matching every group of `groups`; with `rest_of`, those matching any term of `rest_of` but not
    every group of `groups` (the partial matches, tier 1)."""

    groups: list[list[str]]
    rest_of: list[list[str]] | None = None

    @property
    def tier(self) -> int:
        return 0 if self.rest_of is None else 1


@dataclass(frozen=True, slots=True)
class Ranked:
    """A page of a ranked match; `capped`: at least `cap` documents matched, so only the first `cap` of them in
    the index's own order were scored (see `_Backend.top`)."""

    hits: list[SearchHit]
    capped: bool = False


@dataclass(frozen=True, slots=True)
class Keyset:
    value: int  # the last hit's sort value (micro-seconds since the epoch for `newest`)
    doc_id: int


class SearchBackend(Protocol):
    def upsert(self, rows: Sequence[dict[str, Any]], keep: Sequence[str] = ()) -> None: ...
    def delete(self, product_ids: Sequence[str]) -> None: ...
    def set_sales(self, sales: dict[str, int]) -> int: ...
    def has_documents(self) -> bool: ...
    def replace_sales(self, sales: dict[str, int]) -> int: ...
    def search(self, groups: Groups, filters: SearchFilters, limit: int, offset: int) -> list[SearchHit]: ...
    def ranked(self, match: Match, filters: SearchFilters, limit: int, offset: int) -> list[SearchHit]: ...
    def top(self, match: Match, filters: SearchFilters, limit: int, offset: int, cap: int | None) -> Ranked: ...
    def count(self, groups: Groups, filters: SearchFilters, cap: int | None = None) -> int: ...
    def exists(self, groups: Groups, filters: SearchFilters) -> bool: ...
    def holds_any(self, terms: Sequence[str]) -> bool: ...
    def tokens_of(self, product_id: str) -> list[str]: ...
    def sorted_page(self, match: Match, filters: SearchFilters, sort: SearchSort, after: Keyset | None,
                    limit: int) -> list[tuple[SearchHit, Keyset]]: ...
    def facet_rows(self, match: Match, filters: SearchFilters, limit: int) -> list[FacetRow]: ...


def backend_for(conn: Connection) -> SearchBackend:
    return PostgresFtsBackend(conn) if conn.dialect.name == "postgresql" else SqliteFtsBackend(conn)


def product_ids_of_store(conn: Connection, store_id: str) -> list[str]:
    """Every indexed product of the store, served or not."""
    return list(conn.execute(sa.select(d.c.product_id).where(d.c.store_id == store_id)
                             .order_by(d.c.product_id)).scalars())


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


def _safe_match(match: Match) -> Match | None:
    groups = _safe(match.groups)
    if not groups:
        return None
    if match.rest_of is None:
        return Match(groups)
    rest = _safe(match.rest_of)
    return Match(groups, rest) if rest else None


def _hit(row: Any, score: float, tier: int) -> SearchHit:
    return SearchHit(product_id=row.product_id, score=score, tier=tier, store_id=row.store_id,
                     store_kind=row.store_kind, vertical_id=row.vertical_id, brand_id=row.brand_id,
                     title_en=row.title_en, title_zh=row.title_zh, price_min=int(row.price_min),
                     in_stock=bool(row.in_stock), sales=int(row.sales), rating=row.rating,
                     service_score=row.service_score)


def micros(at: datetime) -> int:
    return (at - EPOCH) // timedelta(microseconds=1)


_SORTS: dict[SearchSort, tuple[sa.ColumnElement[Any], bool]] = {  # column, descending
    SearchSort.SALES: (d.c.sales, True),
    SearchSort.PRICE_ASC: (d.c.price_min, False),
    SearchSort.PRICE_DESC: (d.c.price_min, True),
    SearchSort.NEWEST: (d.c.created_at, True),
}


def _key_value(sort: SearchSort, row: Any) -> int:
    return micros(row.created_at) if sort is SearchSort.NEWEST else int(row.sales if sort is SearchSort.SALES
                                                                          else row.price_min)


def _after(sort: SearchSort, after: Keyset) -> sa.ColumnElement[bool]:
    column, descending = _SORTS[sort]
    value: Any = EPOCH + timedelta(microseconds=after.value) if sort is SearchSort.NEWEST else after.value
    beyond = column < value if descending else column > value
    return sa.or_(beyond, sa.and_(column == value, d.c.doc_id > after.doc_id))


@functools.cache
def _upsert_statement(dialect: str, keep: tuple[str, ...]) -> sa.Insert:
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(d)
    update = {name: insert.excluded[name] for name in _UPDATABLE if name not in keep}
    return insert.on_conflict_do_update(index_elements=[d.c.product_id], set_=update)


class _Backend:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def upsert(self, rows: Sequence[dict[str, Any]], keep: Sequence[str] = ()) -> None:
        """Insert or replace documents; an existing document keeps its `keep` columns (e.g. its sales figure).
        One statement executed over every row (executemany): compiling one multi-VALUES statement of a whole
        batch cost most of the build (bench/README.md, search speed: 4.9x faster on SQLite, 11.7x on PostgreSQL)."""
        if rows:
            self.conn.execute(_upsert_statement(self.conn.dialect.name, tuple(keep)), list(rows))

    def delete(self, product_ids: Sequence[str]) -> None:
        if product_ids:
            self.conn.execute(d.delete().where(d.c.product_id.in_(list(product_ids))))

    def has_documents(self) -> bool:
        return self.conn.execute(sa.select(d.c.doc_id).limit(1)).first() is not None

    def set_sales(self, sales: dict[str, int]) -> int:
        """Set each product's recent sales where it changed (one executemany); how many documents changed."""
        if not sales:
            return 0
        statement = (d.update().where(d.c.product_id == sa.bindparam("pid"), d.c.sales != sa.bindparam("units"))
                     .values(sales=sa.bindparam("units")))
        result = self.conn.execute(statement, [{"pid": pid, "units": units} for pid, units in sales.items()])
        return max(int(result.rowcount), 0)

    def replace_sales(self, sales: dict[str, int]) -> int:
        """`sales` becomes every document's figure (0 for the products absent from it), in the caller's
        transaction: the documents that sold before are zeroed first, so readers see one state or the other; how
        many documents sold something."""
        self.conn.execute(d.update().where(d.c.sales != 0).values(sales=0))
        return self.set_sales({pid: units for pid, units in sales.items() if units != 0})

    def search(self, groups: Groups, filters: SearchFilters, limit: int, offset: int) -> list[SearchHit]:
        """Documents matching every group, best first (the first tier)."""
        return self.ranked(Match([list(g) for g in groups]), filters, limit, offset)

    def ranked(self, match: Match, filters: SearchFilters, limit: int, offset: int) -> list[SearchHit]:
        """Every matching document scored, best first (no cap)."""
        return self.top(match, filters, limit, offset, None).hits

    def top(self, match: Match, filters: SearchFilters, limit: int, offset: int, cap: int | None) -> Ranked:
        """Positions offset..offset+limit of the match, best first, among its first `cap` documents in the
        index's own order (FTS5's rowid order on SQLite, the GIN bitmap's table order on PostgreSQL: both about
        the order of indexing) when `cap` is set: scoring is the cost of a common term (117,502 goods hold "day"
        in the 1M-product bench), so at most `cap` are scored and the page says when the cap was reached."""
        safe = _safe_match(match)
        if safe is None:
            return Ranked([])
        scored = self._scored(safe, filters)
        if cap is None:
            query = scored.order_by(_SCORE.desc(), d.c.doc_id)
        else:
            # The candidates' columns by name (`*`): building the subquery's column proxies on every query cost
            # more than SQLite's work for a rare term.
            query = (sa.select(_ALL, sa.func.count().over().label("candidates"))
                     .select_from(scored.limit(cap).subquery("candidates"))
                     .order_by(_SCORE.desc(), sa.literal_column("doc_id")))
        rows = list(self.conn.execute(query.limit(limit).offset(offset)))
        full = cap is not None and bool(rows) and int(rows[0].candidates) >= cap
        capped = full and cap is not None and self._count(safe, filters, cap + 1) > cap
        return Ranked([_hit(row, float(row.score), safe.tier) for row in rows], capped)

    def count(self, groups: Groups, filters: SearchFilters, cap: int | None = None) -> int:
        """How many documents match every group, counting at most `cap` when given (a cheap document frequency
        for relaxation: counting a common term fully cost 0.8-1.6 s at 1M products)."""
        safe = _safe_match(Match([list(g) for g in groups]))
        return 0 if safe is None else self._count(safe, filters, cap)

    def _count(self, match: Match, filters: SearchFilters, cap: int | None) -> int:
        inner = self._matching(match, filters, d.c.doc_id).limit(cap).subquery()
        return int(self.conn.execute(sa.select(sa.func.count()).select_from(inner)).scalar_one())

    def exists(self, groups: Groups, filters: SearchFilters) -> bool:
        return self.count(groups, filters, 1) > 0

    def holds_any(self, terms: Sequence[str]) -> bool:
        """Whether any indexed document, served or not, holds any of the terms: the index's vocabulary, asked in
        one statement on the full-text index alone."""
        safe = _safe([list(terms)])
        if not safe:
            return False
        # One EXISTS per term: PostgreSQL plans a single term by its own frequency (the GIN index for a rare or
        # absent one), while an OR of several unknown terms looked common enough to scan the table for a LIMIT 1.
        held = sa.or_(*[sa.exists(self._holding([term])) for term in safe[0]])
        return bool(self.conn.execute(sa.select(held)).scalar_one())

    def tokens_of(self, product_id: str) -> list[str]:
        """The analysed terms of one document (none when it is not indexed)."""
        tokens = self.conn.execute(sa.select(d.c.tokens).where(d.c.product_id == product_id)).scalar_one_or_none()
        return tokens.split() if tokens else []

    def sorted_page(self, match: Match, filters: SearchFilters, sort: SearchSort, after: Keyset | None,
                    limit: int) -> list[tuple[SearchHit, Keyset]]:
        safe = _safe_match(match)
        if safe is None:
            return []
        column, descending = _SORTS[sort]
        query = self._matching(safe, filters, *_HIT_COLUMNS, d.c.created_at)
        if after is not None:
            query = query.where(_after(sort, after))
        query = query.order_by(column.desc() if descending else column.asc(), d.c.doc_id).limit(limit)
        return [(_hit(row, 0.0, safe.tier), Keyset(_key_value(sort, row), int(row.doc_id)))
                for row in self.conn.execute(query)]

    def facet_rows(self, match: Match, filters: SearchFilters, limit: int) -> list[FacetRow]:
        safe = _safe_match(match)
        if safe is None:
            return []
        query = self._matching(safe, filters, d.c.vertical_id, d.c.store_kind, d.c.brand_id, d.c.price_min,
                               d.c.rating, d.c.in_stock).limit(limit)
        return [FacetRow(r.vertical_id, r.store_kind, r.brand_id, int(r.price_min), r.rating, bool(r.in_stock))
                for r in self.conn.execute(query)]

    def _matching(self, match: Match, filters: SearchFilters, *columns: Any) -> sa.Select[Any]:
        raise NotImplementedError

    def _holding(self, terms: list[str]) -> sa.Select[Any]:
        raise NotImplementedError

    def _scored(self, match: Match, filters: SearchFilters) -> sa.Select[Any]:
        """The matching documents' hit columns and text score (`score`, higher is better), unordered."""
        raise NotImplementedError


class SqliteFtsBackend(_Backend):
    """FTS5 external-content table over search_documents.tokens; score = -bm25() so higher is better."""

    fts = sa.table(FTS_TABLE, sa.column("rowid", sa.Integer), sa.column(FTS_TABLE, sa.Text))

    @staticmethod
    def match_expression(groups: list[list[str]]) -> str:
        """`("a" OR "b") AND "c"`: every term is letters and digits only, so quoting cannot be escaped."""
        return " AND ".join("(" + " OR ".join(f'"{term}"' for term in group) + ")" for group in groups)

    @classmethod
    def fts_query(cls, match: Match) -> str:
        """Every group; or, for the rest, any term of the query NOT every group (FTS5's binary NOT)."""
        if match.rest_of is None:
            return cls.match_expression(match.groups)
        anything = " OR ".join(f'"{term}"' for group in match.rest_of for term in group)
        return f"({anything}) NOT ({cls.match_expression(match.groups)})"

    def _matching(self, match: Match, filters: SearchFilters, *columns: Any) -> sa.Select[Any]:
        condition = self.fts.c[FTS_TABLE].op("MATCH")(self.fts_query(match))
        return (sa.select(*columns).select_from(self.fts.join(d, d.c.doc_id == self.fts.c.rowid))
                .where(condition, *_filters(filters)))

    def _holding(self, terms: list[str]) -> sa.Select[Any]:
        return sa.select(self.fts.c.rowid).where(self.fts.c[FTS_TABLE].op("MATCH")(self.match_expression([terms])))

    def _scored(self, match: Match, filters: SearchFilters) -> sa.Select[Any]:
        bm25 = sa.func.bm25(sa.literal_column(FTS_TABLE))
        return self._matching(match, filters, *_HIT_COLUMNS, (-bm25).label("score"))


class PostgresFtsBackend(_Backend):
    """The generated tsvector column (config 'simple' over the analysed terms), GIN-indexed; ts_rank_cd scores
    full matches, ts_rank partial ones."""

    tsv = sa.literal_column(f"{d.name}.{TSV_COLUMN}", TSVECTOR)

    @staticmethod
    def _term(term: str) -> sa.ColumnElement[Any]:
        """plainto_tsquery('simple', 'term'), the term a constant in the statement: a bound one let psycopg's
        prepared statements fall back to PostgreSQL's generic plan, which guesses 5,000 matches and scans the
        table for a `LIMIT` (1.3 s at 1,000,000 documents for a term no document holds, against 8 ms planned with
        the term). A safe term is letters and digits only, so it cannot close the quotes; anything else is refused
        here as well as by `_safe`."""
        if not is_safe_term(term):
            raise ValueError("only safe terms reach the tsquery")
        return sa.func.plainto_tsquery(sa.literal_column("'simple'"), sa.literal_column(f"'{term}'", sa.Text))

    @classmethod
    def ts_query(cls, groups: list[list[str]]) -> sa.ColumnElement[Any]:
        """`(a || b) && c`."""
        ors = [reduce(lambda a, b: a.op("||")(b), [cls._term(t) for t in group]) for group in groups]
        return reduce(lambda a, b: a.op("&&")(b), ors)

    @classmethod
    def _anything(cls, rest_of: list[list[str]]) -> sa.ColumnElement[Any]:
        return reduce(lambda a, b: a.op("||")(b), [cls._term(t) for group in rest_of for t in group])

    @classmethod
    def query_of(cls, match: Match) -> sa.ColumnElement[Any]:
        """Every group; or, for the rest, any term of the query and not (`tsquery_not`, the `!!` operator) every
        group."""
        if match.rest_of is None:
            return cls.ts_query(match.groups)
        return cls._anything(match.rest_of).op("&&")(sa.func.tsquery_not(cls.ts_query(match.groups)))

    def _matching(self, match: Match, filters: SearchFilters, *columns: Any) -> sa.Select[Any]:
        return sa.select(*columns).where(self.tsv.op("@@")(self.query_of(match)), *_filters(filters))

    def _holding(self, terms: list[str]) -> sa.Select[Any]:
        return sa.select(d.c.doc_id).where(self.tsv.op("@@")(self.ts_query([terms])))

    def _scored(self, match: Match, filters: SearchFilters) -> sa.Select[Any]:
        # Full matches by cover density (ts_rank_cd: how close together the terms are); partial matches by
        # ts_rank of the terms they do hold, which weighs how often and how rare: cover density ranks a good
        # holding one of the terms poorly (bench/search_quality.py: NDCG@10 0.3838 with ts_rank_cd for both,
        # 0.4391 with this, 0.4360 with ts_rank for both).
        if match.rest_of is None:
            rank = sa.func.ts_rank_cd(self.tsv, self.ts_query(match.groups), LENGTH_NORMALISATION)
        else:
            rank = sa.func.ts_rank(self.tsv, self._anything(match.rest_of), LENGTH_NORMALISATION)
        return self._matching(match, filters, *_HIT_COLUMNS, rank.label("score"))
