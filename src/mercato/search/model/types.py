"""The values search passes around: a document to index, the filters and sort of a query, a page of hits and the
facet counts of the whole matching set."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class SearchSort(StrEnum):
    RELEVANCE = "relevance"  # text relevance, then the re-rank of the top candidates (model.rerank)
    SALES = "sales"  # recent sales, most first
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NEWEST = "newest"  # the product's creation time, newest first


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One product as the index sees it; `text` holds brand names, attributes and description words."""

    product_id: str
    store_id: str
    vertical_id: str
    store_kind: str
    title_en: str
    title_zh: str
    price_min: int  # fen
    updated_at: datetime
    brand_id: str | None = None
    text: str = ""
    rating: int | None = None  # stars x 100 (0..500); None until reviews exist
    sales: int = 0  # recent sales (paid units over the last 30 days when trade provides them)
    in_stock: bool = True
    active: bool = True
    created_at: datetime | None = None  # the product's creation; None: `updated_at`
    service_score: int | None = None  # the store's service score, stars x 100 (0..500); None: not rated


@dataclass(frozen=True, slots=True)
class SearchFilters:
    vertical_id: str | None = None
    store_kind: str | None = None
    brand_id: str | None = None
    store_id: str | None = None
    price_min: int | None = None  # fen, inclusive
    price_max: int | None = None  # fen, inclusive
    min_rating: int | None = None  # stars x 100
    in_stock: bool = False  # only goods in stock when True


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One product found, with the index's copy of what a result card shows and what the re-rank weighs."""

    product_id: str
    score: float  # text relevance, higher is better on both backends (0 for the other sorts)
    tier: int = 0  # 0: matched every (used) term, 1: matched only some of the query's terms
    store_id: str = ""
    store_kind: str = ""
    vertical_id: str = ""
    brand_id: str | None = None
    title_en: str = ""
    title_zh: str = ""
    price_min: int = 0
    in_stock: bool = True
    sales: int = 0
    rating: int | None = None
    service_score: int | None = None


@dataclass(frozen=True, slots=True)
class PriceBand:
    low: int  # fen, inclusive
    high: int | None  # fen, exclusive; None: no upper edge
    count: int


@dataclass(frozen=True, slots=True)
class Facets:
    """Counts over the whole matching set (the goods matching every used term, with the filters applied), or over
    its first `counted` documents when more than the cap match (`capped`: every count is then a lower bound)."""

    verticals: list[tuple[str, int]]  # by count, most first, then id
    store_kinds: list[tuple[str, int]]
    brands: list[tuple[str, int]]  # the top brands only
    price_bands: list[PriceBand]
    rating_4_up: int
    in_stock: int
    counted: int
    capped: bool


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: list[SearchHit]
    # The terms the results are for: every term of the query when some good matches them all; otherwise, for
    # relevance, those the best hit matches, and for the other sorts, those of the first relaxation with matches.
    terms: list[str]
    dropped: list[str] = field(default_factory=list)  # the query's other terms: no good matched every term
    next_cursor: str | None = None
    sort: SearchSort = SearchSort.RELEVANCE
    facets: Facets | None = None  # only when asked for
    query_terms: list[str] = field(default_factory=list)  # every term of the cleaned query
    # Relevance only: a tier had more matches than the service scores (service.CANDIDATES), so the hits are the
    # best of its first candidates in index order, and its pages end there.
    capped: bool = False

    @property
    def relaxed(self) -> bool:
        return bool(self.dropped)
