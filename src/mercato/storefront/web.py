"""The storefront pages: home, category, listing with filters, product with its SKU picker, store; htmx fragments.

Every page works without JavaScript; htmx only swaps in the facet counts and the chosen SKU's price and stock.
The product page and its SKU fragment are key lookups and run on the event loop (see storefront.api on why).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from mercato.catalog.browse import ListingFilters
from mercato.kernel.errors import InputInvalid
from mercato.kernel.money import Money
from mercato.kernel.runtime import Runtime
from mercato.storefront import feed_web, service
from mercato.storefront.views import ListingPage
from mercato.web import render

router = APIRouter()

SORTS = ("newest", "price_asc", "price_desc", "sales")
# Query parameters of the product page that are the listing's, not an option of the SKU picker.
RESERVED_PARAMS = frozenset({"product"})


async def _rt(request: Request) -> Runtime:
    # async on purpose: FastAPI runs a plain `def` dependency in the thread pool, one more hop per request
    rt: Runtime = request.app.state.runtime
    return rt


Rt = Annotated[Runtime, Depends(_rt)]


def _yuan(raw: str | None, name: str) -> int | None:
    """A price typed by a shopper in yuan ("59" or "59.90"), as fen."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        minor = Money.parse(text).minor
    except ValueError:
        raise InputInvalid("Enter a price such as 59 or 59.90", field=name) from None
    if minor < 0 or len(text) > 16:
        raise InputInvalid("Enter a price such as 59 or 59.90", field=name)
    return minor


def _int(raw: str | None, name: str) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 4:
        raise InputInvalid(f"{name} must be a whole number", field=name)
    return int(text)


def page_filters(request: Request) -> ListingFilters:
    """The filter form's fields (empty fields mean "any"); the domain checks them like the API's."""
    params = request.query_params

    def text(name: str) -> str | None:
        value = params.get(name, "").strip()
        return value[:300] or None

    return ListingFilters(
        category_id=text("category"), store_kind=text("store_kind"),
        brand_ids=tuple(b for b in params.getlist("brand")[:21] if b.strip()),
        min_price=_yuan(params.get("min_price"), "min_price"), max_price=_yuan(params.get("max_price"), "max_price"),
        in_stock=params.get("in_stock", "") in ("1", "on", "true"), store_id=text("store"), q=text("q"),
        sort=text("sort") or "newest", cursor=text("cursor"), limit=_int(params.get("limit"), "limit"),
    )


def _filters_or_error(request: Request) -> tuple[ListingFilters, str | None]:
    try:
        return page_filters(request), None
    except InputInvalid as exc:
        return ListingFilters(), exc.message


def _path_and_query(url: Any) -> str:
    return f"{url.path}?{url.query}" if url.query else str(url.path)


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request, rt: Rt) -> HTMLResponse:
    return render(request, "storefront/home.html", home=service.home(rt), **feed_web.home_context(request, rt))


@router.get("/products", response_class=HTMLResponse)
def products_page(request: Request, rt: Rt) -> HTMLResponse:
    filters, error = _filters_or_error(request)
    listing, status = None, 400 if error else 200
    if error is None:
        try:
            listing = service.listing(rt, filters)
        except InputInvalid as exc:
            error, status = exc.message, exc.status
    return render(request, "storefront/products.html", status_code=status, listing=listing, error=error,
                  filters=filters, sorts=SORTS, verticals=service.verticals(rt),
                  facets_query=request.url.remove_query_params("cursor").query, **_pages(request, listing))


def _next_url_of(request: Request, listing: ListingPage | None) -> str | None:
    if listing is None or listing.next_cursor is None:
        return None
    return _path_and_query(request.url.include_query_params(cursor=listing.next_cursor))


def _pages(request: Request, listing: ListingPage | None) -> dict[str, Any]:
    """The pager's links: the next page (if any) and the first page, keeping every filter."""
    return {"next_url": _next_url_of(request, listing),
            "first_url": _path_and_query(request.url.remove_query_params("cursor"))}


@router.get("/c/{category_slug}", response_class=HTMLResponse)
def category_page(request: Request, rt: Rt, category_slug: str) -> HTMLResponse:
    filters, error = _filters_or_error(request)
    page = service.vertical_page(rt, category_slug[:64], filters if error is None else ListingFilters())
    return render(request, "storefront/category.html", status_code=400 if error else 200, page=page,
                  error=error, filters=filters, sorts=SORTS, **_pages(request, page.listing))


@router.get("/fragments/facets", response_class=HTMLResponse)
def facets_fragment(request: Request, rt: Rt) -> HTMLResponse:
    facets = service.facets(rt, page_filters(request))
    return render(request, "storefront/_facets.html", facets=facets, filters=page_filters(request))


def _choice(request: Request) -> dict[str, str]:
    params = request.query_params
    return {k: v for k, v in list(params.items())[:8] if k not in RESERVED_PARAMS}


@router.get("/p/{product_id}", response_class=HTMLResponse)
async def product_page(request: Request, rt: Rt, product_id: str) -> HTMLResponse:
    page = service.product_page(rt, product_id[:32], _choice(request))
    similar = await run_in_threadpool(feed_web.similar_for, rt, page.detail.product.id)
    response = render(request, "storefront/product.html", page=page, product=page.detail.product, similar=similar)
    feed_web.record_view_after(request, rt, response, page.detail.product.id)
    return response


@router.get("/fragments/sku", response_class=HTMLResponse)
async def sku_fragment(request: Request, rt: Rt, product: Annotated[str, Query(max_length=32)]) -> HTMLResponse:
    page = service.product_page(rt, product, _choice(request))
    return render(request, "storefront/_sku.html", page=page)


@router.get("/s/{store_slug}", response_class=HTMLResponse)
def store_page(request: Request, rt: Rt, store_slug: str) -> HTMLResponse:
    params = request.query_params
    sort = params.get("sort", "newest")
    page = service.store_page(rt, store_slug[:48], cursor=params.get("cursor") or None,
                              sort=sort if sort in SORTS else "newest")
    return render(request, "storefront/store.html", page=page, sorts=SORTS, **_pages(request, page.listing))
