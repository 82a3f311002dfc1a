"""A product search request's parameters as plain values, checked: the filters, the sort and the page size. Bad
input is refused with a stable code and changes nothing; the query text itself is never refused (it is cleaned)."""

from __future__ import annotations

import re

from mercato.kernel.errors import InputInvalid
from mercato.kernel.pagination import MAX_PAGE_SIZE
from mercato.search.model.types import SearchFilters, SearchSort

STORE_KINDS = ("flagship", "independent")
MAX_PRICE = 1_000_000_000  # fen: the catalog's highest SKU price
_ID = re.compile(r"^[0-9A-Za-z_-]{1,32}$")


class SearchSortInvalid(InputInvalid):
    code = "search_sort_invalid"
    title = "Sort by relevance, sales, price_asc, price_desc or newest"


class SearchFilterInvalid(InputInvalid):
    code = "search_filter_invalid"
    title = "A search filter is not valid"


class PriceRangeInvalid(InputInvalid):
    code = "price_range_invalid"
    title = "The lowest price must be at most the highest"


def search_sort(value: str | None) -> SearchSort:
    if value is None or value == "":
        return SearchSort.RELEVANCE
    try:
        return SearchSort(value)
    except ValueError:
        raise SearchSortInvalid(field="sort", allowed=[s.value for s in SearchSort]) from None


def _id(value: str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    if not _ID.match(value):
        raise SearchFilterInvalid(f"{name} is not an id", field=name)
    return value


def _price(value: int | None, name: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_PRICE:
        raise SearchFilterInvalid(f"{name} must be 0 to {MAX_PRICE} fen", field=name)
    return value


def search_filters(vertical: str | None = None, store_kind: str | None = None, brand: str | None = None,
                   price_min: int | None = None, price_max: int | None = None, min_rating: int | None = None,
                   in_stock: bool = False, store: str | None = None) -> SearchFilters:
    """The filters, each checked; prices in fen, the rating in stars x 100 (0..500)."""
    if store_kind not in (None, "", *STORE_KINDS):
        raise SearchFilterInvalid("store_kind is flagship or independent", field="store_kind")
    low, high = _price(price_min, "price_min"), _price(price_max, "price_max")
    if low is not None and high is not None and low > high:
        raise PriceRangeInvalid(field="price_min")
    if min_rating is not None and not 0 <= min_rating <= 500:
        raise SearchFilterInvalid("min_rating is in stars x 100, 0 to 500", field="min_rating")
    return SearchFilters(vertical_id=_id(vertical, "vertical"), store_kind=store_kind or None,
                         brand_id=_id(brand, "brand"), store_id=_id(store, "store"), price_min=low, price_max=high,
                         min_rating=min_rating, in_stock=in_stock)


def page_size(limit: int | None, default: int = 20) -> int:
    if limit is None:
        return default
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise SearchFilterInvalid(f"limit must be 1 to {MAX_PAGE_SIZE}", field="limit")
    return limit
