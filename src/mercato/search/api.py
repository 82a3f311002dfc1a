"""The product search HTTP API: `GET /api/v1/search/products`.

Any query text is accepted (cut to 200 characters and cleaned: full-text syntax is never parsed, so it never
errors). Malformed parameters are refused by their bounds (422); well-formed but invalid ones by the domain with a
stable code (400 `search_sort_invalid`, `search_filter_invalid`, `price_range_invalid`, `cursor_invalid`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from mercato.kernel.http import ERROR_RESPONSES, runtime
from mercato.kernel.runtime import Runtime
from mercato.search.model import Facets, SearchHit
from mercato.search.model.params import page_size, search_filters, search_sort
from mercato.search.search_products import ProductSearch, find_products
from mercato.stores.model import StoreView

router = APIRouter(tags=["search"], responses=ERROR_RESPONSES)
Rt = Annotated[Runtime, Depends(runtime)]


class StoreBrief(BaseModel):
    id: str
    slug: str
    kind: str
    name_en: str
    name_zh: str


class BadgeRead(BaseModel):
    promotion_id: str
    kind: str
    name_en: str
    name_zh: str


class ProductHitRead(BaseModel):
    product_id: str
    title_en: str
    title_zh: str
    price_min: int = Field(description="fen: the lowest active SKU price")
    in_stock: bool
    vertical_id: str
    brand_id: str | None
    store: StoreBrief | None
    tier: int = Field(description="0: matched every term of the query, 1: matched only some")
    badge: BadgeRead | None = Field(description="the headline promotion, when one is open")


class CountRead(BaseModel):
    value: str
    count: int


class PriceBandRead(BaseModel):
    low: int = Field(description="fen, inclusive")
    high: int | None = Field(description="fen, exclusive; null: no upper edge")
    count: int


class FacetsRead(BaseModel):
    """Counts over the goods matching every used term with the filters applied; over the first `counted` of them
    when `capped` (every count is then a lower bound)."""

    verticals: list[CountRead]
    store_kinds: list[CountRead]
    brands: list[CountRead]
    price_bands: list[PriceBandRead]
    rating_4_up: int
    in_stock: int
    counted: int
    capped: bool


class ProductSearchRead(BaseModel):
    items: list[ProductHitRead]
    facets: FacetsRead | None
    terms: list[str] = Field(description="the query's terms the results are for (after relaxation)")
    dropped: list[str] = Field(description="terms no good matched together with the others")
    relaxed: bool
    capped: bool = Field(description="more goods matched than the 2,000 per tier that are ranked; "
                         "narrow the query or filter to reach the rest")
    sort: str
    next_cursor: str | None


def _store(store: StoreView | None) -> StoreBrief | None:
    if store is None:
        return None
    return StoreBrief(id=store.id, slug=store.slug, kind=str(store.kind), name_en=store.name_en,
                      name_zh=store.name_zh)


def _hit(hit: SearchHit, found: ProductSearch) -> ProductHitRead:
    headline = found.badges.of(hit.product_id).headline
    name = found.badges.names.get(headline.promotion_id) if headline is not None else None
    badge = BadgeRead(promotion_id=headline.promotion_id, kind=str(headline.kind), name_en=name.name_en if name
                      else "", name_zh=name.name_zh if name else "") if headline is not None else None
    return ProductHitRead(product_id=hit.product_id, title_en=hit.title_en, title_zh=hit.title_zh,
                          price_min=hit.price_min, in_stock=hit.in_stock, vertical_id=hit.vertical_id,
                          brand_id=hit.brand_id, store=_store(found.stores.get(hit.store_id)), tier=hit.tier,
                          badge=badge)


def _facets(facets: Facets | None) -> FacetsRead | None:
    if facets is None:
        return None
    return FacetsRead(
        verticals=[CountRead(value=v, count=n) for v, n in facets.verticals],
        store_kinds=[CountRead(value=v, count=n) for v, n in facets.store_kinds],
        brands=[CountRead(value=v, count=n) for v, n in facets.brands],
        price_bands=[PriceBandRead(low=b.low, high=b.high, count=b.count) for b in facets.price_bands],
        rating_4_up=facets.rating_4_up, in_stock=facets.in_stock, counted=facets.counted, capped=facets.capped)


@router.get("/search/products", response_model=ProductSearchRead)
def search_products(
    rt: Rt,
    q: Annotated[str, Query(max_length=5000, description="any text; cut to 200 characters")] = "",
    vertical: Annotated[str | None, Query(max_length=32)] = None,
    store_kind: Annotated[str | None, Query(max_length=16, description="flagship or independent")] = None,
    brand: Annotated[str | None, Query(max_length=32)] = None,
    price_min: Annotated[int | None, Query(ge=0, description="fen")] = None,
    price_max: Annotated[int | None, Query(ge=0, description="fen")] = None,
    min_rating: Annotated[int | None, Query(ge=0, le=500, description="stars x 100")] = None,
    in_stock: bool = False,
    sort: Annotated[str, Query(max_length=16, description="relevance, sales, price_asc, price_desc, newest")]
    = "relevance",
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ProductSearchRead:
    """Active products for the query: those matching every term first, then those matching some (relevance), or
    every term's matches by sales, price or newest; facets over the matching set; pass `next_cursor` back as
    `cursor` (with the same query and sort) for the next page."""
    filters = search_filters(vertical, store_kind, brand, price_min, price_max, min_rating, in_stock)
    found = find_products(rt, q, filters, sort=search_sort(sort), cursor=cursor or None, limit=page_size(limit))
    result = found.result
    return ProductSearchRead(items=[_hit(h, found) for h in result.hits], facets=_facets(result.facets),
                             terms=result.terms, dropped=result.dropped, relaxed=result.relaxed,
                             capped=result.capped, sort=result.sort.value, next_cursor=result.next_cursor)
