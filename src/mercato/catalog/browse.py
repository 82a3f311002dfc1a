"""Read use cases for shoppers over the catalog: validated listings with keyset pages, facets, product detail.

Only active products are ever returned; a delisted, pending or unknown product is `ProductNotFound`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Lock
from time import monotonic
from weakref import WeakKeyDictionary

from mercato.catalog.browse_repo import (
    FACET_SCAN_CAP,
    BrowseRepo,
    CategoryRef,
    FacetCounts,
    Keyset,
    ListingQuery,
    ProductCard,
    ProductRow,
    SkuPrice,
    SkuRow,
    Sort,
    sort_key_of,
)
from mercato.kernel.errors import EntityNotFound, InputInvalid
from mercato.kernel.ids import is_valid_id
from mercato.kernel.pagination import CursorInvalid, Page, clamp_limit, decode_cursor, encode_cursor
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork

__all__ = [
    "FACET_SCAN_CAP", "CategoryNotFound", "CategoryRef", "FacetCounts", "ListingFilters", "ListingQuery",
    "PriceRangeInvalid", "ProductCard", "ProductDetail", "ProductNotFound", "ProductRow", "SkuPrice", "SkuRow",
    "Sort",
]

STORE_KINDS = ("flagship", "independent")
MAX_BRANDS = 20
MAX_QUERY_CHARS = 100
MAX_PRICE_MINOR = 10**12
TREE_TTL_SECONDS = 60.0
MISS_RELOAD_SECONDS = 1.0


class CategoryNotFound(EntityNotFound):
    code = "category_not_found"
    title = "No such category"


class ProductNotFound(EntityNotFound):
    code = "product_not_found"
    title = "No such product"


class PriceRangeInvalid(InputInvalid):
    code = "price_range_invalid"
    title = "The lowest price is above the highest price"


@dataclass(frozen=True, slots=True)
class ListingFilters:
    """A listing request as a shopper sent it: nothing here is trusted until `resolve_filters` checks it."""

    category_id: str | None = None
    store_kind: str | None = None
    brand_ids: tuple[str, ...] = ()
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False
    store_id: str | None = None
    q: str | None = None
    sort: str = Sort.NEWEST.value
    cursor: str | None = None
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class ProductDetail:
    product: ProductRow
    skus: list[SkuRow]
    path: list[CategoryRef] = field(default_factory=list)  # vertical first


class CategoryTree:
    """Every active category, indexed for the shopper pages (a few hundred rows: cheap to hold per process)."""

    def __init__(self, categories: list[CategoryRef],
                 attribute_names: dict[str, dict[str, tuple[str, str]]] | None = None) -> None:
        self.attribute_names = attribute_names or {}
        self.by_id = {c.id: c for c in categories}
        self.by_slug = {c.slug: c for c in categories}
        self.children: dict[str | None, list[CategoryRef]] = {}
        for category in categories:
            self.children.setdefault(category.parent_id, []).append(category)

    def verticals(self) -> list[CategoryRef]:
        return [c for c in self.children.get(None, []) if c.level == 1]

    def attribute_labels(self, path: list[CategoryRef]) -> dict[str, dict[str, str]]:
        """The names of the attributes a product on `path` carries, inherited down the path (deeper wins)."""
        labels: dict[str, dict[str, str]] = {}
        for category in path:
            for code, (name_en, name_zh) in self.attribute_names.get(category.id, {}).items():
                labels[code] = {"name_en": name_en, "name_zh": name_zh}
        return labels

    def path(self, category: CategoryRef) -> list[CategoryRef]:
        """The category and its active ancestors, vertical first."""
        path = [category]
        while path[0].parent_id is not None and path[0].parent_id in self.by_id and len(path) < 3:
            path.insert(0, self.by_id[path[0].parent_id])
        return path


class _TreeCache:
    """The category tree per runtime, reloaded after TREE_TTL_SECONDS or on a lookup of an id it lacks.

    Categories change rarely and only by operators; a rename shows within the TTL on every worker process, a
    new category at once (a miss reloads, at most once a second so bogus ids cannot turn into a query each).
    """

    def __init__(self) -> None:
        self._trees: WeakKeyDictionary[object, tuple[float, CategoryTree]] = WeakKeyDictionary()
        self._miss_reloads: WeakKeyDictionary[object, float] = WeakKeyDictionary()
        self._lock = Lock()

    def get(self, rt: Runtime) -> CategoryTree:
        with self._lock:
            cached = self._trees.get(rt.uow)
        if cached is not None and monotonic() - cached[0] < TREE_TTL_SECONDS:
            return cached[1]
        return self._load(rt)

    def reload_on_miss(self, rt: Runtime) -> CategoryTree:
        """A fresh tree, unless a miss reloaded it less than MISS_RELOAD_SECONDS ago (then the cached one)."""
        now = monotonic()
        with self._lock:
            recent = now - self._miss_reloads.get(rt.uow, float("-inf")) < MISS_RELOAD_SECONDS
            if not recent:
                self._miss_reloads[rt.uow] = now
        return self.get(rt) if recent else self._load(rt)

    def _load(self, rt: Runtime) -> CategoryTree:
        loaded_at = monotonic()
        with rt.uow(read_only=True) as uow:
            tree = category_tree_in(uow)
        with self._lock:
            self._trees[rt.uow] = (loaded_at, tree)
        return tree

    def forget(self, rt: Runtime) -> None:
        with self._lock:
            self._trees.pop(rt.uow, None)


_tree_cache = _TreeCache()


def category_tree_in(uow: UnitOfWork) -> CategoryTree:
    repo = BrowseRepo(uow.conn)
    return CategoryTree(repo.active_categories(), repo.attribute_names())


def category_tree(rt: Runtime) -> CategoryTree:
    """The cached category tree of this runtime (see `_TreeCache`)."""
    return _tree_cache.get(rt)


def forget_category_tree(rt: Runtime) -> None:
    """For the catalog write side: call after committing a category change so this process reloads at once."""
    _tree_cache.forget(rt)


def _tree_knowing(rt: Runtime, known: Callable[[CategoryTree], bool]) -> CategoryTree:
    """The cached tree, reloaded (at most once a second) when it does not know what the caller looks for."""
    tree = category_tree(rt)
    return tree if known(tree) else _tree_cache.reload_on_miss(rt)


def _id_or_invalid(value: str, name: str) -> str:
    if not is_valid_id(value):
        raise InputInvalid(f"{name} is not a valid id", field=name)
    return value


def _price(value: int | None, name: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_PRICE_MINOR:
        raise InputInvalid(f"{name} must be between 0 and {MAX_PRICE_MINOR} fen", field=name)
    return value


def _sort(value: str) -> Sort:
    try:
        return Sort(value)
    except ValueError:
        raise InputInvalid(f"sort must be one of {', '.join(s.value for s in Sort)}", field="sort") from None


def _store_kind(value: str | None) -> str | None:
    if value is not None and value not in STORE_KINDS:
        raise InputInvalid("store_kind must be flagship or independent", field="store_kind")
    return value


def _brands(values: tuple[str, ...]) -> tuple[str, ...]:
    if len(values) > MAX_BRANDS:
        raise InputInvalid(f"at most {MAX_BRANDS} brands", field="brand")
    return tuple(dict.fromkeys(_id_or_invalid(v, "brand") for v in values))


def _text(value: str | None) -> str | None:
    text = (value or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise InputInvalid(f"q is limited to {MAX_QUERY_CHARS} characters", field="q")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):  # PostgreSQL refuses NUL in text outright
        raise InputInvalid("q must not contain control characters", field="q")
    return text or None


def encode_listing_cursor(sort: Sort, after: Keyset) -> str:
    return encode_cursor([sort.value, after.key, after.id])


def decode_listing_cursor(cursor: str, sort: Sort) -> Keyset:
    """The keyset inside `cursor`; a cursor from another sort order, or a forged one, is `CursorInvalid`."""
    name, key, last_id = decode_cursor(cursor, 3)
    if name != sort.value or not isinstance(key, int) or key < 0 or not isinstance(last_id, str):
        raise CursorInvalid()
    if not is_valid_id(last_id):
        raise CursorInvalid()
    return Keyset(key, last_id)


def _category(tree: CategoryTree, category_id: str | None) -> CategoryRef | None:
    if category_id is None:
        return None
    found = tree.by_id.get(category_id)
    if found is None:
        raise CategoryNotFound(category_id=category_id)
    return found


def resolve_filters(tree: CategoryTree, filters: ListingFilters) -> ListingQuery:
    """Check every field of `filters` and resolve the category in `tree`; raises before any query runs."""
    min_price, max_price = _price(filters.min_price, "min_price"), _price(filters.max_price, "max_price")
    if min_price is not None and max_price is not None and min_price > max_price:
        raise PriceRangeInvalid(min_price=min_price, max_price=max_price)
    sort = _sort(filters.sort)
    category = _category(tree, filters.category_id)
    return ListingQuery(
        category=category, category_path=tuple(c.id for c in tree.path(category)) if category else (),
        store_kind=_store_kind(filters.store_kind), brand_ids=_brands(filters.brand_ids),
        min_price=min_price, max_price=max_price, in_stock=filters.in_stock,
        store_id=None if filters.store_id is None else _id_or_invalid(filters.store_id, "store_id"),
        q=_text(filters.q), sort=sort,
        after=None if not filters.cursor else decode_listing_cursor(filters.cursor, sort),
        limit=clamp_limit(filters.limit),
    )


def listing_in(uow: UnitOfWork, query: ListingQuery) -> Page[ProductCard]:
    """One page of active products matching `query`, with the cursor of the next page if there is one."""
    cards = BrowseRepo(uow.conn).list_cards(query)
    if len(cards) <= query.limit:
        return Page(cards, None)
    page = cards[: query.limit]
    return Page(page, encode_listing_cursor(query.sort, sort_key_of(page[-1], query.sort)))


def resolve(rt: Runtime, filters: ListingFilters) -> ListingQuery:
    """`resolve_filters` against the cached category tree."""
    wanted = filters.category_id
    return resolve_filters(_tree_knowing(rt, lambda t: wanted is None or wanted in t.by_id), filters)


def listing(rt: Runtime, filters: ListingFilters) -> Page[ProductCard]:
    query = resolve(rt, filters)
    with rt.uow(read_only=True) as uow:
        return listing_in(uow, query)


def facets_in(uow: UnitOfWork, query: ListingQuery) -> FacetCounts:
    """Counts per brand (top 20), store kind, stock and price band over at most FACET_SCAN_CAP matches."""
    return BrowseRepo(uow.conn).facet_counts(query)


def facets(rt: Runtime, filters: ListingFilters) -> FacetCounts:
    query = resolve(rt, filters)
    with rt.uow(read_only=True) as uow:
        return facets_in(uow, query)


def product_detail_in(uow: UnitOfWork, product_id: str, tree: CategoryTree) -> ProductDetail:
    """An active product with its active SKUs and category path; anything else is ProductNotFound."""
    repo = BrowseRepo(uow.conn)
    found = repo.active_product_with_skus(product_id) if is_valid_id(product_id) else None
    if found is None:
        raise ProductNotFound(product_id=product_id)
    product, product_skus = found
    path_ids = [i for i in (product.vertical_id, product.category_l2_id, product.category_l3_id) if i]
    path = [tree.by_id[i] for i in path_ids if i in tree.by_id]
    return ProductDetail(product, product_skus, path)


def product_detail(rt: Runtime, product_id: str) -> ProductDetail:
    tree = category_tree(rt)
    with rt.uow(read_only=True) as uow:
        return product_detail_in(uow, product_id, tree)


def category_by_slug(rt: Runtime, slug: str) -> tuple[CategoryTree, CategoryRef]:
    """The active category with `slug` and the tree it was found in; CategoryNotFound otherwise."""
    tree = _tree_knowing(rt, lambda t: slug in t.by_slug)
    if slug not in tree.by_slug:
        raise CategoryNotFound(slug=slug[:64])
    return tree, tree.by_slug[slug]


def active_sku_prices_in(uow: UnitOfWork, product_ids: list[str]) -> list[SkuPrice]:
    """The active SKUs of these active products, each with its store, vertical and price, in one statement."""
    return BrowseRepo(uow.conn).active_sku_prices(product_ids)


def newest_per_category_in(uow: UnitOfWork, categories: list[CategoryRef],
                           per: int) -> dict[str, list[ProductCard]]:
    """The `per` newest active products of each category (all of one level), keyed by category id."""
    if not categories:
        return {}
    return BrowseRepo(uow.conn).newest_cards_per_category([c.id for c in categories], categories[0].level, per)
