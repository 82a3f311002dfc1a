"""Test data for the shopper side: stores, brands, categories, products, SKUs and stock inserted as rows.

The write side of catalog/stores/inventory has its own rules and tests; the browse tests only need rows that
satisfy the tables' contract, with deterministic, time-ordered ids.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mercato.accounts.tables import users
from mercato.catalog.tables import categories, products, skus
from mercato.inventory.tables import stock
from mercato.kernel.ids import encode_id
from mercato.kernel.runtime import Runtime
from mercato.stores.tables import brands, store_tags, stores

_BASE_MILLIS = 1_790_000_000_000


@dataclass(frozen=True)
class Category:
    id: str
    level: int
    slug: str
    vertical_id: str
    l2_id: str | None
    l3_id: str | None


class CatalogRows:
    """Inserts rows through the runtime's unit of work (a savepoint the test rolls back)."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.now: datetime = rt.clock.now()
        self._counter = itertools.count(1)
        self._owner: str | None = None

    def new_id(self) -> str:
        n = next(self._counter)
        return encode_id(_BASE_MILLIS + n, n)

    def _insert(self, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        with self.rt.uow() as uow:
            uow.conn.execute(sa.insert(table), rows)
            uow.commit()

    def owner(self) -> str:
        if self._owner is None:
            self._owner = self.new_id()
            self._insert(users, [{"id": self._owner, "email": f"owner{self._owner.lower()}@example.com",
                                  "display_name": "Owner", "password_hash": "x", "is_operator": False,
                                  "locale": "en", "status": "active", "created_at": self.now}])
        return self._owner

    def brand(self, name_en: str = "Acme", name_zh: str = "极致") -> str:
        brand_id = self.new_id()
        self._insert(brands, [{"id": brand_id, "slug": f"brand-{brand_id.lower()}", "name_en": name_en,
                               "name_zh": name_zh, "protected": False, "created_at": self.now}])
        return brand_id

    def store(self, kind: str = "independent", *, slug: str | None = None, name_en: str = "Corner Shop",
              name_zh: str = "街角小店", brand_id: str | None = None, status: str = "active",
              tags: tuple[str, ...] = ()) -> str:
        store_id = self.new_id()
        self._insert(stores, [{
            "id": store_id, "slug": slug or f"s-{store_id.lower()}", "kind": kind, "status": status,
            "name_en": name_en, "name_zh": name_zh, "description_en": f"{name_en} sells good things",
            "description_zh": f"{name_zh}卖好东西", "brand_id": brand_id, "owner_id": self.owner(),
            "created_at": self.now}])
        if tags:
            self._insert(store_tags, [{"store_id": store_id, "tag": tag} for tag in tags])
        return store_id

    def category(self, slug: str, parent: Category | None = None, *, name_en: str | None = None,
                 name_zh: str | None = None, active: bool = True) -> Category:
        cid = self.new_id()
        level = 1 if parent is None else parent.level + 1
        self._insert(categories, [{
            "id": cid, "parent_id": parent.id if parent else None, "level": level, "slug": slug,
            "name_en": name_en or slug.title(), "name_zh": name_zh or f"类目{slug}", "position": 0,
            "restricted": False, "active": active, "created_at": self.now}])
        if parent is None:
            return Category(cid, 1, slug, cid, None, None)
        if level == 2:
            return Category(cid, 2, slug, parent.vertical_id, cid, None)
        return Category(cid, 3, slug, parent.vertical_id, parent.l2_id, cid)

    def product(self, store_id: str, category: Category, *, title_en: str = "Thing", title_zh: str = "东西",
                price: int = 1000, max_price: int | None = None, in_stock: bool = True, sales: int = 0,
                status: str = "active", brand_id: str | None = None, store_kind: str = "independent",
                attributes: dict[str, str] | None = None, images: list[str] | None = None) -> str:
        pid = self.new_id()
        self._insert(products, [{
            "id": pid, "store_id": store_id, "store_kind": store_kind, "brand_id": brand_id,
            "category_id": category.id, "vertical_id": category.vertical_id,
            "category_l2_id": category.l2_id, "category_l3_id": category.l3_id,
            "title_en": title_en, "title_zh": title_zh, "description_en": f"About {title_en}",
            "description_zh": f"关于{title_zh}", "attributes": attributes or {},
            "image_urls": images if images is not None else [f"https://img.example.com/{pid}.jpg"],
            "status": status, "min_price_minor": price, "max_price_minor": max_price or price,
            "in_stock": in_stock, "sales_count": sales, "created_at": self.now, "updated_at": self.now}])
        return pid

    def sku(self, product_id: str, store_id: str, options: dict[str, str], *, price: int = 1000,
            list_price: int | None = None, available: int = 5, status: str = "active",
            position: int = 0) -> str:
        sku_id = self.new_id()
        self._insert(skus, [{
            "id": sku_id, "product_id": product_id, "store_id": store_id, "code": f"C-{sku_id}",
            "options": options, "price_minor": price, "list_price_minor": list_price, "status": status,
            "position": position}])
        self._insert(stock, [{"sku_id": sku_id, "product_id": product_id, "store_id": store_id,
                              "available": available, "reserved": 0, "updated_at": self.now}])
        return sku_id


@dataclass
class Market:
    rows: CatalogRows
    apparel: Category
    tops: Category
    tees: Category
    food: Category
    acme: str
    flagship: str
    corner: str
    shirt: str
    tea: str
    hidden: str
    red_m: str
    red_l: str
    blue_m: str
