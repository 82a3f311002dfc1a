"""The storefront HTTP API under /api/v1: listings, facets, product detail, category and store listings, with
promotions and prices after them.

Anonymous reads. Pydantic bounds refuse malformed parameters (422); the domain refuses the rest with a code
(400 `cursor_invalid` / `price_range_invalid`, 404 `category_not_found` / `product_not_found` / `store_not_found`).

Reads whose cost is bounded (key lookups, listings on an index range, see catalog.browse_repo.Driver) run on the
event loop: a hop to the thread pool costs more than they do (bench/browse.py measured 1.7x the product pages
per second). A listing with a text query can scan, so it goes to the thread pool; so do `def` endpoints.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from mercato.catalog.browse import FacetCounts, ListingFilters, ProductCard
from mercato.kernel.http import ERROR_RESPONSES
from mercato.kernel.runtime import Runtime
from mercato.pricing.model.badges import Badge, UnitPrice
from mercato.pricing.service import PromotionName
from mercato.storefront import service
from mercato.storefront.model import SkuOption
from mercato.storefront.views import ListingPage, ProductPage, ProductTile
from mercato.stores.model import BrandView, StoreView

router = APIRouter(tags=["storefront"], responses=ERROR_RESPONSES)

ID_PATTERN = r"^[0-9A-Za-z]{1,32}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


class StoreBrief(BaseModel):
    id: str
    slug: str
    kind: str
    name_en: str
    name_zh: str


class BrandBrief(BaseModel):
    id: str
    slug: str
    name_en: str
    name_zh: str


class PromotionRead(BaseModel):
    """A promotion that touches the product; which numbers matter depends on `kind` (fen, percent, counts)."""

    promotion_id: str
    kind: str
    name_en: str
    name_zh: str
    amount: int
    percent: int
    price: int
    threshold: int
    every: int
    cap: int | None
    tiers: list[tuple[int, int]] = Field(description="[threshold, amount] pairs of a tiered reduction")
    nth: int
    buy: int
    get: int
    new_customers: bool
    claimable: bool


class ProductCardRead(BaseModel):
    id: str
    title_en: str
    title_zh: str
    image_url: str | None
    min_price_minor: int
    max_price_minor: int
    currency: str = "CNY"
    in_stock: bool
    sales_count: int
    store: StoreBrief | None
    brand: BrandBrief | None
    price_after_minor: int | None = Field(None, description="the lowest unit price after item promotions, if lower")
    promotion: PromotionRead | None = Field(None, description="the card's one headline promotion")


class ListingRead(BaseModel):
    items: list[ProductCardRead]
    next_cursor: str | None


class CountRead(BaseModel):
    value: str
    count: int


class PriceBandRead(BaseModel):
    min_price: int
    below_price: int | None
    count: int


class BrandCountRead(BaseModel):
    brand: BrandBrief | None
    brand_id: str
    count: int


class FacetsRead(BaseModel):
    brands: list[BrandCountRead]
    store_kinds: list[CountRead]
    in_stock: int
    price_bands: list[PriceBandRead]
    scanned: int
    exact: bool = Field(description="false when more products match than were counted: counts are lower bounds")


class SkuRead(BaseModel):
    id: str
    options: dict[str, str]
    price_minor: int
    list_price_minor: int | None
    available: int
    stock_state: str
    price_after_minor: int = Field(description="one unit's price after item promotions, as checkout quotes it")
    member_price_minor: int | None = Field(None, description="for members, when lower still")


class AxisRead(BaseModel):
    name: str
    values: list[str]


class CategoryBrief(BaseModel):
    id: str
    slug: str
    level: int
    name_en: str
    name_zh: str


class ProductRead(BaseModel):
    id: str
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    attributes: dict[str, object]
    image_urls: list[str]
    min_price_minor: int
    max_price_minor: int
    currency: str = "CNY"
    in_stock: bool
    sales_count: int
    store: StoreBrief
    brand: BrandBrief | None
    categories: list[CategoryBrief]
    option_axes: list[AxisRead]
    skus: list[SkuRead]
    promotions: list[PromotionRead]


class CategoryListingRead(BaseModel):
    category: CategoryBrief
    path: list[CategoryBrief]
    children: list[CategoryBrief]
    products: ListingRead


class StoreListingRead(BaseModel):
    store: StoreBrief
    tags: list[str]
    products: ListingRead


async def listing_filters(
    category: Annotated[str | None, Query(max_length=32, description="category id at any level")] = None,
    store_kind: Annotated[str | None, Query(pattern="^(flagship|independent)$")] = None,
    brand: Annotated[list[str] | None, Query(max_length=20, description="brand ids (repeat)")] = None,
    min_price: Annotated[int | None, Query(ge=0, le=10**12, description="fen, inclusive")] = None,
    max_price: Annotated[int | None, Query(ge=0, le=10**12, description="fen, inclusive")] = None,
    in_stock: bool = False,
    store: Annotated[str | None, Query(max_length=32, description="store id")] = None,
    q: Annotated[str | None, Query(max_length=100, description="words of the title, either language")] = None,
    sort: Annotated[str, Query(pattern="^(newest|price_asc|price_desc|sales)$")] = "newest",
    cursor: Annotated[str | None, Query(max_length=300)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 24,
) -> ListingFilters:
    """The listing's query parameters, bounded here and checked by catalog.browse."""
    return ListingFilters(category_id=category, store_kind=store_kind, brand_ids=tuple(brand or ()),
                          min_price=min_price, max_price=max_price, in_stock=in_stock, store_id=store, q=q,
                          sort=sort, cursor=cursor, limit=limit)


async def _runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime  # async: a `def` dependency would cost a thread-pool hop
    return rt


Filters = Annotated[ListingFilters, Depends(listing_filters)]
Rt = Annotated[Runtime, Depends(_runtime)]


def _store(store: StoreView) -> StoreBrief:
    return StoreBrief(id=store.id, slug=store.slug, kind=str(store.kind), name_en=store.name_en,
                      name_zh=store.name_zh)


def _brand(brand: BrandView | None) -> BrandBrief | None:
    if brand is None:
        return None
    return BrandBrief(id=brand.id, slug=brand.slug, name_en=brand.name_en, name_zh=brand.name_zh)


def _promotion(badge: Badge, name: PromotionName | None) -> PromotionRead:
    return PromotionRead(
        promotion_id=badge.promotion_id, kind=badge.kind.value, name_en=name.name_en if name else "",
        name_zh=name.name_zh if name else "", amount=badge.amount, percent=badge.percent, price=badge.price,
        threshold=badge.threshold, every=badge.every, cap=badge.cap,
        tiers=[(t.threshold, t.amount) for t in badge.tiers], nth=badge.nth, buy=badge.buy, get=badge.get,
        new_customers=badge.new_customers, claimable=badge.claimable,
    )


def _card(card: ProductCard, tile: ProductTile) -> ProductCardRead:
    return ProductCardRead(
        id=card.id, title_en=card.title_en, title_zh=card.title_zh, image_url=card.image_url,
        min_price_minor=card.min_price_minor, max_price_minor=card.max_price_minor, in_stock=card.in_stock,
        sales_count=card.sales_count, store=_store(tile.store) if tile.store else None, brand=_brand(tile.brand),
        price_after_minor=tile.price_after,
        promotion=_promotion(tile.badge, tile.badge_name) if tile.badge else None,
    )


def _listing(page: ListingPage) -> ListingRead:
    return ListingRead(items=[_card(t.card, t) for t in page.tiles], next_cursor=page.next_cursor)


def _category(c: object) -> CategoryBrief:
    return CategoryBrief.model_validate(c, from_attributes=True)


def _json(model: BaseModel) -> Response:
    """The model as JSON, skipping FastAPI's second validation of a response it was handed already built."""
    return Response(model.model_dump_json(), media_type="application/json")


@router.get("/products", response_model=ListingRead)
async def list_products(rt: Rt, filters: Filters) -> Response:
    """Active products matching every filter, one keyset page at a time (pass `next_cursor` back as `cursor`)."""
    if filters.q:
        return _json(_listing(await run_in_threadpool(service.listing, rt, filters)))
    return _json(_listing(service.listing(rt, filters)))


def _facets(counts: FacetCounts, brands: dict[str, BrandView]) -> FacetsRead:
    return FacetsRead(
        brands=[BrandCountRead(brand=_brand(brands.get(b)), brand_id=b, count=n) for b, n in counts.brands],
        store_kinds=[CountRead(value=k, count=n) for k, n in sorted(counts.store_kinds.items())],
        in_stock=counts.in_stock,
        price_bands=[PriceBandRead(min_price=lo, below_price=hi, count=n) for lo, hi, n in counts.price_bands],
        scanned=counts.scanned, exact=counts.exact,
    )


@router.get("/products/facets", response_model=FacetsRead)
def product_facets(rt: Rt, filters: Filters) -> FacetsRead:
    """Counts per brand (top 20), store kind, stock and price band for the same filters as the listing.

    The counts cover at most the first 5,000 matching products (newest first); `exact` is false beyond that and
    every count is then a lower bound. This keeps a facet request's cost flat on a million products.
    """
    view = service.facets(rt, filters)
    return _facets(view.counts, view.brands)


def _product(page: ProductPage) -> ProductRead:
    p = page.detail.product
    return ProductRead(
        id=p.id, title_en=p.title_en, title_zh=p.title_zh, description_en=p.description_en,
        description_zh=p.description_zh, attributes=dict(p.attributes), image_urls=list(p.image_urls),
        min_price_minor=p.min_price_minor, max_price_minor=p.max_price_minor, in_stock=p.in_stock,
        sales_count=p.sales_count, store=_store(page.store), brand=_brand(page.brand),
        categories=[_category(c) for c in page.detail.path],
        option_axes=[AxisRead(name=a.name, values=list(a.values)) for a in page.axes],
        skus=[_sku(s, page.promos.price_of(s.id)) for s in page.skus],
        promotions=[_promotion(b, page.promo_names.get(b.promotion_id)) for b in page.promos.badges],
    )


def _sku(s: SkuOption, after: UnitPrice | None) -> SkuRead:
    return SkuRead(id=s.id, options=dict(s.options), price_minor=s.price_minor, list_price_minor=s.list_price_minor,
                   available=s.available, stock_state=str(s.stock_state),
                   price_after_minor=after.price if after else s.price_minor,
                   member_price_minor=after.member_price if after else None)


@router.get("/products/{product_id}", response_model=ProductRead)
async def get_product(rt: Rt, product_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> Response:
    """An active product with its active SKUs, their stock, the option axes, its store and brand."""
    return _json(_product(service.product_page(rt, product_id)))


@router.get("/verticals/{slug}", response_model=CategoryListingRead)
def get_vertical(rt: Rt, slug: Annotated[str, Path(pattern=SLUG_PATTERN)], filters: Filters) -> CategoryListingRead:
    """A category (any level) by slug, its path and sub-categories, and the first page of its products."""
    page = service.vertical_page(rt, slug, filters)
    return CategoryListingRead(category=_category(page.category), path=[_category(c) for c in page.path],
                               children=[_category(c) for c in page.children], products=_listing(page.listing))


@router.get("/stores/{slug}/products", response_model=StoreListingRead)
def store_products(
    rt: Rt, slug: Annotated[str, Path(pattern=SLUG_PATTERN)],
    sort: Annotated[str, Query(pattern="^(newest|price_asc|price_desc|sales)$")] = "newest",
    cursor: Annotated[str | None, Query(max_length=300)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 24,
) -> StoreListingRead:
    """An active store's products, newest first by default."""
    page = service.store_page(rt, slug, cursor=cursor, sort=sort, limit=limit)
    return StoreListingRead(store=_store(page.store), tags=list(page.store.tags), products=_listing(page.listing))
