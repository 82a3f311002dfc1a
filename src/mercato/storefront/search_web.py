"""The product search results page `/search?q=...`: product cards in the storefront's card style, facets as links
that add or remove a filter, the sort links, the next-page link, and the "no results for X; showing results for Y"
notice when no good matches every term. Works without JavaScript, in English and Chinese.

A logged-in consumer's recent behaviour (recommend's history) lifts the verticals, brands and stores they favour,
through search's re-rank affinities.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from mercato.catalog import browse
from mercato.catalog import service as catalog
from mercato.catalog.browse import ProductCard
from mercato.catalog.model import ProductStatus
from mercato.kernel.errors import InputInvalid
from mercato.kernel.money import Money
from mercato.kernel.runtime import Runtime
from mercato.recommend import service as recommend
from mercato.search.model import SearchFilters, SearchHit, SearchSort
from mercato.search.model.params import page_size, search_filters, search_sort
from mercato.search.model.rerank import NO_AFFINITIES, Affinities
from mercato.search.search_products import ProductSearch, find_products
from mercato.storefront import service as storefront
from mercato.storefront.views import ProductTile
from mercato.stores import service as stores
from mercato.stores.model import BrandView
from mercato.web import render
from mercato.web.i18n import current_locale

router = APIRouter()

PAGE_SIZE = 20
HISTORY = 100  # the consumer's recent events that make up their affinities


async def _rt(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


Rt = Annotated[Runtime, Depends(_rt)]
Text = Annotated[str, Query(max_length=5000)]
Param = Annotated[str, Query(max_length=64)]


@dataclass(frozen=True, slots=True)
class FacetLink:
    label: str
    count: int
    url: str
    active: bool = False


def _yuan(raw: str, name: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    try:
        minor = Money.parse(text).minor
    except ValueError:
        raise InputInvalid("Enter a price such as 59 or 59.90", field=name) from None
    if minor < 0 or len(text) > 16:
        raise InputInvalid("Enter a price such as 59 or 59.90", field=name)
    return minor


def _stars(raw: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    if text not in {"1", "2", "3", "4", "5"}:
        raise InputInvalid("Pick a rating from 1 to 5 stars", field="min_rating")
    return int(text) * 100


def _weights(counter: Counter[str]) -> dict[str, float]:
    top = max(counter.values(), default=0)
    return {key: n / top for key, n in counter.items()} if top else {}


def affinities_of(rt: Runtime, user_id: str) -> Affinities:
    """Weights (0..1, the most frequent 1) of the verticals, brands and stores of the consumer's recent events."""
    with rt.uow(read_only=True) as uow:
        items = [event.item for event in recommend.history_in(uow, user_id, HISTORY)]
        products = catalog.products_by_ids_in(uow, items) if items else {}
    seen = [products[i] for i in items if i in products]
    return Affinities(verticals=_weights(Counter(p.vertical_id for p in seen)),
                      brands=_weights(Counter(p.brand_id for p in seen if p.brand_id)),
                      stores=_weights(Counter(p.store_id for p in seen)))


def _tiles(rt: Runtime, hits: list[SearchHit]) -> list[ProductTile]:
    """The hits as the storefront's cards (images, store and brand names, promotion badges), in hit order; a
    product no longer on sale is left out."""
    with rt.uow(read_only=True) as uow:
        products = catalog.products_by_ids_in(uow, [h.product_id for h in hits]) if hits else {}
        cards = [ProductCard(id=p.id, store_id=p.store_id, store_kind=p.store_kind, brand_id=p.brand_id,
                             title_en=p.title_en, title_zh=p.title_zh,
                             image_url=p.image_urls[0] if p.image_urls else None,
                             min_price_minor=p.min_price_minor, max_price_minor=p.max_price_minor,
                             in_stock=p.in_stock, sales_count=p.sales_count)
                 for h in hits if (p := products.get(h.product_id)) is not None and p.status is ProductStatus.ACTIVE]
        return storefront.tiles_in(rt, uow, cards)


def _url(request: Request, **changes: str | None) -> str:
    """This page's address with some parameters set (or removed when None), back on the first page."""
    params = {k: v for k, v in request.query_params.items() if k != "cursor"}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    query = urlencode(params)
    return f"/search?{query}" if query else "/search"


def _links(request: Request, param: str, counts: Iterable[tuple[str, int]], labels: dict[str, str]) -> list[FacetLink]:
    current = request.query_params.get(param)
    return [FacetLink(labels.get(value, value), n, _url(request, **{param: None if value == current else value}),
                      value == current) for value, n in counts]


def _facet_view(rt: Runtime, request: Request, found: ProductSearch, locale_zh: bool) -> dict[str, Any]:
    facets = found.result.facets
    if facets is None:
        return {}
    tree = browse.category_tree(rt)
    verticals = {v.id: (v.name_zh if locale_zh else v.name_en) for v in tree.verticals()}
    brands = _brand_names(rt, [b for b, _ in facets.brands], locale_zh)
    bands = [(f"{_plain_yuan(b.low)}-{_plain_yuan(b.high - 1) if b.high is not None else ''}", b)
             for b in facets.price_bands if b.count]
    current_band = f"{request.query_params.get('price_min', '')}-{request.query_params.get('price_max', '')}"
    return {
        "verticals": _links(request, "vertical", facets.verticals, verticals),
        "kinds": _links(request, "store_kind", facets.store_kinds, {}),
        "brands": _links(request, "brand", facets.brands, brands),
        "prices": [(b, FacetLink(key, b.count, _url(request, price_min=None, price_max=None) if key == current_band
                                 else _url(request, price_min=_plain_yuan(b.low),
                                           price_max=_plain_yuan(b.high - 1) if b.high is not None else None),
                                 key == current_band)) for key, b in bands],
        "rating": FacetLink("4", facets.rating_4_up, _url(request, min_rating=None if request.query_params.get(
            "min_rating") == "4" else "4"), request.query_params.get("min_rating") == "4"),
        "stock": FacetLink("1", facets.in_stock, _url(request, in_stock=None if request.query_params.get(
            "in_stock") else "1"), bool(request.query_params.get("in_stock"))),
        "capped": facets.capped, "counted": facets.counted,
    }


def _plain_yuan(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def _brand_names(rt: Runtime, ids: list[str], locale_zh: bool) -> dict[str, str]:
    if not ids:
        return {}
    with rt.uow(read_only=True) as uow:
        found: dict[str, BrandView] = stores.brands_by_ids_in(uow, ids)
    return {b.id: (b.name_zh if locale_zh else b.name_en) for b in found.values()}


def _request_filters(vertical: str, store_kind: str, brand: str, price_min: str, price_max: str, min_rating: str,
                     in_stock: str) -> SearchFilters:
    return search_filters(vertical or None, store_kind or None, brand or None, _yuan(price_min, "price_min"),
                          _yuan(price_max, "price_max"), _stars(min_rating), bool(in_stock))


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, rt: Rt, q: Text = "", vertical: Param = "", store_kind: Param = "",
                brand: Param = "", price_min: Param = "", price_max: Param = "", min_rating: Param = "",
                in_stock: Param = "", sort: Param = "", cursor: Annotated[str, Query(max_length=2000)] = ""
                ) -> HTMLResponse:
    principal = getattr(request.state, "principal", None)
    try:
        filters = _request_filters(vertical, store_kind, brand, price_min, price_max, min_rating, in_stock)
        chosen = search_sort(sort or None)
        mine = affinities_of(rt, principal.user_id) if principal is not None else NO_AFFINITIES
        found = find_products(rt, q, filters, sort=chosen, cursor=cursor or None, limit=page_size(PAGE_SIZE),
                              affinities=mine, with_badges=False)
    except InputInvalid as refused:
        return render(request, "storefront/search.html", status_code=refused.status, q=q[:200],
                      error=refused.message, result=None, tiles=[], facets={}, sort_links=[])
    result = found.result
    sort_links = [FacetLink(s.value, 0, _url(request, sort=s.value), s is chosen) for s in SearchSort]
    return render(request, "storefront/search.html", q=q[:200], error=None, result=result,
                  tiles=_tiles(rt, result.hits), facets=_facet_view(rt, request, found, current_locale.get() != "en"),
                  sort_links=sort_links,
                  next_url=_url(request, cursor=result.next_cursor) if result.next_cursor else None,
                  first_url=_url(request), on_later_page=bool(cursor))
