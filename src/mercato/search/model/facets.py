"""Facet counts over a matching set, from the few columns each matching document contributes (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from mercato.search.model.types import Facets, PriceBand

# Upper edges of the price bands in fen (the last band is open-ended): the same bands as the catalog's listings.
PRICE_BAND_EDGES = (5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000)
MAX_BRANDS = 20
FOUR_STARS = 400


@dataclass(frozen=True, slots=True)
class FacetRow:
    vertical_id: str
    store_kind: str
    brand_id: str | None
    price_min: int
    rating: int | None
    in_stock: bool


def _top(counter: Counter[str], limit: int | None = None) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def price_bands(prices: Iterable[int], edges: tuple[int, ...] = PRICE_BAND_EDGES) -> list[PriceBand]:
    """Every band with its count, empty ones included, in price order."""
    lows = (0, *edges)
    counts = [0] * len(lows)
    for price in prices:
        counts[sum(1 for edge in edges if price >= edge)] += 1
    return [PriceBand(low, edges[i] if i < len(edges) else None, counts[i]) for i, low in enumerate(lows)]


def facet_counts(rows: Iterable[FacetRow], cap: int) -> Facets:
    """Counts over at most `cap` rows: when more arrive, the first `cap` are counted and `capped` says so."""
    taken: list[FacetRow] = []
    capped = False
    for row in rows:
        if len(taken) == cap:
            capped = True
            break
        taken.append(row)
    return Facets(
        verticals=_top(Counter(r.vertical_id for r in taken)),
        store_kinds=_top(Counter(r.store_kind for r in taken)),
        brands=_top(Counter(r.brand_id for r in taken if r.brand_id is not None), MAX_BRANDS),
        price_bands=price_bands(r.price_min for r in taken),
        rating_4_up=sum(1 for r in taken if r.rating is not None and r.rating >= FOUR_STARS),
        in_stock=sum(1 for r in taken if r.in_stock),
        counted=len(taken),
        capped=capped,
    )
