"""The values search passes around: a document to index, the filters of a query, and a page of hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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
    rating: int | None = None  # stars x 100 (0..500)
    sales: int = 0
    in_stock: bool = True
    active: bool = True


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
    product_id: str
    score: float  # higher is more relevant on both backends


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: list[SearchHit]
    terms: list[str]  # the terms the hits matched (after relaxation)
    dropped: list[str] = field(default_factory=list)  # terms relaxed away to find anything
    next_cursor: str | None = None

    @property
    def relaxed(self) -> bool:
        return bool(self.dropped)
