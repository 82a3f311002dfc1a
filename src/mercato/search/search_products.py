"""The product search use case behind the API and the results page: the operator's synonyms, the search with its
facets, the stores and promotion badges of the hits (a fixed number of statements for any page), and the query
log for autocomplete."""

from __future__ import annotations

from dataclasses import dataclass, field

from mercato.catalog import browse
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.pricing import service as pricing
from mercato.pricing.model.badges import SkuPrice
from mercato.search.model import SearchFilters, SearchHit, SearchResult, SearchSort
from mercato.search.model.rerank import NO_AFFINITIES, Affinities
from mercato.search.service import search_in
from mercato.search.suggest import log_search
from mercato.search.synonyms import synonyms_in
from mercato.stores import service as stores
from mercato.stores.model import StoreView


@dataclass(frozen=True, slots=True)
class ProductSearch:
    result: SearchResult
    stores: dict[str, StoreView] = field(default_factory=dict)
    badges: pricing.ProductBadges = field(default_factory=pricing.ProductBadges)


def _badges_in(rt: Runtime, uow: UnitOfWork, hits: list[SearchHit]) -> pricing.ProductBadges:
    """The hits' promotion badges: one statement when no promotion is open in their stores, three otherwise."""
    if not hits:
        return pricing.ProductBadges()
    now = rt.clock.now()
    loaded = pricing.open_promotions_in(uow, {h.store_id for h in hits}, now)
    if not loaded:
        return pricing.ProductBadges()
    by_product: dict[str, list[SkuPrice]] = {h.product_id: [] for h in hits}
    for sku in browse.active_sku_prices_in(uow, list(by_product)):
        by_product[sku.product_id].append(SkuPrice(sku.sku_id, sku.store_id, sku.vertical_id, sku.price_minor))
    return pricing.badges_of(loaded, [pricing.ProductSkus(h.product_id, h.store_id, tuple(by_product[h.product_id]))
                                      for h in hits], now)


def find_products(rt: Runtime, text: object, filters: SearchFilters | None = None, *,
                  sort: SearchSort = SearchSort.RELEVANCE, cursor: str | None = None, limit: int = 20,
                  affinities: Affinities = NO_AFFINITIES, with_badges: bool = True) -> ProductSearch:
    """One page of results with facets; the first page of a query is logged for autocomplete (after the read)."""
    with rt.uow(read_only=True) as uow:
        result = search_in(uow, text, filters, limit, cursor, synonyms_in(uow), sort=sort, affinities=affinities,
                           with_facets=True)
        shops = stores.stores_by_ids_in(uow, {h.store_id for h in result.hits}) if result.hits else {}
        badges = _badges_in(rt, uow, result.hits) if with_badges else pricing.ProductBadges()
    if cursor is None and result.query_terms:
        log_search(rt, text, result.facets.counted if result.facets is not None else len(result.hits))
    return ProductSearch(result, shops, badges)
