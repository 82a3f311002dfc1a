"""Shopper-side queries on the catalog tables: listings with keyset pages, bounded facets, product detail.

Listings read only the denormalised `products` columns (store kind, category path, price, stock flag), so no
join runs per row; the value types here are plain frozen dataclasses shared with `catalog.browse`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.catalog.tables import categories, category_attributes, products, skus

ACTIVE = "active"
# Facets count over at most this many matching products (newest first). Above it every count is a lower
# bound and `FacetCounts.exact` is False: one facet request then costs the same on 10k or 1M matches.
FACET_SCAN_CAP = 5000
# A probe counts at most this many index entries of a candidate driver (see `Driver`).
PROBE_CAP = 1000
# Upper edges of the price bands, in fen (the last band is open-ended).
PRICE_BAND_EDGES = (5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000)


class Sort(enum.StrEnum):
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    SALES = "sales"


@dataclass(frozen=True, slots=True)
class CategoryRef:
    id: str
    parent_id: str | None
    level: int
    slug: str
    name_en: str
    name_zh: str


@dataclass(frozen=True, slots=True)
class Keyset:
    """Where the previous page stopped: the sort key of its last product and that product's id."""

    key: int
    id: str


@dataclass(frozen=True, slots=True)
class ListingQuery:
    """A validated listing request (see `catalog.browse.listing_query` for the checks)."""

    category: CategoryRef | None = None
    store_kind: str | None = None
    brand_ids: tuple[str, ...] = ()
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False
    store_id: str | None = None
    q: str | None = None
    sort: Sort = Sort.NEWEST
    after: Keyset | None = None
    limit: int = 24
    category_path: tuple[str, ...] = ()  # the category's vertical, l2 and l3 ids down to itself


@dataclass(frozen=True, slots=True)
class ProductCard:
    id: str
    store_id: str
    store_kind: str
    brand_id: str | None
    title_en: str
    title_zh: str
    image_url: str | None
    min_price_minor: int
    max_price_minor: int
    in_stock: bool
    sales_count: int


@dataclass(frozen=True, slots=True)
class FacetCounts:
    brands: list[tuple[str, int]]  # top brands by count, then id
    store_kinds: dict[str, int]
    in_stock: int
    price_bands: list[tuple[int, int | None, int]]  # (from, below or None, count)
    scanned: int
    exact: bool  # False: more than FACET_SCAN_CAP products match and every count is a lower bound


@dataclass(frozen=True, slots=True)
class SkuRow:
    id: str
    code: str
    options: dict[str, str]
    price_minor: int
    list_price_minor: int | None
    position: int


@dataclass(frozen=True, slots=True)
class SkuPrice:
    """An active SKU's price with its product's store and vertical (what promotions are scoped by)."""

    product_id: str
    sku_id: str
    store_id: str
    vertical_id: str
    price_minor: int


@dataclass(frozen=True, slots=True)
class ProductRow:
    id: str
    store_id: str
    store_kind: str
    brand_id: str | None
    category_id: str
    vertical_id: str
    category_l2_id: str | None
    category_l3_id: str | None
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    attributes: dict[str, Any]
    image_urls: list[str]
    min_price_minor: int
    max_price_minor: int
    in_stock: bool
    sales_count: int


_CARD_COLUMNS = (
    products.c.id, products.c.store_id, products.c.store_kind, products.c.brand_id, products.c.title_en,
    products.c.title_zh, products.c.image_urls, products.c.min_price_minor, products.c.max_price_minor,
    products.c.in_stock, products.c.sales_count,
)
_SORT_KEY = {Sort.PRICE_ASC: products.c.min_price_minor, Sort.PRICE_DESC: products.c.min_price_minor,
             Sort.SALES: products.c.sales_count}
_PATH_COLUMNS = (products.c.vertical_id, products.c.category_l2_id, products.c.category_l3_id)
# A literal, not a bound parameter, so both planners see the constant and can pick status-led indexes.
_IS_ACTIVE = products.c.status == sa.literal_column(f"'{ACTIVE}'")


class Driver(enum.Enum):
    """Which index range a listing walks; every other filter is made opaque to the planner (see `_opaque`).

    ORDER walks the index of the sort order inside the category and filters as it goes: cheap when matches are
    common. The others walk a small set (the category's products in a price range, a brand's or a store kind's
    products in the category) and sort it: cheap when matches are rare. A capped count per candidate
    (`PROBE_CAP` index entries at most) decides, so no listing scans a whole vertical to fill a page.
    """

    ORDER = "order"
    PRICE = "price"
    BRAND = "brand"
    KIND = "kind"


def _opaque(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The same value, but no index applies to it: keeps both planners on the driver we chose."""
    if isinstance(column.type, sa.String):
        return column.op("||")(sa.literal_column("''"))
    return column + sa.literal_column("0")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _path_terms(query: ListingQuery) -> list[sa.ColumnElement[bool]]:
    """Equalities on the whole category path (vertical, l2, l3), matching the *_path indexes' prefix."""
    if query.category is None:
        return []
    path = query.category_path
    if len(path) != query.category.level:
        return [_PATH_COLUMNS[query.category.level - 1] == query.category.id]
    return [column == value for column, value in zip(_PATH_COLUMNS, path, strict=False)]


def _category_term(query: ListingQuery, driver: Driver) -> list[sa.ColumnElement[bool]]:
    if query.category is None:
        return []
    if driver in (Driver.BRAND, Driver.KIND):
        return _path_terms(query)
    return [_PATH_COLUMNS[query.category.level - 1] == query.category.id]


def _price_terms(query: ListingQuery, indexable: bool) -> list[sa.ColumnElement[bool]]:
    price = products.c.min_price_minor if indexable else _opaque(products.c.min_price_minor)
    terms = []
    if query.min_price is not None:
        terms.append(price >= query.min_price)
    if query.max_price is not None:
        terms.append(price <= query.max_price)
    return terms


def _filters(query: ListingQuery, driver: Driver = Driver.ORDER, *,
             hide: bool = True) -> list[sa.ColumnElement[bool]]:
    """Every WHERE term of a listing except the keyset; with `hide`, indexable only where `driver` says."""
    terms: list[sa.ColumnElement[bool]] = [_IS_ACTIVE, *_category_term(query, driver)]
    if query.store_kind is not None:
        kind = products.c.store_kind if driver is Driver.KIND or not hide else _opaque(products.c.store_kind)
        terms.append(kind == query.store_kind)
    if query.brand_ids:
        brand = products.c.brand_id if driver is Driver.BRAND or not hide else _opaque(products.c.brand_id)
        terms.append(brand.in_(query.brand_ids))
    price_indexable = not hide or driver is Driver.PRICE or (
        driver is Driver.ORDER and query.sort in (Sort.PRICE_ASC, Sort.PRICE_DESC))
    terms += _price_terms(query, price_indexable)
    if query.in_stock:
        terms.append(products.c.in_stock.is_(True))
    if query.store_id is not None:
        terms.append(products.c.store_id == query.store_id)
    if query.q:
        pattern = f"%{_escape_like(query.q)}%"
        terms.append(sa.or_(products.c.title_en.ilike(pattern, escape="\\"),
                            products.c.title_zh.like(pattern, escape="\\")))
    return terms


def _sort_columns(sort: Sort, driver: Driver) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[Any]]:
    """(sort key, id), opaque unless the ORDER driver walks the sort index itself."""
    key = products.c.id if sort is Sort.NEWEST else _SORT_KEY[sort]
    if driver is Driver.ORDER:
        return key, products.c.id
    return _opaque(key), _opaque(products.c.id)


def _keyset_term(sort: Sort, after: Keyset, driver: Driver) -> sa.ColumnElement[bool]:
    key, ident = _sort_columns(sort, driver)
    if sort is Sort.NEWEST:
        return ident < after.id
    pair = sa.tuple_(key, ident)
    bound = sa.tuple_(sa.literal(after.key), sa.literal(after.id))
    return pair > bound if sort is Sort.PRICE_ASC else pair < bound


def _order_by(sort: Sort, driver: Driver, category: CategoryRef | None = None) -> list[sa.UnaryExpression[Any]]:
    key, ident = _sort_columns(sort, driver)
    columns = [ident] if sort is Sort.NEWEST else [key, ident]
    if driver is Driver.ORDER and category is not None:
        # Constant under the category filter, so the order is unchanged; but now only the category's own
        # index yields it, and PostgreSQL stops walking the primary key and filtering out other categories.
        columns.insert(0, _PATH_COLUMNS[category.level - 1])
    return [c.asc() if sort is Sort.PRICE_ASC else c.desc() for c in columns]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A small set a listing could walk instead of the sort order: its indexable terms and its index's order.

    Probes order by the index's own columns: that keeps both planners on an index-only scan (PostgreSQL would
    otherwise guess that a sequential scan finds PROBE_CAP rows sooner, and pay for the guess on rare matches).
    """

    driver: Driver
    terms: list[sa.ColumnElement[bool]]
    order: tuple[sa.ColumnElement[Any], ...]


_PATH_ORDER = (products.c.status, *_PATH_COLUMNS, products.c.min_price_minor)


def _candidates(query: ListingQuery, *, hide: bool = True) -> list[Candidate]:
    """The candidates for `query`. The *_path indexes end with the price, so a brand's or kind's probe counts
    its price range in the index too; on SQLite that term is hidden so the planner keeps the path index."""
    found: list[Candidate] = []
    price = _price_terms(query, not hide)
    if query.brand_ids:
        found.append(Candidate(Driver.BRAND, [products.c.brand_id.in_(query.brand_ids), _IS_ACTIVE,
                                              *_path_terms(query), *price], (products.c.brand_id, *_PATH_ORDER)))
    if query.store_kind is not None and query.store_id is None:
        found.append(Candidate(Driver.KIND, [products.c.store_kind == query.store_kind, _IS_ACTIVE,
                                             *_path_terms(query), *price], (products.c.store_kind, *_PATH_ORDER)))
    if price and query.sort in (Sort.NEWEST, Sort.SALES):
        level = [_PATH_COLUMNS[query.category.level - 1]] if query.category else []
        found.append(Candidate(Driver.PRICE, [_IS_ACTIVE, *_category_term(query, Driver.PRICE),
                                              *_price_terms(query, True)],
                               (products.c.status, *level, products.c.min_price_minor)))
    return found


def sort_key_of(card: ProductCard, sort: Sort) -> Keyset:
    """The keyset that resumes a listing after `card`."""
    if sort is Sort.NEWEST:
        return Keyset(0, card.id)
    key = card.sales_count if sort is Sort.SALES else card.min_price_minor
    return Keyset(key, card.id)


def _card(row: Any) -> ProductCard:
    images = row.image_urls or []
    return ProductCard(
        id=row.id, store_id=row.store_id, store_kind=row.store_kind, brand_id=row.brand_id,
        title_en=row.title_en, title_zh=row.title_zh, image_url=images[0] if images else None,
        min_price_minor=int(row.min_price_minor), max_price_minor=int(row.max_price_minor),
        in_stock=bool(row.in_stock), sales_count=int(row.sales_count),
    )


def _band_case() -> sa.Case[Any]:
    whens = [(products.c.min_price_minor < edge, i) for i, edge in enumerate(PRICE_BAND_EDGES)]
    return sa.case(*whens, else_=len(PRICE_BAND_EDGES))


def _bands(counts: dict[int, int]) -> list[tuple[int, int | None, int]]:
    lows = (0, *PRICE_BAND_EDGES)
    highs: tuple[int | None, ...] = (*PRICE_BAND_EDGES, None)
    return [(lows[i], highs[i], counts.get(i, 0)) for i in range(len(lows))]


def listing_statement(query: ListingQuery, driver: Driver = Driver.ORDER, *, hide: bool = True) -> sa.Select[Any]:
    """The listing's SELECT for `driver` (public so bench/browse.py can EXPLAIN exactly what runs).

    `hide` makes the filters the driver does not walk opaque. SQLite plans without statistics and needs that to
    stay on the chosen index; PostgreSQL plans from statistics, and hidden terms would only skew its estimates
    (it then prefers a sequential scan), so there only the ORDER BY is hidden, which rules out walking a sort
    index when a small set was chosen.
    """
    terms = _filters(query, driver, hide=hide)
    if query.after is not None:
        terms.append(_keyset_term(query.sort, query.after, driver))
    return (sa.select(*_CARD_COLUMNS).where(*terms).order_by(*_order_by(query.sort, driver, query.category))
            .limit(query.limit + 1))


def probe_statement(candidates: list[Candidate]) -> sa.Select[Any]:
    """One round trip counting, for each candidate, its matches up to PROBE_CAP (index entries only)."""
    counts = [sa.select(sa.func.count()).select_from(
        sa.select(sa.literal_column("1")).select_from(products).where(*c.terms).order_by(*c.order)
        .limit(PROBE_CAP).subquery()).scalar_subquery() for c in candidates]
    return sa.select(*counts)


class BrowseRepo:
    """Read-only queries for shoppers; every product query is limited to active products."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def list_cards(self, query: ListingQuery) -> list[ProductCard]:
        """Up to `limit + 1` cards (the extra one tells the caller a next page exists)."""
        stmt = listing_statement(query, self.choose_driver(query), hide=self._hide)
        return [_card(row) for row in self.conn.execute(stmt)]

    @property
    def _hide(self) -> bool:
        return self.conn.dialect.name == "sqlite"

    def choose_driver(self, query: ListingQuery) -> Driver:
        """The candidate with the fewest matches under PROBE_CAP, else walking the sort order."""
        candidates = _candidates(query, hide=self._hide)
        if not candidates:
            return Driver.ORDER
        counts = self.conn.execute(probe_statement(candidates)).one()
        best, count = min(zip((c.driver for c in candidates), counts, strict=True), key=lambda pair: pair[1])
        return best if count < PROBE_CAP else Driver.ORDER

    def newest_cards_per_category(self, category_ids: Sequence[str], level: int,
                                  per: int) -> dict[str, list[ProductCard]]:
        """The `per` newest active products of each category, in one statement (one index range each)."""
        column = _PATH_COLUMNS[level - 1]
        parts = [sa.select(column.label("group_id"), *_CARD_COLUMNS).where(_IS_ACTIVE, column == cid)
                 .order_by(products.c.id.desc()).limit(per).subquery() for cid in category_ids]
        grouped: dict[str, list[ProductCard]] = {cid: [] for cid in category_ids}
        if not parts:
            return grouped
        for row in self.conn.execute(sa.union_all(*(sa.select(*part.c) for part in parts))):
            grouped[row.group_id].append(_card(row))
        return grouped

    def facet_counts(self, query: ListingQuery) -> FacetCounts:
        newest = replace(query, sort=Sort.NEWEST, after=None)
        driver = self.choose_driver(newest)
        matching = (sa.select(products.c.brand_id, products.c.store_kind, products.c.in_stock,
                              _band_case().label("band"))
                    .where(*_filters(newest, driver, hide=self._hide))
                    .order_by(*_order_by(Sort.NEWEST, driver, newest.category))
                    .limit(FACET_SCAN_CAP).cte("m"))
        rows = self.conn.execute(self._facet_union(matching)).all()
        return self._collect_facets(rows)

    @staticmethod
    def _facet_union(m: sa.CTE) -> sa.CompoundSelect[Any]:
        def group(name: str, column: sa.ColumnElement[Any]) -> Any:
            value = sa.cast(column, sa.String).label("value")
            return sa.select(sa.literal(name).label("facet"), value, sa.func.count().label("n")).group_by(column)

        return sa.union_all(
            group("brand", m.c.brand_id).where(m.c.brand_id.is_not(None)),
            group("kind", m.c.store_kind),
            group("band", m.c.band),
            sa.select(sa.literal("stock"), sa.literal("1"), sa.func.count()).where(m.c.in_stock.is_(True)),
            sa.select(sa.literal("all"), sa.literal(""), sa.func.count()).select_from(m),
        )

    @staticmethod
    def _collect_facets(rows: Sequence[Any]) -> FacetCounts:
        by_facet: dict[str, list[tuple[str, int]]] = {}
        for facet, value, n in rows:
            by_facet.setdefault(facet, []).append((value, int(n)))
        brands = sorted(by_facet.get("brand", []), key=lambda pair: (-pair[1], pair[0]))[:20]
        scanned = by_facet["all"][0][1]
        bands = {int(value): n for value, n in by_facet.get("band", [])}
        return FacetCounts(
            brands=brands, store_kinds=dict(by_facet.get("kind", [])),
            in_stock=by_facet["stock"][0][1], price_bands=_bands(bands),
            scanned=scanned, exact=scanned < FACET_SCAN_CAP,
        )

    def active_categories(self) -> list[CategoryRef]:
        """Every active category, ordered by level, position and slug (small: a few hundred rows)."""
        stmt = self._category_select().order_by(categories.c.level, categories.c.position, categories.c.slug)
        return [CategoryRef(*row) for row in self.conn.execute(stmt)]

    def attribute_names(self) -> dict[str, dict[str, tuple[str, str]]]:
        """Per category id, its own attributes' names: {code: (name_en, name_zh)}."""
        names: dict[str, dict[str, tuple[str, str]]] = {}
        stmt = sa.select(category_attributes.c.category_id, category_attributes.c.code,
                         category_attributes.c.name_en, category_attributes.c.name_zh)
        for category_id, code, name_en, name_zh in self.conn.execute(stmt):
            names.setdefault(category_id, {})[code] = (name_en, name_zh)
        return names

    @staticmethod
    def _category_select() -> sa.Select[Any]:
        return sa.select(categories.c.id, categories.c.parent_id, categories.c.level, categories.c.slug,
                         categories.c.name_en, categories.c.name_zh).where(categories.c.active.is_(True))

    def active_product_with_skus(self, product_id: str) -> tuple[ProductRow, list[SkuRow]] | None:
        """An active product and its active SKUs in position order, in one round trip (a left join)."""
        rows = self.conn.execute(_PRODUCT_WITH_SKUS, {"product_id": product_id}).all()
        if not rows:
            return None
        values = {name: getattr(rows[0], name) for name in ProductRow.__slots__}
        for name in ("min_price_minor", "max_price_minor", "sales_count"):
            values[name] = int(values[name])
        values["in_stock"] = bool(values["in_stock"])
        return ProductRow(**values), [_sku(r) for r in rows if r.sku_id is not None]

    def active_sku_prices(self, product_ids: Sequence[str]) -> list[SkuPrice]:
        """The active SKUs of these active products with their vertical, in one statement (for listing badges)."""
        if not product_ids:
            return []
        query = (sa.select(skus.c.product_id, skus.c.id, skus.c.store_id, products.c.vertical_id, skus.c.price_minor)
                 .join(products, products.c.id == skus.c.product_id)
                 .where(skus.c.product_id.in_(sorted(set(product_ids))), _IS_ACTIVE,
                        skus.c.status == sa.literal_column(f"'{ACTIVE}'"))
                 .order_by(skus.c.product_id, skus.c.position, skus.c.id))
        return [SkuPrice(r.product_id, r.id, r.store_id, r.vertical_id, int(r.price_minor))
                for r in self.conn.execute(query)]


def _sku(r: Any) -> SkuRow:
    return SkuRow(r.sku_id, r.sku_code, dict(r.sku_options or {}), int(r.sku_price_minor),
                  None if r.sku_list_price_minor is None else int(r.sku_list_price_minor), int(r.sku_position))


# Built once: the product page runs this on every view, and building a statement costs more than running it.
_SKU_COLUMNS = [skus.c[name].label(f"sku_{name}") for name in
                ("id", "code", "options", "price_minor", "list_price_minor", "position")]
_PRODUCT_WITH_SKUS = (
    sa.select(*(products.c[name] for name in ProductRow.__slots__), *_SKU_COLUMNS)
    .select_from(products.outerjoin(skus, sa.and_(skus.c.product_id == products.c.id,
                                                  skus.c.status == sa.literal_column(f"'{ACTIVE}'"))))
    .where(products.c.id == sa.bindparam("product_id"), _IS_ACTIVE)
    .order_by(skus.c.position, skus.c.id)
)
